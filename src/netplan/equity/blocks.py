"""Census 2020 blocks (TIGER/Line tabblock20): loading, GEOID checks and point-in-block."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyproj import Transformer

from netplan.equity.constants import WGS84
from netplan.equity.readers import read_layer
from netplan.equity.rejects import Rejects
from netplan.errors import InputError, Problem

__all__ = ["check_geoids", "locate_points", "read_blocks"]


def check_geoids(values: pa.Array | pd.Series, length: int) -> npt.NDArray[np.object_]:
    """Reason each GEOID is malformed, or ``""`` where it is fine.

    A GEOID one digit short that is otherwise all digits has lost its leading zero (typical of
    a file opened in a spreadsheet), and is reported as such.
    """
    arr = pa.array(values, type=pa.string()) if not isinstance(values, pa.Array) else values
    arr = pc.cast(arr, pa.string())
    digits = pc.fill_null(pc.match_substring_regex(arr, rf"^[0-9]{{{length}}}$"), False)
    short = pc.fill_null(pc.match_substring_regex(arr, rf"^[0-9]{{{length - 1}}}$"), False)
    empty = pc.fill_null(pc.equal(pc.utf8_length(arr), 0), True)
    out = np.full(len(arr), "", dtype=object)
    ok = np.asarray(digits, dtype=bool)
    sh = np.asarray(short, dtype=bool)
    em = np.asarray(empty, dtype=bool)
    out[~ok] = f"not a {length}-digit GEOID"
    out[sh] = f"has {length - 1} digits: leading zero lost (read ids as text, not numbers)"
    out[em] = "empty GEOID"
    return out


def read_blocks(
    path: Path, rejects: Rejects, *, keep_columns: tuple[str, ...] = ()
) -> gpd.GeoDataFrame:
    """Read a tabblock20 layer, rejecting features with malformed or repeated GEOID20.

    Parameters
    ----------
    path
        Shapefile (or zipped shapefile), GeoPackage or GeoParquet.
    rejects
        Receives the rejected features (``row`` = feature number, from 1).
    keep_columns
        Extra columns to keep besides ``GEOID20`` and the geometry.

    Returns
    -------
    geopandas.GeoDataFrame
        ``GEOID20`` (text) and geometry, in the layer's own CRS.
    """
    geoid_col = "GEOID20"
    gdf = read_layer(path, columns=[geoid_col, *keep_columns])
    if geoid_col not in gdf.columns:
        raise InputError.at(path, "header", "missing required column 'GEOID20' (2020 block GEOID)")
    if len(gdf) == 0:
        raise InputError.at(path, "-", "block layer has no features")
    geoid = gdf[geoid_col]
    if not (pd.api.types.is_string_dtype(geoid) or pd.api.types.is_object_dtype(geoid)):
        raise InputError.at(
            path,
            geoid_col,
            "GEOID20 is stored as a number: leading zeros are lost; "
            "store it as text as TIGER/Line does",
        )
    reasons = check_geoids(pa.array(geoid.astype(object).where(geoid.notna(), None)), 15)
    no_geom = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    reasons[(reasons == "") & no_geom] = "block has no geometry"
    dup = geoid.duplicated(keep="first").to_numpy()
    reasons[(reasons == "") & dup] = "repeated GEOID20 (the first is used)"
    bad = reasons != ""
    if bad.all():
        first = np.flatnonzero(bad)[:5]
        raise InputError(
            [Problem(str(path), f"row {i + 1} / {geoid_col}", str(reasons[i])) for i in first]
        )
    if bad.any():
        rejects.add(
            str(path),
            np.flatnonzero(bad) + 1,
            geoid_col,
            reasons[bad],
            values=geoid.to_numpy()[bad],
        )
        gdf = gdf.loc[~bad]
    gdf = gdf.reset_index(drop=True)
    gdf[geoid_col] = gdf[geoid_col].astype(str)
    return gdf


def locate_points(
    layer: gpd.GeoDataFrame, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """Index of the polygon of ``layer`` holding each WGS84 point, -1 where none does.

    Points are moved into the layer's CRS (cheaper than reprojecting the polygons). A point on
    a shared edge goes to the polygon with the lowest index, so the result is deterministic.
    """
    if layer.crs is None:
        raise ValueError("layer has no CRS")
    x, y = lon, lat
    if not layer.crs.equals(WGS84):
        tr = Transformer.from_crs(WGS84, layer.crs, always_xy=True)
        x, y = tr.transform(lon, lat)
    points = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    tree = shapely.STRtree(layer.geometry.values)
    pt_idx, poly_idx = tree.query(points, predicate="intersects")
    out = np.full(len(points), -1, dtype=np.int64)
    if pt_idx.size:
        order = np.lexsort((poly_idx, pt_idx))
        pt_sorted, poly_sorted = pt_idx[order], poly_idx[order]
        first = np.ones(pt_sorted.size, dtype=bool)
        first[1:] = pt_sorted[1:] != pt_sorted[:-1]
        out[pt_sorted[first]] = poly_sorted[first]
    return out
