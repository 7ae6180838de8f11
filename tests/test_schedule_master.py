"""Master-schedule CSV parsing: SIS header names, row numbers, every bad row reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from netplan.schedule import building_occupancy
from netplan.schedules.sections import normalize_period
from netplan.survey import load_survey
from netplan.survey.schedule_loader import parse_master_csv
from test_schedule_support import write_tiny_school


def test_powerschool_style_headers_and_bom(tmp_path: Path) -> None:
    # Section export with PowerSchool-like column names, a byte-order mark (Excel) and CRLF.
    text = (
        "\ufeffSection_Number,Course_Number,Expression,Room,No_of_Students,Teacher\r\n"
        "S1,ENG,P1,t-101,25,Smith\r\n"
        "S2,MATH,Period 1,t-102,20,Jones\r\n"
        "S3,SCI,2,t-101,30,Lee\r\n"
    )
    root = write_tiny_school(tmp_path, master=None)
    (root / "master_schedule").mkdir()
    (root / "master_schedule" / "t.csv").write_bytes(text.encode("utf-8"))
    survey = load_survey(root)
    secs = survey.master_schedules["t"].sections
    assert [(s.section_id, s.period, s.room, s.enrolled, s.row) for s in secs] == [
        ("S1", "P1", "t-101", 25, 2),
        ("S2", "Period 1", "t-102", 20, 3),
        ("S3", "2", "t-101", 30, 4),
    ]
    occ = building_occupancy(survey, "t")
    p1 = next(i for i, iv in enumerate(occ.intervals) if iv.label == "P1")
    assert list(occ.students[p1]) == [25.0, 20.0, 0.0, 5.0, 0.0]


def test_rows_are_numbered_by_line_and_all_bad_rows_listed() -> None:
    text = (
        "section_id,period,room,enrolled\n"
        "A,1,t-101,20\n"
        "\n"  # blank line: skipped but counted
        "B,1,t-102,x\n"
        "C,,t-102,5\n"
        "D,2,t-102\n"  # short row: enrolled missing
    )
    master, problems = parse_master_csv(text, "t", "m.csv")
    assert [s.section_id for s in master.sections] == ["A"]
    assert [(p.field, p.message.split(":")[0]) for p in problems] == [
        ("row 4", "enrolled"),
        ("row 5", "period"),
        ("row 6", "enrolled"),
    ]
    assert all(p.file == "m.csv" for p in problems)


def test_empty_and_headerless_files() -> None:
    _, problems = parse_master_csv("", "t", "m.csv")
    assert [p.message for p in problems] == ["file is empty: expected a header row"]
    _, problems = parse_master_csv("a,b,c\n1,2,3\n", "t", "m.csv")
    assert {p.message.split(" (")[0] for p in problems} == {
        "missing column 'section_id'",
        "missing column 'period'",
        "missing column 'room'",
        "missing column 'enrolled'",
    }


@pytest.mark.parametrize(
    ("a", "b"),
    [("P1", "1"), ("Period 01", "1"), ("per 3", "3"), ("ADV", "adv"), ("07", "P7")],
)
def test_period_names_match_across_files(a: str, b: str) -> None:
    assert normalize_period(a) == normalize_period(b)


def test_zone_names_are_accepted_as_rooms(tmp_path: Path) -> None:
    import tomli_w

    from test_schedule_support import tiny_school_building

    root = write_tiny_school(tmp_path, master="section_id,period,room,enrolled\nS,1,Room 101,10\n")
    doc = tiny_school_building()
    doc["zones"][0]["name"] = "Room 101"  # type: ignore[index]
    (root / "buildings" / "t.toml").write_text(tomli_w.dumps(doc))
    occ = building_occupancy(load_survey(root), "t")
    p1 = next(i for i, iv in enumerate(occ.intervals) if iv.label == "P1")
    assert occ.students[p1][0] == 10.0
