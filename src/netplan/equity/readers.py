"""Reading CSV tables and vector layers, with every failure turned into :class:`InputError`."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pyogrio
import shapely
from pyproj import CRS

from netplan.equity.constants import WGS84
from netplan.errors import InputError, Problem

__all__ = [
    "VECTOR_SUFFIXES",
    "csv_header",
    "layer_crs",
    "read_csv_table",
    "read_district",
    "read_layer",
    "require_columns",
]

#: File kinds read through GDAL (a ``.zip`` holding a shapefile included).
VECTOR_SUFFIXES = (".gpkg", ".shp", ".zip", ".geojson", ".json", ".fgb")


def csv_header(path: Path) -> list[str]:
    """Column names of a CSV file (UTF-8, byte-order mark allowed)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = next(csv.reader(fh), None)
    except OSError as exc:
        raise InputError.at(path, "-", f"cannot read file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError.at(path, "-", "file is not UTF-8 text") from exc
    if first is None:
        raise InputError.at(path, "-", "file is empty (no header row)")
    return [c.strip() for c in first]


def read_csv_table(
    path: Path,
    *,
    numeric: dict[str, pa.DataType] | None = None,
    include: Sequence[str] | None = None,
) -> pa.Table:
    """Read a CSV with every column as text (ids keep their leading zeros).

    Parameters
    ----------
    path
        The CSV file.
    numeric
        Columns to parse as numbers instead; empty cells become nulls.
    include
        Only these columns (all if ``None``).

    Returns
    -------
    pyarrow.Table
        Text columns hold ``""`` for empty cells.
    """
    header = csv_header(path)
    dup = sorted({c for c in header if header.count(c) > 1})
    if dup:
        raise InputError.at(path, "header", f"repeated column name(s): {', '.join(dup)}")
    numeric = numeric or {}
    types = {c: numeric.get(c, pa.string()) for c in header}
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=list(include) if include is not None else None,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        msg = str(exc).replace("\n", " ")
        raise InputError.at(path, "-", f"CSV cannot be parsed: {msg}") from exc
    except OSError as exc:
        raise InputError.at(path, "-", f"cannot read file: {exc}") from exc


def require_columns(
    path: Path, present: Sequence[str], required: Sequence[str], hint: str = ""
) -> None:
    """Raise one problem per missing required column."""
    have = set(present)
    missing = [c for c in required if c not in have]
    if missing:
        raise InputError(
            [Problem(str(path), "header", f"missing required column {c!r}{hint}") for c in missing]
        )


def layer_crs(path: Path, layer: str | None = None) -> CRS:
    """CRS of a vector layer; a layer without one is an error."""
    try:
        info = pyogrio.read_info(path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise InputError.at(path, "-", f"cannot open layer: {exc}") from exc
    crs = info.get("crs")
    if not crs:
        raise InputError.at(
            path,
            "crs",
            "layer has no coordinate reference system (a shapefile needs its .prj); "
            "netplan does not guess one",
        )
    return CRS.from_user_input(crs)


def read_layer(
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    read_geometry: bool = True,
    **kwargs: Any,
) -> gpd.GeoDataFrame:
    """Read a vector layer (GeoPackage, shapefile, GeoJSON or GeoParquet) with a CRS.

    Raises
    ------
    InputError
        Unreadable file or a layer with no CRS.
    """
    if path.suffix.lower() == ".parquet":
        try:
            gdf = gpd.read_parquet(path, columns=list(columns) if columns else None)
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise InputError.at(path, "-", f"cannot read GeoParquet: {exc}") from exc
        if gdf.crs is None:
            raise InputError.at(path, "crs", "GeoParquet layer has no coordinate reference system")
        return gdf
    if not path.exists():
        raise InputError.at(path, "-", "file does not exist")
    layer_crs(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(
                path,
                columns=list(columns) if columns is not None else None,
                read_geometry=read_geometry,
                engine="pyogrio",
                use_arrow=True,
                **kwargs,
            )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise InputError.at(path, "-", f"cannot read layer: {exc}") from exc
    return gdf


def read_district(path: Path) -> shapely.Geometry:
    """The district boundary as one (multi)polygon in WGS84."""
    gdf = read_layer(path)
    if len(gdf) == 0:
        raise InputError.at(path, "-", "district boundary layer has no features")
    kinds = set(gdf.geom_type.dropna())
    if not kinds or not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError.at(path, "geometry", "district boundary must be polygons")
    geom = shapely.union_all(gdf.to_crs(WGS84).geometry.values)
    shapely.prepare(geom)
    return geom


def parquet_columns(path: Path) -> list[str]:
    """Column names of a Parquet file."""
    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as exc:
        raise InputError.at(path, "-", f"cannot read Parquet file: {exc}") from exc
