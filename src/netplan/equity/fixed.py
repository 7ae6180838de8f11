"""FCC BDC fixed availability: loading the public CSVs and the best service per area.

A home's class is the best *reliable* residential service at its 2020 census block (or H3
res-8 cell): served >= 100/20 Mbps, underserved >= 25/3, unserved below (REFERENCE.md,
"Speed benchmarks"; thresholds configurable). An empty upload speed counts as 0 Mbps: the
provider advertises none.
"""

from __future__ import annotations

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


def read_bdc_fixed(path: Path, rejects: Rejects, *, key: str = "block_geoid") -> pd.DataFrame:
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
    pandas.DataFrame
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
    reasons = np.full(n, "", dtype=object)
    fields = np.full(n, "", dtype=object)

    def flag(bad: npt.NDArray[np.bool_], field: str, reason: str | npt.NDArray[np.object_]) -> None:
        hit = bad & (reasons == "")
        reasons[hit] = reason if isinstance(reason, str) else reason[hit]
        fields[hit] = field

    frn = t["frn"]
    flag(
        _bool(pc.match_substring_regex(frn, r"^[0-9]{9}$")),
        "frn",
        "frn has 9 digits: leading zero lost (read ids as text, not numbers)",
    )
    flag(~_bool(pc.match_substring_regex(frn, r"^[0-9]{10}$")), "frn", "not a 10-digit FRN")
    flag(_bool(pc.equal(t["location_id"], "")), "location_id", "empty location_id")
    tech_txt = t["technology"]
    tech_ok = _bool(pc.match_substring_regex(tech_txt, r"^[0-9]+$"))
    tech = np.full(n, -1, dtype=np.int64)
    tech[tech_ok] = pc.cast(pc.filter(tech_txt, pa.array(tech_ok)), pa.int64()).to_numpy()
    flag(~np.isin(tech, list(BDC_FIXED_TECHNOLOGIES)), "technology", "unknown BDC technology code")
    down_txt = t["max_advertised_download_speed"]
    down_ok = _bool(pc.match_substring_regex(down_txt, _NUMBER))
    flag(~down_ok, "max_advertised_download_speed", "download speed is not a number of Mbps")
    up_txt = t["max_advertised_upload_speed"]
    up_empty = _bool(pc.equal(up_txt, ""))
    up_ok = _bool(pc.match_substring_regex(up_txt, _NUMBER))
    flag(~(up_ok | up_empty), "max_advertised_upload_speed", "upload speed is not a number of Mbps")
    ll = t["low_latency"]
    ll_true = _bool(pc.is_in(ll, pa.array(["1", "True", "TRUE", "true"])))
    ll_false = _bool(pc.is_in(ll, pa.array(["0", "False", "FALSE", "false"])))
    flag(~(ll_true | ll_false), "low_latency", "low_latency must be 0 or 1")
    brc = t["business_residential_code"]
    flag(
        ~_bool(pc.is_in(brc, pa.array(sorted(BUSINESS_RESIDENTIAL_CODES)))),
        "business_residential_code",
        "business_residential_code must be R, B or X",
    )
    if key == "block_geoid":
        geo_reasons = check_geoids(t["block_geoid"].combine_chunks(), 15)
        flag(geo_reasons != "", "block_geoid", geo_reasons)
    else:
        flag(
            ~_bool(pc.match_substring_regex(t["h3_res8_id"], _H3_RES8)),
            "h3_res8_id",
            "not an H3 resolution-8 cell id",
        )

    bad = reasons != ""
    if n and bad.all():
        first = np.flatnonzero(bad)[:5]
        raise InputError(
            [Problem(str(path), f"row {i + 2} / {fields[i]}", str(reasons[i])) for i in first]
            + [Problem(str(path), "-", f"none of the {n:,} rows is usable")]
        )
    if bad.any():
        idx = np.flatnonzero(bad)
        for field in sorted(set(fields[idx])):
            sel = idx[fields[idx] == field]
            rejects.add(
                str(path),
                sel + 2,
                field,
                reasons[sel],
                values=t[field].take(pa.array(sel)).to_numpy(zero_copy_only=False),
            )
    good = pa.array(~bad)
    down = np.asarray(
        pc.cast(pc.filter(down_txt, good), pa.float64()).to_numpy(zero_copy_only=False)
    )
    up_kept = pc.filter(up_txt, good)
    up = np.asarray(
        pc.cast(pc.if_else(pc.equal(up_kept, ""), "0", up_kept), pa.float64()).to_numpy(
            zero_copy_only=False
        )
    )
    keep = ~bad
    return pd.DataFrame(
        {
            "location_id": pc.filter(t["location_id"], good).to_numpy(zero_copy_only=False),
            "provider_id": pc.filter(t["provider_id"], good).to_numpy(zero_copy_only=False),
            "technology": tech[keep].astype(np.int16),
            "down": down,
            "up": up,
            "low_latency": ll_true[keep],
            "residential": _bool(
                pc.is_in(pc.filter(brc, good), pa.array(sorted(RESIDENTIAL_CODES)))
            ),
            "key": pc.filter(t[key], good).to_numpy(zero_copy_only=False),
        }
    )


