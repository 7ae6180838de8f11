"""Typed models of the schedule files of a survey.

Three kinds of file describe a school day::

    schedules/*.toml                 bell schedules: day types, periods, lunch waves
    activities.toml                  what devices do: activity mixes, background traffic
    master_schedule/<building>.csv   sections per period and room, as a student information
                                     system exports them (optional)

The TOML models reject unknown keys (``extra="forbid"``) like the other survey files. Times
of day are ``"HH:MM"`` strings on a 24-hour clock (a TOML local time such as ``07:45:00`` is
accepted too). Checks that need more than one field (periods that overlap, a lunch wave
outside its period, a grade the building does not teach) live in
:mod:`netplan.survey.schedule_checks`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from netplan.survey.models import GradeBand, Id, ZoneType

__all__ = [
    "ActivityDef",
    "ActivityPlan",
    "ActivityPlanFile",
    "BellSchedule",
    "BellScheduleFile",
    "Clock",
    "DayPlan",
    "DaySchedule",
    "Grade",
    "IntervalKind",
    "LunchWave",
    "MasterSchedule",
    "MasterSection",
    "Mix",
    "Period",
    "PeriodKind",
    "ScheduleInfo",
    "Stagger",
    "Who",
    "clock_s",
    "format_clock",
]

_CLOCK_RE = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def _clock(value: Any) -> Any:
    if isinstance(value, dt.time):
        if value.second or value.microsecond:
            raise ValueError("time must be whole minutes, HH:MM")
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, str):
        m = _CLOCK_RE.match(value.strip())
        if not m:
            raise ValueError(f"time must be HH:MM on a 24-hour clock, e.g. '07:45' (got {value!r})")
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    raise ValueError(f"time must be a string HH:MM, e.g. '07:45' (got {value!r})")


Clock = Annotated[str, BeforeValidator(_clock)]
"""A time of day, ``"HH:MM"`` (24-hour)."""

_GRADES = ("K", *(str(g) for g in range(1, 13)))


def _grade(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"grade must be K or 1-12 (got {value!r})")
    text = str(value).strip().upper()
    if text in ("0", "KG", "KINDERGARTEN"):
        text = "K"
    text = text.lstrip("0") or text
    if text not in _GRADES:
        raise ValueError(f"grade must be K or 1-12 (got {value!r})")
    return text


Grade = Annotated[str, BeforeValidator(_grade)]
"""A grade: ``"K"`` or ``"1"`` ... ``"12"`` (integers are accepted and normalised)."""

PeriodKind = Literal["class", "advisory", "homeroom", "lunch"]
IntervalKind = Literal["before", "class", "passing", "lunch", "advisory", "after"]
Who = Literal["students", "staff", "personal"]


def clock_s(text: str) -> float:
    """Seconds after midnight of an ``"HH:MM"`` time.

    Parameters
    ----------
    text
        A validated :data:`Clock` value.

    Returns
    -------
    float
        Seconds after midnight.
    """
    h, m = text.split(":")
    return float(int(h) * 3600 + int(m) * 60)


def format_clock(seconds: float) -> str:
    """``"HH:MM"`` (or ``"HH:MM:SS"`` when not whole minutes) of seconds after midnight."""
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h:02d}:{m:02d}" if sec == 0 else f"{h:02d}:{m:02d}:{sec:02d}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- bell schedules


class Period(_Model):
    """A period of the day: a class, advisory/homeroom, or a whole-school lunch."""

    id: Id = Field(description="Period id, e.g. 'P1', 'ADV', 'B2'.")
    start: Clock
    end: Clock
    kind: PeriodKind = Field(
        default="class",
        description="class; advisory or homeroom (students in homerooms); lunch (everyone "
        "in the cafeteria unless lunch waves split it).",
    )
    label: str = ""
    sections_from: str | None = Field(
        default=None,
        description="Master-schedule period whose sections meet now (default: this period's "
        "id). Block days use it: block B1 on an A day holds period 1's sections.",
    )
    testing: bool = Field(
        default=False, description="A testing session: testers start an online assessment."
    )
    test_grades: list[Grade] = Field(
        default=[], description="Grades that test in this session (empty: every grade)."
    )


class LunchWave(_Model):
    """A lunch (or recess) wave: some students leave class for the cafeteria for a while.

    Membership: ``sections`` (master-schedule section ids), else ``grades``, else ``share``
    (fraction of every section), else the wave takes an equal part of the sections that no
    other wave claims, by room in survey order (the way schools assign waves by wing).
    """

    id: Id
    start: Clock
    end: Clock
    label: str = ""
    grades: list[Grade] = []
    sections: list[str] = []
    share: float | None = Field(default=None, gt=0.0, le=1.0)
    place: ZoneType = Field(default="cafeteria", description="Zone type the wave goes to.")


class Stagger(_Model):
    """Staggered test starts: groups of testers start one after another.

    The default follows NYSED practice: groups of 25-30 students every 2-3 minutes.
    """

    group_size: int = Field(default=28, ge=1, description="Testers per start group.")
    every_min: float = Field(
        default=2.5, ge=0.0, description="Minutes between groups (0: everyone starts at once)."
    )


class DaySchedule(_Model):
    """The bells of one day type."""

    label: str = ""
    periods: list[Period] = Field(min_length=1)
    lunch_waves: list[LunchWave] = []
    before_min: float = Field(
        default=30.0, ge=0.0, le=180.0, description="Arrival window before the first bell."
    )
    after_min: float = Field(
        default=60.0, ge=0.0, le=360.0, description="After-school window after the last bell."
    )
    stay_after: float = Field(
        default=0.15, ge=0.0, le=1.0, description="Share of students staying after school."
    )
    stagger: Stagger | None = Field(
        default=Stagger(),
        description="Test start staggering for testing periods; omit the "
        "table for the default, set every_min = 0 for no staggering.",
    )


class ScheduleInfo(_Model):
    """Identity of a bell schedule and the buildings it applies to."""

    id: Id | None = Field(default=None, description="Schedule id (default: the file name).")
    name: str = ""
    description: str = ""
    status: Literal["current", "proposed"] = Field(
        default="current",
        description="current: in use; proposed: a change to compare (never a default).",
    )
    buildings: list[Id] = Field(min_length=1, description="Buildings that follow it.")
    default: bool = Field(
        default=True,
        description="The buildings' default schedule (one current default per building).",
    )
    start_offset_min: dict[str, float] = Field(
        default={},
        description="Minutes added to every time for a building (staggered starts).",
    )


class BellScheduleFile(_Model):
    """Contents of one ``schedules/*.toml`` file."""

    schedule: ScheduleInfo
    days: dict[str, DaySchedule] = Field(
        min_length=1,
        description="Day types: regular, late-start, early-release, block-a, block-b, "
        "testing, os-update, ...",
    )
    day_aliases: dict[str, str] = Field(
        default={},
        description="Day types of the district this schedule runs with another day's bells, "
        "e.g. block-a = 'regular' for a school without block days.",
    )

    @property
    def id(self) -> str:
        """The schedule id (set from the file name by the loader when omitted)."""
        return self.schedule.id or ""

    def resolve_day(self, day: str) -> str | None:
        """The day type whose bells run on ``day`` (following an alias), or ``None``."""
        if day in self.days:
            return day
        target = self.day_aliases.get(day)
        return target if target in self.days else None

    def day_names(self) -> list[str]:
        """Every day type this schedule answers to (own days, then aliases)."""
        return [*self.days, *(d for d in self.day_aliases if d not in self.days)]


BellSchedule = BellScheduleFile


# --------------------------------------------------------------------------- activities


class ActivityDef(_Model):
    """An activity and the application sessions a device doing it starts."""

    name: str = ""
    sessions_per_hour: dict[str, float] = Field(
        default={},
        description="Application id -> sessions started per hour by each device doing this "
        "activity (a Poisson rate).",
    )
    once: list[str] = Field(
        default=[],
        description="Application ids started once per tester at the tester's (staggered) "
        "start in a testing period.",
    )
    source: str = ""


class Mix(_Model):
    """Probabilities of activities for devices matching the selectors (empty: any)."""

    who: Who = "students"
    intervals: list[IntervalKind] = []
    zone_types: list[ZoneType] = []
    grade_bands: list[GradeBand] = []
    share: dict[str, float] = Field(
        min_length=1, description="Activity id -> probability; must add up to 1."
    )


class DayPlan(_Model):
    """Changes to the plan on a special day type (testing window, OS-update day)."""

    label: str = ""
    mix: list[Mix] = Field(default=[], description="Checked before the base mixes.")
    background: dict[Who, dict[str, float]] = Field(
        default={}, description="Extra sessions per device per hour, added to the base."
    )
    per_day: dict[Who, dict[str, float]] = Field(
        default={},
        description="Sessions per device per school day, spread evenly from first to last "
        "bell (e.g. os-update = 1.0 on an OS-update day).",
    )


class ActivityPlanFile(_Model):
    """Contents of ``activities.toml``."""

    name: str = ""
    activities: dict[str, ActivityDef] = Field(min_length=1)
    testing_activity: str = Field(
        default="online-assessment", description="Activity of testers in a testing period."
    )
    mix: list[Mix] = Field(min_length=1)
    background: dict[Who, dict[str, float]] = Field(
        default={}, description="Sessions per device per hour, whatever the device does."
    )
    days: dict[str, DayPlan] = {}


ActivityPlan = ActivityPlanFile


# --------------------------------------------------------------------------- master schedule


class MasterSection(_Model):
    """One row of a master-schedule CSV: a section meeting in a room in a period."""

    section_id: str = Field(min_length=1)
    period: str = Field(min_length=1)
    room: str = Field(min_length=1, description="Zone id (or zone name) of the room.")
    enrolled: int = Field(ge=0, le=1000)
    course: str = ""
    grade: Grade | None = None
    lunch_wave: str | None = None
    row: int = Field(default=0, description="Line number in the CSV (header is line 1).")


class MasterSchedule(_Model):
    """A building's master schedule (``master_schedule/<building>.csv``)."""

    building: Id
    file: str
    sections: list[MasterSection]
