"""matplotlib figures as inline SVG for HTML reports and as PNG files beside them."""

from __future__ import annotations

import io
import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, cast

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.figure import Figure

__all__ = ["PALETTE", "RenderedFigure", "new_figure", "render_figure", "report_style"]

#: Colours used across reports (Okabe-Ito, readable with colour-vision deficiency).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "netplan",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
}


@dataclass(frozen=True)
class RenderedFigure:
    """A figure ready for a report.

    Parameters
    ----------
    name
        File stem of the PNG (``figures/<name>.png``) and anchor of the figure.
    caption
        Caption under the figure.
    svg
        Inline SVG markup (no XML prolog; element ids prefixed with ``name``).
    png
        PNG bytes.
    """

    name: str
    caption: str
    svg: str
    png: bytes


def report_style() -> AbstractContextManager[None]:
    """Context in which report figures are built (fonts, grid, colour cycle).

    Everything from creating the figure to saving it should happen inside it, since
    matplotlib reads most style settings when an artist is created.
    """
    return plt.rc_context(cast(Any, _RC))


def new_figure(width_in: float = 10.0, height_in: float = 4.0) -> Figure:
    """A figure of the report's size conventions (call inside :func:`report_style`)."""
    return plt.figure(figsize=(width_in, height_in), layout="constrained")


def _inline_svg(svg: str, prefix: str) -> str:
    start = svg.index("<svg")
    body = svg[start:]
    # Give every id a figure-specific prefix so several inline SVGs never share an id.
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    if ids:
        pattern = re.compile(
            r'(\bid="|xlink:href="#|\bhref="#|url\(#)('
            + "|".join(map(re.escape, ids))
            + r')(?=[")])'
        )
        body = pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", body)
    # Scale with the page: keep the viewBox, let CSS set the width.
    body = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", body, count=1)
    return body


def render_figure(fig: Figure, *, name: str, caption: str, dpi: int = 150) -> RenderedFigure:
    """Render ``fig`` to SVG and PNG and close it.

    Parameters
    ----------
    fig
        The figure.
    name
        File stem and anchor (letters, digits, ``-`` and ``_``).
    caption
        Caption text.
    dpi
        PNG resolution.

    Returns
    -------
    RenderedFigure
        Both renderings.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(f"figure name {name!r} must be letters, digits, '-' or '_'")
    try:
        with plt.rc_context(cast(Any, _RC)):
            svg_buf = io.StringIO()
            fig.savefig(svg_buf, format="svg", metadata={"Date": None})
            png_buf = io.BytesIO()
            fig.savefig(png_buf, format="png", dpi=dpi, metadata={"Software": "netplan"})
    finally:
        plt.close(fig)
    return RenderedFigure(name, caption, _inline_svg(svg_buf.getvalue(), name), png_buf.getvalue())
