"""Reading and validating the student roster exported by a student information system.

Row-level problems (bad coordinates, duplicate ids, ...) reject the row into the rejects file;
only problems with the file itself (unreadable, missing required columns) are fatal.
Addresses never leave the machine: netplan reads the geocoded latitude/longitude the district
already has. Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyproj import Transformer

from netplan.equity.config import RosterColumns
from netplan.equity.readers import csv_header, read_csv_table, require_columns
from netplan.equity.rejects import Rejects
from netplan.errors import InputError

__all__ = ["grade_labels", "parse_grades", "parse_yes_no", "read_roster"]

_YES = frozenset({"Y", "YES", "TRUE", "T", "1", "HAS INTERNET", "HAS", "HAVE INTERNET"})
_NO = frozenset({"N", "NO", "FALSE", "F", "0", "NO INTERNET", "DOES NOT", "NONE"})
_FRL_YES = frozenset({"Y", "YES", "TRUE", "T", "1", "F", "R", "FREE", "REDUCED", "FRL"})
_FRL_NO = frozenset({"N", "NO", "FALSE", "0", "P", "PAID", ""})
_PK = frozenset({"PK", "P", "PREK", "PRE-K", "TK", "-1"})
_K = frozenset({"K", "KG", "KN", "0", "00"})
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_LABELS = np.array(["PK", "K", *[str(g) for g in range(1, 13)]], dtype=object)


def grade_labels(grades: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """Labels of grade numbers (-1 PK, 0 K, 1-12)."""
    return _LABELS[grades + 1]


def _by_distinct(
    arr: pa.Array, fn: Callable[[list[str]], npt.NDArray[np.generic]]
) -> npt.NDArray[np.generic]:
    """Apply ``fn`` to the distinct values only, then spread the result to every row."""
    enc = pc.dictionary_encode(arr)
    values = fn([str(v) for v in enc.dictionary.to_pylist()])
    return values[np.asarray(enc.indices.to_numpy(zero_copy_only=False))]  # type: ignore[no-any-return]


def parse_grades(labels: list[str]) -> npt.NDArray[np.int64]:
    """Grade labels to numbers: PK -1, K 0, 1-12; -99 where not understood."""
    out = np.full(len(labels), -99, dtype=np.int64)
    for i, raw in enumerate(labels):
        up = raw.upper().replace(" ", "")
        if up in _PK:
            out[i] = -1
        elif up in _K:
            out[i] = 0
        else:
            num = up.removeprefix("GRADE")
            if num.isdigit() and 1 <= int(num) <= 12:
                out[i] = int(num)
    return out


def parse_yes_no(
    labels: list[str], yes: frozenset[str] = _YES, no: frozenset[str] = _NO
) -> npt.NDArray[np.int8]:
    """Survey-style answers: 1 yes, 0 no, -1 blank, -2 not understood."""
    out = np.full(len(labels), -2, dtype=np.int8)
    for i, raw in enumerate(labels):
        up = raw.strip().upper()
        if up in yes:
            out[i] = 1
        elif up in no:
            out[i] = 0
        elif up == "":
            out[i] = -1
    return out


def _np_bool(arr: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _floats(arr: pa.Array) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    ok = _np_bool(pc.match_substring_regex(arr, _NUMBER))
    out = np.full(len(arr), np.nan)
    if ok.any():
        out[ok] = pc.cast(arr.filter(pa.array(ok)), pa.float64()).to_numpy(zero_copy_only=False)
    return out, ok


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
    table = read_csv_table(path)
    n = table.num_rows
    file = str(path)
    rows = np.arange(2, n + 2, dtype=np.int64)
    blank = pa.array(np.full(n, "", dtype=object), type=pa.string())

    def col(name: str, present: bool = True) -> pa.Array:
        if present and name in table.column_names:
            return pc.utf8_trim_whitespace(table[name].combine_chunks())
        return blank

    def is_empty(arr: pa.Array) -> npt.NDArray[np.bool_]:
        return _np_bool(pc.equal(arr, ""))

    sid = col(c.student_id)
    school = col(c.school)
    hh = col(c.household_id, has_hh)
    addr = col(c.address, has_addr)
    lat_raw = col(c.latitude)
    lon_raw = col(c.longitude)
    grade_raw = col(c.grade)

    alive = np.ones(n, dtype=bool)

    def values_of(arr: pa.Array, hit: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        return np.asarray(arr.filter(pa.array(hit)).to_pylist(), dtype=object)

    def latlon(hit: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        la, lo = values_of(lat_raw, hit), values_of(lon_raw, hit)
        return np.array([f"{a},{b}" for a, b in zip(la, lo, strict=True)], dtype=object)

    def reject(
        mask: npt.NDArray[np.bool_],
        field: str,
        reason: str,
        values: Callable[[npt.NDArray[np.bool_]], npt.NDArray[np.object_]] | None = None,
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
            student_ids=values_of(sid, hit),
            values=None if values is None else values(hit),
        )
        alive[hit] = False

    reject(is_empty(sid), c.student_id, "missing student id")
    reject(is_empty(school), c.school, "missing school")
    grades = _by_distinct(grade_raw, parse_grades).astype(np.int64)
    reject(
        grades == -99,
        c.grade,
        "grade not understood (expected PK, K or 1-12)",
        lambda hit: values_of(grade_raw, hit),
    )

    where = f"{c.latitude}/{c.longitude}"
    reject(
        is_empty(lat_raw) | is_empty(lon_raw),
        where,
        "missing latitude/longitude (home not geocoded)",
    )
    lat, lat_ok = _floats(lat_raw)
    lon, lon_ok = _floats(lon_raw)
    bad_num = ~(lat_ok & lon_ok & np.isfinite(lat) & np.isfinite(lon))
    reject(bad_num, where, "latitude/longitude is not a number", latlon)
    reject((lat == 0) & (lon == 0), where, "coordinates are 0,0 (a failed geocode)", latlon)

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
    reject(looks_swapped, where, "latitude and longitude look swapped", latlon)
    reject(
        ~in_range,
        where,
        "coordinates out of range (latitude within +-90, longitude within +-180)",
        latlon,
    )
    if district is not None:
        reject(~inside, where, "home is outside the district boundary", latlon)
    reject(
        is_empty(hh) & is_empty(addr),
        f"{c.household_id}/{c.address}",
        "no household id or address to group siblings",
    )

    # Duplicate student ids among the rows still standing: an exact repeat of an earlier row
    # is rejected as such; otherwise every row of a conflicting id is rejected, since netplan
    # cannot tell which one is right.
    enc = pc.dictionary_encode(sid)
    codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    live_counts = np.bincount(codes[alive], minlength=len(enc.dictionary))
    dup = alive & (live_counts[codes] > 1)
    if dup.any():
        cand_idx = np.flatnonzero(dup)
        cand = table.take(pa.array(cand_idx)).to_pandas().astype(str)
        exact_later = cand.duplicated(keep="first").to_numpy()
        first_row: dict[int, int] = {}
        for i in cand_idx:
            first_row.setdefault(int(codes[i]), int(rows[i]))
        detail = np.full(n, "", dtype=object)
        exact = np.zeros(n, dtype=bool)
        for i in cand_idx[exact_later]:
            exact[i] = True
            detail[i] = f"same as row {first_row[int(codes[i])]}"
        reject(exact, c.student_id, "exact duplicate of an earlier row", detail=detail)
        live_counts = np.bincount(codes[alive], minlength=len(enc.dictionary))
        conflict = alive & (live_counts[codes] > 1)
        if conflict.any():
            by_id: dict[int, list[int]] = {}
            for i in np.flatnonzero(conflict):
                by_id.setdefault(int(codes[i]), []).append(int(rows[i]))
            detail = np.full(n, "", dtype=object)
            for i in np.flatnonzero(conflict):
                others = [r for r in by_id[int(codes[i])] if r != rows[i]]
                detail[i] = "also on row " + ", ".join(str(r) for r in others)
            reject(
                conflict, c.student_id, "duplicate student id with different details", detail=detail
            )

    def yes_no(
        name: str, yes: frozenset[str], no: frozenset[str], why: str
    ) -> npt.NDArray[np.int8]:
        raw = col(name, name in header)
        parsed = _by_distinct(raw, lambda labels: parse_yes_no(labels, yes, no)).astype(np.int8)
        ignore = (parsed == -2) & alive
        if ignore.any():
            rejects.add(
                file,
                rows[ignore],
                name,
                why,
                action="ignored",
                student_ids=values_of(sid, ignore),
                values=values_of(raw, ignore),
            )
        return parsed

    frl = yes_no(
        c.frl, _FRL_YES, _FRL_NO, "free/reduced-lunch flag not understood; treated as not FRL"
    )
    survey = yes_no(
        c.home_internet, _YES, _NO, "home internet answer not understood (expected yes/no); ignored"
    )

    keep = np.flatnonzero(alive)
    take = pa.array(keep)
    out: pd.DataFrame = pa.table(
        {
            "student_id": sid.take(take),
            "school": school.take(take),
            "household_id": hh.take(take),
            "address": addr.take(take),
        }
    ).to_pandas()
    out.insert(0, "row", rows[keep])
    out["grade"] = grades[keep]
    out["lat"] = lat[keep]
    out["lon"] = lon[keep]
    out["frl"] = frl[keep] == 1
    answers = pd.array(survey[keep] == 1, dtype="boolean")
    answers[survey[keep] < 0] = pd.NA
    out["survey"] = answers
    out["grade_label"] = grade_labels(grades[keep])
    return out
