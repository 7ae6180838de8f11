"""BDC mobile broadband coverage (H3 res-9 hexagons) and which carrier reaches each home.

Each layer holds one provider's coverage for a technology and speed tier, in an environment:
0 outdoor stationary, 1 in-vehicle (docs/references.md, "BDC mobile broadband coverage"). Only the
attribute columns are read: the hexagon *is* its ``h3_res9_id``, so homes join by hash on
their own res-9 cell instead of a polygon overlay.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyogrio

from netplan.equity.constants import BDC_MOBILE_TECHNOLOGIES, ENV_IN_VEHICLE, ENV_OUTDOOR
from netplan.equity.hexes import text_to_ints
from netplan.equity.plans import PlanCatalogue
from netplan.equity.readers import VECTOR_SUFFIXES, csv_header, layer_crs, read_csv_table
from netplan.equity.rejects import Rejects
from netplan.errors import InputError, Problem

__all__ = ["MobileSource", "carrier_coverage", "parse_mobile_spec", "read_mobile_layer"]

_PROVIDER_IN_NAME = re.compile(r"^bdc_\d{2}_(\d+)_", re.IGNORECASE)
_H3_RES9 = r"^89[0-9a-f]{13}$"
_NUMBER = r"^[0-9]+(\.[0-9]+)?$"


@dataclass(frozen=True)
class MobileSource:
    """A mobile coverage file and, if given, the provider id it belongs to."""

    path: Path
    provider_id: str | None = None


def parse_mobile_spec(spec: str | Path | tuple[str, Path]) -> MobileSource:
    """``PATH``, ``PROVIDER_ID=PATH`` or ``(provider_id, path)`` to a :class:`MobileSource`."""
    if isinstance(spec, tuple):
        return MobileSource(Path(spec[1]), spec[0])
    text = str(spec)
    m = re.match(r"^(\d+)=(.+)$", text)
    if m:
        return MobileSource(Path(m.group(2)), m.group(1))
    return MobileSource(Path(text))


def _read_raw(path: Path) -> tuple[pa.Table, bool]:
    """The layer's attribute table and whether its columns are text (CSV)."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError.at(path, "-", "file does not exist")
    if suffix == ".csv":
        header = csv_header(path)
        cols = [c for c in header if c in _WANTED_ALL]
        return read_csv_table(path, include=cols), True
    if suffix == ".parquet":
        try:
            names = pq.read_schema(path).names
            return pq.read_table(path, columns=[c for c in names if c in _WANTED_ALL]), False
        except (OSError, pa.ArrowException) as exc:
            raise InputError.at(path, "-", f"cannot read Parquet file: {exc}") from exc
    if suffix in VECTOR_SUFFIXES:
        layer_crs(path)
        try:
            info = pyogrio.read_info(path)
            cols = [c for c in info["fields"] if c in _WANTED_ALL]
            _, table = pyogrio.read_arrow(path, columns=cols, read_geometry=False)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
            raise InputError.at(path, "-", f"cannot read layer: {exc}") from exc
        return pa.table(table), False
    raise InputError.at(
        path, "-", "mobile coverage must be a GeoPackage, shapefile, CSV or Parquet file"
    )


_WANTED = ("h3_res9_id", "technology", "mindown", "minup", "environment", "provider_id")
#: Shapefile field names are cut to 10 characters: the FCC's files say ``environmnt``, GDAL
#: writes ``environmen``.
_ENV_ALIASES = ("environmnt", "environmen")
_WANTED_ALL = (*_WANTED, *_ENV_ALIASES)


