"""One exception family for bad input.

Every problem names the file, the field path (or row) inside it, and what is wrong, and is
printed by the command line as ``FILE: FIELD_PATH: message``. The CLI turns
:class:`InputError` into exit code 2 without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputError", "Problem", "UsageError"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input.

    Parameters
    ----------
    file
        The file (or directory) the problem is in, as the user named it.
    field
        Where in the file: a field path such as ``access_points[chs-ap-101].radios[0].channel``
        or a row such as ``row 17``. ``-`` where the whole file is meant.
    message
        What is wrong, in words a user can act on.
    severity
        ``"error"`` or ``"warning"``. Warnings are printed but do not fail a check.
    """

    file: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}: {self.field}: {prefix}{self.message}"


class InputError(ValueError):
    """Bad input, carrying one or more :class:`Problem` records.

    Parameters
    ----------
    problems
        The problems found; at least one.
    """

    def __init__(self, problems: Problem | Sequence[Problem]) -> None:
        items = [problems] if isinstance(problems, Problem) else list(problems)
        if not items:
            raise ValueError("InputError needs at least one problem")
        self.problems: list[Problem] = items
        super().__init__("\n".join(str(p) for p in items))

    @classmethod
    def at(cls, file: str | Path, field: str, message: str) -> InputError:
        """Build an error holding a single problem."""
        return cls(Problem(str(file), field, message))

    @classmethod
    def collect(cls, problems: Iterable[Problem]) -> InputError | None:
        """Return an error for the error-severity problems, or ``None`` if there are none."""
        errors = [p for p in problems if p.severity == "error"]
        return cls(errors) if errors else None


class UsageError(InputError):
    """The command was called with options that cannot work together."""
