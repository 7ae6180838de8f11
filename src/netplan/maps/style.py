"""How a map layer is coloured: one colour, colours by category, or colours by value class.

A style turns a layer's attribute table into one fill colour per feature and into legend
entries. The interactive map and the printable map both use it, so the two always agree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import pandas as pd

__all__ = [
    "Binned",
    "Categorical",
    "LegendEntry",
    "Single",
    "Style",
    "format_count",
]

Shape = Literal["box", "line", "circle", "hatch"]


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend.

    Parameters
    ----------
    label
        Text beside the swatch.
    fill
        Fill colour (``None`` for an outline-only swatch).
    stroke
        Outline colour.
    shape
        ``"box"`` (area), ``"line"`` (boundary), ``"circle"`` (point) or ``"hatch"``
        (hatched area).
    """

    label: str
    fill: str | None
    stroke: str | None = None
    shape: Shape = "box"


class Style(Protocol):
    """Colours features and describes them in a legend."""

    def colours(self, frame: pd.DataFrame) -> list[str | None]:
        """One fill colour per row (``None`` for no fill)."""
        ...

    def legend(self) -> list[LegendEntry]:
        """Legend rows."""
        ...


@dataclass(frozen=True)
class Single:
    """Every feature the same.

    Parameters
    ----------
    fill
        Fill colour, or ``None`` for outlines only.
    label
        Legend label.
    stroke
        Outline colour for the legend swatch.
    shape
        Legend swatch shape.
    """

    fill: str | None
    label: str
    stroke: str | None = None
    shape: Shape = "box"

    def colours(self, frame: pd.DataFrame) -> list[str | None]:
        """The one colour, for every row."""
        return [self.fill] * len(frame)

    def legend(self) -> list[LegendEntry]:
        """One legend row."""
        return [LegendEntry(self.label, self.fill, self.stroke, self.shape)]


@dataclass(frozen=True)
class Categorical:
    """Colour by the value of a text column.

    Parameters
    ----------
    column
        Column holding the category.
    colours_by_value
        Category -> colour, in legend order.
    labels
        Optional category -> legend label (default: the category itself).
    other
        Colour of rows whose category is missing or not listed.
    other_label
        Legend label for ``other``; no legend row when ``None``.
    """

    column: str
    colours_by_value: Mapping[str, str]
    labels: Mapping[str, str] = field(default_factory=dict)
    other: str = "#bdbdbd"
    other_label: str | None = None

    def colours(self, frame: pd.DataFrame) -> list[str | None]:
        """Colour of each row's category."""
        values = frame[self.column].astype("string").fillna("")
        mapped = values.map(dict(self.colours_by_value)).fillna(self.other)
        return [str(c) for c in mapped]

    def legend(self) -> list[LegendEntry]:
        """One row per category (and one for ``other`` when labelled)."""
        rows = [
            LegendEntry(self.labels.get(k, k), colour)
            for k, colour in self.colours_by_value.items()
        ]
        if self.other_label is not None:
            rows.append(LegendEntry(self.other_label, self.other))
        return rows


@dataclass(frozen=True)
class Binned:
    """Colour by value class of a numeric column.

    Class ``i`` holds values ``edges[i] <= v < edges[i+1]``; the last class is closed above
    and values beyond either end go to the nearest class. Missing values (suppressed counts)
    get their own colour and legend row, so a suppressed cell is never shown as zero.

    Parameters
    ----------
    column
        Numeric column.
    edges
        Increasing class boundaries, one more than ``palette``.
    palette
        One colour per class, low to high.
    missing
        Colour of missing values.
    missing_label
        Legend label of missing values.
    unit
        Unit or noun after the numbers in legend labels (``"households"``).
    integer
        Label classes as integer ranges (``10-19``) rather than ``10 to < 20``.
    labels
        Legend labels of the classes, overriding the generated ones.
    """

    column: str
    edges: Sequence[float]
    palette: Sequence[str]
    missing: str = "#d9d9d9"
    missing_label: str = "suppressed"
    unit: str = ""
    integer: bool = True
    labels: Sequence[str] | None = None

    def __post_init__(self) -> None:
        if len(self.edges) != len(self.palette) + 1:
            raise ValueError("Binned needs exactly one more edge than palette colours")
        if self.labels is not None and len(self.labels) != len(self.palette):
            raise ValueError("Binned needs one label per palette colour")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:], strict=False)):
            raise ValueError("Binned edges must increase")

    def classes(self, frame: pd.DataFrame) -> np.ndarray:
        """Class index of each row, ``-1`` for missing values."""
        values = pd.to_numeric(frame[self.column], errors="coerce").to_numpy(dtype=float)
        idx = np.searchsorted(np.asarray(self.edges, dtype=float), values, side="right") - 1
        idx = np.clip(idx, 0, len(self.palette) - 1)
        return np.where(np.isnan(values), -1, idx)

    def colours(self, frame: pd.DataFrame) -> list[str | None]:
        """Colour of each row's class."""
        palette = [*self.palette, self.missing]
        return [palette[i] for i in self.classes(frame)]

    def legend(self) -> list[LegendEntry]:
        """One row per class, then the missing-value row."""
        rows = []
        suffix = f" {self.unit}" if self.unit else ""
        n = len(self.palette)
        for i, colour in enumerate(self.palette):
            lo, hi = self.edges[i], self.edges[i + 1]
            if self.labels is not None:
                rows.append(LegendEntry(self.labels[i], colour))
                continue
            if i == n - 1:
                text = f"{_num(lo, self.integer)} or more"
            elif self.integer and math.isclose(hi - lo, 1.0):
                text = _num(lo, True)
            elif self.integer:
                text = f"{_num(lo, True)}-{_num(hi - 1, True)}"
            else:
                text = f"{_num(lo, False)} to < {_num(hi, False)}"
            rows.append(LegendEntry(text + suffix, colour))
        rows.append(LegendEntry(self.missing_label, self.missing))
        return rows


def _num(value: float, integer: bool) -> str:
    if integer:
        return f"{round(value):,}"
    return f"{value:,.3g}"


def format_count(value: object, *, suppressed: str = "suppressed") -> str:
    """Format a count for a tooltip; missing values read as ``suppressed``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return suppressed
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{int(value):,}" if float(value).is_integer() else f"{float(value):,.1f}"
    return str(value)
