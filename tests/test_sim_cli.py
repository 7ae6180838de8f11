"""``netplan simulate`` end to end on a small survey."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from netplan.cli import main
from survey_factory import write_survey


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code or 0)


@pytest.mark.slow
def test_simulate_writes_tables_and_summary(tmp_path: Path) -> None:
    survey = write_survey(tmp_path / "s", ["a"])
    out = tmp_path / "out"
    assert _run(["simulate", str(survey), "--out", str(out), "--seed", "3"]) == 0
    res = pd.read_parquet(out / "resources.parquet")
    assert {
        "resource",
        "kind",
        "building",
        "minute",
        "offered_mbps",
        "carried_mbps",
        "capacity_mbps",
        "utilization",
        "clients",
    } <= set(res.columns)
    assert {"airtime", "ap-uplink", "switch-uplink", "wan", "core", "filter", "isp"} <= set(
        res["kind"].astype(str)
    )
    # One row per resource per minute of the day.
    per_res = res.groupby("resource", observed=True).size()
    assert per_res.nunique() == 1 and per_res.iloc[0] > 400
    flows = pd.read_parquet(out / "flows.parquet")
    assert len(flows) > 1000
    assert set(flows["kind"].astype(str)) == {"stream", "elastic"}
    assoc = pd.read_parquet(out / "associations.parquet")
    assert "associate" in set(assoc["event"])
    summary = json.loads((out / "summary.json").read_text())
    for key in (
        "run",
        "district",
        "buildings",
        "bottlenecks",
        "satisfaction",
        "associations",
        "goals",
        "bells",
    ):
        assert key in summary
    assert summary["run"]["seed"] == 3
    assert 0.0 < summary["satisfaction"]["bits_delivered_share"] <= 1.0
    assert summary["goals"]["district"]["internet_goal_mbps_per_student"] == 1.0
    b = summary["bottlenecks"][0]
    assert b["cause"].endswith("-bound") and b["resource"] in set(res["resource"].astype(str))


def test_unknown_day_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    survey = write_survey(tmp_path / "s", ["a"])
    out = tmp_path / "out"
    assert _run(["simulate", str(survey), "--day", "no-such-day", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no-such-day" in err and ": " in err.splitlines()[0]
    assert not out.exists(), "no partial output on failure"


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    survey = write_survey(tmp_path / "s", ["a"])
    assert _run(["simulate", str(survey), "--replications", "0"]) == 2
    assert _run(["simulate", str(survey), "--fairness", "loudest"]) == 2
    assert _run(["simulate", str(survey), "--tick", "7"]) == 2
