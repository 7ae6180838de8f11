"""Printable maps: matplotlib PNGs with title, legend, scale bar and north arrow.

Maps are drawn in the UTM zone of the data (true distances for the scale bar); the north
arrow is turned by the zone's meridian convergence at the map centre, so it points to true
north rather than grid north. Two page sizes: a 16:9 board slide and a US letter page.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pyproj
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from mpl_toolkits.axes_grid1.anchored_artists import (  # type: ignore[import-untyped]
    AnchoredSizeBar,
)

from netplan.maps.layers import MapLayer
from netplan.maps.style import LegendEntry
from netplan.outputs import atomic_write_bytes

__all__ = ["PAGE_SIZES", "PageSize", "render_printable_map", "scale_bar_length", "true_north"]

PageName = Literal["slide", "letter"]


@dataclass(frozen=True)
class PageSize:
    """Figure size and resolution of a printable map.

    Parameters
    ----------
    width_in, height_in
        Size in inches.
    dpi
        Pixels per inch of the PNG.
    map_rect
        Map axes ``[left, bottom, width, height]`` in figure fractions.
    legend_rect
        Legend area in figure fractions.
    """

    width_in: float
    height_in: float
    dpi: int
    map_rect: tuple[float, float, float, float]
    legend_rect: tuple[float, float, float, float]

    @property
    def pixels(self) -> tuple[int, int]:
        """PNG width and height in pixels."""
        return round(self.width_in * self.dpi), round(self.height_in * self.dpi)


#: A 16:9 slide (13.33 x 7.5 in, the widescreen slide size) at 150 dpi = 2000 x 1125 px, and a
#: US letter page in portrait (8.5 x 11 in) at 200 dpi = 1700 x 2200 px.
PAGE_SIZES: dict[str, PageSize] = {
    "slide": PageSize(40 / 3, 7.5, 150, (0.02, 0.06, 0.68, 0.81), (0.72, 0.06, 0.27, 0.81)),
    "letter": PageSize(8.5, 11.0, 200, (0.05, 0.28, 0.90, 0.63), (0.05, 0.04, 0.90, 0.22)),
}


def scale_bar_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 x 10^k metres) near a fifth of ``span_m``."""
    if not span_m > 0:
        raise ValueError("map span must be positive")
    target = span_m / 5.0
    exp = math.floor(math.log10(target))
    candidates = [m * 10.0**e for e in (exp - 1, exp, exp + 1) for m in (1.0, 2.0, 5.0)]
    return min(candidates, key=lambda c: (abs(math.log(c / target)), c))


def _scale_label(length_m: float) -> str:
    miles = length_m / 1609.344
    mi = f"{miles:.2g} mi" if miles < 10 else f"{miles:.0f} mi"
    if length_m >= 1000:
        return f"{length_m / 1000:g} km ({mi})"
    return f"{length_m:g} m ({mi})"


def true_north(crs: pyproj.CRS, lon: float, lat: float) -> tuple[float, float]:
    """Unit vector of true north in the map's coordinates at (lon, lat).

    Found by projecting a short step along the meridian, which avoids any sign convention
    for the meridian convergence.
    """
    to_map = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x0, y0 = to_map.transform(lon, lat - 0.005)
    x1, y1 = to_map.transform(lon, lat + 0.005)
    dx, dy = x1 - x0, y1 - y0
    norm = math.hypot(dx, dy)
    return dx / norm, dy / norm


def _north_arrow(ax: Axes, north: tuple[float, float]) -> None:
    x0, y0, length = 0.95, 0.85, 0.09
    ux, uy = north
    ax.annotate(
        "",
        xy=(x0 + ux * length / 2, y0 + uy * length / 2),
        xytext=(x0 - ux * length / 2, y0 - uy * length / 2),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=1", "lw": 2, "color": "#222"},
        zorder=20,
    )
    ax.text(
        x0 + ux * length * 0.6,
        y0 + uy * length * 0.6,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=13,
        fontweight="bold",
        zorder=20,
    )


