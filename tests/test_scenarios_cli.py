"""The `netplan compare`, `netplan batch` and `netplan runway` commands, run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from support import DEMO_SURVEY


def netplan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netplan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "160"},
        timeout=900,
    )


@pytest.mark.slow
def test_demo_merged_lunch_is_flagged(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    r = netplan(
        "compare",
        str(DEMO_SURVEY),
        "--baseline",
        "today",
        "--proposed",
        "hs-merged-lunch",
        "--buildings",
        "chs",
        "--window",
        "11:00-11:45",
        "-r",
        "2",
        "--workers",
        "2",
        "-q",
        "--out",
        str(out),
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert "GATE FAILED" in r.stdout
    verdict = json.loads((out / "comparison.json").read_text())
    assert verdict["gate_failed"] is True
    assert verdict["baseline"] == "today" and verdict["proposed"] == "hs-merged-lunch"
    assert verdict["new_crossings"], verdict
    assert {c["building"] for c in verdict["new_crossings"]} == {"chs"}
    table = pd.read_csv(out / "comparison.csv")
    new = table[table["new_crossing"]]
    # Each new crossing really is above its limit in the proposal and not in the baseline.
    assert (new["proposed_mean"] > new["threshold"]).all()
    assert (new["baseline_mean"] <= new["threshold"]).all()
    assert set(table["building"]) == {"chs", "district"}


@pytest.mark.slow
def test_demo_staggered_start_passes(tmp_path: Path) -> None:
    r = netplan(
        "compare",
        str(DEMO_SURVEY),
        "--baseline",
        "today",
        "--proposed",
        "elem-stagger-15",
        "--buildings",
        "oak,pine,elm",
        "--window",
        "08:15-09:15",
        "-r",
        "2",
        "--workers",
        "2",
        "-q",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Gate passed" in r.stdout
    assert "Pine Ridge Elementary" in r.stdout or "unflagged" in r.stdout


def test_bad_scenario_file_exits_2_with_file_field_message(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(
        textwrap.dedent(
            f"""
            survey = "{DEMO_SURVEY}"
            [scenarios.a]
            wann = {{ wan-chs = "20 Gbps" }}
            [scenarios.b]
            wan = {{ wan-chs = "lots" }}
            """
        )
    )
    r = netplan("batch", str(f), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert f"{f}: scenarios.a.wann: unknown key 'wann'" in lines[0] + lines[1]
    assert any(ln.startswith(f"{f}: scenarios.b.wan.wan-chs: ") for ln in lines)
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()


def test_reference_errors_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "refs.toml"
    f.write_text(
        f'survey = "{DEMO_SURVEY}"\n[scenarios.a]\nschedule = "hs-typo"\nbuildings = ["zzz"]\n'
    )
    r = netplan("batch", str(f))
    assert r.returncode == 2
    assert f"{f}: scenarios.a.schedule: unknown bell schedule 'hs-typo'" in r.stderr
    assert f"{f}: scenarios.a.buildings[0]: unknown building 'zzz'" in r.stderr


def test_compare_unknown_name_exits_2() -> None:
    r = netplan("compare", str(DEMO_SURVEY), "--baseline", "today", "--proposed", "nope")
    assert r.returncode == 2
    assert "'nope' is neither a scenario" in r.stderr
    assert "hs-merged-lunch" in r.stderr  # the bell schedules it could have meant
    r = netplan(
        "compare",
        str(DEMO_SURVEY),
        "--baseline",
        "today",
        "--proposed",
        "current",
        "--window",
        "11:00",
    )
    assert r.returncode == 2
    assert "--window: 11:00: expected HH:MM-HH:MM" in r.stderr


@pytest.mark.slow
def test_runway_finds_the_year_a_thin_link_runs_out(tmp_path: Path) -> None:
    f = tmp_path / "growth.toml"
    f.write_text(
        textwrap.dedent(
            f"""
            survey = "{DEMO_SURVEY}"
            year = 2030
            window = {{ start = "11:00", end = "11:10" }}
            [scenarios.thin]
            buildings = ["oak"]
            wan = {{ wan-oak = "150 Mbps" }}
            demand_growth_pct_per_year = 100
            """
        )
    )
    out = tmp_path / "rw"
    r = netplan(
        "runway",
        str(DEMO_SURVEY),
        "--scenarios",
        str(f),
        "--scenario",
        "thin",
        "--years",
        "4",
        "-r",
        "2",
        "--workers",
        "2",
        "-q",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    table = pd.read_csv(out / "runway.csv")
    assert "Capacity runway of thin, 2030-2034" in r.stdout
    # Check the table against the per-year results themselves: the first year whose mean
    # is above the limit, for every gated quantity.
    runs = pd.concat(pd.read_parquet(p) for p in (out / "runs").rglob("rep-*.parquet"))
    runs["year"] = runs["scenario"].str.rsplit("@", n=1).str[1].astype(int)
    assert sorted(runs["year"].unique()) == [2030, 2031, 2032, 2033, 2034]
    means = runs.groupby(["building", "resource", "metric", "year"])["value"].mean()
    for row in table.itertuples():
        m = means.loc[(row.building, row.resource, row.metric)]
        over = [y for y, v in m.items() if v > row.threshold]
        expect = over[0] if over else None
        got = None if pd.isna(row.runs_out) else int(row.runs_out)
        assert got == expect, (row, m)
    wan = table[table["resource"] == "wan:wan-oak"].iloc[0]
    assert not pd.isna(wan["runs_out"]), table
    year = int(wan["runs_out"])
    line = "WAN link wan-oak runs out of capacity"
    assert (f"{line} in {year}" if year > 2030 else f"in 2030: {line}") in r.stdout
