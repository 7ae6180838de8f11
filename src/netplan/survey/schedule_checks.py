"""Checks of the schedule files against each other and the buildings.

Bell schedules: periods that end before they start or overlap, lunch waves outside their
period or naming grades or places a building lacks, unknown buildings, two default schedules
for one building, test starts that do not fit their session. Activity plan: unknown
activities or applications, probabilities that do not add up to 1. Master schedules: rooms
that are not zones, periods no schedule has, more students than the building enrolls.
Every day of every schedule is also laid out for every building it lists, so what would fail
a simulation fails ``netplan check`` first.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from netplan.errors import InputError, Problem
from netplan.survey.models import BuildingFile
from netplan.survey.schedule_models import (
    ActivityPlanFile,
    BellScheduleFile,
    DaySchedule,
    MasterSchedule,
    clock_s,
)

__all__ = ["PROBABILITY_TOLERANCE", "check_schedule_files"]

#: How far a mix's probabilities may add up from 1.
PROBABILITY_TOLERANCE = 1e-6


def check_schedule_files(
    buildings: Mapping[str, BuildingFile],
    schedules: Mapping[str, BellScheduleFile],
    activities: ActivityPlanFile,
    masters: Mapping[str, MasterSchedule],
    files: Mapping[str, Path],
    *,
    complete: bool = True,
) -> list[Problem]:
    """Check the schedule files of a survey.

    Parameters
    ----------
    buildings
        Buildings by id.
    schedules
        Bell schedules by id.
    activities
        The activity plan.
    masters
        Master schedules by building id.
    files
        Source file of each schedule id, and ``"activities"``.
    complete
        ``False`` when some schedule file failed to load: master-schedule periods and lunch
        waves are then not checked against the schedules (they would be checked against an
        incomplete set and report false problems).

    Returns
    -------
    list of Problem
        Errors and warnings.
    """
    out: list[Problem] = []
    for sid, sched in schedules.items():
        out += _check_schedule(sched, buildings, str(files.get(sid, sid)))
    out += _check_defaults(schedules, buildings, files)
    out += check_activity_plan(activities, str(files.get("activities", "built-in activities")))
    for bid, master in masters.items():
        out += _check_master(master, buildings[bid], schedules, complete=complete)
    if not any(p.severity == "error" for p in out):
        out += _layout_all(buildings, schedules, masters, files)
    return out


def _dupes(ids: list[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


def _check_schedule(
    s: BellScheduleFile, buildings: Mapping[str, BuildingFile], f: str
) -> list[Problem]:
    from netplan.schedules.builtin import LEVEL_GRADES

    out: list[Problem] = []
    known = ", ".join(sorted(buildings)) or "none defined"
    for i, bid in enumerate(s.schedule.buildings):
        if bid not in buildings:
            out.append(
                Problem(
                    f, f"schedule.buildings[{i}]", f"unknown building {bid!r} (buildings: {known})"
                )
            )
    for dup in _dupes(list(s.schedule.buildings)):
        out.append(Problem(f, "schedule.buildings", f"building {dup!r} is listed more than once"))
    for bid in s.schedule.start_offset_min:
        if bid not in s.schedule.buildings:
            out.append(
                Problem(
                    f,
                    f"schedule.start_offset_min.{bid}",
                    f"building {bid!r} is not in schedule.buildings",
                )
            )
    for alias, target in s.day_aliases.items():
        if alias in s.days:
            out.append(
                Problem(
                    f,
                    f"day_aliases.{alias}",
                    f"day type {alias!r} is defined in [days]; it cannot also be an alias",
                )
            )
        elif target not in s.days:
            out.append(
                Problem(
                    f,
                    f"day_aliases.{alias}",
                    f"unknown day type {target!r} (days: {', '.join(s.days)})",
                )
            )
    mine = [buildings[b] for b in s.schedule.buildings if b in buildings]
    for name, day in s.days.items():
        out += _check_day(day, f"days.{name}", f, mine, LEVEL_GRADES)
    return out


def _check_day(
    day: DaySchedule,
    prefix: str,
    f: str,
    buildings: list[BuildingFile],
    level_grades: Mapping[str, tuple[str, ...]],
) -> list[Problem]:
    out: list[Problem] = []
    for dup in _dupes([p.id for p in day.periods]):
        out.append(Problem(f, f"{prefix}.periods", f"period id {dup!r} is used more than once"))
    for dup in _dupes([w.id for w in day.lunch_waves]):
        out.append(
            Problem(f, f"{prefix}.lunch_waves", f"lunch wave id {dup!r} is used more than once")
        )
    good = []
    for p in day.periods:
        if clock_s(p.end) <= clock_s(p.start):
            out.append(
                Problem(
                    f, f"{prefix}.periods[{p.id}].end", f"end {p.end} is not after start {p.start}"
                )
            )
        else:
            good.append(p)
        if p.test_grades and not p.testing:
            out.append(
                Problem(
                    f,
                    f"{prefix}.periods[{p.id}].test_grades",
                    "test_grades given but testing is not true",
                )
            )
    good.sort(key=lambda p: clock_s(p.start))
    for a, b in itertools.pairwise(good):
        if clock_s(b.start) < clock_s(a.end):
            out.append(
                Problem(
                    f,
                    f"{prefix}.periods[{b.id}].start",
                    f"period {b.id} ({b.start}-{b.end}) overlaps period {a.id} ({a.start}-{a.end})",
                )
            )
    for w in day.lunch_waves:
        wp = f"{prefix}.lunch_waves[{w.id}]"
        ws, we = clock_s(w.start), clock_s(w.end)
        if we <= ws:
            out.append(Problem(f, f"{wp}.end", f"end {w.end} is not after start {w.start}"))
            continue
        if not any(clock_s(p.start) <= ws and we <= clock_s(p.end) for p in good):
            out.append(Problem(f, wp, f"wave {w.start}-{w.end} does not lie inside one period"))
        picks = sum(bool(x) for x in (w.grades, w.sections, w.share is not None))
        if picks > 1:
            out.append(Problem(f, wp, "give only one of grades, sections or share"))
        for bld in buildings:
            taught = level_grades.get(bld.building.level, ())
            for g in w.grades:
                if g not in taught:
                    out.append(
                        Problem(
                            f,
                            f"{wp}.grades",
                            f"grade {g} is not taught in building {bld.building.id!r} "
                            f"({bld.building.level}: grades {', '.join(taught) or 'none'})",
                        )
                    )
            if not any(z.type == w.place for z in bld.zones):
                out.append(
                    Problem(f, f"{wp}.place", f"building {bld.building.id!r} has no {w.place} zone")
                )
    for p in day.periods:
        for bld in buildings:
            taught = level_grades.get(bld.building.level, ())
            for g in p.test_grades:
                if g not in taught:
                    out.append(
                        Problem(
                            f,
                            f"{prefix}.periods[{p.id}].test_grades",
                            f"grade {g} is not taught in building {bld.building.id!r}",
                        )
                    )
    # Waves at the same time must not take the same students twice.
    waves = [w for w in day.lunch_waves if clock_s(w.end) > clock_s(w.start)]
    for i, wa in enumerate(waves):
        for b2 in waves[i + 1 :]:
            if clock_s(wa.start) < clock_s(b2.end) and clock_s(b2.start) < clock_s(wa.end):
                both = set(wa.grades) & set(b2.grades)
                if both:
                    out.append(
                        Problem(
                            f,
                            f"{prefix}.lunch_waves[{b2.id}]",
                            f"overlaps wave {wa.id} in time and both take grade(s) "
                            f"{', '.join(sorted(both))}",
                        )
                    )
                elif wa.share is not None and b2.share is not None and wa.share + b2.share > 1:
                    out.append(
                        Problem(
                            f,
                            f"{prefix}.lunch_waves[{b2.id}]",
                            f"overlaps wave {wa.id} in time and their shares add up to more than 1",
                        )
                    )
    return out


def _check_defaults(
    schedules: Mapping[str, BellScheduleFile],
    buildings: Mapping[str, BuildingFile],
    files: Mapping[str, Path],
) -> list[Problem]:
    out: list[Problem] = []
    if not schedules:
        return out
    defaults: dict[str, list[str]] = defaultdict(list)
    listed: set[str] = set()
    for sid, s in schedules.items():
        listed |= set(s.schedule.buildings)
        if s.schedule.status == "current" and s.schedule.default:
            for b in s.schedule.buildings:
                defaults[b].append(sid)
    for bid, sids in sorted(defaults.items()):
        if len(sids) > 1:
            f = str(files.get(sids[1], sids[1]))
            out.append(
                Problem(
                    f,
                    "schedule.default",
                    f"building {bid!r} has more than one default schedule ({', '.join(sids)}); "
                    "set default = false on all but one",
                )
            )
    for bid in sorted(buildings):
        if bid not in listed:
            out.append(
                Problem(
                    str(next(iter(files.values()), "schedules")),
                    "schedule.buildings",
                    f"no schedule lists building {bid!r}; the built-in "
                    f"{buildings[bid].building.level} schedule is used",
                    "warning",
                )
            )
    return out


def check_activity_plan(plan: ActivityPlanFile, f: str) -> list[Problem]:
    """Check an activity plan: known activities and applications, probabilities adding to 1.

    Parameters
    ----------
    plan
        The plan.
    f
        Its file, for messages.

    Returns
    -------
    list of Problem
        The problems found.
    """
    from netplan.workload.catalogue import catalogue

    apps = catalogue()
    app_list = ", ".join(apps)
    out: list[Problem] = []
    for aid, act in plan.activities.items():
        for app, rate in act.sessions_per_hour.items():
            if app not in apps:
                out.append(
                    Problem(
                        f,
                        f"activities.{aid}.sessions_per_hour.{app}",
                        f"unknown application {app!r} (applications: {app_list})",
                    )
                )
            if rate < 0:
                out.append(
                    Problem(
                        f,
                        f"activities.{aid}.sessions_per_hour.{app}",
                        f"rate must be >= 0 (got {rate!r})",
                    )
                )
        for i, app in enumerate(act.once):
            if app not in apps:
                out.append(
                    Problem(
                        f,
                        f"activities.{aid}.once[{i}]",
                        f"unknown application {app!r} (applications: {app_list})",
                    )
                )
    if plan.testing_activity not in plan.activities:
        out.append(Problem(f, "testing_activity", f"unknown activity {plan.testing_activity!r}"))
    acts = ", ".join(plan.activities)

    def mixes(items: list[object], prefix: str) -> None:
        from netplan.survey.schedule_models import Mix

        for i, m in enumerate(items):
            assert isinstance(m, Mix)
            for act, p in m.share.items():
                if act not in plan.activities:
                    out.append(
                        Problem(
                            f,
                            f"{prefix}[{i}].share.{act}",
                            f"unknown activity {act!r} (activities: {acts})",
                        )
                    )
                if not 0.0 <= p <= 1.0:
                    out.append(
                        Problem(
                            f,
                            f"{prefix}[{i}].share.{act}",
                            f"probability must be between 0 and 1 (got {p!r})",
                        )
                    )
            total = sum(m.share.values())
            if abs(total - 1.0) > PROBABILITY_TOLERANCE:
                out.append(
                    Problem(
                        f, f"{prefix}[{i}].share", f"probabilities add up to {total:.6g}, not 1"
                    )
                )

    def rates(table: Mapping[Any, Mapping[str, float]], prefix: str) -> None:
        for who, items in table.items():
            for app, r in items.items():
                if app not in apps:
                    out.append(
                        Problem(
                            f,
                            f"{prefix}.{who}.{app}",
                            f"unknown application {app!r} (applications: {app_list})",
                        )
                    )
                if r < 0:
                    out.append(
                        Problem(f, f"{prefix}.{who}.{app}", f"rate must be >= 0 (got {r!r})")
                    )

    mixes(list(plan.mix), "mix")
    rates(plan.background, "background")
    for name, d in plan.days.items():
        mixes(list(d.mix), f"days.{name}.mix")
        rates(d.background, f"days.{name}.background")
        rates(d.per_day, f"days.{name}.per_day")
    return out


def _check_master(
    master: MasterSchedule,
    building: BuildingFile,
    schedules: Mapping[str, BellScheduleFile],
    *,
    complete: bool = True,
) -> list[Problem]:
    from netplan.schedules.builtin import LEVEL_GRADES, builtin_schedule_doc
    from netplan.schedules.sections import normalize_period, resolve_room

    f = master.file
    bid = building.building.id
    out: list[Problem] = []
    mine = [s for s in schedules.values() if bid in s.schedule.buildings]
    if not mine:
        mine = [
            BellScheduleFile.model_validate(builtin_schedule_doc(building.building.level, [bid]))
        ]
    periods: set[str] = set()
    waves: set[str] = set()
    for s in mine:
        for d in s.days.values():
            for p in d.periods:
                periods.add(normalize_period(p.sections_from or p.id))
                periods.add(normalize_period(p.id))
            waves |= {w.id for w in d.lunch_waves}
    taught = LEVEL_GRADES.get(building.building.level, ())
    zone_ids = [z.id for z in building.zones]
    per_period: dict[str, float] = defaultdict(float)
    for r in master.sections:
        where = f"row {r.row}"
        if resolve_room(r.room, building) is None:
            out.append(
                Problem(
                    f,
                    where,
                    f"room: unknown zone {r.room!r} of building {bid!r} (zones: "
                    f"{', '.join(zone_ids[:8])}{', ...' if len(zone_ids) > 8 else ''})",
                )
            )
        if complete and normalize_period(r.period) not in periods:
            out.append(
                Problem(
                    f,
                    where,
                    f"period: {r.period!r} is not a period of building {bid!r}'s schedules",
                )
            )
        if r.grade is not None and r.grade not in taught:
            out.append(Problem(f, where, f"grade: grade {r.grade} is not taught in {bid!r}"))
        if complete and r.lunch_wave is not None and r.lunch_wave not in waves:
            out.append(
                Problem(
                    f,
                    where,
                    f"lunch_wave: unknown lunch wave {r.lunch_wave!r} (waves: "
                    f"{', '.join(sorted(waves)) or 'none'})",
                )
            )
        per_period[normalize_period(r.period)] += r.enrolled
    enrol = building.building.enrollment
    for per, total in sorted(per_period.items()):
        if total > enrol:
            out.append(
                Problem(
                    f,
                    f"period {per}",
                    f"sections enrol {total:g} students but building {bid!r} has {enrol}",
                )
            )
    return out


def _layout_all(
    buildings: Mapping[str, BuildingFile],
    schedules: Mapping[str, BellScheduleFile],
    masters: Mapping[str, MasterSchedule],
    files: Mapping[str, Path],
) -> list[Problem]:
    """Lay out every day of every schedule for its buildings; report what fails.

    Also warns, once per schedule file and zone, where lunch waves put more students in a
    cafeteria than it holds (the worst interval, and the day types it happens on).
    """
    from netplan.schedules.occupancy import compute_occupancy

    out: list[Problem] = []
    seen: set[str] = set()
    for sid, s in schedules.items():
        f = str(files.get(sid, sid))
        worst: dict[str, tuple[float, int, list[str]]] = {}
        for bid in s.schedule.buildings:
            b = buildings.get(bid)
            if b is None:
                continue
            caps = np.array([z.capacity for z in b.zones], dtype=float)
            cafe = np.array([z.type == "cafeteria" for z in b.zones])
            for name, day in s.days.items():
                try:
                    occ = compute_occupancy(
                        b,
                        day,
                        schedule_id=sid,
                        day_name=name,
                        offset_s=60.0 * s.schedule.start_offset_min.get(bid, 0.0),
                        master=masters.get(bid),
                        file=f,
                        field_prefix=f"days.{name}.",
                    )
                except InputError as exc:
                    for p in exc.problems:
                        if str(p) not in seen:
                            seen.add(str(p))
                            out.append(p)
                    continue
                lunch = [i for i, iv in enumerate(occ.intervals) if iv.kind == "lunch"]
                if not lunch:
                    continue
                peak = occ.students[lunch].max(axis=0)
                for z in np.flatnonzero(cafe & (peak > caps + 0.5)):
                    zid = b.zones[z].id
                    most, cap, days = worst.get(zid, (0.0, int(caps[z]), []))
                    worst[zid] = (max(most, float(peak[z])), cap, [*days, name])
        for zid, (most, cap, days) in worst.items():
            out.append(
                Problem(
                    f,
                    "lunch_waves",
                    f"lunch waves put up to {most:.0f} students in {zid} (capacity {cap}) on "
                    f"{', '.join(days)} days",
                    "warning",
                )
            )
    return out
