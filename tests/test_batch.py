"""Batch runs on real executors with the real simulation: same results on every executor,
failures isolated, interrupted batches resumed without losing or repeating work."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from netplan.scenarios.apply import RunSpec, run_spec
from netplan.scenarios.batch import BatchState, make_tasks, read_results, result_path, run_batch
from netplan.scenarios.models import Scenario, Window
from netplan.survey import Survey, load_survey
from support import DEMO_SURVEY

pytestmark = pytest.mark.slow

#: A short slice of one elementary school's day keeps each simulation at a second or two.
WINDOW = Window(start="11:00", end="11:08")


@pytest.fixture(scope="module")
def survey() -> Survey:
    return load_survey(DEMO_SURVEY)


def small_specs(survey: Survey, n: int = 2) -> list[RunSpec]:
    variants = [
        Scenario(),
        Scenario(start_offset_min={"oak": 15.0}),
        Scenario(app_scale={"video-720p": 2.0}),
        Scenario(enrollment_growth_pct=10.0),
        Scenario(demand_scale=1.5),
        Scenario(wan={"wan-oak": 500.0}),
    ]
    return [
        run_spec(f"s{i}", sc.model_copy(update={"buildings": ["oak"]}), survey, window=WINDOW)
        for i, sc in enumerate(variants[:n])
    ]


def spawn_pool(workers: int = 2) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def test_serial_process_pool_and_dask_give_identical_results(
    survey: Survey, tmp_path: Path
) -> None:
    from dask.distributed import Client, LocalCluster

    tasks = make_tasks(small_specs(survey, 2), replications=2, seed=5)
    serial = run_batch(tasks, tmp_path / "serial")
    with spawn_pool(2) as pool:
        pooled = run_batch(tasks, tmp_path / "pool", executor=pool, slots=2)
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        dasked = run_batch(tasks, tmp_path / "dask", executor=client.get_executor(), slots=2)
    for rep in (serial, pooled, dasked):
        assert rep.complete and len(rep.ran) == 4
    a = read_results(tmp_path / "serial", tasks)
    b = read_results(tmp_path / "pool", tasks)
    c = read_results(tmp_path / "dask", tasks)
    assert len(a) > 100
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(a, c, check_exact=True)
    # Seeds are shared across scenarios (common random numbers) and differ across
    # replications; the replications really differ.
    assert sorted(set(zip(a["scenario"], a["replication"], a["seed"], strict=True))) == [
        ("s0", 1, 5),
        ("s0", 2, 6),
        ("s1", 1, 5),
        ("s1", 2, 6),
    ]
    r1 = a[(a["scenario"] == "s0") & (a["replication"] == 1)]["value"].to_numpy()
    r2 = a[(a["scenario"] == "s0") & (a["replication"] == 2)]["value"].to_numpy()
    assert (r1 != r2).any()


def test_failing_runs_are_isolated_and_retried(survey: Survey, tmp_path: Path) -> None:
    good = small_specs(survey, 2)
    # A day type the schedules do not have: the simulation rejects it as bad input.
    bad_day = run_spec(
        "bad-day", Scenario(buildings=["oak"], day="no-such-day"), survey, window=WINDOW
    )
    # A negative demand multiplier: the simulation's settings refuse it (a plain error).
    broken = RunSpec(**{**good[0].__dict__, "scenario": "broken", "demand_scale": -1.0})
    specs = [good[0], bad_day, broken, good[1]]
    tasks = make_tasks(specs, replications=1, seed=1)
    calls: list[BatchState] = []

    with spawn_pool(2) as pool:
        rep = run_batch(tasks, tmp_path, executor=pool, slots=2, progress=calls.append)
    assert sorted(rep.ran) == [("s0", 1), ("s1", 1)]
    assert sorted(rep.failed) == [("bad-day", 1), ("broken", 1)]
    assert not rep.not_run
    assert "no-such-day" in rep.failed[("bad-day", 1)]
    assert [p.field for p in rep.problems[("bad-day", 1)]] == ["days"]
    assert "demand_scale" in rep.failed[("broken", 1)]
    assert ("broken", 1) not in rep.problems
    for t in tasks:
        err = result_path(tmp_path, t).with_suffix(".error.txt")
        assert result_path(tmp_path, t).is_file() == (t.key in rep.ran)
        assert err.is_file() == (t.key in rep.failed)
    # Progress: counts only grow, never more in flight than slots, and it ends settled.
    assert max(c.running for c in calls) <= 2
    done = [c.done + c.failed for c in calls]
    assert done == sorted(done)
    assert calls[-1] == BatchState(
        total=4,
        done=2,
        running=0,
        failed=2,
        skipped=0,
        scenarios=4,
        scenarios_done=2,
        scenarios_failed=2,
    )
    # A second start skips the finished runs and retries only the failed ones.
    again = run_batch(tasks, tmp_path)
    assert sorted(again.skipped) == [("s0", 1), ("s1", 1)]
    assert sorted(again.failed) == [("bad-day", 1), ("broken", 1)]
    assert not again.ran


def test_changed_scenario_is_not_taken_from_old_results(survey: Survey, tmp_path: Path) -> None:
    spec = small_specs(survey, 1)[0]
    tasks = make_tasks([spec], replications=1, seed=1)
    assert run_batch(tasks, tmp_path).ran == [("s0", 1)]
    changed = run_spec("s0", Scenario(buildings=["oak"], demand_scale=1.1), survey, window=WINDOW)
    assert changed.fingerprint != spec.fingerprint
    rep = run_batch(make_tasks([changed], replications=1, seed=1), tmp_path)
    assert rep.ran == [("s0", 1)] and not rep.skipped


def _snapshot(out: Path) -> dict[str, tuple[int, str]]:
    return {
        str(p.relative_to(out)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted((out / "runs").rglob("rep-*.parquet"))
    }


def _netplan(*args: str, **kw: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.Popen(
        [sys.executable, "-m", "netplan", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        **kw,
    )


def test_killed_batch_resumes_losing_and_repeating_nothing(survey: Survey, tmp_path: Path) -> None:
    scen = tmp_path / "scenarios.toml"
    scen.write_text(
        textwrap.dedent(
            f"""
            survey = "{DEMO_SURVEY}"
            replications = 2
            seed = 3
            window = {{ start = "{WINDOW.start}", end = "{WINDOW.end}" }}
            [scenarios.today]
            buildings = ["oak"]
            [scenarios.stagger]
            buildings = ["oak"]
            start_offset_min = {{ oak = 15 }}
            [scenarios.video]
            buildings = ["oak"]
            app_scale = {{ video-720p = 2.0 }}
            [scenarios.growth]
            buildings = ["oak"]
            enrollment_growth_pct = 10
            [scenarios.busy]
            buildings = ["oak"]
            demand_scale = 1.5
            [scenarios.thin-wan]
            buildings = ["oak"]
            wan = {{ wan-oak = "500 Mbps" }}
            """
        )
    )
    total = 12
    out = tmp_path / "out"
    proc = _netplan(
        "batch", str(scen), "--workers", "2", "--out", str(out), "-q", start_new_session=True
    )
    deadline = time.monotonic() + 300
    try:
        while len(_snapshot(out) if (out / "runs").is_dir() else {}) < 3:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "batch made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, mid-way
        proc.wait()
    before = _snapshot(out)
    assert 3 <= len(before) < total, "the kill did not land mid-way"
    # Resume with the same command.
    again = _netplan("batch", str(scen), "--workers", "2", "--out", str(out), "-q")
    _stdout, stderr = again.communicate(timeout=600)
    assert again.returncode in (0, 1), stderr.decode()
    summary = json.loads((out / "batch.json").read_text())
    assert summary["skipped"] == len(before)  # nothing finished is run again
    assert summary["ran"] == total - len(before)  # everything else runs exactly once
    assert summary["failed"] == 0 and summary["not_run"] == 0
    after = _snapshot(out)
    assert len(after) == total
    for name, stamp in before.items():
        assert after[name] == stamp  # the files written before the kill are untouched
    assert not [p for p in (out / "runs").rglob(".*")]  # no half-written file left
    # Nothing lost: the resumed results equal an uninterrupted run of the same batch.
    from netplan.scenarios.loader import load_scenario_file
    from netplan.scenarios.workflow import batch_scenarios

    sset = load_scenario_file(scen)
    clean = batch_scenarios(sset, load_survey(sset.survey_dir), tmp_path / "clean")
    resumed = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(resumed, clean.metrics, check_exact=True)
