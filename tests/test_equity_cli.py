"""``netplan equity``: outputs, the bad-input contract (exit 2, no partial output) and the demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netplan.equity.config import EquityConfig
from test_equity_support import write_blocks, write_world


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from netplan.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def cli_args(cfg: EquityConfig, out: Path, *extra: str) -> list[str]:
    args = [
        "equity",
        "--students",
        str(cfg.students),
        "--plans",
        str(cfg.plans),
        "--blocks",
        str(cfg.blocks),
        "--district",
        str(cfg.district),
        "--out",
        str(out),
        "--min-cell",
        "3",
    ]
    for f in cfg.fixed:
        args += ["--fixed", str(f)]
    for m in cfg.mobile:
        args += ["--mobile", str(m)]
    return [*args, *extra]


def test_equity_writes_public_outputs(tmp_path: Path) -> None:
    cfg = write_world(tmp_path / "in")
    out = tmp_path / "out"
    proc = run_cli(*cli_args(cfg, out))
    assert proc.returncode == 0, proc.stderr
    assert "Hotspot plan" in proc.stdout and "equity_summary.json" in proc.stdout
    summary = json.loads((out / "equity_summary.json").read_text())
    assert summary["hotspots"]["by_carrier"] == {"A": 3, "B": 1}
    assert summary["rejects"]["rejected"] == 3
    assert not (out / "restricted").exists()
    proc = run_cli(*cli_args(cfg, tmp_path / "out2", "--restricted", "--json"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["households"]["total"] == 6
    assert (tmp_path / "out2" / "restricted" / "households.csv").exists()


def _assert_bad(proc: subprocess.CompletedProcess[str], out: Path, *needles: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in proc.stderr, proc.stderr
    assert not out.exists(), "no partial output on bad input"
    assert not list(out.parent.glob(f".{out.name}.partial-*"))


def test_bad_plans_toml(tmp_path: Path) -> None:
    cfg = write_world(tmp_path / "in")
    cfg.plans.write_text(cfg.plans.read_text().replace("device_cost = 90.0", "devise_cost = 90.0"))
    out = tmp_path / "out"
    proc = run_cli(*cli_args(cfg, out))
    _assert_bad(
        proc,
        out,
        f"{cfg.plans}: carrier[0].devise_cost: Extra inputs are not permitted",
        f"{cfg.plans}: carrier[0].device_cost: Field required",
    )


def test_layer_without_crs(tmp_path: Path) -> None:
    cfg = write_world(tmp_path / "in")
    shp = write_blocks(tmp_path / "in" / "blocks.shp", crs=None)
    out = tmp_path / "out"
    args = cli_args(cfg, out)
    args[args.index("--blocks") + 1] = str(shp)
    _assert_bad(run_cli(*args), out, f"{shp}: crs: layer has no coordinate reference system")


def test_missing_roster_column_and_unreadable_file(tmp_path: Path) -> None:
    cfg = write_world(tmp_path / "in")
    text = cfg.students.read_text().replace("latitude", "lat", 1)
    cfg.students.write_text(text)
    out = tmp_path / "out"
    _assert_bad(
        run_cli(*cli_args(cfg, out)),
        out,
        f"{cfg.students}: header: missing required column 'latitude'",
    )
    # The same file works once the column is named.
    proc = run_cli(*cli_args(cfg, out, "--column", "latitude=lat"))
    assert proc.returncode == 0, proc.stderr
    out2 = tmp_path / "out2"
    args = cli_args(cfg, out2, "--column", "latitude=lat")
    args[args.index("--fixed") + 1] = str(tmp_path / "nope.csv")
    _assert_bad(run_cli(*args), out2, "nope.csv: -: cannot read file")


def test_bdc_file_whose_ids_all_lost_leading_zeros(tmp_path: Path) -> None:
    cfg = write_world(tmp_path / "in")
    path = cfg.fixed[0]
    lines = path.read_text().splitlines()
    fixed = [lines[0]] + [
        ",".join(c[1:] if len(c) == 15 and c.startswith("0") else c for c in line.split(","))
        for line in lines[1:]
    ]
    path.write_text("\n".join(fixed) + "\n")
    out = tmp_path / "out"
    _assert_bad(
        run_cli(*cli_args(cfg, out)),
        out,
        f"{path}: row 2 / block_geoid: has 14 digits: leading zero lost",
        "none of the 8 rows is usable",
    )


def test_usage_errors(tmp_path: Path) -> None:
    cfg = write_world(tmp_path / "in")
    out = tmp_path / "out"
    _assert_bad(
        run_cli(*cli_args(cfg, out, "--column", "colour=Blue")),
        out,
        "unknown roster field(s) colour",
    )
    _assert_bad(run_cli(*cli_args(cfg, out, "--h3-res", "9")), out, "never finer")


@pytest.mark.slow
def test_demo_function(tmp_path: Path) -> None:
    from netplan.equity.demo import run_demo_equity

    summary = run_demo_equity(tmp_path / "demo")
    assert summary["students"]["rejected"] == 10  # the demo roster's deliberate bad rows
    assert summary["hotspots"]["assigned"] > 0
    assert summary["households"]["by_class"]["unserved"] > 0
    assert (tmp_path / "demo" / "equity_summary.json").exists()
    assert not (tmp_path / "demo" / "restricted").exists()
