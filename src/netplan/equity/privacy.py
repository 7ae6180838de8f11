"""Privacy for published outputs: aggregation and small-cell suppression.

Published tables are counts by area (H3 cell or block group) or by school, with the district
totals published beside them. Any count from 1 to ``min_cell - 1`` is suppressed
(docs/references.md, "Student privacy": n < 10), and then *complementary* cells are
suppressed so that no hidden value can be worked out from the row totals (area or school)
and column totals (district).

For a two-way table whose row and column sums are known, a hidden cell is determined exactly
when it is a bridge of the bipartite graph "row - column" formed by the hidden cells (cells
on a cycle can be shifted +1/-1 around it without changing any sum). The routine below first
removes rows and columns holding a single hidden cell, then breaks every remaining bridge by
hiding a rectangle through it, and repeats until no hidden cell is determined.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["determined_cells", "suppress_table", "suppressed_frame"]


def _pick(values: npt.NDArray[np.int64], free: npt.NDArray[np.bool_]) -> int:
    """Index of the smallest positive free value, -1 if there is none."""
    idx = np.flatnonzero(free & (values > 0))
    if idx.size == 0:
        return -1
    return int(idx[np.argmin(values[idx])])


def _graph(mask: npt.NDArray[np.bool_]) -> nx.Graph:
    """Bipartite graph of hidden cells.

    Rows with the same pattern of hidden columns are interchangeable: two of them already close
    a cycle through every edge they share, so a third adds no cycle. Keeping at most two rows
    per pattern leaves every bridge as it is and keeps the graph small.
    """
    g = nx.Graph()
    weights = 1 << np.arange(mask.shape[1], dtype=np.int64)
    pattern = mask.astype(np.int64) @ weights
    hidden_rows = np.flatnonzero(pattern > 0)
    order = np.argsort(pattern[hidden_rows], kind="stable")
    rows_sorted = hidden_rows[order]
    pats = pattern[rows_sorted]
    start = np.r_[True, pats[1:] != pats[:-1]]
    rank = np.arange(pats.size) - np.maximum.accumulate(np.where(start, np.arange(pats.size), 0))
    keep = rows_sorted[rank < 2]
    for i in keep.tolist():
        for j in np.flatnonzero(mask[i]).tolist():
            g.add_edge(("r", i), ("c", j))
    return g


def determined_cells(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Hidden cells that the row and column sums determine exactly (graph bridges)."""
    g = _graph(mask)
    out = []
    for a, b in nx.bridges(g):
        r, c = (a, b) if a[0] == "r" else (b, a)
        out.append((int(r[1]), int(c[1])))
    return sorted(out)


def _rectangle(
    a: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_], i: int, j: int
) -> tuple[int, int] | None:
    """Row ``i2`` and column ``j2`` closing a cycle of positive values through (i, j), adding
    as little as possible to what is hidden (None if there is none)."""
    cols = [c for c in np.argsort(a[i], kind="stable").tolist() if c != j and a[i, c] > 0]
    rows = [r for r in np.argsort(a[:, j], kind="stable").tolist() if r != i and a[r, j] > 0]
    best: tuple[int, int, int] | None = None
    for c in cols:
        for r in rows[:200]:
            if a[r, c] <= 0:
                continue
            added = sum(int(a[p, q]) for p, q in ((i, c), (r, j), (r, c)) if not mask[p, q])
            if best is None or added < best[0]:
                best = (added, r, c)
    return None if best is None else (best[1], best[2])


def suppress_table(counts: npt.ArrayLike, min_cell: int) -> npt.NDArray[np.bool_]:
    """Which entries of a count table to hide.

    Parameters
    ----------
    counts
        (rows, columns) non-negative counts. Row totals are appended as the last column and
        treated as published; column totals (and the grand total) are published elsewhere.
    min_cell
        Counts from 1 to ``min_cell - 1`` are hidden; a row whose total is below
        ``min_cell`` is hidden entirely.

    Returns
    -------
    numpy.ndarray
        Boolean mask of shape (rows, columns + 1); the last column is the row total.

    Notes
    -----
    Only hidden *positive* values take part in the cycles that protect a cell: a hidden zero
    cannot go lower, so a cycle through it may not move. Every hidden positive value is put on
    a cycle of hidden positive values (then it can move by one either way) unless no positive
    value is left to pair it with, which only happens when the district totals themselves give
    it away (a category with students in a single area).
    """
    cells = np.asarray(counts, dtype=np.int64)
    if cells.ndim != 2:
        raise ValueError("counts must be a 2-D table")
    if (cells < 0).any():
        raise ValueError("counts must be non-negative")
    a = np.column_stack([cells, cells.sum(axis=1)])
    n_rows = a.shape[0]
    mask = (a > 0) & (a < min_cell)
    mask[:, -1] = False
    small_rows = (a[:, -1] > 0) & (a[:, -1] < min_cell)
    mask[small_rows, :] = True
    if n_rows == 0 or not mask.any():
        return mask
    positive = a > 0
    while True:
        changed = False
        hid = mask & positive
        # A row with one hidden positive value: its published total gives it away.
        for row in np.flatnonzero(hid.sum(axis=1) == 1).tolist():
            free = ~mask[row]
            only_cells = free.copy()
            only_cells[-1] = False
            col = _pick(a[row], only_cells)
            if col < 0:
                col = _pick(a[row], free)
            if col >= 0:
                mask[row, col] = True
                changed = True
        # A column with one hidden positive value: the district total gives it away.
        hid = mask & positive
        for col in np.flatnonzero(hid.sum(axis=0) == 1).tolist():
            row = _pick(a[:, col], ~mask[:, col])
            if row >= 0:
                mask[row, col] = True
                changed = True
        if changed:
            continue
        # Hidden positive values on no cycle of hidden positive values: hide a rectangle.
        for i, j in determined_cells(mask & positive) if n_rows > 1 else []:
            corner = _rectangle(a, mask, i, j)
            if corner is None:
                continue
            i2, j2 = corner
            before = int(mask.sum())
            mask[i, j2] = mask[i2, j] = mask[i2, j2] = True
            changed = changed or int(mask.sum()) > before
        if not changed:
            return mask


def suppressed_frame(
    table: pd.DataFrame,
    categories: Sequence[str],
    *,
    min_cell: int,
    total: str = "students",
) -> pd.DataFrame:
    """Apply :func:`suppress_table` to ``table[categories]`` and its row total.

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``total`` added (if absent), hidden values as ``<NA>`` (nullable
        integers) and a boolean ``suppressed`` column marking rows with any hidden value.
    """
    out = table.copy()
    counts = out.loc[:, list(categories)].to_numpy(dtype=np.int64)
    out[total] = counts.sum(axis=1)
    mask = suppress_table(counts, min_cell)
    cols = [*categories, total]
    for k, col in enumerate(cols):
        series = pd.array(out[col].to_numpy(dtype=np.int64), dtype="Int64")
        series[mask[:, k]] = pd.NA
        out[col] = series
    out["suppressed"] = pd.Series(mask.any(axis=1), index=out.index)
    return out
