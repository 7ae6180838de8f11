"""Reading the schedule files of a survey: bell schedules, activity plan, master schedules.

Like the rest of the loader, every file is read and every problem collected before anything
is reported.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from netplan.errors import Problem
from netplan.survey.models import BuildingFile
from netplan.survey.schedule_models import (
    ActivityPlanFile,
    BellScheduleFile,
    MasterSchedule,
    MasterSection,
)

__all__ = [
    "ACTIVITIES_FILE",
    "MASTER_COLUMNS",
    "MASTER_DIR",
    "SCHEDULES_DIR",
    "default_activity_plan",
    "load_activities",
    "load_master_schedules",
    "load_schedules",
    "parse_master_csv",
]

SCHEDULES_DIR = "schedules"
ACTIVITIES_FILE = "activities.toml"
MASTER_DIR = "master_schedule"

#: Master-schedule columns and the header names student information systems export them
#: under (compared case-insensitively, spaces and hyphens read as underscores).
MASTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "section_id": ("section_id", "sectionid", "section", "section_number", "id", "dcid"),
    "period": ("period", "expression", "period_name", "periodname", "per"),
    "room": ("room", "room_number", "roomname", "room_name", "zone", "location"),
    "enrolled": (
        "enrolled",
        "no_of_students",
        "students",
        "student_count",
        "studentcount",
        "enrollment",
        "count",
    ),
    "course": ("course", "course_number", "course_name", "coursename", "course_id"),
    "grade": ("grade", "grade_level", "gradelevel"),
    "lunch_wave": ("lunch_wave", "lunch", "lunchwave", "lunch_period"),
}
_REQUIRED = ("section_id", "period", "room", "enrolled")


@lru_cache(maxsize=1)
def default_activity_plan() -> ActivityPlanFile:
    """The built-in activity plan (``netplan/workload/default_activities.toml``)."""
    text = (
        resources.files("netplan.workload").joinpath("default_activities.toml").read_text("utf-8")
    )
    return ActivityPlanFile.model_validate(tomllib.loads(text))


def _validate(model: Any, data: Any, path: Path, problems: list[Problem]) -> Any:
    from netplan.survey.loader import validate_model

    obj, found = validate_model(model, data, path)
    problems.extend(found)
    return obj


def load_schedules(
    root: Path, problems: list[Problem]
) -> tuple[dict[str, BellScheduleFile], dict[str, Path]]:
    """Read ``schedules/*.toml``.

    Parameters
    ----------
    root
        Survey directory.
    problems
        Problems found are appended here.

    Returns
    -------
    tuple
        Schedule id -> schedule, and schedule id -> file. The id is the file's
        ``schedule.id``, or its name without ``.toml``.
    """
    from netplan.errors import InputError
    from netplan.survey.loader import read_toml

    out: dict[str, BellScheduleFile] = {}
    files: dict[str, Path] = {}
    sdir = root / SCHEDULES_DIR
    if not sdir.is_dir():
        return out, files
    for path in sorted(sdir.glob("*.toml")):
        try:
            data = read_toml(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        obj = _validate(BellScheduleFile, data, path, problems)
        if obj is None:
            continue
        sid = obj.schedule.id or path.stem
        if obj.schedule.id is None:
            obj = obj.model_copy(update={"schedule": obj.schedule.model_copy(update={"id": sid})})
        if sid in out:
            problems.append(
                Problem(
                    str(path), "schedule.id", f"schedule id {sid!r} is already used by {files[sid]}"
                )
            )
            continue
        out[sid] = obj
        files[sid] = path
    return out, files


def load_activities(root: Path, problems: list[Problem]) -> tuple[ActivityPlanFile, Path | None]:
    """Read ``activities.toml``, or return the built-in plan when the file is absent."""
    from netplan.errors import InputError
    from netplan.survey.loader import read_toml

    path = root / ACTIVITIES_FILE
    if not path.exists():
        return default_activity_plan(), None
    try:
        data = read_toml(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return default_activity_plan(), path
    obj = _validate(ActivityPlanFile, data, path, problems)
    return (obj if obj is not None else default_activity_plan()), path


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_").replace(".", "")


def parse_master_csv(text: str, building: str, file: str) -> tuple[MasterSchedule, list[Problem]]:
    """Parse a master-schedule CSV.

    Parameters
    ----------
    text
        The CSV text (a header row, then one row per section and period).
    building
        Building id the file belongs to.
    file
        File name for messages.

    Returns
    -------
    tuple
        The schedule (valid rows only) and the problems; rows are named by their line number
        (the header is row 1).
    """
    from pydantic import ValidationError

    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return MasterSchedule(building=building, file=file, sections=[]), [
            Problem(file, "-", "file is empty: expected a header row")
        ]
    except csv.Error as exc:
        return MasterSchedule(building=building, file=file, sections=[]), [
            Problem(file, "row 1", f"not valid CSV: {exc}")
        ]
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        key = _norm(name)
        for col, aliases in MASTER_COLUMNS.items():
            if key in aliases and col not in where:
                where[col] = i
                break
    missing = [c for c in _REQUIRED if c not in where]
    if missing:
        shown = ", ".join(h.strip() for h in header) or "none"
        return MasterSchedule(building=building, file=file, sections=[]), [
            Problem(file, "row 1", f"missing column {c!r} (header has: {shown})") for c in missing
        ]
    sections: list[MasterSection] = []
    seen: dict[tuple[str, str], int] = {}
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < len(header):
                row = row + [""] * (len(header) - len(row))
            data: dict[str, Any] = {"row": line}
            for col, i in where.items():
                value = row[i].strip()
                if value == "" and col not in _REQUIRED:
                    continue
                data[col] = value
            try:
                sec = MasterSection.model_validate(data)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    col = str(err["loc"][0]) if err["loc"] else "-"
                    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
                    if err.get("type") == "string_too_short":
                        msg = "is empty"
                    got = data.get(col)
                    if got not in (None, "") and "(got" not in msg:
                        msg += f" (got {got!r})"
                    problems.append(Problem(file, f"row {line}", f"{col}: {msg}"))
                continue
            pair = (sec.section_id, sec.period)
            if pair in seen:
                problems.append(
                    Problem(
                        file,
                        f"row {line}",
                        f"section_id: section {sec.section_id!r} in period {sec.period!r} "
                        f"is already listed in row {seen[pair]}",
                    )
                )
                continue
            seen[pair] = line
            sections.append(sec)
    except csv.Error as exc:
        problems.append(Problem(file, f"row {line + 1}", f"not valid CSV: {exc}"))
    return MasterSchedule(building=building, file=file, sections=sections), problems


def load_master_schedules(
    root: Path, buildings: Mapping[str, BuildingFile], problems: list[Problem]
) -> dict[str, MasterSchedule]:
    """Read ``master_schedule/<building>.csv`` files.

    Parameters
    ----------
    root
        Survey directory.
    buildings
        Buildings by id (a file must be named after one).
    problems
        Problems found are appended here.

    Returns
    -------
    dict
        Building id -> master schedule.
    """
    out: dict[str, MasterSchedule] = {}
    mdir = root / MASTER_DIR
    if not mdir.is_dir():
        return out
    for path in sorted(mdir.glob("*.csv")):
        bid = path.stem
        if bid not in buildings:
            problems.append(
                Problem(
                    str(path),
                    "-",
                    f"unknown building {bid!r}: name the file after a building id "
                    f"({', '.join(sorted(buildings)) or 'none defined'})",
                )
            )
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(Problem(str(path), f"byte {exc.start}", "file is not UTF-8 text"))
            continue
        except OSError as exc:
            problems.append(Problem(str(path), "-", f"cannot read file: {exc.strerror}"))
            continue
        master, found = parse_master_csv(text, bid, str(path))
        problems.extend(found)
        out[bid] = master
    return out
