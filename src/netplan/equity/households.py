"""Grouping siblings into households: one record per home with its students."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from netplan.equity.rejects import Rejects

__all__ = ["build_households", "join_groups", "normalise_address"]

# USPS Publication 28 standard abbreviations (street suffixes, directions, unit designators):
# the subset that covers nearly every residential address.
_ABBREVIATIONS = {
    "STREET": "ST",
    "STR": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "ROAD": "RD",
    "DRIVE": "DR",
    "LANE": "LN",
    "COURT": "CT",
    "BOULEVARD": "BLVD",
    "PLACE": "PL",
    "CIRCLE": "CIR",
    "HIGHWAY": "HWY",
    "PARKWAY": "PKWY",
    "TERRACE": "TER",
    "TRAIL": "TRL",
    "SQUARE": "SQ",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
    "APARTMENT": "APT",
    "SUITE": "STE",
    "UNIT": "UNIT",
    "COUNTY": "CO",
}
_EARTH_RADIUS_M = 6_371_008.8


def normalise_address(address: pd.Series) -> pd.Series:
    """Normalise street addresses so the same home written two ways compares equal.

    Upper case, ``#`` read as ``APT``, punctuation dropped, whitespace collapsed and the USPS
    Publication 28 abbreviations applied (``Street`` -> ``ST``, ``North`` -> ``N``...).
    """
    arr = pa.array(address.astype(str).to_numpy(dtype=object), type=pa.string())
    arr = pc.utf8_upper(arr)
    arr = pc.replace_substring(arr, "#", " APT ")
    arr = pc.replace_substring_regex(arr, r"[^\w\s-]", " ")
    # Abbreviate word by word: there are few distinct words, so map each once.
    words = pc.utf8_split_whitespace(arr)
    flat = pc.dictionary_encode(words.flatten())
    mapped = pa.array(
        [_ABBREVIATIONS.get(w, w) for w in flat.dictionary.to_pylist()], type=pa.string()
    )
    short = pa.ListArray.from_arrays(words.offsets, mapped.take(flat.indices))
    arr = pc.binary_join(short, " ")
    arr = pc.replace_substring_regex(arr, r"\bAPT APT\b", "APT")
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"\s+", " "))
    return pd.Series(arr.to_pylist(), index=address.index, dtype=object)


def join_groups(
    codes: npt.NDArray[np.int64], values: npt.ArrayLike, n_groups: int, sep: str = ";"
) -> npt.NDArray[np.object_]:
    """Join the text ``values`` of each group (``codes`` 0..n_groups-1), in value order."""
    vals = np.asarray(values, dtype=object)
    value_codes, _ = pd.factorize(vals, sort=True)
    order = np.lexsort((value_codes, codes))
    c = np.asarray(codes)[order]
    v = vals[order].tolist()
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]]) if c.size else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], c.size].astype(np.int64)
    out = np.full(n_groups, "", dtype=object)
    out[c[starts]] = [sep.join(v[s:e]) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    return out


def _haversine_m(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))  # type: ignore[no-any-return]


def build_households(
    students: pd.DataFrame,
    rejects: Rejects,
    file: str,
    *,
    sibling_distance_m: float = 150.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deduplicate siblings into households.

    The key is the household id where the roster has one, else the normalised address. A
    household's home is the location of its first roster row; siblings geocoded more than
    ``sibling_distance_m`` away from it are noted (``action="ignored"``) in the rejects.

    Parameters
    ----------
    students
        Valid students from :func:`netplan.equity.roster.read_roster`.
    rejects
        Receives the sibling-location notes.
    file
        Roster file name for those notes.
    sibling_distance_m
        Distance beyond which sibling geocodes are noted.

    Returns
    -------
    (students, households)
        ``students`` gains ``household_key``; ``households`` has one row per home:
        ``household_key, lat, lon, n_students, frl, survey, min_grade, schools,
        lead_school, first_row`` (``survey`` False if any sibling answered "no internet").
    """
    st = students.copy()
    hid = st["household_id"].astype(str)
    key = "id:" + hid.str.upper()
    no_id = (hid == "").to_numpy()
    if no_id.any():
        key = key.copy()
        key.loc[no_id] = "addr:" + normalise_address(st.loc[no_id, "address"])
    st["household_key"] = key
    codes, uniques = pd.factorize(key, sort=False)
    n_hh = len(uniques)
    _, first_idx = np.unique(codes, return_index=True)
    lat = st["lat"].to_numpy(dtype=float)
    lon = st["lon"].to_numpy(dtype=float)
    rows = st["row"].to_numpy()
    dist = _haversine_m(lat, lon, lat[first_idx][codes], lon[first_idx][codes])
    far = dist > sibling_distance_m
    if far.any():
        first_rows = rows[first_idx][codes]
        details = [
            f"{d:,.0f} m from row {r}" for d, r in zip(dist[far], first_rows[far], strict=True)
        ]
        rejects.add(
            file,
            rows[far],
            "latitude/longitude",
            f"geocode far from a sibling's (over {sibling_distance_m:g} m); the "
            "household's first row location is used",
            action="ignored",
            detail=np.array(details, dtype=object),
            student_ids=st["student_id"].to_numpy(dtype=object)[far],
        )

    survey = st["survey"].astype("boolean")
    said_no = (
        np.bincount(
            codes,
            weights=(survey == False).fillna(False).to_numpy(dtype=float),  # noqa: E712
            minlength=n_hh,
        )
        > 0
    )
    said_yes = (
        np.bincount(
            codes,
            weights=(survey == True).fillna(False).to_numpy(dtype=float),  # noqa: E712
            minlength=n_hh,
        )
        > 0
    )
    hh_survey = pd.array(~said_no, dtype="boolean")
    hh_survey[~(said_no | said_yes)] = pd.NA
    grade = st["grade"].to_numpy()
    school_codes, school_names = pd.factorize(st["school"], sort=True)
    names = np.asarray(school_names, dtype=object)
    # The school a household's hotspot is counted at: its youngest student's (ties: school id).
    order = np.lexsort((school_codes, grade, codes))
    starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
    lead_idx = order[starts]
    max_grade = np.full(n_hh, -99, dtype=np.int64)
    np.maximum.at(max_grade, codes, grade)
    pair = np.unique(codes.astype(np.int64) * len(names) + school_codes)
    schools = join_groups(pair // len(names), names[pair % len(names)], n_hh)
    households = pd.DataFrame(
        {
            "household_key": uniques,
            "lat": lat[first_idx],
            "lon": lon[first_idx],
            "n_students": np.bincount(codes, minlength=n_hh),
            "frl": np.bincount(codes, weights=st["frl"].to_numpy(dtype=float), minlength=n_hh) > 0,
            "survey": hh_survey,
            "min_grade": grade[lead_idx],
            "max_grade": max_grade,
            "schools": schools,
            "lead_school": names[school_codes[lead_idx]],
            "first_row": rows[first_idx],
        }
    )
    st["_hh"] = codes
    st = st.rename(columns={"_hh": "household_index"})
    return st, households
