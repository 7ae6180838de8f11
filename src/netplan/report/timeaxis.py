"""Clock-time axes and bell markers for plots of a school day."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MultipleLocator

__all__ = ["clock", "clock_axis", "mark_bells"]


def clock(minute_of_day: float) -> str:
    """``HH:MM`` of a minute after midnight."""
    m = round(minute_of_day) % (24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def clock_axis(ax: Axes, start_min: float, end_min: float) -> None:
    """Label the x axis in clock time: a tick every hour, half hour or quarter hour."""
    span = end_min - start_min
    step = 15 if span <= 90 else 30 if span <= 5 * 60 else 60
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: clock(x)))
    ax.set_xlim(start_min, end_min)


def mark_bells(
    ax: Axes, bells_min: Sequence[float], *, label: bool = True, lines: bool = True
) -> None:
    """Mark each bell (minutes after midnight) with a thin vertical line and/or a marker.

    Parameters
    ----------
    ax
        The axes.
    bells_min
        Bell times in minutes after midnight.
    label
        Put a small marker above the axes at each bell.
    lines
        Draw the vertical lines (without them, markers are always drawn).
    """
    lo, hi = ax.get_xlim()
    for i, b in enumerate(sorted(bells_min)):
        if not lo <= b <= hi:
            continue
        if lines:
            ax.axvline(
                b,
                color="#555555",
                linewidth=0.7,
                linestyle=(0, (3, 3)),
                alpha=0.8,
                label="bell" if i == 0 else None,
                zorder=1,
            )
        if label or not lines:
            ax.annotate(
                "▾",
                xy=(b, 1.0),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="bottom",
                fontsize=8,
                color="#555555",
                annotation_clip=False,
            )
