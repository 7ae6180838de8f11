"""Roster validation: every bad row rejected with its reason, nothing lost silently."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import shapely

from netplan.equity.config import RosterColumns
from netplan.equity.households import build_households, normalise_address
from netplan.equity.rejects import Rejects
from netplan.equity.roster import read_roster
from netplan.errors import InputError

DISTRICT = shapely.box(-104.85, 40.25, -104.55, 40.47)
HEADER = [
    "StudentNumber",
    "Building",
    "Grade",
    "FamilyID",
    "Street",
    "Lat",
    "Lon",
    "FRL",
    "HomeInternet",
]
COLUMNS = RosterColumns.from_mapping(
    {
        "student_id": "StudentNumber",
        "school": "Building",
        "grade": "Grade",
        "household_id": "FamilyID",
        "address": "Street",
        "latitude": "Lat",
        "longitude": "Lon",
        "frl": "FRL",
        "home_internet": "HomeInternet",
    }
)


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # with a byte-order mark
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


GOOD = ["000123", "oak", "K", "F1", "1 Oak St", "40.3200", "-104.7500", "Y", "yes"]


def test_each_bad_row_gets_its_reason(tmp_path: Path) -> None:
    rows = [
        GOOD,  # row 2 ok
        ["000124", "oak", "3", "F1", "", "40.3201", "-104.7501", "", ""],  # row 3 ok
        ["000125", "oak", "2", "F2", "", "", "", "", ""],  # 4 missing coords
        ["000126", "oak", "2", "F3", "", "abc", "-104.70", "", ""],  # 5 not a number
        ["000127", "oak", "2", "F4", "", "-104.70", "40.35", "", ""],  # 6 swapped
        ["000128", "oak", "2", "F5", "", "39.74", "-104.99", "", ""],  # 7 outside
        ["000129", "oak", "2", "F6", "", "0", "0", "", ""],  # 8 zero geocode
        ["000130", "oak", "13", "F7", "", "40.33", "-104.70", "", ""],  # 9 bad grade
        ["", "oak", "2", "F8", "", "40.33", "-104.70", "", ""],  # 10 no id
        ["000131", "", "2", "F9", "", "40.33", "-104.70", "", ""],  # 11 no school
        ["000132", "oak", "2", "", "", "40.33", "-104.70", "", ""],  # 12 no household
        GOOD,  # 13 exact dup of 2
        ["000140", "chs", "9", "G1", "", "40.34", "-104.70", "", ""],  # 14 id conflict
        ["000140", "chs", "10", "G2", "", "40.35", "-104.71", "", ""],  # 15 id conflict
        ["000141", "chs", "9", "G3", "", "40.34", "-104.70", "maybe", "dunno"],  # 16 ok, ignored
    ]
    rejects = Rejects()
    st = read_roster(write(tmp_path / "r.csv", rows), COLUMNS, rejects, district=DISTRICT)
    assert list(st["student_id"]) == ["000123", "000124", "000141"]  # leading zeros kept
    df = rejects.frame()
    got = {int(r.row): r.reason for r in df.itertuples() if r.action == "rejected"}
    assert got == {
        4: "missing latitude/longitude (home not geocoded)",
        5: "latitude/longitude is not a number",
        6: "latitude and longitude look swapped",
        7: "home is outside the district boundary",
        8: "coordinates are 0,0 (a failed geocode)",
        9: "grade not understood (expected PK, K or 1-12)",
        10: "missing student id",
        11: "missing school",
        12: "no household id or address to group siblings",
        13: "exact duplicate of an earlier row",
        14: "duplicate student id with different details",
        15: "duplicate student id with different details",
    }
    assert {r.reason for r in df.itertuples() if r.row == 16} == {
        "free/reduced-lunch flag not understood; treated as not FRL",
        "home internet answer not understood (expected yes/no); ignored",
    }
    assert df.loc[df["row"] == 14, "detail"].item() == "also on row 15"
    # Restricted detail keeps the value; the public view does not.
    assert df.loc[df["row"] == 5, "value"].item() == "abc,-104.70"
    assert "value" not in rejects.public().columns
    assert "student_id" not in rejects.public().columns
    # Rows in = rows used + rows rejected.
    assert len(st) + rejects.n("rejected") == len(rows)
    assert st.loc[0, "grade_label"] == "K" and st.loc[0, "frl"]
    assert bool(st.loc[0, "survey"]) is True


def test_missing_required_column_is_fatal(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [GOOD[:5] + GOOD[6:]], [h for h in HEADER if h != "Lat"])
    with pytest.raises(InputError) as exc:
        read_roster(path, COLUMNS, Rejects())
    p = exc.value.problems[0]
    assert (p.file, p.field) == (str(path), "header")
    assert "'Lat'" in p.message


def test_needs_household_or_address(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("FamilyID", "Street")]
    path = write(tmp_path / "r.csv", [[GOOD[i] for i in (0, 1, 2, 5, 6, 7, 8)]], header)
    with pytest.raises(InputError, match="household id column"):
        read_roster(path, COLUMNS, Rejects())


def test_address_normalisation() -> None:
    import pandas as pd

    got = normalise_address(
        pd.Series(
            [
                "12 Elm Street Apt 4",
                "12 ELM ST. #4",
                "12  elm st, apartment 4",
                "7 North Oak Avenue",
            ]
        )
    )
    assert got[0] == got[1] == got[2] == "12 ELM ST APT 4"
    assert got[3] == "7 N OAK AVE"


def test_siblings_and_survey_precedence(tmp_path: Path) -> None:
    rows = [
        ["1", "chs", "11", "", "5 Pine Road", "40.3300", "-104.7000", "N", "Yes"],
        ["2", "oak", "1", "", "5 PINE RD.", "40.3300", "-104.7000", "Y", "No"],
        ["3", "cms", "7", "", "5 Pine Rd", "40.3320", "-104.7000", "N", ""],  # 222 m away
    ]
    rejects = Rejects()
    st = read_roster(write(tmp_path / "r.csv", rows), COLUMNS, rejects, district=DISTRICT)
    st, hh = build_households(st, rejects, "r.csv", sibling_distance_m=150)
    assert len(hh) == 1
    h = hh.iloc[0]
    assert h["n_students"] == 3 and bool(h["frl"])
    assert bool(h["survey"]) is False  # one sibling said "no internet": that wins
    assert h["lead_school"] == "oak"  # youngest student's school
    assert h["schools"] == "chs;cms;oak"
    note = rejects.frame()
    assert list(note["row"]) == [4] and list(note["action"]) == ["ignored"]
    assert note["detail"].item().startswith("222 m from row 2")
