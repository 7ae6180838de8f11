"""An imported building, completed with a switch and a WAN link, joins a real survey."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
import tomli_w

from netplan.cli import main
from netplan.importers import ImportOptions, import_ekahau
from netplan.survey import load_survey
from test_ekahau_support import fixture

DEMO = Path(__file__).resolve().parents[1] / "site_surveys" / "cedar_valley"


def _survey_with_import(tmp_path: Path) -> Path:
    if not (DEMO / "district.toml").is_file():
        pytest.fail(f"demo district missing at {DEMO}")
    survey = tmp_path / "cedar_valley"
    shutil.copytree(DEMO, survey)
    options = ImportOptions(
        building_id="svph",
        name="St Vincent High",
        level="high",
        lat=40.35,
        lon=-104.7,
        enrollment=600,
        staff=60,
    )
    report = import_ekahau(fixture("SVPH-GND.esx"), survey / "buildings", options)
    assert report.written == [str(survey / "buildings" / "svph.toml")]
    return survey


def _complete(survey: Path) -> None:
    """What an engineer adds after the import: a real switch and a WAN link."""
    path = survey / "buildings" / "svph.toml"
    data = tomllib.loads(path.read_text())
    data["switches"] = [{"id": "svph-mdf", "uplink_to": "router", "uplink_mbps": "10 Gbps"}]
    for ap in data["access_points"]:
        ap["switch"] = "svph-mdf"
    path.write_text(tomli_w.dumps(data))
    dpath = survey / "district.toml"
    district = tomllib.loads(dpath.read_text())
    district["wan"]["links"].append(
        {"id": "wan-svph", "a": "core", "b": "svph", "capacity_mbps": "1 Gbps"}
    )
    dpath.write_text(tomli_w.dumps(district))


def _check(survey: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(survey)])
    out = capsys.readouterr()
    code = exc.value.code
    assert isinstance(code, int)
    return code, out.out, out.err


def test_check_reports_the_placeholders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    survey = _survey_with_import(tmp_path)
    code, _, err = _check(survey, capsys)
    assert code == 2
    f = survey / "buildings" / "svph.toml"
    assert f"{f}: switches[svph-switch]: placeholder switch written by an import" in err
    assert "building 'svph' has no WAN path to the core" in err


def test_check_reports_building_info_placeholders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    survey = tmp_path / "cedar_valley"
    shutil.copytree(DEMO, survey)
    import_ekahau(fixture("test.esx"), survey / "buildings", ImportOptions(building_id="tst"))
    code, _, err = _check(survey, capsys)
    assert code == 2
    assert "tst.toml: building.placeholder: building information written by an import" in err


def test_completed_import_passes_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    survey = _survey_with_import(tmp_path)
    _complete(survey)
    code, out, err = _check(survey, capsys)
    assert code == 0, err
    assert "Survey is valid." in out
    s = load_survey(survey)
    b = s.buildings["svph"]
    assert len(b.access_points) == 65 and b.building.enrollment == 600
    # The zones still marked placeholder are warnings, not errors.
    assert any("zone type or capacity was estimated" in str(w) for w in s.warnings)


def test_completed_import_simulates(tmp_path: Path) -> None:
    """Complete the import (switch, WAN link, a channel plan) and simulate half an hour.

    The project leaves every AP on channels 1 and 36 (no channel plan), so the completion
    plans channels with the radio model's planner, as `netplan wifi channels` would.
    """
    import numpy as np

    from netplan.demand import catalogue
    from netplan.radio.planner import plan_channels
    from netplan.sim.config import SimConfig
    from netplan.sim.engine import day_inputs, simulate_day
    from netplan.sim.network import build_network

    survey = _survey_with_import(tmp_path)
    _complete(survey)
    b = load_survey(survey).buildings["svph"]
    plan = plan_channels(
        b.access_points, wall_segments=b.walls, floor_height_m=b.building.floor_height_m
    )
    assert len(plan.after) < len(plan.before)
    path = survey / "buildings" / "svph.toml"
    data = tomllib.loads(path.read_text())
    for ap in data["access_points"]:
        for k, radio in enumerate(ap["radios"]):
            if (ap["id"], k) in plan.planned:
                radio["channel"] = plan.planned[(ap["id"], k)][0]
    path.write_text(tomli_w.dumps(data))
    s = load_survey(survey)
    net = build_network(s, ("svph",))
    inputs = day_inputs(s, "svph", schedule=None, day="regular", seed=1)
    start = float(inputs.starts[0])
    out = simulate_day(
        s,
        net,
        [inputs],
        list(catalogue().values()),
        seed=1,
        config=SimConfig(start_s=start, end_s=start + 1800.0),
    )
    assert out.events > 0
    assert len(out.minutes) == 30
    svph = [i for i, r in enumerate(net.resources) if r.building == "svph"]
    carried = float(np.sum([c[svph].sum() for c in out.carried]))
    assert carried > 0.0
    # Every imported zone has candidate radios with the predicted signal.
    assert all(net.zone_radios[("svph", z.id)] for z in s.buildings["svph"].zones)
