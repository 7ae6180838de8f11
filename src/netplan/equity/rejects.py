"""Rows that could not be used, each with the file, row, field and reason.

Nothing is dropped silently: every row the analysis leaves out is recorded here and counted in
the summary. The public view (:meth:`Rejects.public`) carries no student ids and no values
from the roster; the restricted view adds them for the staff who fix the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["PUBLIC_REJECT_COLUMNS", "Rejects"]

#: Columns of the public rejects file. Row numbers count the header as row 1, as a
#: spreadsheet shows them.
PUBLIC_REJECT_COLUMNS = ("file", "row", "field", "reason", "detail", "action")
_ALL_COLUMNS = (*PUBLIC_REJECT_COLUMNS, "student_id", "value")


class Rejects:
    """Collects rejected rows (``action="rejected"``) and ignored fields (``"ignored"``)."""

    def __init__(self) -> None:
        self._frames: list[pd.DataFrame] = []

    def add(
        self,
        file: str,
        rows: npt.ArrayLike,
        field: str,
        reason: str | Sequence[str] | npt.NDArray[np.object_],
        *,
        action: str = "rejected",
        detail: str | Sequence[str] | npt.NDArray[np.object_] = "",
        student_ids: npt.ArrayLike | None = None,
        values: npt.ArrayLike | None = None,
    ) -> None:
        """Record problems for many rows at once.

        Parameters
        ----------
        file
            The input file as the user named it.
        rows
            Row numbers (header = row 1).
        field
            The column concerned.
        reason
            One reason for all rows, or one per row. Roster reasons never quote values.
        action
            ``"rejected"`` (row left out) or ``"ignored"`` (field ignored, row kept).
        detail
            Row-specific detail that is safe to publish (other row numbers, distances).
        student_ids, values
            Restricted detail: the row's student id and the offending value.
        """
        row_arr = np.asarray(rows, dtype=np.int64).reshape(-1)
        n = row_arr.size
        if n == 0:
            return
        frame = pd.DataFrame(
            {
                "file": np.full(n, file, dtype=object),
                "row": row_arr,
                "field": np.full(n, field, dtype=object),
                "reason": np.full(n, reason, dtype=object)
                if isinstance(reason, str)
                else np.asarray(reason, dtype=object),
                "detail": np.full(n, detail, dtype=object)
                if isinstance(detail, str)
                else np.asarray(detail, dtype=object),
                "action": np.full(n, action, dtype=object),
                "student_id": np.full(n, "", dtype=object)
                if student_ids is None
                else np.asarray(student_ids, dtype=object),
                "value": np.full(n, "", dtype=object)
                if values is None
                else np.asarray(values, dtype=object).astype(str),
            }
        )
        self._frames.append(frame)

    def frame(self) -> pd.DataFrame:
        """All records, restricted columns included, ordered by file and row."""
        if not self._frames:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in _ALL_COLUMNS}).astype(
                {"row": np.int64}
            )
        df = pd.concat(self._frames, ignore_index=True)
        return df.sort_values(["file", "row", "field"], kind="stable").reset_index(drop=True)

    def public(self) -> pd.DataFrame:
        """Records without student ids or values."""
        return self.frame().loc[:, list(PUBLIC_REJECT_COLUMNS)]

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts by action, then by ``file: reason``."""
        df = self.frame()
        out: dict[str, dict[str, int]] = {}
        for action, sub in df.groupby("action", sort=True):
            key = sub["file"].astype(str) + ": " + sub["reason"].astype(str)
            out[str(action)] = {str(k): int(v) for k, v in key.value_counts().sort_index().items()}
        return out

    def n(self, action: str = "rejected", file: str | None = None) -> int:
        """Number of records with ``action`` (optionally for one file)."""
        df = self.frame()
        mask = df["action"] == action
        if file is not None:
            mask &= df["file"] == file
        return int(mask.sum())