def _legend_handles(entries: Sequence[LegendEntry], width: int) -> list[Patch | Line2D]:
    handles: list[Patch | Line2D] = []
    for entry in entries:
        e = LegendEntry(textwrap.fill(entry.label, width), entry.fill, entry.stroke, entry.shape)
        if e.shape == "line":
            handles.append(Line2D([], [], color=e.stroke or e.fill or "#333", lw=2, label=e.label))
        elif e.shape == "circle":
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markerfacecolor=e.fill or "none",
                    markeredgecolor=e.stroke or "#333",
                    markersize=9,
                    label=e.label,
                )
            )
        elif e.shape == "hatch":
            handles.append(
                Patch(facecolor="none", edgecolor=e.fill or "#333", hatch="///", label=e.label)
            )
        else:
            handles.append(
                Patch(facecolor=e.fill or "none", edgecolor=e.stroke or "#555", label=e.label)
            )
    return handles


def _draw_layer(ax: Axes, layer: MapLayer, crs: pyproj.CRS) -> None:
    frame = layer.frame[~(layer.frame.geometry.isna() | layer.frame.geometry.is_empty)]
    if len(frame) == 0:
        return
    frame = frame.to_crs(crs)
    colours = layer.style.colours(frame)
    if layer.is_points:
        xy = np.column_stack([frame.geometry.x, frame.geometry.y])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=(layer.point_radius * 1.6) ** 2,
            c=[c or "none" for c in colours],
            edgecolors=layer.stroke,
            linewidths=layer.weight,
            zorder=15,
        )
        return
    if layer.hatch:
        frame.plot(
            ax=ax,
            facecolor="none",
            edgecolor=colours[0] if colours and colours[0] else layer.stroke,
            hatch=layer.hatch,
            linewidth=layer.weight,
            zorder=5,
        )
        return
    if all(c is None for c in colours):
        frame.boundary.plot(ax=ax, color=layer.stroke, linewidth=layer.weight * 1.2, zorder=10)
        return
    frame.plot(
        ax=ax,
        color=[c or "none" for c in colours],
        edgecolor=layer.stroke,
        linewidth=layer.weight * 0.6,
        zorder=2,
    )


def _fitted_text(
    fig: Figure, x: float, y: float, text: str, size: float, *, min_size: float = 10, **kwargs: Any
) -> None:
    """Place text within the page width: shrink the font down to ``min_size``, then wrap."""
    artist = fig.text(x, y, text, fontsize=size, **kwargs)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    limit = fig.bbox.width * (1 - 2 * x)
    while size > min_size and artist.get_window_extent(renderer).width > limit:
        size -= 1
        artist.set_fontsize(size)
    width = artist.get_window_extent(renderer).width
    if width > limit:
        chars = max(20, int(len(text) * limit / width) - 2)
        artist.set_text(textwrap.fill(text, chars))


