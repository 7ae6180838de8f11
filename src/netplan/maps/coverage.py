"""Carrier coverage areas for the maps, from the public BDC mobile layers of an equity run.

The equity analysis decides which carrier covers each *home*; the map wants the same
decision as *areas*. This module asks the analysis' own coverage rule
(:func:`netplan.equity.mobile.carrier_coverage`: accepted technologies, minimum tier,
required environment per carrier) about every H3 resolution-9 cell of the district, and
merges the covered cells of each carrier into one shape. BDC mobile coverage is public data;
no student information is involved.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from shapely.geometry import shape

from netplan.maps.layers import WGS84

__all__ = ["COVERAGE_RES", "carrier_coverage_areas", "region_cells"]

#: Resolution of BDC mobile coverage hexagons (docs/references.md: "published as H3 resolution-9
#: hexagons").
COVERAGE_RES = 9


def region_cells(region: shapely.Geometry, res: int = COVERAGE_RES) -> list[str]:
    """H3 cells (text) whose centres lie in ``region`` (WGS84 polygons), sorted."""
    cells: set[str] = set()
    for part in getattr(region, "geoms", [region]):
        if part.is_empty or part.geom_type != "Polygon":
            continue
        cells |= set(h3.geo_to_cells(part, res))
    return sorted(cells)


def _region(result: Any) -> shapely.Geometry:
    public = result.public
    district = getattr(public, "district", None)
    if district is not None and len(district):
        return district.to_crs(WGS84).union_all()
    # No boundary: the published areas (which hold every home) stand in for the district.
    return public.areas.to_crs(WGS84).union_all()


def carrier_coverage_areas(config: Any, result: Any) -> gpd.GeoDataFrame:
    """Where each plan carrier meets the plan's coverage requirement, within the district.

    Parameters
    ----------
    config
        The run's :class:`netplan.equity.EquityConfig` (its ``plans`` and ``mobile`` files).
    result
        The run's result; only ``result.public`` (district boundary, areas) is read.

    Returns
    -------
    GeoDataFrame
        ``carrier`` and the merged (multi)polygon of its covered cells, EPSG:4326; carriers
        without any covered cell are left out.
    """
    from netplan.equity.mobile import carrier_coverage, parse_mobile_spec, read_mobile_layer
    from netplan.equity.plans import load_plans
    from netplan.equity.rejects import Rejects

    catalogue = load_plans(config.plans)
    cells = region_cells(_region(result))
    empty = gpd.GeoDataFrame({"carrier": pd.Series(dtype=object)}, geometry=[], crs=WGS84)
    if not cells or not config.mobile:
        return empty
    wanted = pa.array(cells)
    rejects = Rejects()  # rows the analysis rejected are reported by the analysis itself
    frames = [
        read_mobile_layer(parse_mobile_spec(spec), rejects, cells=wanted)[0]
        for spec in config.mobile
    ]
    coverage = pd.concat(frames, ignore_index=True)
    as_ints = np.array([h3.str_to_int(c) for c in cells], dtype=np.uint64)
    covered, _best = carrier_coverage(coverage, as_ints, catalogue)
    names, shapes = [], []
    for j, carrier in enumerate(catalogue.carrier):
        hit = [cells[i] for i in np.flatnonzero(covered[:, j])]
        if not hit:
            continue
        names.append(carrier.name)
        shapes.append(shape(h3.cells_to_h3shape(hit).__geo_interface__))
    if not names:
        return empty
    return gpd.GeoDataFrame({"carrier": names}, geometry=shapes, crs=WGS84)
