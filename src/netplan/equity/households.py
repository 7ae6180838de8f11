"""Grouping siblings into households: one record per home with its students."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from netplan.equity.rejects import Rejects

__all__ = ["build_households", "normalise_address"]

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
_WORD = re.compile(r"\b(" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\b")
_EARTH_RADIUS_M = 6_371_008.8


def normalise_address(address: pd.Series) -> pd.Series:
    """Normalise street addresses so the same home written two ways compares equal.

    Upper case, ``#`` read as ``APT``, punctuation dropped, whitespace collapsed and the USPS
    Publication 28 abbreviations applied (``Street`` -> ``ST``, ``North`` -> ``N``...).
    """
    s = address.astype(str).str.upper()
    s = s.str.replace("#", " APT ", regex=False)
    s = s.str.replace(r"[^\w\s-]", " ", regex=True)
    s = s.str.replace(_WORD, lambda m: _ABBREVIATIONS[m.group(1)], regex=True)
    s = s.str.replace(r"\bAPT\s+APT\b", "APT", regex=True)
    return s.str.replace(r"\s+", " ", regex=True).str.strip()


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
    key = pd.Series("id:" + hid.str.upper(), index=st.index, dtype=object)
    no_id = (hid == "").to_numpy()
    if no_id.any():
        key[no_id] = "addr:" + normalise_address(st.loc[no_id, "address"])
    st["household_key"] = key.to_numpy()

    codes, uniques = pd.factorize(st["household_key"], sort=False)
    st["_hh"] = codes
    first = st.groupby("_hh", sort=True).head(1).set_index("_hh").sort_index()
    hh_lat = first["lat"].to_numpy()[codes]
    hh_lon = first["lon"].to_numpy()[codes]
    dist = _haversine_m(st["lat"].to_numpy(), st["lon"].to_numpy(), hh_lat, hh_lon)
    far = dist > sibling_distance_m
    if far.any():
        first_rows = first["row"].to_numpy()[codes]
        details = [
            f"{d:,.0f} m from row {r}" for d, r in zip(dist[far], first_rows[far], strict=True)
        ]
        rejects.add(
            file,
            st["row"].to_numpy()[far],
            "latitude/longitude",
            f"geocode far from a sibling's (over {sibling_distance_m:g} m); the "
            "household's first row location is used",
            action="ignored",
            detail=np.array(details, dtype=object),
            student_ids=st["student_id"].to_numpy()[far],
        )

    g = st.groupby("_hh", sort=True)
    survey = st["survey"].astype("boolean")
    said_no = (survey == False).fillna(False).groupby(st["_hh"]).any()  # noqa: E712
    said_yes = (survey == True).fillna(False).groupby(st["_hh"]).any()  # noqa: E712
    hh_survey = pd.array(np.where(said_no, False, True), dtype="boolean")
    hh_survey[~(said_no.to_numpy() | said_yes.to_numpy())] = pd.NA
    # The school a household's hotspot is counted at: its youngest student's (ties: school id).
    lead = st.sort_values(["_hh", "grade", "school"], kind="stable").groupby("_hh").head(1)
    lead = lead.set_index("_hh").sort_index()
    pairs = st[["_hh", "school"]].drop_duplicates().sort_values(["_hh", "school"])
    n_schools = pairs.groupby("_hh", sort=True).size()
    schools = pairs.groupby("_hh", sort=True)["school"].first().astype(object)
    multi = n_schools.index[n_schools.to_numpy() > 1]
    if len(multi):
        joined = pairs[pairs["_hh"].isin(multi)].groupby("_hh", sort=True)["school"].agg(";".join)
        schools.loc[joined.index] = joined
    households = pd.DataFrame(
        {
            "household_key": np.asarray(uniques, dtype=object),
            "lat": first["lat"].to_numpy(),
            "lon": first["lon"].to_numpy(),
            "n_students": g.size().to_numpy(),
            "frl": g["frl"].any().to_numpy(),
            "survey": hh_survey,
            "min_grade": g["grade"].min().to_numpy(),
            "max_grade": g["grade"].max().to_numpy(),
            "schools": schools.to_numpy(),
            "lead_school": lead["school"].to_numpy(),
            "first_row": first["row"].to_numpy(),
        }
    )
    st = st.rename(columns={"_hh": "household_index"})
    return st, households
