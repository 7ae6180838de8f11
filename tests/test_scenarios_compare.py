"""Comparisons with the real simulation: common random numbers and the dask scheduler path."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netplan.scenarios.models import Scenario, Window
from netplan.scenarios.workflow import compare_scenarios
from netplan.survey import Survey, load_survey
from support import DEMO_SURVEY

pytestmark = pytest.mark.slow

WINDOW = Window(start="11:00", end="11:10")


@pytest.fixture(scope="module")
def survey() -> Survey:
    return load_survey(DEMO_SURVEY)


def test_a_scenario_against_itself_differs_by_exactly_nothing(
    survey: Survey, tmp_path: Path
) -> None:
    sc = Scenario(buildings=["oak"], window=WINDOW)
    run = compare_scenarios(survey, ("a", sc), ("b", sc), tmp_path, replications=3, seed=7)
    t = run.comparison.table
    assert len(t) > 50 and (t["n_pairs"] == 3).all()
    # Same seeds, same survey: every replication is reproduced exactly, so every paired
    # difference and its interval are zero, although the replications themselves vary.
    assert (t["delta_mean"] == 0).all() and (t["delta_low"] == 0).all()
    assert (t["delta_high"] == 0).all()
    assert (t["baseline_high"] > t["baseline_low"]).any()
    assert not run.comparison.gate_failed


def test_common_random_numbers_narrow_the_interval(survey: Survey, tmp_path: Path) -> None:
    """A 30 % demand increase: pairing replications on shared seeds gives a tighter interval
    for the change in WAN load than treating the two samples as independent would."""
    base = Scenario(buildings=["oak"], window=WINDOW)
    more = base.model_copy(update={"demand_scale": 1.3})
    run = compare_scenarios(survey, ("base", base), ("more", more), tmp_path, replications=5)
    m = run.metrics
    sel = (m["resource"] == "wan:wan-oak") & (m["metric"] == "link_p95")
    b = m[sel & (m["scenario"] == "base")].sort_values("replication")["value"].to_numpy()
    p = m[sel & (m["scenario"] == "more")].sort_values("replication")["value"].to_numpy()
    row = run.comparison.table.set_index(["resource", "metric"]).loc[("wan:wan-oak", "link_p95")]
    paired = float(row["delta_high"] - row["delta_low"])
    from scipy import stats

    welch = stats.ttest_ind(p, b, equal_var=False).confidence_interval(0.95)
    assert row["delta_mean"] == pytest.approx(float(np.mean(p - b)))
    assert row["delta_low"] > 0  # more demand: more WAN load, with confidence
    assert paired < float(welch.high - welch.low)


def test_batch_on_a_dask_scheduler_matches_local_processes(tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    scen = tmp_path / "s.toml"
    scen.write_text(
        textwrap.dedent(
            f"""
            survey = "{DEMO_SURVEY}"
            replications = 2
            window = {{ start = "{WINDOW.start}", end = "{WINDOW.end}" }}
            [scenarios.today]
            buildings = ["oak"]
            [scenarios.busy]
            buildings = ["oak"]
            demand_scale = 1.4
            """
        )
    )
    env = {**os.environ, "COLUMNS": "120"}

    def batch(*extra: str, out: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "netplan", "batch", str(scen), "--out", str(out), "-q", *extra],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )

    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        on_dask = batch("--scheduler", cluster.scheduler_address, out=tmp_path / "dask")
    local = batch("--workers", "2", out=tmp_path / "local")
    assert on_dask.returncode in (0, 1), on_dask.stderr
    assert local.returncode == on_dask.returncode, local.stderr
    a = pd.read_parquet(tmp_path / "dask" / "results.parquet")
    b = pd.read_parquet(tmp_path / "local" / "results.parquet")
    assert len(a) > 100
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_unreachable_scheduler_is_bad_input(tmp_path: Path) -> None:
    scen = tmp_path / "s.toml"
    scen.write_text(f'survey = "{DEMO_SURVEY}"\n[scenarios.a]\nbuildings = ["oak"]\n')
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "netplan",
            "batch",
            str(scen),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--out",
            str(tmp_path / "o"),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"},
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert "cannot reach the dask scheduler" in r.stderr
