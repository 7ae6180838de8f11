"""`netplan check`: valid surveys pass; each kind of mistake gives one clear line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from netplan.cli import main
from netplan.survey.schema import survey_json_schema
from survey_factory import write_survey


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0), out, err


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = tomllib.loads(path.read_text())
    change(doc)
    path.write_text(tomli_w.dumps(doc))


def test_demo_district_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    from support import DEMO_SURVEY

    code, out, err = run_cli(["check", str(DEMO_SURVEY)], capsys)
    assert code == 0, err
    assert "Cedar Valley School District" in out
    assert "Survey is valid." in out
    assert "chs" in out and "below" in out


def test_check_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_survey(tmp_path / "s")
    code, out, _ = run_cli(["check", str(root), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["district"]["students"] == 300
    assert data["buildings"][0]["bottleneck"] == "filter"


def _ap(doc: dict[str, Any], i: int = 0) -> dict[str, Any]:
    ap: dict[str, Any] = doc["access_points"][i]
    return ap


# (name, file to edit relative to survey, change, expected field path, expected message part)
Mistake = tuple[str, str, Callable[[Any], None], str, str]

MISTAKES: list[Mistake] = [
    (
        "unknown key",
        "buildings/a.toml",
        lambda d: _ap(d).update(colour="blue"),
        "access_points[a-ap1].colour",
        "unknown key 'colour'",
    ),
    (
        "wrong type",
        "buildings/a.toml",
        lambda d: d["building"].update(enrollment="lots"),
        "building.enrollment",
        "valid integer",
    ),
    (
        "missing required field",
        "buildings/a.toml",
        lambda d: d["building"].pop("name"),
        "building.name",
        "required field is missing",
    ),
    (
        "dangling switch id",
        "buildings/a.toml",
        lambda d: _ap(d).update(switch="a-idf9"),
        "access_points[a-ap1].switch",
        "unknown switch 'a-idf9'",
    ),
    (
        "dangling zone id",
        "buildings/a.toml",
        lambda d: _ap(d)["serves"][0].update(zone="a-999"),
        "access_points[a-ap1].serves[0].zone",
        "unknown zone 'a-999'",
    ),
    (
        "switch cycle",
        "buildings/a.toml",
        lambda d: d["switches"][0].update(uplink_to="a-idf"),
        "switches",
        "cycle",
    ),
    (
        "channel not in band",
        "buildings/a.toml",
        lambda d: _ap(d)["radios"][1].update(channel=14),
        "access_points[a-ap1].radios[1].channel",
        "14",
    ),
    (
        "impossible width for channel",
        "buildings/a.toml",
        lambda d: _ap(d)["radios"][0].update(channel=165, width_mhz=80),
        "access_points[a-ap1].radios[0].channel",
        "80 MHz",
    ),
    (
        "standard not in band",
        "buildings/a.toml",
        lambda d: _ap(d)["radios"][1].update(standard="ac"),
        "access_points[a-ap1].radios[1].standard",
        "does not operate at 2.4 GHz",
    ),
    (
        "negative capacity",
        "buildings/a.toml",
        lambda d: d["switches"][1].update(uplink_mbps=-1000),
        "switches[a-idf].uplink_mbps",
        "greater than 0",
    ),
    (
        "unknown unit",
        "district.toml",
        lambda d: d["wan"]["links"][0].update(capacity_mbps="10 Gbit"),
        "wan.links[wan-a].capacity_mbps",
        "unknown unit 'Gbit'",
    ),
    (
        "enrollment far above seats",
        "buildings/a.toml",
        lambda d: d["building"].update(enrollment=2000),
        "building.enrollment",
        "far above the 300 seats",
    ),
    (
        "no path to the internet",
        "district.toml",
        lambda d: d["wan"]["links"][0].update(a="b-nowhere"),
        "wan.links",
        "no WAN path",
    ),
    (
        "fleet names unknown device",
        "devices.toml",
        lambda d: d["fleet"][0].update(model="tablet"),
        "fleet[0].model",
        "unknown device model 'tablet'",
    ),
    (
        "fleet shares do not add up",
        "devices.toml",
        lambda d: d["fleet"][0].update(share=0.5),
        "fleet",
        "add up to 0.500",
    ),
    (
        "duplicate ids",
        "buildings/a.toml",
        lambda d: d["access_points"][1].update(id="a-ap1"),
        "-",
        "used more than once",
    ),
    (
        "wrong container type",
        "buildings/a.toml",
        lambda d: _ap(d).update(serves="a-101"),
        "access_points[a-ap1].serves",
        "valid list",
    ),
    (
        "both snr and rssi",
        "buildings/a.toml",
        lambda d: _ap(d)["serves"][0].update(rssi_dbm=-60),
        "access_points[a-ap1].serves[0]",
        "exactly one of snr_db or rssi_dbm",
    ),
    (
        "ring that is not a ring",
        "district.toml",
        lambda d: d["wan"].update(topology="ring"),
        "wan.topology",
        "do not form one cycle",
    ),
    (
        "DHCP scope names unknown zone",
        "buildings/a.toml",
        lambda d: d["dhcp_scopes"][0].update(zones=["a-gym"]),
        "dhcp_scopes[a-students].zones",
        "unknown zone 'a-gym'",
    ),
    (
        "out-of-range latitude",
        "buildings/a.toml",
        lambda d: d["building"].update(lat=140.0),
        "building.lat",
        "less than or equal to 90",
    ),
]


@pytest.mark.parametrize(
    ("name", "rel", "change", "field", "message"), MISTAKES, ids=[m[0] for m in MISTAKES]
)
def test_each_mistake_is_one_clear_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    rel: str,
    change: Callable[[Any], None],
    field: str,
    message: str,
) -> None:
    root = write_survey(tmp_path / "s")
    edit(root / rel, change)
    code, out, err = run_cli(["check", str(root)], capsys)
    assert code == 2, f"{name}: expected exit 2, got {code}\n{out}{err}"
    assert "Traceback" not in out + err
    lines = [ln for ln in err.splitlines() if ln.startswith(str(root / rel) + ": ")]
    matching = [ln for ln in lines if f": {field}: " in ln and message in ln]
    assert matching, f"{name}: no line for {field!r} with {message!r} in:\n{err}"


def test_bad_toml_names_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_survey(tmp_path / "s")
    path = root / "district.toml"
    path.write_text(path.read_text() + "\n[wan\nbroken = \n")
    code, _, err = run_cli(["check", str(root)], capsys)
    assert code == 2
    line = err.splitlines()[0]
    assert line.startswith(f"{path}: line ")
    assert "invalid TOML" in line


def test_every_problem_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_survey(tmp_path / "s", ["a", "b"])
    edit(root / "buildings/a.toml", lambda d: _ap(d).update(colour="blue"))
    edit(root / "buildings/b.toml", lambda d: d["building"].update(staff=-3))
    edit(root / "devices.toml", lambda d: d["models"][0].update(spatial_streams="two"))
    code, _, err = run_cli(["check", str(root)], capsys)
    assert code == 2
    assert "a.toml: access_points[b-ap1]" not in err
    assert f"{root / 'buildings/a.toml'}: access_points[a-ap1].colour: unknown key" in err
    assert f"{root / 'buildings/b.toml'}: building.staff:" in err
    assert f"{root / 'devices.toml'}: models[cb].spatial_streams:" in err
    assert "3 problems found." in err


def test_ap_serving_zone_of_other_building(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_survey(tmp_path / "s", ["a", "b"])
    edit(root / "buildings/a.toml", lambda d: _ap(d)["serves"][0].update(zone="b-101"))
    code, _, err = run_cli(["check", str(root)], capsys)
    assert code == 2
    assert "access_points[a-ap1].serves[0].zone: AP serves zone 'b-101' in another building" in err


def test_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["check", str(tmp_path / "nope")], capsys)
    assert code == 2 and "survey directory not found" in err
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(["check", str(tmp_path / "empty")], capsys)
    assert code == 2
    assert "district.toml: -: file not found" in err
    assert "no building files" in err


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_survey(tmp_path / "s")
    (root / "devices.toml").write_bytes(b"\xff\xfe[models]\n")
    code, _, err = run_cli(["check", str(root)], capsys)
    assert code == 2 and "devices.toml: byte 0: file is not UTF-8 text" in err


def test_warnings_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_survey(tmp_path / "s")
    edit(root / "buildings/a.toml", lambda d: d["building"].update(enrollment=400))
    code, out, _ = run_cli(["check", str(root)], capsys)
    assert code == 0
    assert "warning: enrollment 400 is above the 300 seats" in out


def test_console_script_has_no_traceback(tmp_path: Path) -> None:
    root = write_survey(tmp_path / "s")
    edit(root / "district.toml", lambda d: d["content_filter"].update(throughput_mbps="fast"))
    proc = subprocess.run(
        [sys.executable, "-m", "netplan", "check", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "content_filter.throughput_mbps: cannot read rate 'fast'" in proc.stderr


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run_cli(["check"], capsys)
    assert code == 2
    code, _, _ = run_cli(["no-such-command"], capsys)
    assert code == 2


def test_schema_export_validates_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = survey_json_schema("building")
    assert schema["additionalProperties"] is False
    ap = schema["$defs"]["AccessPoint"]
    assert ap["additionalProperties"] is False
    assert {"id", "switch", "serves", "radios"} <= set(ap["required"])
    code, _, _ = run_cli(["schema", "--out", str(tmp_path / "schemas")], capsys)
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert names == [
        "netplan-activities.schema.json",
        "netplan-building.schema.json",
        "netplan-devices.schema.json",
        "netplan-district.schema.json",
        "netplan-schedule.schema.json",
    ]
    code, _, err = run_cli(["schema", "campus"], capsys)
    assert code == 2 and "unknown kind 'campus'" in err


def test_documented_broken_example(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's broken example reports each of its marked mistakes."""
    from support import REPO

    root = REPO / "docs" / "examples" / "broken_district"
    code, _, err = run_cli(["check", str(root)], capsys)
    assert code == 2
    expected = [
        ("district.toml", "isp_circuits[isp-1].up_mbps", "unknown unit 'Gbit'"),
        ("devices.toml", "fleet[0].model", "unknown device model 'chromebook'"),
        ("buildings/hs.toml", "switches", "cycle: hs-mdf -> hs-idf -> hs-mdf"),
        ("buildings/hs.toml", "access_points[hs-ap1].radios[0].channel", "channel 13"),
        ("buildings/hs.toml", "building.enrollment", "far above the 60 seats"),
        ("buildings/ms.toml", "switches[ms-mdf].uplink_mbps", "greater than 0"),
        ("buildings/ms.toml", "access_points[ms-ap1].radios[0].chanel", "unknown key"),
    ]
    for rel, field, message in expected:
        prefix = f"{root / rel}: {field}: "
        assert any(ln.startswith(prefix) and message in ln for ln in err.splitlines()), (
            rel,
            field,
        )
    marked = sum(p.read_text().count("# mistake") for p in root.rglob("*.toml"))
    assert marked == 7


@pytest.mark.parametrize("command", sorted(__import__("netplan.cli").cli.COMMAND_MODULES))
def test_each_command_is_reached_by_its_name(command: str) -> None:
    """Only the called command's module is imported; the command must still be a subcommand."""
    proc = subprocess.run(
        [sys.executable, "-m", "netplan", command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Usage: netplan {command}" in proc.stdout