def _figure(
    layers: Sequence[MapLayer], *, title: str, subtitle: str, credits: str, page: PageSize
) -> Figure:
    drawn = [la for la in layers if len(la.frame) > 0]
    if not drawn:
        raise ValueError("a printable map needs at least one feature")
    everything = gpd.GeoDataFrame(
        geometry=gpd.GeoSeries(
            np.concatenate([la.frame.to_crs("EPSG:4326").geometry.to_numpy() for la in drawn]),
            crs="EPSG:4326",
        )
    )
    crs = everything.estimate_utm_crs()
    minx, miny, maxx, maxy = everything.to_crs(crs).total_bounds
    fig = plt.figure(figsize=(page.width_in, page.height_in), dpi=page.dpi)
    fig.patch.set_facecolor("white")
    left = page.map_rect[0]
    top_in = page.height_in * (1 - page.map_rect[1] - page.map_rect[3])
    _fitted_text(fig, left, 1 - 0.25 / page.height_in, title, 20, va="top", fontweight="bold")
    if subtitle:
        _fitted_text(
            fig,
            left,
            1 - (top_in - 0.12) / page.height_in,
            subtitle,
            12,
            va="bottom",
            color="#444",
        )
    ax = fig.add_axes(page.map_rect)
    for layer in layers:
        _draw_layer(ax, layer, crs)
    # Equal scale in both directions with a margin; widen the data window to the axes shape.
    pad = 0.04 * max(maxx - minx, maxy - miny)
    w, h = maxx - minx + 2 * pad, maxy - miny + 2 * pad
    box = (page.width_in * page.map_rect[2]) / (page.height_in * page.map_rect[3])
    if w / h < box:
        w = h * box
    else:
        h = w / box
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_color("#999")
    fig.canvas.draw()
    x0, x1 = ax.get_xlim()
    length = scale_bar_length(x1 - x0)
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        _scale_label(length),
        loc="lower left",
        pad=0.6,
        borderpad=0.8,
        sep=4,
        frameon=True,
        size_vertical=(ax.get_ylim()[1] - ax.get_ylim()[0]) * 0.006,
        fontproperties={"size": 10},
    )
    bar.set_zorder(30)
    ax.add_artist(bar)
    lon, lat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(cx, cy)
    _north_arrow(ax, true_north(crs, lon, lat))

    lax = fig.add_axes(page.legend_rect)
    lax.axis("off")
    # Slide: one column beside the map. Page: one legend per layer, side by side under it,
    # so a layer's heading never parts from its entries.
    if page.width_in > page.height_in:
        groups = [list(layers)]
    else:
        themes = [[la] for la in layers if la.kind != "context"]
        context = [la for la in layers if la.kind == "context"]
        groups = themes + ([context] if context else [])
    width = 34 if len(groups) == 1 else 26
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    x, top, row_bottom = 0.0, 1.0, 1.0
    for group in groups:
        handles: list[Patch | Line2D] = []
        bold: list[int] = []
        for layer in group:
            bold.append(len(handles))
            handles.append(Patch(visible=False, label=textwrap.fill(layer.title, width)))
            handles.extend(_legend_handles(layer.legend_entries(), width))
        leg = lax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(x, top),
            frameon=False,
            fontsize=11,
            handlelength=1.6,
            borderaxespad=0,
        )
        for i, text in enumerate(leg.get_texts()):
            if i in bold:
                text.set_fontweight("bold")
        lax.add_artist(leg)
        # The next group starts where this one ends (measured); a new row when it is full.
        extent = leg.get_window_extent(renderer).transformed(lax.transAxes.inverted())
        if extent.x1 > 1.0 and x > 0:
            x, top = 0.0, row_bottom - 0.05
            leg.set_bbox_to_anchor((x, top), transform=lax.transAxes)
            extent = leg.get_window_extent(renderer).transformed(lax.transAxes.inverted())
        row_bottom = min(row_bottom, extent.y0)
        x = extent.x1 + 0.03
    if credits:
        fig.text(0.99, 0.012, credits, fontsize=8, color="#555", ha="right", va="bottom", wrap=True)
    return fig


def render_printable_map(
    layers: Sequence[MapLayer],
    path: str | Path,
    *,
    title: str,
    subtitle: str = "",
    credits: str = "",
    size: PageName = "slide",
) -> Path:
    """Draw layers to a PNG with title, legend, scale bar and north arrow.

    Parameters
    ----------
    layers
        Bottom to top.
    path
        Output ``.png``.
    title, subtitle
        Text above the map.
    credits
        Small print at the bottom (sources, suppression rule).
    size
        ``"slide"`` (16:9, 2000 x 1125 px) or ``"letter"`` (portrait, 1700 x 2200 px).

    Returns
    -------
    Path
        The written file.
    """
    page = PAGE_SIZES[size]
    fig = _figure(layers, title=title, subtitle=subtitle, credits=credits, page=page)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=page.dpi, metadata={"Software": "netplan"})
    finally:
        plt.close(fig)
    target = Path(path)
    atomic_write_bytes(target, buf.getvalue())
    return target
