"""Generate a plausible master schedule for a building (demo and benchmark districts).

The rows look like a student information system's section export: one row per section and
period with its course, room, enrolled count, grade and (in the lunch period) lunch wave.
Departments sit in wings (consecutive classrooms), physical education in the gym, study
hall in the library; each period some rooms are empty (teachers' planning periods); lunch
waves go by wing, the way schools send a hallway to lunch together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from netplan.schedules.builtin import LEVEL_GRADES
from netplan.schedules.sections import Section, largest_remainder, period_sections
from netplan.survey.models import BuildingFile
from netplan.survey.schedule_models import BellScheduleFile

__all__ = ["MASTER_HEADER", "master_schedule_rows"]

MASTER_HEADER = ("section_id", "course", "period", "room", "enrolled", "grade", "lunch_wave")

_DEPARTMENTS = ("ENG", "MATH", "SCI", "SOC", "WL", "ART", "CTE")


def master_schedule_rows(
    building: BuildingFile | Mapping[str, Any],
    schedule: BellScheduleFile | Mapping[str, Any],
    *,
    day: str = "regular",
    seed: int = 0,
) -> list[list[str]]:
    """Rows of a generated master schedule (without the header :data:`MASTER_HEADER`).

    Parameters
    ----------
    building
        The building (model or building-file document).
    schedule
        Its bell schedule (model or document); the sections cover the class and advisory
        periods of ``day``.
    day
        Day type whose periods get sections.
    seed
        Seed of the room choice.

    Returns
    -------
    list of list of str
        One row per section: section id, course, period (SIS style: ``"1"``, ``"ADV"``),
        room (zone id), enrolled, grade, lunch wave.
    """
    b = building if isinstance(building, BuildingFile) else BuildingFile.model_validate(building)
    s = (
        schedule
        if isinstance(schedule, BellScheduleFile)
        else BellScheduleFile.model_validate(schedule)
    )
    grades = LEVEL_GRADES.get(b.building.level, ())
    d = s.days[s.resolve_day(day) or day]
    rooms = [i for i, z in enumerate(b.zones) if z.type in ("classroom", "lab")]
    dept_of: dict[int, str] = {}
    split = largest_remainder(len(rooms), [1.0] * len(_DEPARTMENTS))
    k = 0
    for dept, n in zip(_DEPARTMENTS, split, strict=True):
        for i in rooms[k : k + n]:
            dept_of[i] = dept
        k += n
    rows: list[list[str]] = []
    for p in d.periods:
        if p.kind == "lunch" or p.sections_from:
            continue
        secs = period_sections(b, grades, p.id, p.kind, master=None, seed=seed)
        waves = [w for w in d.lunch_waves if p.start <= w.start and w.end <= p.end]
        per = p.id[1:] if p.id[:1] == "P" and p.id[1:].isdigit() else p.id
        # Big rooms (gym, library) hold several sections of about 30.
        parts: list[Section] = []
        for sec in secs:
            pieces = max(1, math.ceil(sec.count / 35.0))
            for c in largest_remainder(int(sec.count), [1.0] * pieces):
                parts.append(Section(sec.id, sec.zone, float(c), sec.grade))
        total = sum(x.count for x in parts) or 1.0
        cum = 0.0
        for n, sec in enumerate(parts, start=1):
            zone = b.zones[sec.zone]
            if zone.type == "gym":
                course = "PE"
            elif zone.type == "library":
                course = "STUDY"
            elif p.kind in ("advisory", "homeroom"):
                course = p.id
            else:
                course = dept_of.get(sec.zone, "GEN")
            mid = (cum + sec.count / 2.0) / total
            cum += sec.count
            grade = sec.grade or (grades[n % len(grades)] if grades else "")
            wave = waves[min(int(mid * len(waves)), len(waves) - 1)].id if waves else ""
            rows.append(
                [f"{course}-{per}-{n:02d}", course, per, zone.id, str(int(sec.count)), grade, wave]
            )
    return rows
