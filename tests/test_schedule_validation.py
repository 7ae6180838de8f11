"""Bad schedule, activity-plan and master-schedule files: FILE: FIELD: message, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netplan.errors import InputError, Problem
from netplan.survey import load_survey
from test_schedule_support import ACTIVITIES, MASTER, SCHEDULE, write_tiny_school


def _problems(root: Path) -> list[Problem]:
    with pytest.raises(InputError) as exc:
        load_survey(root)
    return exc.value.problems


def _one(problems: list[Problem], field: str, text: str) -> Problem:
    hits = [p for p in problems if p.field == field and text in p.message]
    assert hits, f"no problem at {field!r} containing {text!r}; got:\n" + "\n".join(
        str(p) for p in problems
    )
    return hits[0]


def test_tiny_school_is_valid(tmp_path: Path) -> None:
    survey = load_survey(write_tiny_school(tmp_path))
    assert [str(w) for w in survey.warnings] == []
    assert list(survey.schedules) == ["t-bell"]
    assert len(survey.master_schedules["t"].sections) == 4


@pytest.mark.parametrize(
    ("old", "new", "field", "text"),
    [
        (  # overlapping periods
            '{ id = "P2", start = "08:55"',
            '{ id = "P2", start = "08:45"',
            "days.regular.periods[P2].start",
            "overlaps period P1 (08:00-08:50)",
        ),
        (  # end before start
            '{ id = "P3", start = "10:20", end = "11:10" }',
            '{ id = "P3", start = "10:20", end = "10:05" }',
            "days.regular.periods[P3].end",
            "end 10:05 is not after start 10:20",
        ),
        (  # unknown building
            'buildings = ["t"]',
            'buildings = ["t", "zz"]',
            "schedule.buildings[1]",
            "unknown building 'zz' (buildings: t)",
        ),
        (  # a lunch wave naming a grade the building does not teach
            "grades = [9, 10]",
            "grades = [3, 10]",
            "days.regular.lunch_waves[A].grades",
            "grade 3 is not taught in building 't'",
        ),
        (  # a grade that does not exist
            "grades = [9, 10]",
            "grades = [9, 13]",
            "days.regular.lunch_waves[A].grades[1]",
            "grade must be K or 1-12",
        ),
        (  # time not HH:MM
            '{ id = "P1", start = "08:00"',
            '{ id = "P1", start = "8.00"',
            "days.regular.periods[P1].start",
            "time must be HH:MM",
        ),
        (  # hour out of range
            '{ id = "P1", start = "08:00"',
            '{ id = "P1", start = "25:00"',
            "days.regular.periods[P1].start",
            "time must be HH:MM",
        ),
        (  # lunch wave outside any period
            '{ id = "B", start = "09:40", end = "10:10"',
            '{ id = "B", start = "10:10", end = "10:40"',
            "days.regular.lunch_waves[B]",
            "does not lie inside one period",
        ),
        (  # wave place the building lacks
            "grades = [11, 12] }",
            'grades = [11, 12], place = "gym" }',
            "days.regular.lunch_waves[B].place",
            "building 't' has no gym zone",
        ),
        (  # unknown key
            'name = "Tiny bells"',
            'name = "Tiny bells"\nstart_ofset_min = { t = 5 }',
            "schedule.start_ofset_min",
            "unknown key 'start_ofset_min'",
        ),
        (  # an alias to a day that does not exist
            'os-update = "regular"',
            'os-update = "regulr"',
            "day_aliases.os-update",
            "unknown day type 'regulr'",
        ),
        (  # staggered starts that do not fit the testing session
            "stagger = { group_size = 10, every_min = 2 }",
            "stagger = { group_size = 10, every_min = 119 }",
            "days.testing.periods[T1]",
            "staggered test starts need 2 groups x 119 min = 238 min but the period lasts 120",
        ),
    ],
)
def test_bad_schedule(tmp_path: Path, old: str, new: str, field: str, text: str) -> None:
    assert old in SCHEDULE
    root = write_tiny_school(tmp_path, schedule=SCHEDULE.replace(old, new, 1))
    p = _one(_problems(root), field, text)
    assert p.file == str(root / "schedules" / "t-bell.toml")


def test_two_default_schedules(tmp_path: Path) -> None:
    root = write_tiny_school(tmp_path)
    (root / "schedules" / "t-other.toml").write_text(SCHEDULE.replace('"t-bell"', '"t-other"'))
    _one(_problems(root), "schedule.default", "building 't' has more than one default schedule")
    # A proposal may list the same building.
    (root / "schedules" / "t-other.toml").write_text(
        SCHEDULE.replace('"t-bell"', '"t-other"').replace(
            'name = "Tiny bells"', 'name = "x"\nstatus = "proposed"'
        )
    )
    assert "t-other" in load_survey(root).schedules


@pytest.mark.parametrize(
    ("csv_text", "field", "text"),
    [
        (MASTER + "S5,ART,3,t-999,10,9\n", "row 6", "room: unknown zone 't-999' of building 't'"),
        (MASTER + "S5,ART,9,t-101,10,9\n", "row 6", "period: '9' is not a period"),
        (MASTER + "S5,ART,3,t-101,ten,9\n", "row 6", "enrolled: Input should be a valid integer"),
        (MASTER + "S5,ART,3,t-101,-4,9\n", "row 6", "enrolled: Input should be greater than"),
        (MASTER + "S5,ART,3,,10,9\n", "row 6", "room: is empty"),
        (MASTER + "S5,ART,3,t-101,10,14\n", "row 6", "grade: grade must be K or 1-12"),
        (MASTER + "S4,SOC,2,t-101,1,12\n", "row 6", "already listed in row 5"),
        (MASTER + "S5,ART,1,t-101,10,9\n", "period 1", "sections enrol 55 students"),
        (MASTER.replace("room,", "rm,").replace(",room", ",rm"), "row 1", "missing column 'room'"),
    ],
)
def test_bad_master_schedule(tmp_path: Path, csv_text: str, field: str, text: str) -> None:
    root = write_tiny_school(tmp_path, master=csv_text)
    p = _one(_problems(root), field, text)
    assert p.file == str(root / "master_schedule" / "t.csv")


def test_master_schedule_for_unknown_building(tmp_path: Path) -> None:
    root = write_tiny_school(tmp_path)
    (root / "master_schedule" / "nope.csv").write_text(MASTER)
    _one(_problems(root), "-", "unknown building 'nope'")


@pytest.mark.parametrize(
    ("old", "new", "field", "text"),
    [
        (
            "share = { watch = 0.25, browse = 0.5, idle = 0.25 }",
            "share = { watch = 0.25, browse = 0.5, idle = 0.15 }",
            "mix[0].share",
            "probabilities add up to 0.9, not 1",
        ),
        (
            "share = { idle = 1.0 }",
            "share = { napping = 1.0 }",
            "mix[1].share.napping",
            "unknown activity 'napping'",
        ),
        (
            "{ video-720p = 6.0 }",
            "{ video-8k = 6.0 }",
            "activities.watch.sessions_per_hour.video-8k",
            "unknown application 'video-8k'",
        ),
        (
            'testing_activity = "exam"',
            'testing_activity = "quiz"',
            "testing_activity",
            "unknown activity 'quiz'",
        ),
        (
            "students = { os-update = 1.0 }",
            "students = { os-upgrade = 1.0 }",
            "days.os-update.per_day.students.os-upgrade",
            "unknown application",
        ),
    ],
)
def test_bad_activity_plan(tmp_path: Path, old: str, new: str, field: str, text: str) -> None:
    assert old in ACTIVITIES
    root = write_tiny_school(tmp_path, activities=ACTIVITIES.replace(old, new, 1))
    p = _one(_problems(root), field, text)
    assert p.file == str(root / "activities.toml")


def test_check_command_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    root = write_tiny_school(
        tmp_path,
        schedule=SCHEDULE.replace('end = "11:10"', 'end = "10:05"').replace(
            "grades = [9, 10]", "grades = [3, 10]"
        ),
        master=MASTER + "S5,ART,3,t-999,10,9\n",
        activities=ACTIVITIES.replace("idle = 0.25 }", "idle = 0.2 }"),
    )
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-c", "from netplan.cli import main; main()", "check", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    sched = root / "schedules" / "t-bell.toml"
    expected = [
        f"{sched}: days.regular.periods[P3].end: end 10:05 is not after start 10:20",
        f"{sched}: days.regular.lunch_waves[A].grades: grade 3 is not taught in building 't'",
        f"{root / 'master_schedule' / 't.csv'}: row 6: room: unknown zone 't-999'",
        f"{root / 'activities.toml'}: mix[0].share: probabilities add up to 0.95, not 1",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert lines[-1].endswith("problems found.")


def test_an_unreadable_schedule_does_not_cascade_into_master_errors(tmp_path: Path) -> None:
    # The master schedule names waves A/B of t-bell; when t-bell itself is invalid, only its
    # own problem is reported.
    master = "section_id,period,room,enrolled,grade,lunch_wave\nS3,2,t-101,30,10,EARLY\n"
    schedule = SCHEDULE.replace('{ id = "A"', '{ id = "EARLY"').replace(
        'start = "08:00"', 'start = "8h"'
    )
    root = write_tiny_school(tmp_path, schedule=schedule, master=master)
    problems = _problems(root)
    assert {p.file for p in problems} == {str(root / "schedules" / "t-bell.toml")}
