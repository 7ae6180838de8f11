"""FCC BDC fixed availability: loading the public CSVs and the best service per area.

A home's class is the best *reliable* residential service at its 2020 census block (or H3
res-8 cell): served >= 100/20 Mbps, underserved >= 25/3, unserved below (docs/references.md,
"Speed benchmarks"; thresholds configurable). An empty upload speed counts as 0 Mbps: the
provider advertises none.
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

from netplan.equity.blocks import check_geoids
from netplan.equity.constants import (
    BDC_FIXED_COLUMNS,
    BDC_FIXED_TECHNOLOGIES,
    BUSINESS_RESIDENTIAL_CODES,
    RESIDENTIAL_CODES,
)
from netplan.equity.readers import csv_header, read_csv_table, require_columns
from netplan.equity.rejects import Rejects
from netplan.errors import InputError, Problem

__all__ = ["FixedRules", "classify_speeds", "read_bdc_fixed", "service_by_area"]

_NUMBER = r"^[0-9]+(\.[0-9]+)?$"
_H3_RES8 = r"^88[0-9a-f]{13}$"
_USED = (
    "frn",
    "provider_id",
    "location_id",
    "technology",
    "max_advertised_download_speed",
    "max_advertised_upload_speed",
    "low_latency",
    "business_residential_code",
    "block_geoid",
    "h3_res8_id",
)


@dataclass(frozen=True)
class FixedRules:
    """What counts as service."""

    reliable_technologies: frozenset[int]
    served: tuple[float, float]
    underserved: tuple[float, float]
    residential_only: bool = True
    require_low_latency: bool = True


def classify_speeds(
    down: npt.NDArray[np.float64],
    up: npt.NDArray[np.float64],
    served: tuple[float, float],
    underserved: tuple[float, float],
) -> npt.NDArray[np.int8]:
    """Class code per offer: 2 served, 1 underserved, 0 unserved."""
    out = np.zeros(down.shape, dtype=np.int8)
    out[(down >= underserved[0]) & (up >= underserved[1])] = 1
    out[(down >= served[0]) & (up >= served[1])] = 2
    return out


def _bool(arr: pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def read_bdc_fixed(path: Path, rejects: Rejects, *, key: str = "block_geoid") -> pa.Table:
    """Read one BDC fixed availability CSV; malformed rows go to the rejects.

    Parameters
    ----------
    path
        A ``bdc_{STATE}_{Tech}_fixed_broadband_{release}_{date}.csv`` file.
    rejects
        Receives the malformed rows.
    key
        The join column checked strictly: ``block_geoid`` or ``h3_res8_id``.

    Returns
    -------
    pyarrow.Table
        ``location_id, provider_id, technology, down, up, low_latency, residential, key``.

    Raises
    ------
    InputError
        Unreadable file, missing columns, or no usable row at all.
    """
    header = csv_header(path)
    require_columns(path, header, BDC_FIXED_COLUMNS, " (BDC fixed availability schema)")
    t = read_csv_table(path, include=_USED)
    n = t.num_rows
    reasons: list[str] = [""]
    fields: list[str] = [""]
    code = np.zeros(n, dtype=np.int16)

    def flag(bad: npt.NDArray[np.bool_], field: str, reason: str) -> None:
        hit = bad & (code == 0)
        if hit.any():
            reasons.append(reason)
            fields.append(field)
            code[hit] = len(reasons) - 1

    def distinct(name: str) -> tuple[list[str], npt.NDArray[np.int64]]:
        enc = pc.dictionary_encode(t[name].combine_chunks())
        values = [str(v) for v in enc.dictionary.to_pylist()]
        return values, np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)

    frn_vals, frn_idx = distinct("frn")
    frn_short = np.array([len(v) == 9 and v.isdigit() for v in frn_vals], dtype=bool)
    frn_ok = np.array([len(v) == 10 and v.isdigit() for v in frn_vals], dtype=bool)
    flag(
        frn_short[frn_idx],
        "frn",
        "frn has 9 digits: leading zero lost (read ids as text, not numbers)",
    )
    flag(~frn_ok[frn_idx], "frn", "not a 10-digit FRN")
    flag(_bool(pc.equal(t["location_id"], "")), "location_id", "empty location_id")
    tech_vals, tech_idx = distinct("technology")
    tech_num = np.array([int(v) if v.isdigit() else -1 for v in tech_vals], dtype=np.int64)
    tech = tech_num[tech_idx]
    flag(~np.isin(tech, list(BDC_FIXED_TECHNOLOGIES)), "technology", "unknown BDC technology code")

    def speeds(
        name: str,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        vals, idx = distinct(name)
        num = np.array([float(v) if re.fullmatch(_NUMBER, v) else np.nan for v in vals])
        empty = np.array([v == "" for v in vals], dtype=bool)
        return num[idx], np.isfinite(num)[idx], empty[idx]

    down, down_ok, _ = speeds("max_advertised_download_speed")
    flag(~down_ok, "max_advertised_download_speed", "download speed is not a number of Mbps")
    up, up_ok, up_empty = speeds("max_advertised_upload_speed")
    flag(~(up_ok | up_empty), "max_advertised_upload_speed", "upload speed is not a number of Mbps")
    up = np.where(up_empty, 0.0, up)  # no advertised upload: 0 Mbps
    ll_vals, ll_idx = distinct("low_latency")
    ll_code = np.array(
        [
            1 if v.lower() in ("1", "true") else 0 if v.lower() in ("0", "false") else -1
            for v in ll_vals
        ],
        dtype=np.int8,
    )[ll_idx]
    flag(ll_code < 0, "low_latency", "low_latency must be 0 or 1")
    brc_vals, brc_idx = distinct("business_residential_code")
    brc_ok = np.array([v in BUSINESS_RESIDENTIAL_CODES for v in brc_vals], dtype=bool)
    brc_res = np.array([v in RESIDENTIAL_CODES for v in brc_vals], dtype=bool)
    flag(
        ~brc_ok[brc_idx], "business_residential_code", "business_residential_code must be R, B or X"
    )
    if key == "block_geoid":
        geo_vals, geo_idx = distinct("block_geoid")
        geo_reasons = check_geoids(pa.array(geo_vals, type=pa.string()), 15)
        for why in sorted(set(geo_reasons) - {""}):
            flag((geo_reasons == why)[geo_idx], "block_geoid", why)
    else:
        h3_vals, h3_idx = distinct("h3_res8_id")
        h3_ok = np.array([re.fullmatch(_H3_RES8, v) is not None for v in h3_vals], dtype=bool)
        flag(~h3_ok[h3_idx], "h3_res8_id", "not an H3 resolution-8 cell id")

    bad = code != 0
    reason_arr = np.array(reasons, dtype=object)
    field_arr = np.array(fields, dtype=object)
    if n and bad.all():
        first = np.flatnonzero(bad)[:5]
        raise InputError(
            [
                Problem(str(path), f"row {i + 2} / {field_arr[code[i]]}", str(reason_arr[code[i]]))
                for i in first
            ]
            + [Problem(str(path), "-", f"none of the {n:,} rows is usable")]
        )
    if bad.any():
        for k in range(1, len(reasons)):
            sel = np.flatnonzero(code == k)
            rejects.add(
                str(path),
                sel + 2,
                fields[k],
                reasons[k],
                values=t[fields[k]].take(pa.array(sel)).to_numpy(zero_copy_only=False),
            )
    keep = ~bad
    good = pa.array(keep)
    return pa.table(
        {
            "location_id": pc.filter(t["location_id"], good),
            "provider_id": pc.filter(t["provider_id"], good),
            "technology": pa.array(tech[keep].astype(np.int16)),
            "down": pa.array(down[keep]),
            "up": pa.array(up[keep]),
            "low_latency": pa.array(ll_code[keep] == 1),
            "residential": pa.array(brc_res[brc_idx][keep]),
            "key": pc.filter(t[key], good),
        }
    )


def _codes(col: pa.ChunkedArray | pa.Array) -> tuple[npt.NDArray[np.int64], pa.Array]:
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    enc = pc.dictionary_encode(arr)
    return np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64), enc.dictionary


def service_by_area(offers: pa.Table, rules: FixedRules) -> pd.DataFrame:
    """Best service per area (block GEOID or H3 res-8 cell).

    Parameters
    ----------
    offers
        Concatenated output of :func:`read_bdc_fixed`.
    rules
        Thresholds and what counts as reliable.

    Returns
    -------
    pandas.DataFrame
        Indexed by area key: ``fixed_class`` (2 served, 1 underserved, 0 unserved, best
        reliable residential offer), ``any_class`` (best residential offer of any technology,
        satellite included), ``best_down``, ``best_up`` (of the best reliable offer),
        ``reliable_providers``, ``locations``, ``share_locations_served``.
    """
    down = np.asarray(offers["down"].to_numpy(), dtype=float)
    up = np.asarray(offers["up"].to_numpy(), dtype=float)
    tech = np.asarray(offers["technology"].to_numpy())
    cls = classify_speeds(down, up, rules.served, rules.underserved)
    residential = np.asarray(offers["residential"].to_numpy(zero_copy_only=False), dtype=bool)
    if not rules.residential_only:
        residential = np.ones_like(residential)
    reliable = np.isin(tech, sorted(rules.reliable_technologies)) & residential
    if rules.require_low_latency:
        reliable &= np.asarray(offers["low_latency"].to_numpy(zero_copy_only=False), dtype=bool)
    k, keys = _codes(offers["key"])
    loc, _ = _codes(offers["location_id"])
    prov, _ = _codes(offers["provider_id"])
    n_keys = len(keys)
    rel_cls = np.where(reliable, cls, -1).astype(np.int8)
    any_cls = np.where(residential, cls, -1).astype(np.int8)
    best_rel = np.full(n_keys, -1, dtype=np.int8)
    np.maximum.at(best_rel, k, rel_cls)
    best_any = np.full(n_keys, -1, dtype=np.int8)
    np.maximum.at(best_any, k, any_cls)
    out = pd.DataFrame(index=pd.Index(keys.to_pylist(), name="key", dtype=object))
    out["fixed_class"] = np.maximum(best_rel, 0).astype(np.int8)
    out["any_class"] = np.maximum(best_any, 0).astype(np.int8)
    # The best reliable offer: highest class, then download, then upload.
    order = np.lexsort(
        (-np.where(reliable, up, -1.0), -np.where(reliable, down, -1.0), -rel_cls, k)
    )
    first = np.ones(order.size, dtype=bool)
    first[1:] = k[order][1:] != k[order][:-1]
    top = order[first]
    has = rel_cls[top] >= 0
    out["best_down"] = np.where(has, down[top], 0.0)
    out["best_up"] = np.where(has, up[top], 0.0)
    pairs = np.unique(k[reliable] * (int(prov.max(initial=0)) + 1) + prov[reliable])
    out["reliable_providers"] = np.bincount(
        pairs // (int(prov.max(initial=0)) + 1), minlength=n_keys
    )
    # Share of the area's locations whose best reliable offer is "served".
    loc_best = np.full(int(loc.max(initial=-1)) + 1, -1, dtype=np.int8)
    np.maximum.at(loc_best, loc, rel_cls)
    loc_key = np.full(loc_best.size, 0, dtype=np.int64)
    loc_key[loc] = k
    n_loc = np.bincount(loc_key, minlength=n_keys)
    n_served = np.bincount(loc_key, weights=(loc_best == 2).astype(float), minlength=n_keys)
    out["locations"] = n_loc
    out["share_locations_served"] = n_served / np.maximum(n_loc, 1)
    return out


def read_all_fixed(paths: Sequence[Path], rejects: Rejects, *, key: str) -> pa.Table:
    """Read and concatenate several BDC fixed files."""
    if not paths:
        raise InputError.at("--fixed", "-", "at least one BDC fixed availability CSV is needed")
    return pa.concat_tables([read_bdc_fixed(p, rejects, key=key) for p in paths])
