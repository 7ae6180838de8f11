"""``netplan wifi`` commands: output contracts, reference values and rejected input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from netplan.cli import main

DEMO = Path(__file__).resolve().parents[1] / "site_surveys" / "cedar_valley"


def _args(line: str) -> list[str]:
    return line.split()


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_capacity_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        _args(
            "wifi capacity --standard ax --band 5 --width 20 --mcs 7 --nss 1 --stations 5 "
            "--payload 1500 --json"
        ),
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["phy_rate_mbps"] == pytest.approx(86.0, abs=0.05)  # HE 20 MHz MCS 7
    assert data["per_station_throughput_mbps"] == pytest.approx(
        data["aggregate_throughput_mbps"] / 5, rel=1e-3
    )
    assert data["airtime_efficiency"] == pytest.approx(
        data["aggregate_throughput_mbps"] / data["phy_rate_mbps"], rel=1e-3
    )
    assert data["aggregation"] is True and data["frames_per_ppdu"] > 1


def test_capacity_reproduces_ns3_without_aggregation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        _args("wifi capacity --standard a --mcs 7 --stations 10 --no-aggregation --json"),
        capsys,
    )
    assert code == 0
    assert json.loads(out)["aggregate_throughput_mbps"] == pytest.approx(28.1519, rel=0.02)


def test_capacity_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        _args("wifi capacity --standard ac --width 80 --mcs 9 --rts --sgi"),
        capsys,
    )
    assert code == 0
    assert "PHY rate" in out and "433.3 Mbps" in out and "RTS/CTS" in out


@pytest.mark.parametrize(
    ("args", "field", "needle"),
    [
        ("--standard ac --mcs 11 --width 80", "--mcs", "MCS 11 does not exist in 802.11ac"),
        ("--standard ax --band 2.4 --width 160", "--width", "160 MHz is not available at 2.4"),
        ("--standard ax --nss 5 --ap-nss 2", "--nss", "5 spatial streams on a 2-stream AP"),
        ("--standard n --nss 5", "--nss", "1-4 spatial streams"),
        ("--standard ac --width 20 --mcs 9 --nss 1", "--mcs", "excluded by the standard"),
        ("--standard ax --sgi", "--sgi", "no short (0.4 us) guard interval"),
        ("--standard ax --stations 0", "--stations", "at least 1 station"),
        ("--standard ax --payload 9000", "--payload", "1-2304 bytes"),
        ("--standard wifi9", "--standard", "unknown standard"),
        ("--standard ac --band 6", "--band", "does not operate at 6 GHz"),
    ],
)
def test_capacity_rejects_impossible_input(
    args: str, field: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["wifi", "capacity", *args.split(), "--json"], capsys)
    assert code == 2
    assert out == ""
    assert f"netplan wifi capacity: {field}: " in err
    assert needle in err
    assert "Traceback" not in err


def test_rates_table_matches_standard(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(_args("wifi rates --standard ac --width 80 --json"), capsys)
    assert code == 0
    rows = json.loads(out)["rows"]
    assert [r["rate_mbps_by_gi_us"]["0.8"] for r in rows] == [
        29.3,
        58.5,
        87.8,
        117.0,
        175.5,
        234.0,
        263.3,
        292.5,
        351.0,
        390.0,
    ]
    assert rows[9]["rate_mbps_by_gi_us"]["0.4"] == 433.3
    code, out, _ = _run(["wifi", "rates", "--standard", "ax", "--width", "20"], capsys)
    assert code == 0 and "143.4" in out and "1024-QAM" in out


def test_rates_rejects_bad_width(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["wifi", "rates", "--standard", "n", "--width", "80"], capsys)
    assert code == 2 and "--width" in err and "802.11n has no 80 MHz channels" in err


def _demo_or_skip() -> Path:
    if not DEMO.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"demo survey missing at {DEMO}")
        pytest.skip(f"demo survey missing at {DEMO}")
    return DEMO


@pytest.mark.slow
def test_channels_report_on_demo_survey(capsys: pytest.CaptureFixture[str]) -> None:
    demo = _demo_or_skip()
    code, out, _ = _run(["wifi", "channels", str(demo), "--json"], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["buildings"]
    for rep in report["buildings"].values():
        for band in rep["bands"].values():
            assert band["cochannel_pairs_planned"] >= 0
            assert 0.0 < band["min_airtime_share_now"] <= 1.0
        for change in rep["changes"]:
            assert change["to"]["channel"] >= 1


def test_channels_no_dfs_and_unknown_building(capsys: pytest.CaptureFixture[str]) -> None:
    demo = _demo_or_skip()
    code, out, _ = _run(
        ["wifi", "channels", str(demo), "--building", "elm", "--no-dfs", "--json"], capsys
    )
    assert code == 0
    report = json.loads(out)
    assert list(report["buildings"]) == ["elm"]
    for rep in report["buildings"].values():
        for change in rep["changes"]:
            if change["band"] == "5":
                assert not 52 <= change["to"]["channel"] <= 144
    code, _, err = _run(["wifi", "channels", str(demo), "--building", "nope"], capsys)
    assert code == 2 and "--building" in err and "unknown building 'nope'" in err
