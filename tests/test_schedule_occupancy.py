"""Occupancy from bell schedules: hand-worked tiny school, conservation on the demo district."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from netplan.errors import InputError
from netplan.schedule import bell_times, building_occupancy, building_schedule, day_types
from netplan.schedules.sections import grade_counts
from netplan.survey import load_survey
from netplan.survey.loader import Survey
from test_schedule_support import write_tiny_school

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "site_surveys" / "cedar_valley"
IN_SCHOOL = ("class", "lunch", "advisory", "passing")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    return load_survey(write_tiny_school(tmp_path_factory.mktemp("tiny")))


@pytest.fixture(scope="module")
def demo() -> Survey:
    return load_survey(DEMO)


def _row(occ, label: str) -> int:
    return next(i for i, iv in enumerate(occ.intervals) if iv.label == label)


def test_tiny_school_by_hand(tiny: Survey) -> None:
    occ = building_occupancy(tiny, "t")
    assert occ.zones == ("t-101", "t-102", "t-hall", "t-cafe", "t-office")
    labels = [iv.label for iv in occ.intervals]
    assert labels == [
        "arrival 1/3", "arrival 2/3", "arrival 3/3", "P1", "passing P1->P2", "P2",
        "Lunch A", "P2", "Lunch B", "P2", "passing P2->P3", "P3", "after school",
    ]  # fmt: skip
    # P1 from the master schedule: S1 25 in 101, S2 20 in 102; the 5 without a section wait
    # in the cafeteria (no library).
    np.testing.assert_allclose(occ.students[_row(occ, "P1")], [25, 20, 0, 5, 0])
    # Teachers: one per class (25 and 20 students), one cafeteria supervisor, the 4th in the
    # office.
    np.testing.assert_allclose(occ.staff[_row(occ, "P1")], [1, 1, 0, 1, 1])
    # Passing: all 50 in the hallway.
    np.testing.assert_allclose(occ.students[_row(occ, "passing P1->P2")], [0, 0, 50, 0, 0])
    # Lunch A takes grades 9 and 10: section S3 (grade 10, 30 students in 101).
    np.testing.assert_allclose(occ.students[_row(occ, "Lunch A")], [0, 20, 0, 30, 0])
    # Lunch B takes grades 11 and 12: section S4 (grade 12, 20 students in 102).
    np.testing.assert_allclose(occ.students[_row(occ, "Lunch B")], [30, 0, 0, 20, 0])
    # Arrival: uniform over 30 minutes, each step holds the share present at its midpoint.
    before = occ.students[:3].sum(axis=1)
    np.testing.assert_allclose(before, [50 / 6, 50 / 2, 50 * 5 / 6])
    after = occ.intervals[-1]
    assert (after.start_s, after.end_s) == (11 * 3600 + 10 * 60, 12 * 3600 + 10 * 60)
    assert occ.students[-1].sum() == pytest.approx(0.2 * 50)
    iv = occ.intervals[_row(occ, "Lunch A")]
    assert (iv.start_s, iv.end_s, iv.kind, iv.period) == (9 * 3600, 9.5 * 3600, "lunch", "P2")


def test_tiny_testing_day_staggers_starts(tiny: Survey) -> None:
    occ = building_occupancy(tiny, "t", day="testing")
    # Grade 11 tests: section S2 (20 in 102) and a quarter of the 5 sectionless students
    # (grade unknown: 1 of the building's 4 grades).
    i0 = _row(occ, "T1 test starts 1/2")
    i1 = _row(occ, "T1 test starts 2/2")
    np.testing.assert_allclose(occ.testers[i0], [0, 20, 0, 1.25, 0])
    # Groups of at most 10 by zone in survey order: 102 alone (a room is not split), then
    # the cafeteria; starts 2 minutes apart.
    np.testing.assert_allclose(occ.test_starts[i0], [0, 20, 0, 0, 0])
    np.testing.assert_allclose(occ.test_starts[i1], [0, 0, 0, 1.25, 0])
    assert occ.intervals[i1].start_s - occ.intervals[i0].start_s == 120
    assert occ.test_starts.sum() == pytest.approx(occ.testers[i0].sum())


def test_unknown_schedule_day_and_building(tiny: Survey) -> None:
    with pytest.raises(InputError, match="unknown schedule 'nope'"):
        building_occupancy(tiny, "t", schedule="nope")
    with pytest.raises(InputError, match="no day type 'block-a'") as exc:
        building_occupancy(tiny, "t", day="block-a")
    assert exc.value.problems[0].file.endswith("t-bell.toml")
    with pytest.raises(InputError, match="unknown building 'x'"):
        building_occupancy(tiny, "x")
    # An alias runs another day's bells.
    assert bell_times(tiny, "t", day="os-update") == bell_times(tiny, "t")
    assert day_types(tiny, "t") == ["regular", "testing", "os-update"]


@pytest.mark.parametrize("bid", ["chs", "cms", "oak", "pine", "elm"])
def test_demo_conserves_students_every_day(demo: Survey, bid: str) -> None:
    enrol = demo.buildings[bid].building.enrollment
    staff = demo.buildings[bid].building.staff
    zones = demo.buildings[bid].zones
    hall = np.array([z.type == "hallway" for z in zones])
    for day in day_types(demo, bid):
        occ = building_occupancy(demo, bid, day=day, seed=3)
        assert occ.students.shape == occ.staff.shape == (len(occ.intervals), len(zones))
        assert np.all(occ.students >= -1e-9) and np.all(occ.staff >= -1e-9)
        # Contiguous, ordered, non-empty intervals.
        for a, b in zip(occ.intervals, occ.intervals[1:], strict=False):
            assert a.end_s == b.start_s
            assert a.end_s > a.start_s
        for i, iv in enumerate(occ.intervals):
            if iv.kind in IN_SCHOOL:
                assert occ.students[i].sum() == pytest.approx(enrol, abs=1e-6), (day, iv.label)
                assert occ.staff[i].sum() == pytest.approx(staff, abs=1e-6), (day, iv.label)
            if iv.kind == "passing":
                assert occ.students[i][hall].sum() == pytest.approx(enrol), (day, iv.label)
                assert occ.students[i][~hall].sum() == pytest.approx(0.0)
            if iv.kind == "class":
                assert occ.students[i][hall].sum() == pytest.approx(0.0)
        # Every bell is an interval boundary.
        edges = {iv.start_s for iv in occ.intervals} | {iv.end_s for iv in occ.intervals}
        assert set(bell_times(demo, bid, day=day)) <= edges


def _master_rows() -> list[dict[str, str]]:
    with (DEMO / "master_schedule" / "chs.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_demo_high_school_lunch_waves_follow_master_schedule(demo: Survey) -> None:
    rows = _master_rows()
    occ = building_occupancy(demo, "chs")
    cafe = occ.zones.index("chs-cafeteria")
    for wave in ("A", "B", "C"):
        expected = sum(int(r["enrolled"]) for r in rows if r["period"] == "4"
                       and r["lunch_wave"] == wave)  # fmt: skip
        i = _row(occ, f"Lunch {wave}")
        assert occ.students[i, cafe] == pytest.approx(expected)
        # The rooms of that wave's sections are empty while it eats.
        rooms = {r["room"] for r in rows if r["period"] == "4" and r["lunch_wave"] == wave}
        others = {r["room"] for r in rows if r["period"] == "4" and r["lunch_wave"] != wave}
        for room in rooms - others:
            assert occ.students[i, occ.zones.index(room)] == 0.0
    # Class periods seat exactly the master schedule's sections.
    p1 = _row(occ, "P1")
    for room in ("chs-gym", "chs-library", "chs-101"):
        expected = sum(int(r["enrolled"]) for r in rows if r["period"] == "1"
                       and r["room"] == room)  # fmt: skip
        assert occ.students[p1, occ.zones.index(room)] == pytest.approx(expected)


def test_demo_elementary_lunch_and_recess_waves_by_grade(demo: Survey) -> None:
    occ = building_occupancy(demo, "oak")
    counts = grade_counts(450, ["K", "1", "2", "3", "4", "5"])
    cafe = occ.zones.index("oak-cafeteria")
    gym = occ.zones.index("oak-gym")
    i = _row(occ, "Lunch K-1")
    assert occ.students[i, cafe] == counts["K"] + counts["1"]
    i = _row(occ, "Recess K-1 + Lunch 2-3")
    assert occ.students[i, gym] == counts["K"] + counts["1"]
    assert occ.students[i, cafe] == counts["2"] + counts["3"]


def test_demo_testing_day_follows_nysed_stagger(demo: Survey) -> None:
    rows = _master_rows()
    occ = building_occupancy(demo, "chs", day="testing")
    grade11 = sum(int(r["enrolled"]) for r in rows if r["period"] == "ADV" and r["grade"] == "11")
    assert occ.test_starts.sum() == pytest.approx(grade11)
    slots = [i for i in range(len(occ.intervals)) if occ.test_starts[i].sum() > 0]
    starts = [occ.intervals[i].start_s for i in slots]
    assert np.allclose(np.diff(starts), 150.0)  # one group every 2.5 minutes
    per_group = [occ.test_starts[i].sum() for i in slots]
    assert max(per_group) <= 2 * 28  # groups of about 28 (whole rooms)
    assert np.mean(per_group) == pytest.approx(grade11 / len(slots))
    assert 25 <= np.mean(per_group) <= 30


def test_merged_lunch_proposal_fills_the_cafeteria_only_at_chs(demo: Survey) -> None:
    occ = building_occupancy(demo, "chs", schedule="hs-merged-lunch")
    cafe = occ.zones.index("chs-cafeteria")
    lunch = [i for i, iv in enumerate(occ.intervals) if iv.kind == "lunch"]
    assert len(lunch) == 1
    assert occ.students[lunch[0], cafe] == pytest.approx(1600)
    assert occ.schedule == "hs-merged-lunch"
    # A district-wide run of the proposal leaves other buildings on their default.
    other = building_occupancy(demo, "cms", schedule="hs-merged-lunch")
    base = building_occupancy(demo, "cms")
    assert other.schedule == base.schedule == "ms-bell"
    np.testing.assert_array_equal(other.students, base.students)


def test_stagger_proposal_shifts_bells(demo: Survey) -> None:
    base = bell_times(demo, "oak")
    for bid, shift in (("oak", 0.0), ("pine", 900.0), ("elm", 1800.0)):
        got = bell_times(demo, bid, schedule="elem-stagger-15")
        np.testing.assert_allclose(got, np.array(base) + shift)
    assert building_schedule(demo, "pine").id == "elem-bell"


def test_seed_determinism(demo: Survey) -> None:
    a = building_occupancy(demo, "cms", seed=5)
    b = building_occupancy(demo, "cms", seed=5)
    c = building_occupancy(demo, "cms", seed=6)
    np.testing.assert_array_equal(a.students, b.students)
    np.testing.assert_array_equal(a.staff, b.staff)
    # cms has no master schedule: which rooms are in use depends on the seed.
    assert not np.array_equal(a.students, c.students)
    np.testing.assert_allclose(a.students.sum(axis=1), c.students.sum(axis=1))


def test_survey_without_schedules_uses_builtin(tmp_path: Path) -> None:
    dst = tmp_path / "cv"
    shutil.copytree(DEMO, dst)
    shutil.rmtree(dst / "schedules")
    shutil.rmtree(dst / "master_schedule")
    (dst / "activities.toml").unlink()
    survey = load_survey(dst)
    assert survey.schedules == {}
    occ = building_occupancy(survey, "chs")
    assert occ.schedule == "builtin-high"
    assert building_occupancy(survey, "oak").schedule == "builtin-elementary"
    demo_survey = load_survey(DEMO)
    # The built-in high-school bells are the demo's hs-bell bells.
    assert bell_times(survey, "chs") == bell_times(demo_survey, "chs")
    assert survey.activities == demo_survey.activities


def test_replaced_survey_keeps_working(demo: Survey) -> None:
    lean = dataclasses.replace(demo, master_schedules={})
    occ = building_occupancy(lean, "chs")
    assert occ.students[_row(occ, "P1")].sum() == pytest.approx(1600)
