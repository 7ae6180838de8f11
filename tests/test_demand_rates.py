"""Arrival rates against hand-computed expectations and a Monte Carlo of device activities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from netplan.demand import app_ids, arrival_rates, catalogue
from netplan.schedule import building_occupancy
from netplan.survey import load_survey
from netplan.survey.loader import Survey
from test_schedule_support import write_tiny_school

H = 3600.0


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    return load_survey(write_tiny_school(tmp_path_factory.mktemp("tiny")))


def _row(occ, label: str) -> int:
    return next(i for i, iv in enumerate(occ.intervals) if iv.label == label)


def test_axes_follow_catalogue(tiny: Survey) -> None:
    occ = building_occupancy(tiny, "t")
    r = arrival_rates(tiny, occ)
    assert r.shape == (len(occ.intervals), len(occ.zones), len(catalogue()))
    assert app_ids() == list(catalogue())
    assert r.dtype == np.float64
    assert np.all(r >= 0)


def test_class_interval_by_hand(tiny: Survey) -> None:
    occ = building_occupancy(tiny, "t")
    r = arrival_rates(tiny, occ)
    a = {k: i for i, k in enumerate(app_ids())}
    i = _row(occ, "P1")
    # t-101 in P1: 25 students (1 device each), 1 teacher.
    # students in class in a classroom: watch 0.25 (6 video-720p/h), browse 0.5 (30 web/h,
    # 10 cloud-docs/h); staff: browse 0.5; background: students 2 sync/h, staff 4 sync/h.
    z = 0
    assert r[i, z, a["video-720p"]] == pytest.approx(25 * 0.25 * 6 / H)
    assert r[i, z, a["web"]] == pytest.approx((25 * 0.5 * 30 + 1 * 0.5 * 30) / H)
    assert r[i, z, a["cloud-docs"]] == pytest.approx((25 * 0.5 * 10 + 1 * 0.5 * 10) / H)
    assert r[i, z, a["sync"]] == pytest.approx((25 * 2 + 1 * 4) / H)
    assert r[i, z, a["assessment"]] == 0.0
    # t-cafe in P1: 5 students idle (second mix rule), 1 supervisor browsing.
    z = 3
    assert r[i, z, a["video-720p"]] == 0.0
    assert r[i, z, a["web"]] == pytest.approx(1 * 0.5 * 30 / H)
    assert r[i, z, a["sync"]] == pytest.approx((5 * 2 + 1 * 4) / H)
    # Passing: everyone idle in the hallway, only background.
    i = _row(occ, "passing P1->P2")
    assert r[i, 2, a["sync"]] == pytest.approx(50 * 2 / H)
    assert r[i, 2, a["web"]] == 0.0


def test_testing_day_starts_each_tester_once(tiny: Survey) -> None:
    occ = building_occupancy(tiny, "t", day="testing")
    r = arrival_rates(tiny, occ, day="testing")
    a = {k: i for i, k in enumerate(app_ids())}
    dur = np.array([iv.duration_s for iv in occ.intervals])
    testers = 20 + 1.25
    for app in ("assessment", "assessment-load"):
        expected_sessions = (r[:, :, a[app]] * dur[:, None]).sum()
        assert expected_sessions == pytest.approx(testers)
    # Start group 1 (room t-102, 20 testers) in its 120-s slot: 20/120 starts per second.
    i0 = _row(occ, "T1 test starts 1/2")
    assert r[i0, 1, a["assessment"]] == pytest.approx(20 / 120)
    # Testers do the exam activity (2 web/h) instead of the class mix.
    i = _row(occ, "T1")
    assert r[i, 1, a["video-720p"]] == 0.0
    assert r[i, 0, a["video-720p"]] == pytest.approx(25 * 0.25 * 6 / H)


def test_os_update_day_updates_every_student_device_once(tiny: Survey) -> None:
    occ = building_occupancy(tiny, "t", day="os-update")
    r = arrival_rates(tiny, occ, day="os-update")
    k = app_ids().index("os-update")
    dur = np.array([iv.duration_s for iv in occ.intervals])
    assert (r[:, :, k] * dur[:, None]).sum() == pytest.approx(50.0)
    regular = arrival_rates(tiny, occ, day="regular")
    assert regular[:, :, k].sum() == 0.0


def test_monte_carlo_of_device_activities_matches_rates(tiny: Survey) -> None:
    """Draw each device's activity, then its Poisson sessions; compare mean counts."""
    occ = building_occupancy(tiny, "t")
    r = arrival_rates(tiny, occ)
    plan = tiny.activities
    apps = app_ids()
    i = _row(occ, "P1")
    z = 0
    dur = occ.intervals[i].duration_s
    n_students = int(occ.students[i, z])
    n_staff = int(occ.staff[i, z])
    rng = np.random.default_rng(11)
    reps = 4000
    counts = np.zeros((reps, len(apps)))
    mixes = {
        "students": plan.mix[0].share,  # class + classroom rule
        "staff": plan.mix[2].share,
    }
    background = {w: plan.background[w] for w in ("students", "staff")}  # type: ignore[index]
    for who, n in (("students", n_students), ("staff", n_staff)):
        acts = list(mixes[who])
        probs = np.array([mixes[who][x] for x in acts])
        picks = rng.choice(len(acts), size=(reps, n), p=probs)
        for ai, act in enumerate(acts):
            doing = (picks == ai).sum(axis=1)
            for app, per_h in plan.activities[act].sessions_per_hour.items():
                counts[:, apps.index(app)] += rng.poisson(per_h / H * dur * doing)
        for app, per_h in background[who].items():
            counts[:, apps.index(app)] += rng.poisson(per_h / H * dur * n, size=reps)
    mean = counts.mean(axis=0)
    se = counts.std(axis=0, ddof=1) / np.sqrt(reps)
    expected = r[i, z] * dur
    assert expected[apps.index("web")] > 100  # the check below is not vacuous
    for k, app in enumerate(apps):
        if expected[k] == 0:
            assert mean[k] == 0, app
        else:
            assert abs(mean[k] - expected[k]) <= 4.5 * se[k], (app, mean[k], expected[k])


def test_demo_rates_are_plausible_and_deterministic() -> None:
    survey = load_survey(Path(__file__).resolve().parents[1] / "site_surveys" / "cedar_valley")
    occ = building_occupancy(survey, "chs", seed=2)
    r1 = arrival_rates(survey, occ)
    r2 = arrival_rates(survey, building_occupancy(survey, "chs", seed=2))
    np.testing.assert_array_equal(r1, r2)
    apps = catalogue()
    ids = list(apps)
    p1 = next(i for i, iv in enumerate(occ.intervals) if iv.label == "P1")
    # Offered streaming downlink in P1 by Little's law: rate x mean duration x Mbps.
    stream_mbps = sum(
        r1[p1, :, k].sum() * apps[a].mean_duration_s * apps[a].down_mbps
        for k, a in enumerate(ids)
        if apps[a].kind == "stream"
    )
    elastic_mbps = sum(
        r1[p1, :, k].sum() * apps[a].mean_down_mb * 8
        for k, a in enumerate(ids)
        if apps[a].kind == "elastic"
    )
    per_student = (stream_mbps + elastic_mbps) / 1600
    # Between 0.1 and 1 Mbps per student: under the 1 Mbps/student goal (SETDA/FCC 14-99).
    assert 0.1 < per_student < 1.0
