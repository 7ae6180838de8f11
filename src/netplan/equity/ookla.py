"""Ookla open-data tiles: measured speeds, to flag where advertised and measured disagree.

The tiles are zoom-16 web-mercator squares (~610 m) with ``avg_d_kbps``, ``avg_u_kbps``,
``tests`` and ``devices``; the Parquet release stores the square as WKT in ``tile`` (WGS84).
Licence CC BY-NC-SA 4.0 (docs/references.md): an optional input only, never bundled with netplan.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from netplan.equity.blocks import locate_points
from netplan.equity.constants import OOKLA_COLUMNS, WGS84
from netplan.equity.readers import read_layer
from netplan.errors import InputError, Problem

__all__ = ["measured_disagrees", "read_ookla"]


def read_ookla(path: Path) -> gpd.GeoDataFrame:
    """Read Ookla tiles from Parquet (WKT ``tile``) or a vector layer with a CRS."""
    if path.suffix.lower() == ".parquet":
        try:
            names = pq.read_schema(path).names
        except (OSError, pa.ArrowException) as exc:
            raise InputError.at(path, "-", f"cannot read Parquet file: {exc}") from exc
        need = [*OOKLA_COLUMNS, "tile"]
        missing = [c for c in need if c not in names]
        if missing:
            raise InputError(
                [Problem(str(path), "header", f"missing required column {c!r}") for c in missing]
            )
        df = pq.read_table(path, columns=need).to_pandas()
        try:
            geom = shapely.from_wkt(df.pop("tile").to_numpy())
        except shapely.errors.GEOSException as exc:
            raise InputError.at(path, "tile", f"tile is not valid WKT: {exc}") from exc
        # Ookla publishes tile WKT in WGS84 longitude/latitude.
        return gpd.GeoDataFrame(df, geometry=geom, crs=WGS84)
    gdf = read_layer(path)
    missing = [c for c in OOKLA_COLUMNS if c not in gdf.columns]
    if missing:
        raise InputError(
            [Problem(str(path), "header", f"missing required column {c!r}") for c in missing]
        )
    return gdf


def measured_disagrees(
    tiles: gpd.GeoDataFrame,
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    fixed_class: npt.NDArray[np.int8],
    *,
    served: tuple[float, float],
    underserved: tuple[float, float],
    min_tests: int,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Flag homes whose advertised class is above what the tile's tests measured.

    Returns
    -------
    (flag, measured_down_mbps)
        ``measured_down_mbps`` is NaN where no tile (with enough tests) covers the home.
    """
    idx = locate_points(tiles, lat, lon)
    has = idx >= 0
    tests = pd.to_numeric(tiles["tests"], errors="coerce").to_numpy()
    down = pd.to_numeric(tiles["avg_d_kbps"], errors="coerce").to_numpy() / 1000.0
    up = pd.to_numeric(tiles["avg_u_kbps"], errors="coerce").to_numpy() / 1000.0
    meas_down = np.full(len(lat), np.nan)
    meas_up = np.full(len(lat), np.nan)
    usable = has.copy()
    usable[has] = tests[idx[has]] >= min_tests
    meas_down[usable] = down[idx[usable]]
    meas_up[usable] = up[idx[usable]]
    flag = np.zeros(len(lat), dtype=bool)
    flag |= (fixed_class == 2) & ((meas_down < served[0]) | (meas_up < served[1]))
    flag |= (fixed_class == 1) & ((meas_down < underserved[0]) | (meas_up < underserved[1]))
    return flag & usable, meas_down
