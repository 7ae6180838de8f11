"""Bell schedule + sections -> students and staff per zone over the day.

The day is cut into intervals at every bell, lunch-wave boundary and testing start group;
occupancy is constant inside an interval. Students are in their sections' zones during
class, all in the hallways during passing periods, in the cafeteria (or a wave's place)
during their lunch wave, and partly present before the first and after the last bell.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from netplan.errors import InputError, Problem
from netplan.schedules.builtin import LEVEL_GRADES
from netplan.schedules.sections import SEATED_TYPES, Section, period_sections
from netplan.survey.models import BuildingFile
from netplan.survey.schedule_models import (
    DaySchedule,
    LunchWave,
    MasterSchedule,
    Period,
    clock_s,
)

__all__ = [
    "AFTER_PLACES",
    "BEFORE_PLACES",
    "Interval",
    "Occupancy",
    "compute_occupancy",
    "grade_band_of",
    "wave_membership",
]

FloatArray = npt.NDArray[np.float64]

#: Where students present before the first bell wait (zone type -> share; renormalised over
#: the types a building has, then split by capacity). A netplan estimate.
BEFORE_PLACES: dict[str, float] = {
    "cafeteria": 0.4,
    "hallway": 0.3,
    "library": 0.1,
    "classroom": 0.2,
}
#: Where students who stay after school are (clubs, athletics, tutoring). A netplan estimate.
AFTER_PLACES: dict[str, float] = {"gym": 0.4, "library": 0.2, "classroom": 0.4}
#: Arrival before the first bell is cut into this many steps (uniform arrivals: a step holds
#: the share present at its midpoint).
ARRIVAL_STEPS = 3
#: Students per teacher in a class zone, per supervisor in the cafeteria.
STUDENTS_PER_TEACHER = 30.0
STUDENTS_PER_SUPERVISOR = 75.0
#: Share of staff in the building after the last bell.
STAFF_AFTER = 0.5


@dataclass(frozen=True)
class Interval:
    """A stretch of the day with constant occupancy.

    Attributes
    ----------
    start_s, end_s
        Seconds after midnight, local time.
    kind
        ``before``, ``class``, ``passing``, ``lunch``, ``advisory`` or ``after``.
    label
        Readable name, e.g. ``"P3"``, ``"Lunch B"``, ``"passing P2->P3"``.
    period
        Id of the bell-schedule period the interval lies in (``""`` for before, after and
        passing intervals).
    """

    start_s: float
    end_s: float
    kind: str
    label: str
    period: str = ""

    @property
    def duration_s(self) -> float:
        """Length of the interval in seconds."""
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Occupancy:
    """Students and staff per zone of one building over one day.

    Attributes
    ----------
    building
        Building id.
    intervals
        Contiguous intervals covering the simulated day, in order.
    zones
        Zone ids of the building in survey order.
    students, staff
        float64 arrays ``(n_intervals, n_zones)``: people in each zone.
    grade_band
        ``"K-5"``, ``"6-8"``, ``"9-12"`` (``"staff"`` for buildings without students).
    testers
        Students sitting an online test in each zone (part of ``students``).
    test_starts
        Students starting their test in each zone during each interval.
    schedule, day
        The bell schedule and day type used (``day`` is the day type asked for).
    enrollment
        Students enrolled in the building.
    """

    building: str
    intervals: tuple[Interval, ...]
    zones: tuple[str, ...]
    students: FloatArray
    staff: FloatArray
    grade_band: str
    testers: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    test_starts: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    schedule: str = ""
    day: str = ""
    enrollment: int = 0

    @property
    def starts_s(self) -> FloatArray:
        """Start of each interval, seconds after midnight."""
        return np.array([iv.start_s for iv in self.intervals], dtype=float)

    @property
    def ends_s(self) -> FloatArray:
        """End of each interval, seconds after midnight."""
        return np.array([iv.end_s for iv in self.intervals], dtype=float)

    def frame(self) -> object:
        """Occupancy as a tidy pandas DataFrame (interval x zone)."""
        import pandas as pd

        rows = []
        for i, iv in enumerate(self.intervals):
            for j, z in enumerate(self.zones):
                rows.append(
                    {
                        "building": self.building,
                        "start_s": iv.start_s,
                        "end_s": iv.end_s,
                        "kind": iv.kind,
                        "label": iv.label,
                        "zone": z,
                        "students": float(self.students[i, j]),
                        "staff": float(self.staff[i, j]),
                        "testers": float(self.testers[i, j]) if self.testers.size else 0.0,
                    }
                )
        return pd.DataFrame(rows)


def grade_band_of(level: str) -> str:
    """Grade band of a building level (the band most of its students are in)."""
    return {
        "elementary": "K-5",
        "middle": "6-8",
        "high": "9-12",
        "k8": "K-5",
        "k12": "K-5",
        "office": "staff",
    }.get(level, "staff")


def _place_weights(building: BuildingFile, places: Mapping[str, float]) -> FloatArray:
    """Weights over zones: per-type shares renormalised, then by capacity within a type."""
    w = np.zeros(len(building.zones))
    types = {z.type for z in building.zones}
    present = {t: s for t, s in places.items() if t in types and s > 0}
    if not present:
        present = {"hallway": 1.0} if "hallway" in types else {}
    if not present:
        caps = np.array([z.capacity for z in building.zones], dtype=float)
        even: FloatArray = caps / caps.sum()
        return even
    total = sum(present.values())
    for t, share in present.items():
        idx = [i for i, z in enumerate(building.zones) if z.type == t]
        caps = np.array([building.zones[i].capacity for i in idx], dtype=float)
        w[idx] += share / total * caps / caps.sum()
    return w


def _type_weights(building: BuildingFile, ztype: str) -> FloatArray | None:
    idx = [i for i, z in enumerate(building.zones) if z.type == ztype]
    if not idx:
        return None
    w = np.zeros(len(building.zones))
    caps = np.array([building.zones[i].capacity for i in idx], dtype=float)
    w[idx] = caps / caps.sum()
    return w


def wave_membership(
    waves: Sequence[LunchWave], sections: Sequence[Section], grades: Sequence[str]
) -> FloatArray:
    """Share of each section's students in each lunch wave.

    Parameters
    ----------
    waves
        The day's lunch waves.
    sections
        Sections of the period the waves fall in.
    grades
        Grades of the building.

    Returns
    -------
    numpy.ndarray
        ``(n_waves, n_sections)``: fraction of the section that goes to the wave. A wave
        listing ``sections`` takes those; a section with a ``lunch_wave`` goes to that wave;
        a wave with ``grades`` takes those grades (a section of unknown grade in proportion
        to the grades' share of the building's grades); a wave with ``share`` takes that
        share; the remaining waves split the unclaimed sections by room order.
    """
    m = np.zeros((len(waves), len(sections)))
    named = {s for w in waves for s in w.sections}
    wave_ids = {w.id for w in waves}
    fixed = [
        s.id in named or (s.lunch_wave is not None and s.lunch_wave in wave_ids) for s in sections
    ]
    auto: list[int] = []
    n_grades = max(len(grades), 1)
    for wi, w in enumerate(waves):
        for si, s in enumerate(sections):
            if w.sections:
                m[wi, si] = 1.0 if s.id in w.sections else 0.0
            elif fixed[si]:
                m[wi, si] = 1.0 if s.lunch_wave == w.id and s.id not in named else 0.0
            elif w.grades:
                if s.grade is not None:
                    m[wi, si] = 1.0 if s.grade in w.grades else 0.0
                else:
                    m[wi, si] = len(set(w.grades) & set(grades)) / n_grades
            elif w.share is not None:
                m[wi, si] = w.share
        if not (w.sections or w.grades or w.share is not None):
            auto.append(wi)
    if auto:
        free = [si for si in range(len(sections)) if not fixed[si]]
        free.sort(key=lambda si: (sections[si].zone, sections[si].id))
        total = sum(sections[si].count for si in free)
        cum = 0.0
        for si in free:
            c = sections[si].count
            mid = (cum + c / 2.0) / total if total > 0 else 0.0
            cum += c
            k = min(int(mid * len(auto)), len(auto) - 1)
            m[auto[k], si] = 1.0
    return m


@dataclass
class _Seg:
    start: float
    end: float
    kind: str
    label: str
    period: Period | None = None
    waves: tuple[int, ...] = ()
    slot: int = -1
    presence: float = 1.0


def _tester_share(s: Section, period: Period, grades: Sequence[str]) -> float:
    if not period.testing:
        return 0.0
    if not period.test_grades:
        return 1.0
    if s.grade is not None:
        return 1.0 if s.grade in period.test_grades else 0.0
    return len(set(period.test_grades) & set(grades)) / max(len(grades), 1)


def _start_groups(testers: FloatArray, group_size: int) -> list[list[int]]:
    """Zones (in survey order) grouped into start groups of about ``group_size`` testers."""
    groups: list[list[int]] = []
    cur: list[int] = []
    n = 0.0
    for z in np.flatnonzero(testers > 1e-9):
        t = float(testers[z])
        if cur and n + t > group_size + 1e-9:
            groups.append(cur)
            cur, n = [], 0.0
        cur.append(int(z))
        n += t
    if cur:
        groups.append(cur)
    return groups


def compute_occupancy(
    building: BuildingFile,
    day: DaySchedule,
    *,
    schedule_id: str,
    day_name: str,
    offset_s: float = 0.0,
    master: MasterSchedule | None = None,
    seed: int = 0,
    file: str = "-",
    field_prefix: str = "",
) -> Occupancy:
    """Occupancy of one building on one day type.

    Parameters
    ----------
    building
        The building.
    day
        The day's bells.
    schedule_id, day_name
        Names recorded in the result.
    offset_s
        Seconds added to every time (a staggered start).
    master
        The building's master schedule, if any.
    seed
        Seed of the generated seating plan.
    file, field_prefix
        Where the day is defined, for error messages.

    Returns
    -------
    Occupancy
        The occupancy timeline.

    Raises
    ------
    InputError
        If the bells are inconsistent (overlapping periods, a wave outside its period, a
        stagger longer than its testing period...).
    """
    b = building.building
    grades = LEVEL_GRADES.get(b.level, ())
    zones = building.zones
    nz = len(zones)
    periods = sorted(day.periods, key=lambda p: clock_s(p.start))
    waves = list(day.lunch_waves)
    problems: list[str] = []
    # --- sections and testing groups per period
    sections: dict[str, list[Section]] = {}
    members: dict[str, FloatArray] = {}
    period_waves: dict[str, list[int]] = {}
    testers_of: dict[str, FloatArray] = {}
    groups_of: dict[str, list[list[int]]] = {}
    for p in periods:
        src = p.sections_from or p.id
        secs = period_sections(building, grades, src, p.kind, master=master, seed=seed)
        sections[p.id] = secs
        ps, pe = clock_s(p.start), clock_s(p.end)
        mine = [wi for wi, w in enumerate(waves) if clock_s(w.start) >= ps and clock_s(w.end) <= pe]
        period_waves[p.id] = mine
        members[p.id] = wave_membership([waves[wi] for wi in mine], secs, grades)
        t = np.zeros(nz)
        for s in secs:
            t[s.zone] += s.count * _tester_share(s, p, grades)
        testers_of[p.id] = t
        if p.testing and t.sum() > 0 and day.stagger is not None:
            groups = _start_groups(t, day.stagger.group_size)
            need = len(groups) * day.stagger.every_min * 60.0
            if need > pe - ps:
                problems.append(
                    f"{field_prefix}periods[{p.id}]: staggered test starts need {len(groups)} "
                    f"groups x {day.stagger.every_min:g} min = {need / 60:g} min but the "
                    f"period lasts {(pe - ps) / 60:g} min"
                )
            groups_of[p.id] = groups
        elif p.testing and t.sum() > 0:
            groups_of[p.id] = [list(np.flatnonzero(t > 1e-9).astype(int))]
    for wi, w in enumerate(waves):
        if not any(wi in v for v in period_waves.values()):
            problems.append(
                f"{field_prefix}lunch_waves[{w.id}]: wave {w.start}-{w.end} does not lie "
                "inside one period"
            )
    for a, c in itertools.pairwise(periods):
        if clock_s(c.start) < clock_s(a.end):
            problems.append(
                f"{field_prefix}periods[{c.id}]: starts at {c.start}, before period "
                f"{a.id} ends at {a.end}"
            )
    if problems:
        raise InputError([_problem(file, msg) for msg in problems])
    # --- segments
    segs: list[_Seg] = []
    first, last = clock_s(periods[0].start), clock_s(periods[-1].end)
    if day.before_min > 0:
        step = day.before_min * 60.0 / ARRIVAL_STEPS
        for k in range(ARRIVAL_STEPS):
            segs.append(
                _Seg(
                    first - (ARRIVAL_STEPS - k) * step,
                    first - (ARRIVAL_STEPS - k - 1) * step,
                    "before",
                    f"arrival {k + 1}/{ARRIVAL_STEPS}",
                    presence=(k + 0.5) / ARRIVAL_STEPS,
                )
            )
    for i, p in enumerate(periods):
        ps, pe = clock_s(p.start), clock_s(p.end)
        cuts = {ps, pe}
        for wi in period_waves[p.id]:
            cuts |= {clock_s(waves[wi].start), clock_s(waves[wi].end)}
        groups = groups_of.get(p.id, [])
        every = (day.stagger.every_min * 60.0 if day.stagger is not None else 0.0) or 60.0
        for k in range(len(groups) + 1):
            if ps + k * every < pe:
                cuts.add(ps + k * every)
        edges = sorted(cuts)
        base_kind = {
            "class": "class",
            "advisory": "advisory",
            "homeroom": "advisory",
            "lunch": "lunch",
        }[p.kind]
        for t0, t1 in itertools.pairwise(edges):
            active = tuple(
                wi
                for wi in period_waves[p.id]
                if clock_s(waves[wi].start) <= t0 and clock_s(waves[wi].end) >= t1
            )
            slot = int((t0 - ps) // every) if groups and t0 < ps + len(groups) * every else -1
            if active:
                kind = "lunch"
                label = " + ".join(waves[wi].label or f"Lunch {waves[wi].id}" for wi in active)
            else:
                kind = base_kind
                label = p.label or p.id if kind != "class" else p.id
            if slot >= 0:
                label += f" test starts {slot + 1}/{len(groups)}"
            segs.append(_Seg(t0, t1, kind, label, p, active, slot))
        if i + 1 < len(periods):
            nxt = clock_s(periods[i + 1].start)
            if nxt > pe:
                segs.append(_Seg(pe, nxt, "passing", f"passing {p.id}->{periods[i + 1].id}"))
    if day.after_min > 0:
        segs.append(
            _Seg(
                last, last + day.after_min * 60.0, "after", "after school", presence=day.stay_after
            )
        )
    # --- occupancy per segment
    n = len(segs)
    students = np.zeros((n, nz))
    staff = np.zeros((n, nz))
    testers = np.zeros((n, nz))
    starts = np.zeros((n, nz))
    enrol = float(b.enrollment)
    hall = _type_weights(building, "hallway")
    before_w = _place_weights(building, BEFORE_PLACES)
    after_w = _place_weights(building, AFTER_PLACES)
    place_w: dict[str, FloatArray | None] = {}
    for k, sg in enumerate(segs):
        if sg.period is None:
            continue
        p = sg.period
        secs = sections[p.id]
        row = np.zeros(nz)
        out_share = np.zeros(len(secs))
        m = members[p.id]
        local = period_waves[p.id]
        if p.kind == "lunch" and not sg.waves:
            out_share[:] = 1.0
            moves = [("cafeteria", np.ones(len(secs)))]
        else:
            moves = []
            for wi in sg.waves:
                share = m[local.index(wi)]
                out_share += share
                moves.append((waves[wi].place, share))
        scale = np.where(out_share > 1.0, 1.0 / np.maximum(out_share, 1e-12), 1.0)
        t_row = np.zeros(nz)
        for si, s in enumerate(secs):
            stay = s.count * (1.0 - min(out_share[si], 1.0))
            row[s.zone] += stay
            t_row[s.zone] += stay * _tester_share(s, p, grades)
        for place, share in moves:
            amt = float(sum(s.count * share[si] * scale[si] for si, s in enumerate(secs)))
            if place not in place_w:
                place_w[place] = _type_weights(building, place)
            pw = place_w[place]
            row += amt * (pw if pw is not None else _place_weights(building, {"hallway": 1.0}))
        students[k] = row
        testers[k] = t_row
        if sg.slot >= 0:
            for z in groups_of[p.id][sg.slot]:
                starts[k, z] = testers_of[p.id][z]
        staff[k] = _staff_row(building, row, float(b.staff))
    # before, passing, after
    class_rows = [k for k, sg in enumerate(segs) if sg.period is not None]
    for k, sg in enumerate(segs):
        if sg.period is not None:
            continue
        if sg.kind == "passing":
            prev = students[k - 1].sum()
            students[k] = prev * hall if hall is not None else students[k - 1]
            staff[k] = staff[k - 1]
        elif sg.kind == "before":
            students[k] = enrol * sg.presence * before_w
            staff[k] = staff[class_rows[0]] if class_rows else 0.0
        else:
            students[k] = enrol * sg.presence * after_w
            staff[k] = STAFF_AFTER * (staff[class_rows[-1]] if class_rows else 0.0)
    intervals = tuple(
        Interval(
            sg.start + offset_s,
            sg.end + offset_s,
            sg.kind,
            sg.label,
            sg.period.id if sg.period is not None else "",
        )
        for sg in segs
    )
    return Occupancy(
        building=b.id,
        intervals=intervals,
        zones=tuple(z.id for z in zones),
        students=students,
        staff=staff,
        grade_band=grade_band_of(b.level),
        testers=testers,
        test_starts=starts,
        schedule=schedule_id,
        day=day_name,
        enrollment=b.enrollment,
    )


def _problem(file: str, msg: str) -> Problem:
    where, _, text = msg.partition(": ")
    return Problem(file, where, text)


def _staff_row(building: BuildingFile, students: FloatArray, total: float) -> FloatArray:
    """Teachers with their classes, supervisors in the cafeteria, the rest in offices."""
    zones = building.zones
    need = np.zeros(len(zones))
    for i, z in enumerate(zones):
        x = float(students[i])
        if x < 0.5:
            continue
        if z.type in SEATED_TYPES:
            need[i] = math.ceil(x / STUDENTS_PER_TEACHER - 1e-9)
        elif z.type == "cafeteria":
            need[i] = math.ceil(x / STUDENTS_PER_SUPERVISOR - 1e-9)
    if need.sum() > total > 0:
        need *= total / need.sum()
    elif total <= 0:
        return np.zeros(len(zones))
    rest = total - need.sum()
    if rest > 1e-9:
        w = _type_weights(building, "office")
        if w is None:
            w = _type_weights(building, "library")
        if w is None:
            w = _place_weights(building, {t: 1.0 for t in SEATED_TYPES})
        need += rest * w
    return need
