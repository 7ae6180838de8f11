"""Map layers: a public GeoDataFrame with its title, style, tooltip fields and legend.

:class:`MapLayer` is what the interactive map, the printable map and the GeoPackage export
all take. Geometry preparation for the web (simplification in metres, coordinate rounding,
GeoJSON) lives here too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely

from netplan.maps.style import LegendEntry, Single, Style, format_count

__all__ = [
    "WGS84",
    "MapLayer",
    "geojson_features",
    "prepare_geometries",
]

#: Geographic coordinates: what Leaflet and GeoJSON (RFC 7946) use.
WGS84 = "EPSG:4326"

_ID = re.compile(r"^[a-z][a-z0-9_-]*$")

Kind = Literal["context", "theme"]


@dataclass(frozen=True)
class MapLayer:
    """One layer of a map.

    Parameters
    ----------
    id
        Short identifier: lower case letters, digits, ``_`` or ``-``. Names the GeoPackage
        layer and the CSS class of the drawn features (``np-layer-<id>``).
    title
        Name shown in the layer switcher and legend.
    frame
        Public features with a CRS. Only the columns named in ``tooltip`` (and the style's
        column) are put into web pages; the GeoPackage carries every column.
    style
        How features are coloured.
    tooltip
        ``(column, label)`` pairs shown when pointing at a feature.
    stroke
        Outline colour.
    weight
        Outline width in CSS pixels (points on paper).
    fill_opacity
        Fill opacity, 0-1.
    visible
        Shown when the interactive map opens.
    kind
        ``"context"`` layers (boundary, schools) are drawn on every printable map.
    point_radius
        Radius of point features in CSS pixels.
    hatch
        Matplotlib hatch pattern for printable maps (areas drawn hatched, not filled).
    description
        One sentence on what the layer shows (legend and GeoPackage dictionary).
    """

    id: str
    title: str
    frame: gpd.GeoDataFrame
    style: Style
    tooltip: Sequence[tuple[str, str]] = ()
    stroke: str = "#333333"
    weight: float = 0.6
    fill_opacity: float = 0.65
    visible: bool = True
    kind: Kind = "theme"
    point_radius: float = 6.0
    hatch: str | None = None
    description: str = ""
    legend_extra: Sequence[LegendEntry] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"map layer id {self.id!r} must match {_ID.pattern}")
        if self.frame.crs is None:
            raise ValueError(f"map layer {self.id!r} has no CRS")
        missing = [c for c, _ in self.tooltip if c not in self.frame.columns]
        if missing:
            raise ValueError(f"map layer {self.id!r}: tooltip columns missing: {missing}")

    @property
    def geometry_kinds(self) -> set[str]:
        """Geometry types present (``Polygon``, ``Point``, ...)."""
        return {str(t) for t in self.frame.geom_type.dropna().unique()}

    @property
    def is_points(self) -> bool:
        """All features are points."""
        kinds = self.geometry_kinds
        return bool(kinds) and kinds <= {"Point", "MultiPoint"}

    def legend_entries(self) -> list[LegendEntry]:
        """Legend rows of this layer."""
        rows = self.style.legend()
        if self.is_points:
            rows = [LegendEntry(r.label, r.fill, self.stroke, "circle") for r in rows]
        elif isinstance(self.style, Single) and self.style.fill is None:
            rows = [LegendEntry(r.label, None, self.stroke, "line") for r in rows]
        return [*rows, *self.legend_extra]


def prepare_geometries(
    frame: gpd.GeoDataFrame, *, tolerance_m: float, decimals: int = 5
) -> gpd.GeoDataFrame:
    """Simplify in metres and round to ``decimals`` in WGS84, for embedding in a web page.

    Polygons that tile the plane without overlaps (hexagons, block groups) are simplified as a
    coverage, so neighbours keep their shared edges; other layers are simplified one shape at
    a time with topology preserved. Five decimals of a degree are about 1 m.

    Parameters
    ----------
    frame
        Features with a CRS.
    tolerance_m
        Douglas-Peucker tolerance in metres (0: no simplification).
    decimals
        Decimal places of longitude/latitude kept.

    Returns
    -------
    GeoDataFrame
        A copy in WGS84 without empty geometries.
    """
    out = frame[~(frame.geometry.isna() | frame.geometry.is_empty)].copy()
    if len(out) == 0:
        return out.to_crs(WGS84)
    polygonal = out.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    if tolerance_m > 0 and polygonal:
        metric = out.estimate_utm_crs() if out.crs.is_geographic else out.crs
        projected = out.to_crs(metric)
        geoms = projected.geometry.to_numpy()
        if len(geoms) > 1 and bool(shapely.coverage_is_valid(geoms)):
            simplified = shapely.coverage_simplify(geoms, tolerance_m)
        else:
            simplified = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
        projected = projected.set_geometry(gpd.GeoSeries(simplified, crs=metric, index=out.index))
        out = projected.to_crs(WGS84)
    else:
        out = out.to_crs(WGS84)
    rounded = shapely.set_precision(out.geometry.to_numpy(), 10.0**-decimals)
    out = out.set_geometry(gpd.GeoSeries(rounded, crs=WGS84, index=out.index))
    return out[~(out.geometry.isna() | out.geometry.is_empty)]


def _tooltip_value(value: Any) -> str:
    return format_count(value)


def geojson_features(layer: MapLayer, *, tolerance_m: float) -> dict[str, Any]:
    """The layer as a GeoJSON FeatureCollection for the interactive map.

    Each feature carries only ``f`` (fill colour) and ``t`` (tooltip values as text, in the
    order of ``layer.tooltip``): no other attribute of the source table reaches the page.

    Parameters
    ----------
    layer
        The layer.
    tolerance_m
        Simplification tolerance in metres (points are never moved).

    Returns
    -------
    dict
        A FeatureCollection (RFC 7946, WGS84 longitude/latitude).
    """
    frame = prepare_geometries(layer.frame, tolerance_m=0.0 if layer.is_points else tolerance_m)
    colours = layer.style.colours(frame)
    geometries = shapely.to_geojson(frame.geometry.to_numpy())
    tips = (
        [
            [_tooltip_value(v) for v in row]
            for row in frame[[c for c, _ in layer.tooltip]].itertuples(index=False, name=None)
        ]
        if layer.tooltip
        else [[] for _ in range(len(frame))]
    )
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(str(geom)),
            "properties": {"f": colour, "t": tip},
        }
        for geom, colour, tip in zip(np.asarray(geometries), colours, tips, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}