def _as_number(
    col: pa.ChunkedArray, text: bool
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Numbers from a column; text is parsed once per distinct value (tiers repeat a lot)."""
    if text:
        enc = pc.dictionary_encode(col.combine_chunks())
        values = [str(v) for v in enc.dictionary.to_pylist()]
        num = np.array([float(v) if re.fullmatch(_NUMBER, v) else np.nan for v in values])
        idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        vals = num[idx] if num.size else np.full(len(col), np.nan)
        return vals, np.isfinite(vals)
    vals = np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    return vals, np.isfinite(vals)


def read_mobile_layer(
    source: MobileSource, rejects: Rejects, *, cells: pa.Array | None = None
) -> tuple[pd.DataFrame, set[str]]:
    """Read one coverage layer, keeping only the rows for ``cells``.

    Parameters
    ----------
    source
        File and optional provider id.
    rejects
        Receives malformed rows (``row`` = data row, header = 1, or feature number).
    cells
        Home res-9 cells (text); ``None`` keeps every row.

    Returns
    -------
    (coverage, providers)
        ``h3_res9_id, provider_id, technology, mindown, minup, environment`` rows, and every
        provider id the layer holds (before the filter by ``cells``).
    """
    path = source.path
    table, text = _read_raw(path)
    if "environment" not in table.column_names:
        table = table.rename_columns(
            ["environment" if c in _ENV_ALIASES else c for c in table.column_names]
        )
    missing = [
        c
        for c in ("h3_res9_id", "technology", "mindown", "minup", "environment")
        if c not in table.column_names
    ]
    if missing:
        raise InputError(
            [
                Problem(str(path), "header", f"missing required column {c!r} (BDC mobile H3 layer)")
                for c in missing
            ]
        )
    provider = source.provider_id
    if provider is None and "provider_id" not in table.column_names:
        m = _PROVIDER_IN_NAME.match(path.name)
        if not m:
            raise InputError.at(
                path,
                "provider_id",
                "cannot tell the provider: add a provider_id column, name the file "
                "bdc_SS_PROVIDERID_..., or pass --mobile PROVIDERID=PATH",
            )
        provider = m.group(1)
    n = table.num_rows
    h3col = pc.cast(table["h3_res9_id"], pa.string())
    offset = 2 if text else 1
    id_ok = np.asarray(pc.fill_null(pc.match_substring_regex(h3col, _H3_RES9), False), dtype=bool)
    tech, tech_ok = _as_number(table["technology"], text)
    down, down_ok = _as_number(table["mindown"], text)
    up, up_ok = _as_number(table["minup"], text)
    env, env_ok = _as_number(table["environment"], text)
    tech_ok &= np.isin(tech, list(BDC_MOBILE_TECHNOLOGIES))
    env_ok &= np.isin(env, [ENV_OUTDOOR, ENV_IN_VEHICLE])
    reasons = np.full(n, "", dtype=object)
    fields = np.full(n, "", dtype=object)
    for ok, field, why in (
        (id_ok, "h3_res9_id", "not an H3 resolution-9 cell id"),
        (tech_ok, "technology", "technology must be 300, 400 or 500"),
        (down_ok, "mindown", "mindown is not a number"),
        (up_ok, "minup", "minup is not a number"),
        (env_ok, "environment", "environment must be 0 (outdoor) or 1 (in-vehicle)"),
    ):
        hit = ~ok & (reasons == "")
        reasons[hit] = why
        fields[hit] = field
    bad = reasons != ""
    if n and bad.all():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            [
                Problem(str(path), f"row {i + offset} / {fields[i]}", str(reasons[i])),
                Problem(str(path), "-", f"none of the {n:,} rows is usable"),
            ]
        )
    if bad.any():
        idx = np.flatnonzero(bad)
        for field in sorted(set(fields[idx])):
            sel = idx[fields[idx] == field]
            rejects.add(str(path), sel + offset, str(field), reasons[sel])
    keep = ~bad
    if cells is not None:
        keep &= np.asarray(pc.fill_null(pc.is_in(h3col, value_set=cells), False), dtype=bool)
    keep_arr = pa.array(keep)
    if provider is None:
        providers = {
            str(v) for v in pc.unique(pc.cast(table["provider_id"], pa.string())).to_pylist()
        }
        prov = np.asarray(
            pc.cast(pc.filter(table["provider_id"], keep_arr), pa.string()).to_numpy(
                zero_copy_only=False
            ),
            dtype=object,
        )
    else:
        providers = {provider}
        prov = np.full(int(keep.sum()), provider, dtype=object)
    frame = pd.DataFrame(
        {
            "h3_res9_id": np.asarray(
                pc.filter(h3col, keep_arr).to_numpy(zero_copy_only=False), dtype=object
            ),
            "provider_id": prov,
            "technology": tech[keep].astype(np.int16),
            "mindown": down[keep],
            "minup": up[keep],
            "environment": env[keep].astype(np.int8),
        }
    )
    return frame, providers


def carrier_coverage(
    coverage: pd.DataFrame, home_cells: npt.NDArray[np.uint64], catalogue: PlanCatalogue
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Which carriers cover each home, and the best coverage tier (Mbps down) they offer.

    A carrier covers a home when a layer of its provider id has the home's res-9 cell at an
    accepted technology, at least its minimum tier, in the required environment (in-vehicle
    needs environment 1; outdoor stationary accepts 0 or 1, in-vehicle coverage being the
    stricter).

    Parameters
    ----------
    coverage
        Rows from :func:`read_all_mobile`.
    home_cells
        Each home's res-9 cell, integer form.
    catalogue
        Carriers and the coverage each needs.

    Returns
    -------
    (covered, best_down)
        Arrays of shape (homes, carriers).
    """
    n = len(home_cells)
    carriers = catalogue.carrier
    covered = np.zeros((n, len(carriers)), dtype=bool)
    best = np.zeros((n, len(carriers)), dtype=float)
    cells = (
        text_to_ints(coverage["h3_res9_id"].to_numpy(dtype=object))
        if len(coverage)
        else (np.zeros(0, dtype=np.uint64))
    )
    for j, car in enumerate(carriers):
        env_min = ENV_IN_VEHICLE if catalogue.environment_of(car) == "in_vehicle" else ENV_OUTDOOR
        sel = (
            (coverage["provider_id"] == car.provider_id).to_numpy()
            & coverage["technology"].isin(car.technologies).to_numpy()
            & (coverage["mindown"] >= car.min_down_mbps).to_numpy()
            & (coverage["minup"] >= car.min_up_mbps).to_numpy()
            & (coverage["environment"] >= env_min).to_numpy()
        )
        if not sel.any():
            continue
        c = cells[sel]
        tier = coverage["mindown"].to_numpy(dtype=float)[sel]
        order = np.lexsort((-tier, c))
        c, tier = c[order], tier[order]
        first = np.r_[True, c[1:] != c[:-1]]
        c, tier = c[first], tier[first]
        pos = np.clip(np.searchsorted(c, home_cells), 0, c.size - 1)
        hit = c[pos] == home_cells
        covered[hit, j] = True
        best[hit, j] = tier[pos[hit]]
    return covered, best


def read_all_mobile(
    specs: Sequence[str | Path | tuple[str, Path]], rejects: Rejects, cells: pa.Array
) -> tuple[pd.DataFrame, set[str]]:
    """Read every coverage layer, keeping only rows at the given home cells.

    Returns
    -------
    (coverage, providers)
        Rows at the home cells, and every provider id seen in the layers.
    """
    frames = []
    providers: set[str] = set()
    for spec in specs:
        frame, seen = read_mobile_layer(parse_mobile_spec(spec), rejects, cells=cells)
        frames.append(frame)
        providers |= seen
    if not frames:
        return pd.DataFrame(
            {
                "h3_res9_id": pd.Series(dtype=object),
                "provider_id": pd.Series(dtype=object),
                "technology": pd.Series(dtype=np.int16),
                "mindown": pd.Series(dtype=float),
                "minup": pd.Series(dtype=float),
                "environment": pd.Series(dtype=np.int8),
            }
        ), providers
    return pd.concat(frames, ignore_index=True), providers
