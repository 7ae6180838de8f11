"""Reading and validating the student roster exported by a student information system.

Row-level problems (bad coordinates, duplicate ids, ...) reject the row into the rejects file;
only problems with the file itself (unreadable, missing required columns) are fatal.
Addresses never leave the machine: netplan reads the geocoded latitude/longitude the district
already has.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import Transformer

from netplan.equity.config import RosterColumns
from netplan.equity.readers import csv_header, read_csv_table, require_columns
from netplan.equity.rejects import Rejects
from netplan.errors import InputError

__all__ = ["parse_grades", "parse_yes_no", "read_roster"]

_YES = frozenset({"Y", "YES", "TRUE", "T", "1", "HAS INTERNET", "HAS", "HAVE INTERNET"})
_NO = frozenset({"N", "NO", "FALSE", "F", "0", "NO INTERNET", "DOES NOT", "NONE"})
_FRL_YES = frozenset({"Y", "YES", "TRUE", "T", "1", "F", "R", "FREE", "REDUCED", "FRL"})
_FRL_NO = frozenset({"N", "NO", "FALSE", "0", "P", "PAID", ""})
_PK = frozenset({"PK", "P", "PREK", "PRE-K", "TK", "-1"})
_K = frozenset({"K", "KG", "KN", "0", "00"})


def parse_grades(raw: pd.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Grade labels to numbers: PK -1, K 0, 1-12.

    Returns
    -------
    (grades, ok)
        ``grades`` is -99 where ``ok`` is False.
    """
    up = raw.str.upper().str.replace(" ", "", regex=False)
    out = np.full(len(raw), -99, dtype=np.int64)
    out[up.isin(_PK).to_numpy()] = -1
    out[up.isin(_K).to_numpy()] = 0
    num = pd.to_numeric(up.str.removeprefix("GRADE"), errors="coerce").to_numpy()
    whole = np.isfinite(num) & (num >= 1) & (num <= 12) & (np.floor(num) == num)
    out[whole & (out == -99)] = num[whole & (out == -99)].astype(np.int64)
    return out, out != -99


def grade_label(grade: int) -> str:
    """Label of a grade number."""
    return {-1: "PK", 0: "K"}.get(grade, str(grade))