def service_by_area(offers: pd.DataFrame, rules: FixedRules) -> pd.DataFrame:
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
    cls = classify_speeds(
        offers["down"].to_numpy(), offers["up"].to_numpy(), rules.served, rules.underserved
    )
    residential = offers["residential"].to_numpy() | (not rules.residential_only)
    reliable = offers["technology"].isin(sorted(rules.reliable_technologies)).to_numpy().copy()
    reliable &= residential
    if rules.require_low_latency:
        reliable &= offers["low_latency"].to_numpy()
    key_codes, keys = pd.factorize(offers["key"], sort=True)
    rel_cls = np.where(reliable, cls, -1).astype(np.int8)
    any_cls = np.where(residential, cls, -1).astype(np.int8)
    df = pd.DataFrame(
        {
            "k": key_codes,
            "rel": rel_cls,
            "any": any_cls,
            "down": np.where(reliable, offers["down"].to_numpy(), -1.0),
            "up": np.where(reliable, offers["up"].to_numpy(), -1.0),
            "loc": pd.factorize(offers["location_id"])[0],
            "prov": np.where(reliable, pd.factorize(offers["provider_id"])[0], -1),
        }
    )
    g = df.groupby("k", sort=True)
    out = pd.DataFrame(index=pd.Index(np.asarray(keys, dtype=object), name="key"))
    out["fixed_class"] = np.maximum(g["rel"].max().to_numpy(), 0).astype(np.int8)
    out["any_class"] = np.maximum(g["any"].max().to_numpy(), 0).astype(np.int8)
    best = (
        df.sort_values(
            ["k", "rel", "down", "up"], ascending=[True, False, False, False], kind="stable"
        )
        .groupby("k", sort=True)
        .head(1)
    )
    out["best_down"] = np.where(best["rel"].to_numpy() >= 0, best["down"].to_numpy(), 0.0)
    out["best_up"] = np.where(best["rel"].to_numpy() >= 0, best["up"].to_numpy(), 0.0)
    prov = df.loc[df["prov"] >= 0, ["k", "prov"]].drop_duplicates()
    out["reliable_providers"] = (
        prov.groupby("k").size().reindex(range(len(keys)), fill_value=0).to_numpy()
    )
    loc_best = df.groupby(["k", "loc"], sort=False)["rel"].max().reset_index()
    served_loc = (loc_best["rel"] == 2).groupby(loc_best["k"]).agg(["sum", "size"])
    served_loc = served_loc.reindex(range(len(keys)), fill_value=0)
    out["locations"] = served_loc["size"].to_numpy()
    out["share_locations_served"] = served_loc["sum"].to_numpy() / np.maximum(
        served_loc["size"].to_numpy(), 1
    )
    return out


def read_all_fixed(paths: Sequence[Path], rejects: Rejects, *, key: str) -> pd.DataFrame:
    """Read and concatenate several BDC fixed files."""
    if not paths:
        raise InputError.at("--fixed", "-", "at least one BDC fixed availability CSV is needed")
    frames = [read_bdc_fixed(p, rejects, key=key) for p in paths]
    return pd.concat(frames, ignore_index=True)
