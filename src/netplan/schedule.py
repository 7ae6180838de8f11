"""Bell schedules, day types, lunch waves and master schedules -> zone occupancy over a day.

The public API of the schedule side of the simulation (the engine calls these)::

    day_types(survey, building_id, schedule=None) -> list[str]
    bell_times(survey, building_id, schedule=None, day="regular") -> list[float]
    building_occupancy(survey, building_id, schedule=None, day="regular", seed=0) -> Occupancy

Which schedule a building follows:

- ``schedule=None``: the building's default, the ``current`` schedule listing it with
  ``default = true``; when no schedule file lists the building, the built-in schedule of its
  level (:mod:`netplan.schedules.builtin`).
- ``schedule="<id>"``: that schedule for the buildings it lists; other buildings keep their
  default, so a district-wide run of a proposal for one school changes only that school.

A day type the schedule does not define may be mapped to one it does (``day_aliases``);
otherwise asking for it is an :class:`~netplan.errors.InputError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netplan.errors import InputError
from netplan.schedules.builtin import builtin_schedule_doc
from netplan.schedules.occupancy import Interval, Occupancy, compute_occupancy, grade_band_of
from netplan.survey.schedule_models import BellScheduleFile, clock_s

if TYPE_CHECKING:
    from netplan.survey.loader import Survey

__all__ = [
    "Interval",
    "Occupancy",
    "bell_times",
    "building_occupancy",
    "building_schedule",
    "day_types",
    "grade_band_of",
]


def _building(survey: Survey, building_id: str) -> None:
    if building_id not in survey.buildings:
        known = ", ".join(sorted(survey.buildings)) or "none"
        raise InputError.at(
            str(survey.root), "building", f"unknown building {building_id!r} (buildings: {known})"
        )


def building_schedule(
    survey: Survey, building_id: str, schedule: str | None = None
) -> BellScheduleFile:
    """The bell schedule a building follows.

    Parameters
    ----------
    survey
        The survey.
    building_id
        Building id.
    schedule
        A schedule id, or ``None`` for the building's default.

    Returns
    -------
    BellScheduleFile
        The schedule (a built-in one, id ``builtin-<level>``, when no file lists the
        building).

    Raises
    ------
    InputError
        If the building or the schedule is unknown.
    """
    _building(survey, building_id)
    if schedule is not None and schedule not in survey.schedules:
        level = survey.buildings[building_id].building.level
        if schedule != f"builtin-{level}":
            known = ", ".join(sorted(survey.schedules)) or "none in this survey"
            raise InputError.at(
                str(survey.root / "schedules"),
                "schedule",
                f"unknown schedule {schedule!r} (schedules: {known})",
            )
    if schedule is not None and schedule in survey.schedules:
        chosen = survey.schedules[schedule]
        if building_id in chosen.schedule.buildings:
            return chosen
    listing = [
        s
        for s in survey.schedules.values()
        if building_id in s.schedule.buildings and s.schedule.status == "current"
    ]
    defaults = [s for s in listing if s.schedule.default] or listing
    if defaults:
        return defaults[0]
    level = survey.buildings[building_id].building.level
    return BellScheduleFile.model_validate(builtin_schedule_doc(level, [building_id]))


def day_types(survey: Survey, building_id: str, schedule: str | None = None) -> list[str]:
    """Day types the building's schedule answers to (its own days, then aliases)."""
    return building_schedule(survey, building_id, schedule).day_names()


def _day(sched: BellScheduleFile, day: str, survey: Survey) -> str:
    resolved = sched.resolve_day(day)
    if resolved is None:
        where = survey.schedule_files.get(sched.id, survey.root / "schedules")
        raise InputError.at(
            str(where),
            "days",
            f"schedule {sched.id!r} has no day type {day!r} (day types: "
            f"{', '.join(sched.day_names())}); add it or map it with day_aliases",
        )
    return resolved


def bell_times(
    survey: Survey, building_id: str, *, schedule: str | None = None, day: str = "regular"
) -> list[float]:
    """Times the bell rings: every period start and end, seconds after midnight.

    Parameters
    ----------
    survey
        The survey.
    building_id
        Building id.
    schedule
        Schedule id (``None``: the building's default).
    day
        Day type.

    Returns
    -------
    list of float
        Sorted, distinct times including the building's start offset.
    """
    sched = building_schedule(survey, building_id, schedule)
    d = sched.days[_day(sched, day, survey)]
    offset = 60.0 * sched.schedule.start_offset_min.get(building_id, 0.0)
    times = {clock_s(p.start) + offset for p in d.periods} | {
        clock_s(p.end) + offset for p in d.periods
    }
    return sorted(times)


def building_occupancy(
    survey: Survey,
    building_id: str,
    *,
    schedule: str | None = None,
    day: str = "regular",
    seed: int = 0,
) -> Occupancy:
    """Students and staff per zone of a building over a day.

    Parameters
    ----------
    survey
        The survey.
    building_id
        Building id.
    schedule
        Schedule id (``None``: the building's default).
    day
        Day type (``regular``, ``late-start``, ``testing``...).
    seed
        Seed of the generated seating plan (which classrooms are in use when there is no
        master schedule). Same inputs and seed give the same occupancy.

    Returns
    -------
    Occupancy
        Intervals covering the day and per-zone students and staff in each.

    Raises
    ------
    InputError
        If the building, schedule or day type is unknown, or the bells are inconsistent.
    """
    sched = building_schedule(survey, building_id, schedule)
    day_name = _day(sched, day, survey)
    where = survey.schedule_files.get(sched.id)
    return compute_occupancy(
        survey.buildings[building_id],
        sched.days[day_name],
        schedule_id=sched.id,
        day_name=day,
        offset_s=60.0 * sched.schedule.start_offset_min.get(building_id, 0.0),
        master=survey.master_schedules.get(building_id),
        seed=seed,
        file=str(where) if where is not None else f"built-in schedule {sched.id}",
        field_prefix=f"days.{day_name}.",
    )
