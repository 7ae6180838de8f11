"""Session arrival rates from occupancy, the device fleet and the activity plan.

For a device of population ``who`` (students' school devices, staff devices, students'
personal devices) in a zone of type ``t`` during an interval of kind ``k``, the activity
plan gives activity probabilities ``p(a)`` (the first matching mix rule) and each activity
starts sessions of application ``x`` at ``r(a, x)`` per hour. The Poisson arrival rate of
``x`` in the zone is then::

    lambda(x) = sum_who N_who * [ sum_a p(a) r(a, x) + background_who(x) ] / 3600
                + per_day_who(x) * N_who / school_day_s

with ``N_who`` the devices present (people x devices per person). Testers in a testing
period do the plan's testing activity instead of the class mix, and each starts one session
of every ``once`` application in its start group's interval (rate = starters / interval
length), so the staggered starts of the bell schedule show in the arrivals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from netplan.schedules.occupancy import Occupancy
from netplan.survey.models import BuildingFile, DeviceCatalog
from netplan.survey.schedule_models import ActivityPlanFile, DayPlan, Mix

__all__ = ["WHO", "arrival_rates_for", "match_mix"]

FloatArray = npt.NDArray[np.float64]

#: Device populations, in the order the plan's ``who`` names them.
WHO = ("students", "staff", "personal")


def match_mix(
    mixes: Sequence[Mix], who: str, kind: str, zone_type: str, grade_band: str
) -> Mix | None:
    """The first mix rule matching a device (selectors left empty match anything)."""
    for m in mixes:
        if m.who != who:
            continue
        if m.intervals and kind not in m.intervals:
            continue
        if m.zone_types and zone_type not in m.zone_types:
            continue
        if m.grade_bands and grade_band not in m.grade_bands:
            continue
        return m
    return None


def _vec(rates: Mapping[str, float], index: Mapping[str, int], n: int) -> FloatArray:
    v = np.zeros(n)
    for app, r in rates.items():
        if app in index:
            v[index[app]] += r
    return v


def arrival_rates_for(
    occ: Occupancy,
    building: BuildingFile,
    devices: DeviceCatalog,
    plan: ActivityPlanFile,
    apps: Sequence[str],
    *,
    day: str = "regular",
) -> FloatArray:
    """Session arrivals per second, ``(n_intervals, n_zones, n_apps)``.

    Parameters
    ----------
    occ
        The building's occupancy.
    building
        The building (zone types).
    devices
        The device catalogue (devices per student and staff, personal devices).
    plan
        The activity plan.
    apps
        Application ids, in the order of the last axis.
    day
        Day type (selects the plan's special-day changes).

    Returns
    -------
    numpy.ndarray
        float64 arrival rates.
    """
    n_apps = len(apps)
    index = {a: i for i, a in enumerate(apps)}
    dplan = plan.days.get(day, DayPlan())
    mixes = [*dplan.mix, *plan.mix]
    per_hour = {
        aid: _vec(a.sessions_per_hour, index, n_apps) / 3600.0 for aid, a in plan.activities.items()
    }
    test_act = plan.activities.get(plan.testing_activity)
    test_vec = per_hour.get(plan.testing_activity, np.zeros(n_apps))
    once_vec = _vec({a: 1.0 for a in test_act.once} if test_act else {}, index, n_apps)
    band = occ.grade_band
    per_device = {
        "students": devices.devices_per_student,
        "staff": devices.devices_per_staff,
        "personal": float(devices.personal_devices_per_student.get(band, 0.0))  # type: ignore[call-overload]
        if band != "staff"
        else 0.0,
    }
    school = [iv for iv in occ.intervals if iv.kind not in ("before", "after")]
    school_s = (school[-1].end_s - school[0].start_s) if school else 0.0
    bg: dict[str, FloatArray] = {}
    daily: dict[str, FloatArray] = {}
    for who in WHO:
        v = _vec(plan.background.get(who, {}), index, n_apps)  # type: ignore[call-overload]
        v += _vec(dplan.background.get(who, {}), index, n_apps)  # type: ignore[call-overload]
        bg[who] = v / 3600.0
        d = _vec(dplan.per_day.get(who, {}), index, n_apps)  # type: ignore[call-overload]
        daily[who] = d / school_s if school_s > 0 else d * 0.0
    cache: dict[tuple[str, str, str], FloatArray] = {}

    def mix_vec(who: str, kind: str, ztype: str) -> FloatArray:
        key = (who, kind, ztype)
        if key not in cache:
            m = match_mix(mixes, who, kind, ztype, band)
            v = np.zeros(n_apps)
            if m is not None:
                for act, p in m.share.items():
                    if act in per_hour:
                        v += p * per_hour[act]
            cache[key] = v
        return cache[key]

    ztypes = [z.type for z in building.zones]
    n_i, n_z = occ.students.shape
    out = np.zeros((n_i, n_z, n_apps))
    testers = occ.testers if occ.testers.shape == occ.students.shape else np.zeros((n_i, n_z))
    starts = (
        occ.test_starts if occ.test_starts.shape == occ.students.shape else np.zeros((n_i, n_z))
    )
    for i, iv in enumerate(occ.intervals):
        in_school = iv.kind not in ("before", "after")
        dur = iv.duration_s
        for z in range(n_z):
            s = float(occ.students[i, z])
            st = float(occ.staff[i, z])
            if s <= 0 and st <= 0:
                continue
            t = min(float(testers[i, z]), s)
            v = np.zeros(n_apps)
            sd = s * per_device["students"]
            v += (s - t) * per_device["students"] * mix_vec("students", iv.kind, ztypes[z])
            v += t * per_device["students"] * test_vec
            if starts[i, z] > 0 and dur > 0:
                v += float(starts[i, z]) * per_device["students"] / dur * once_vec
            v += sd * bg["students"]
            pd = s * per_device["personal"]
            if pd > 0:
                v += pd * (mix_vec("personal", iv.kind, ztypes[z]) + bg["personal"])
            sf = st * per_device["staff"]
            if sf > 0:
                v += sf * (mix_vec("staff", iv.kind, ztypes[z]) + bg["staff"])
            if in_school:
                v += sd * daily["students"] + sf * daily["staff"] + pd * daily["personal"]
            out[i, z] = v
    return out
