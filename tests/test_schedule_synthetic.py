"""Generated districts get schedules; random bell schedules keep every student accounted for."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netplan.schedule import building_occupancy, day_types
from netplan.schedules.occupancy import compute_occupancy
from netplan.survey import load_survey
from netplan.survey.models import BuildingFile
from netplan.survey.schedule_models import DaySchedule
from netplan.survey.synthetic import (
    cedar_valley_spec,
    generate_district,
    large_district_spec,
    write_district,
)
from test_schedule_support import tiny_school_building

DEMO = Path(__file__).resolve().parents[1] / "site_surveys" / "cedar_valley"


def test_demo_schedule_files_are_the_generator_output() -> None:
    files = generate_district(cedar_valley_spec())
    sched = {k: v for k, v in files.items() if k.startswith(("schedules/", "master_schedule/"))}
    assert sorted(sched) == sorted(
        str(p.relative_to(DEMO))
        for p in [*DEMO.glob("schedules/*.toml"), *DEMO.glob("master_schedule/*.csv")]
    )
    for rel, doc in sched.items():
        if rel.endswith(".toml"):
            assert tomllib.loads((DEMO / rel).read_text()) == doc, rel
        else:
            lines = (DEMO / rel).read_text().splitlines()
            assert lines[0].split(",") == doc["columns"]
            assert [line.split(",") for line in lines[1:]] == doc["rows"]


def test_generated_district_has_a_schedule_per_level(tmp_path: Path) -> None:
    spec = large_district_spec(12, seed=3)
    root = write_district(generate_district(spec), tmp_path / "gen", spec.name)
    survey = load_survey(root)
    levels = {b.level for b in spec.buildings}
    assert len(survey.schedules) == len(levels)
    for bid, b in survey.buildings.items():
        occ = building_occupancy(survey, bid, seed=1)
        assert occ.schedule in survey.schedules
        school = [i for i, iv in enumerate(occ.intervals) if iv.kind not in ("before", "after")]
        np.testing.assert_allclose(occ.students[school].sum(axis=1), b.building.enrollment)
        assert "testing" in day_types(survey, bid)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def day_schedules(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(1, 8))
    t = draw(st.integers(6 * 60, 9 * 60))
    periods = []
    for k in range(n):
        length = draw(st.integers(5, 90))
        periods.append({"id": f"P{k + 1}", "start": _clock(t), "end": _clock(t + length)})
        t += length + draw(st.integers(0, 10))
    # Up to three lunch waves inside one period, by grade or share or auto.
    waves = []
    host = draw(st.integers(0, n - 1))
    s = int(periods[host]["start"][:2]) * 60 + int(periods[host]["start"][3:])  # type: ignore[index]
    e = int(periods[host]["end"][:2]) * 60 + int(periods[host]["end"][3:])  # type: ignore[index]
    kind = draw(st.sampled_from(["grades", "share", "auto"]))
    n_waves = draw(st.integers(0, 3))
    if n_waves and e - s >= n_waves:
        step = (e - s) // n_waves
        grade_sets = [[9], [10], [11, 12]]
        for w in range(n_waves):
            wave: dict[str, object] = {
                "id": f"W{w}",
                "start": _clock(s + w * step),
                "end": _clock(s + (w + 1) * step),
            }
            if kind == "grades":
                wave["grades"] = grade_sets[w]
            elif kind == "share":
                wave["share"] = 1.0 / n_waves
            waves.append(wave)
    return {
        "periods": periods,
        "lunch_waves": waves,
        "before_min": draw(st.sampled_from([0.0, 15.0, 30.0])),
        "after_min": draw(st.sampled_from([0.0, 60.0])),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=day_schedules(), seed=st.integers(0, 2**16))
def test_random_schedules_conserve_students(doc: dict[str, object], seed: int) -> None:
    building = BuildingFile.model_validate(tiny_school_building())
    day = DaySchedule.model_validate(doc)
    occ = compute_occupancy(building, day, schedule_id="x", day_name="regular", seed=seed)
    ivs = occ.intervals
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(ivs))
    assert all(iv.end_s > iv.start_s for iv in ivs)
    hall = occ.zones.index("t-hall")
    for i, iv in enumerate(ivs):
        if iv.kind in ("class", "lunch", "advisory", "passing"):
            assert occ.students[i].sum() == pytest.approx(50.0)
            assert occ.staff[i].sum() == pytest.approx(4.0)
        if iv.kind == "passing":
            assert occ.students[i, hall] == pytest.approx(50.0)
    assert np.all(occ.students >= -1e-9)
