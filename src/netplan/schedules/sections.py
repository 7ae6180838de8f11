"""Where students sit in a period: sections from a master schedule, or a generated plan.

A *section* is a group of students in one zone for a period (a class in a room). With a
master schedule the sections are its rows; without one they are generated from enrollment
and zone capacities: self-contained homerooms by grade in elementary schools and during
advisory/homeroom, and in middle and high schools a physical-education share in the gym, a
few students in the library and the rest in a seeded random subset of classrooms (rooms sit
empty in teachers' planning periods).
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from netplan.errors import InputError
from netplan.survey.models import BuildingFile
from netplan.survey.schedule_models import MasterSchedule

__all__ = [
    "CLASSROOM_TYPES",
    "SEATED_TYPES",
    "Section",
    "grade_counts",
    "largest_remainder",
    "normalize_period",
    "period_sections",
    "resolve_room",
]

#: Zone types that hold classes.
SEATED_TYPES = ("classroom", "lab", "library", "gym", "auditorium")
#: Zone types that hold ordinary classes (not PE or library).
CLASSROOM_TYPES = ("classroom", "lab")
#: Share of students in physical education in a departmentalised period (about one period
#: in eight); capped at the gym's capacity. A netplan estimate.
PE_SHARE = 0.12
#: Share of students in the library in a departmentalised period. A netplan estimate.
LIBRARY_SHARE = 0.03
#: Target fill of the classrooms in use (rooms are left empty for planning periods).
ROOM_FILL = 0.9


@dataclass(frozen=True)
class Section:
    """Students of one section in one zone during a period."""

    id: str
    zone: int
    count: float
    grade: str | None = None
    lunch_wave: str | None = None


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer ``total`` in proportion to ``weights`` (Hamilton's method).

    Parameters
    ----------
    total
        Integer to split.
    weights
        Non-negative weights (at least one positive when ``total`` > 0).

    Returns
    -------
    list of int
        Parts that add up to ``total``; ties go to the earlier item.
    """
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return [0] * len(w)
    exact = total * w / w.sum()
    base = np.floor(exact).astype(int)
    rest = total - int(base.sum())
    order = sorted(range(len(w)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return [int(x) for x in base]


def grade_counts(enrollment: int, grades: Sequence[str]) -> dict[str, int]:
    """Enrollment split evenly over the grades (integers adding up to ``enrollment``)."""
    if not grades:
        return {}
    return dict(zip(grades, largest_remainder(enrollment, [1.0] * len(grades)), strict=True))


_PERIOD_RE = re.compile(r"^(?:period|per|p)\s*0*(\d+)$")


def normalize_period(text: str) -> str:
    """Period ids as compared across files: ``"P1"``, ``"1"``, ``"Period 01"`` -> ``"1"``."""
    t = text.strip().lower()
    m = _PERIOD_RE.match(t)
    if m:
        return m.group(1)
    if t.isdigit():
        return str(int(t))
    return t


def resolve_room(room: str, building: BuildingFile) -> int | None:
    """Index of the zone a master-schedule room names (zone id, else zone name)."""
    for i, z in enumerate(building.zones):
        if z.id == room:
            return i
    low = room.strip().lower()
    for i, z in enumerate(building.zones):
        if z.name and z.name.strip().lower() == low:
            return i
    return None


def _rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def _zones_of(building: BuildingFile, types: Sequence[str]) -> list[int]:
    return [i for i, z in enumerate(building.zones) if z.type in types]


def _homerooms(building: BuildingFile, grades: Sequence[str]) -> list[Section]:
    counts = grade_counts(building.building.enrollment, grades)
    rooms = _zones_of(building, CLASSROOM_TYPES) or _zones_of(building, SEATED_TYPES)
    if not rooms:
        rooms = list(range(len(building.zones)))
    caps = [float(building.zones[i].capacity) for i in rooms]
    out: list[Section] = []
    if len(rooms) >= len(grades):
        # Rooms per grade in proportion to the grade's students, at least one each.
        n_per = largest_remainder(len(rooms) - len(grades), [counts[g] for g in grades])
        n_per = [n + 1 for n in n_per]
        k = 0
        for g, n in zip(grades, n_per, strict=True):
            mine = list(range(k, k + n))
            k += n
            parts = largest_remainder(counts[g], [caps[j] for j in mine])
            for j, c in zip(mine, parts, strict=True):
                out.append(Section(f"HR-{building.zones[rooms[j]].id}-{g}", rooms[j], c, g))
    else:
        # Fewer rooms than grades: grades share rooms.
        for gi, g in enumerate(grades):
            j = gi % len(rooms)
            out.append(Section(f"HR-{building.zones[rooms[j]].id}-{g}", rooms[j], counts[g], g))
    return [s for s in out if s.count > 0]


def _departmentalised(building: BuildingFile, period: str, seed: int) -> list[Section]:
    enrol = building.building.enrollment
    out: list[Section] = []
    left = enrol
    for ztype, share in (("gym", PE_SHARE), ("library", LIBRARY_SHARE)):
        zs = _zones_of(building, (ztype,))
        if not zs or left <= 0:
            continue
        cap = sum(building.zones[i].capacity for i in zs)
        n = min(cap, round(share * enrol), left)
        for i, c in zip(
            zs, largest_remainder(n, [building.zones[i].capacity for i in zs]), strict=True
        ):
            if c:
                out.append(Section(f"{period}-{building.zones[i].id}", i, float(c)))
        left -= n
    rooms = _zones_of(building, CLASSROOM_TYPES) or _zones_of(building, SEATED_TYPES)
    if not rooms:
        rooms = list(range(len(building.zones)))
    caps = np.array([building.zones[i].capacity for i in rooms], dtype=float)
    need = math.ceil(left / (ROOM_FILL * caps.mean())) if left > 0 else 0
    k = min(len(rooms), max(need, 1))
    pick = np.sort(_rng(seed, building.building.id, period).choice(len(rooms), k, replace=False))
    chosen = [rooms[int(j)] for j in pick]
    parts = largest_remainder(left, [building.zones[i].capacity for i in chosen])
    for i, c in zip(chosen, parts, strict=True):
        if c:
            out.append(Section(f"{period}-{building.zones[i].id}", i, float(c)))
    return out


def _master_sections(
    master: MasterSchedule, building: BuildingFile, period: str
) -> list[Section] | None:
    key = normalize_period(period)
    rows = [r for r in master.sections if normalize_period(r.period) == key]
    if not rows:
        return None
    out: list[Section] = []
    for r in rows:
        zi = resolve_room(r.room, building)
        if zi is None:
            raise InputError.at(
                master.file,
                f"row {r.row}",
                f"room: unknown zone {r.room!r} of building {building.building.id!r}",
            )
        out.append(Section(r.section_id, zi, float(r.enrolled), r.grade, r.lunch_wave))
    total = sum(s.count for s in out)
    enrol = building.building.enrollment
    if total > enrol:
        raise InputError.at(
            master.file,
            f"period {period}",
            f"sections enrol {total:g} students but building {building.building.id!r} has {enrol}",
        )
    left = round(enrol - total)
    if left > 0:
        # Students with no section this period (free or study hall) sit in the library,
        # else the cafeteria.
        spaces = _zones_of(building, ("library",)) or _zones_of(building, ("cafeteria",))
        spaces = spaces or _zones_of(building, SEATED_TYPES) or [0]
        parts = largest_remainder(left, [building.zones[i].capacity for i in spaces])
        for i, c in zip(spaces, parts, strict=True):
            if c:
                out.append(Section(f"free-{building.zones[i].id}", i, float(c)))
    return out


def period_sections(
    building: BuildingFile,
    grades: Sequence[str],
    period: str,
    kind: str,
    *,
    master: MasterSchedule | None,
    seed: int,
) -> list[Section]:
    """Sections meeting in a period; their counts add up to the building's enrollment.

    Parameters
    ----------
    building
        The building.
    grades
        Grades the building teaches.
    period
        Master-schedule period id (the period's ``sections_from`` or its own id).
    kind
        Period kind (``class``, ``advisory``, ``homeroom``, ``lunch``).
    master
        The building's master schedule, if any; used when it has rows for this period.
    seed
        Seed of the generated plan (which rooms are in use).

    Returns
    -------
    list of Section
        The sections.
    """
    if building.building.enrollment <= 0:
        return []
    if master is not None:
        found = _master_sections(master, building, period)
        if found is not None:
            return found
    level = building.building.level
    if level in ("elementary", "k8") or kind in ("advisory", "homeroom"):
        return _homerooms(building, grades)
    return _departmentalised(building, period, seed)
