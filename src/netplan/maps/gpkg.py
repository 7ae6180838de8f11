"""GIS export: every public map layer in one GeoPackage, in WGS84, with a field dictionary.

Field names are checked to be plain ``snake_case`` (ASCII lower case, digits, ``_``, at most
63 characters, not starting with a digit), so they survive every GIS and database without
quoting or truncation. A non-spatial ``layer_fields`` table lists every layer and field with
its description, so the file documents itself.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from netplan.maps.layers import WGS84, MapLayer

__all__ = ["FIELD_NAME", "check_field_names", "write_geopackage"]

#: Pattern every exported field name must match.
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def check_field_names(layer_id: str, columns: Sequence[str]) -> None:
    """Raise ``ValueError`` naming every field that is not plain ``snake_case``."""
    bad = [c for c in columns if not FIELD_NAME.match(c)]
    if bad:
        raise ValueError(
            f"layer {layer_id!r}: field names must be snake_case ASCII "
            f"(pattern {FIELD_NAME.pattern}); offending: {', '.join(map(repr, bad))}"
        )


def _exportable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.to_crs(WGS84)
    geom = out.geometry.name
    if geom != "geometry":
        out = out.rename_geometry("geometry")
    for col in out.columns:
        if col == "geometry":
            continue
        series = out[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            out[col] = series.astype("string")
    return out


def write_geopackage(
    layers: Sequence[MapLayer],
    path: str | Path,
    *,
    field_descriptions: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Write every layer to one GeoPackage.

    Parameters
    ----------
    layers
        Layers to export; each becomes a GeoPackage layer named by its ``id`` (``-`` becomes
        ``_``) in EPSG:4326.
    path
        Output ``.gpkg``; replaced atomically.
    field_descriptions
        ``{layer_id: {field: description}}`` for the ``layer_fields`` table.

    Returns
    -------
    Path
        The written file.
    """
    descriptions = field_descriptions or {}
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, str]] = []
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        tmp = tmpdir / target.name
        for layer in layers:
            name = layer.id.replace("-", "_")
            frame = _exportable(layer.frame)
            fields = [c for c in frame.columns if c != "geometry"]
            check_field_names(layer.id, fields)
            pyogrio.write_dataframe(
                frame,
                tmp,
                layer=name,
                driver="GPKG",
                append=tmp.exists(),
                layer_options={"DESCRIPTION": layer.description or layer.title},
            )
            rows.append(
                {
                    "layer": name,
                    "field": "",
                    "description": f"{layer.title}. {layer.description}".strip(),
                }
            )
            own = descriptions.get(layer.id, {})
            rows.extend({"layer": name, "field": f, "description": own.get(f, "")} for f in fields)
        if rows:
            pyogrio.write_dataframe(
                pd.DataFrame(rows), tmp, layer="layer_fields", driver="GPKG", append=True
            )
        shutil.move(str(tmp), target)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return target