def parse_yes_no(
    raw: pd.Series, yes: frozenset[str] = _YES, no: frozenset[str] = _NO
) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Survey-style answers to a nullable boolean.

    Returns
    -------
    (answers, understood)
        ``answers`` is ``pd.NA`` for blank or not-understood answers.
    """
    up = raw.str.strip().str.upper()
    is_yes = up.isin(yes).to_numpy()
    is_no = up.isin(no).to_numpy() & ~is_yes
    blank = (up == "").to_numpy()
    values = pd.array(np.where(is_yes, True, False), dtype="boolean")
    values[~(is_yes | is_no)] = pd.NA
    return pd.Series(values, index=raw.index), is_yes | is_no | blank


def read_roster(
    path: Path,
    columns: RosterColumns,
    rejects: Rejects,
    *,
    district: shapely.Geometry | None = None,
    roster_crs: str = "EPSG:4326",
) -> pd.DataFrame:
    """Read the roster and reject the rows that cannot be used.

    Parameters
    ----------
    path
        Roster CSV.
    columns
        Column names.
    rejects
        Receives every rejected row and ignored field.
    district
        District boundary in WGS84; homes outside it are rejected.
    roster_crs
        CRS of the latitude/longitude columns.

    Returns
    -------
    pandas.DataFrame
        One row per usable student: ``row, student_id, school, grade, grade_label,
        household_id, address, lat, lon, frl, survey`` (``lat``/``lon`` in WGS84; ``survey``
        True = has home internet, False = does not, NA = no answer).
    """
    header = csv_header(path)
    c = columns
    hint = " (name it with --column FIELD=COLUMN)"
    require_columns(path, header, [c.student_id, c.school, c.grade, c.latitude, c.longitude], hint)
    has_hh = c.household_id in header
    has_addr = c.address in header
    if not (has_hh or has_addr):
        raise InputError.at(
            path,
            "header",
            f"needs a household id column {c.household_id!r} or an address column "
            f"{c.address!r} to group siblings{hint}",
        )
    df = read_csv_table(path).to_pandas()
    n = len(df)
    file = str(path)
    rows = np.arange(2, n + 2, dtype=np.int64)

    def col(name: str, present: bool = True) -> pd.Series:
        if present and name in df.columns:
            return pd.Series(df[name].astype(str).str.strip())
        return pd.Series([""] * n, index=df.index, dtype=object)

    sid = col(c.student_id)
    school = col(c.school)
    hh = col(c.household_id, has_hh)
    addr = col(c.address, has_addr)
    lat_raw = col(c.latitude)
    lon_raw = col(c.longitude)

    alive = np.ones(n, dtype=bool)

    def reject(
        mask: npt.NDArray[np.bool_],
        field: str,
        reason: str,
        values: pd.Series | None = None,
        detail: npt.NDArray[np.object_] | None = None,
    ) -> None:
        hit = mask & alive
        if not hit.any():
            return
        rejects.add(
            file,
            rows[hit],
            field,
            reason,
            detail="" if detail is None else detail[hit],
            student_ids=sid.to_numpy()[hit],
            values=None if values is None else values.to_numpy()[hit],
        )
        alive[hit] = False

    reject((sid == "").to_numpy(), c.student_id, "missing student id")
    reject((school == "").to_numpy(), c.school, "missing school")
    grades, grade_ok = parse_grades(col(c.grade))
    reject(~grade_ok, c.grade, "grade not understood (expected PK, K or 1-12)", col(c.grade))

    latlon = lat_raw + "," + lon_raw
    empty = ((lat_raw == "") | (lon_raw == "")).to_numpy()
    reject(empty, f"{c.latitude}/{c.longitude}", "missing latitude/longitude (home not geocoded)")
    lat = pd.to_numeric(lat_raw, errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(lon_raw, errors="coerce").to_numpy(dtype=float)
    bad_num = ~(np.isfinite(lat) & np.isfinite(lon))
    reject(bad_num, f"{c.latitude}/{c.longitude}", "latitude/longitude is not a number", latlon)
    reject(
        (lat == 0) & (lon == 0),
        f"{c.latitude}/{c.longitude}",
        "coordinates are 0,0 (a failed geocode)",
        latlon,
    )

    if roster_crs.upper() not in ("EPSG:4326", "WGS84", "OGC:CRS84"):
        tr = Transformer.from_crs(roster_crs, "EPSG:4326", always_xy=True)
        ok = alive & ~bad_num
        lon[ok], lat[ok] = tr.transform(lon[ok], lat[ok])

    in_range = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    swapped_ok = (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    if district is not None:
        safe_lat = np.where(alive, lat, 0.0)
        safe_lon = np.where(alive, lon, 0.0)
        inside = shapely.contains_xy(district, safe_lon, safe_lat) & alive
        swapped_inside = shapely.contains_xy(district, safe_lat, safe_lon) & alive
        looks_swapped = ~inside & swapped_inside
    else:
        inside = in_range
        looks_swapped = ~in_range & swapped_ok & (np.abs(lat) > 90)
    reject(
        looks_swapped, f"{c.latitude}/{c.longitude}", "latitude and longitude look swapped", latlon
    )
    reject(
        ~in_range,
        f"{c.latitude}/{c.longitude}",
        "coordinates out of range (latitude within +-90, longitude within +-180)",
        latlon,
    )
    if district is not None:
        reject(
            ~inside, f"{c.latitude}/{c.longitude}", "home is outside the district boundary", latlon
        )

    reject(
        ((hh == "") & (addr == "")).to_numpy(),
        f"{c.household_id}/{c.address}",
        "no household id or address to group siblings",
    )

    # Duplicate student ids among the rows still standing: an exact repeat of an earlier row
    # is rejected as such; otherwise every row of a conflicting id is rejected, since netplan
    # cannot tell which one is right.
    live_idx = np.flatnonzero(alive)
    live = df.iloc[live_idx]
    dup_any = sid.iloc[live_idx].duplicated(keep=False).to_numpy()
    if dup_any.any():
        cand = live.iloc[np.flatnonzero(dup_any)]
        cand_idx = live_idx[dup_any]
        exact_later = cand.duplicated(keep="first").to_numpy()
        first_row_of_id: dict[str, int] = {}
        for i in cand_idx:
            first_row_of_id.setdefault(str(sid.iat[i]), int(rows[i]))
        exact_mask = np.zeros(n, dtype=bool)
        exact_mask[cand_idx[exact_later]] = True
        reasons = np.array([""] * n, dtype=object)
        for i in cand_idx[exact_later]:
            reasons[i] = f"same as row {first_row_of_id[str(sid.iat[i])]}"
        reject(exact_mask, c.student_id, "exact duplicate of an earlier row", detail=reasons)
        # Conflicting ids among the survivors.
        still = alive.copy()
        ids_alive = sid[still]
        conflict = ids_alive.duplicated(keep=False)
        conflict_idx = np.flatnonzero(still)[conflict.to_numpy()]
        if conflict_idx.size:
            by_id: dict[str, list[int]] = {}
            for i in conflict_idx:
                by_id.setdefault(str(sid.iat[i]), []).append(int(rows[i]))
            reasons = np.array([""] * n, dtype=object)
            for i in conflict_idx:
                others = [r for r in by_id[str(sid.iat[i])] if r != rows[i]]
                reasons[i] = "also on row " + ", ".join(str(r) for r in others)
            mask = np.zeros(n, dtype=bool)
            mask[conflict_idx] = True
            reject(
                mask, c.student_id, "duplicate student id with different details", detail=reasons
            )

    frl_raw = col(c.frl, c.frl in header)
    frl, frl_ok = parse_yes_no(frl_raw, _FRL_YES, _FRL_NO)
    ignore = ~frl_ok & alive
    if ignore.any():
        rejects.add(
            file,
            rows[ignore],
            c.frl,
            "free/reduced-lunch flag not understood; treated as not FRL",
            action="ignored",
            student_ids=sid.to_numpy()[ignore],
            values=frl_raw.to_numpy()[ignore],
        )
    survey_raw = col(c.home_internet, c.home_internet in header)
    survey, survey_ok = parse_yes_no(survey_raw)
    ignore = ~survey_ok & alive
    if ignore.any():
        rejects.add(
            file,
            rows[ignore],
            c.home_internet,
            "home internet answer not understood (expected yes/no); ignored",
            action="ignored",
            student_ids=sid.to_numpy()[ignore],
            values=survey_raw.to_numpy()[ignore],
        )

    keep = np.flatnonzero(alive)
    out = pd.DataFrame(
        {
            "row": rows[keep],
            "student_id": sid.to_numpy()[keep],
            "school": school.to_numpy()[keep],
            "grade": grades[keep],
            "household_id": hh.to_numpy()[keep],
            "address": addr.to_numpy()[keep],
            "lat": lat[keep],
            "lon": lon[keep],
            "frl": frl.fillna(False).to_numpy(dtype=bool)[keep],
            "survey": survey.iloc[keep].reset_index(drop=True),
        }
    )
    out["grade_label"] = out["grade"].map(grade_label)
    return out
