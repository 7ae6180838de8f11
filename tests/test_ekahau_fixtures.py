"""Importing the real Ekahau projects in ../shared/fixtures/ekahau/.

Expected values are computed here from the raw JSON with the standard library (band from the
channel number, metres from metersPerUnit), plus a few values read by hand and written as
literals.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from netplan.cli import main
from netplan.importers import read_ekahau
from netplan.survey.models import BuildingFile
from test_ekahau_support import fixture, raw_members


def _band(channel: int) -> str:
    return "2.4" if channel <= 14 else "5"


def _expected(raw: dict[str, Any]) -> dict[str, Any]:
    """Counts an import should produce, from the raw JSON."""
    plans = {p["id"]: p for p in raw["floorPlans.json"]["floorPlans"]}
    aps = [a for a in raw["accessPoints.json"]["accessPoints"] if a["mine"] and "location" in a]
    wifi = [
        r
        for r in raw["simulatedRadios.json"]["simulatedRadios"]
        if r["radioTechnology"] != "BLUETOOTH"
    ]
    radios = Counter(_band(r["channel"][0]) for r in wifi)
    enabled = Counter(_band(r["channel"][0]) for r in wifi if r["enabled"])
    channels = Counter(
        (_band(r["channel"][0]), r["channel"][0], 20 * len(r["channel"])) for r in wifi
    )
    coords = {
        a["name"]: (
            a["location"]["coord"]["x"] * plans[a["location"]["floorPlanId"]]["metersPerUnit"],
            a["location"]["coord"]["y"] * plans[a["location"]["floorPlanId"]]["metersPerUnit"],
        )
        for a in aps
    }
    return {
        "aps": len(aps),
        "radios": radios,
        "enabled": enabled,
        "channels": channels,
        "coords": coords,
        "floors": len({a["location"]["floorPlanId"] for a in aps}),
        "bluetooth": sum(
            r["radioTechnology"] == "BLUETOOTH"
            for r in raw["simulatedRadios.json"]["simulatedRadios"]
        ),
        "walls": len(raw.get("wallSegments.json", {}).get("wallSegments", [])),
        "areas": len(raw.get("areas.json", {}).get("areas", [])),
    }


@pytest.mark.parametrize("name", ["test.esx", "SVPH-GND.esx"])
def test_import_matches_raw_json(name: str) -> None:
    path = fixture(name)
    raw = raw_members(path)
    exp = _expected(raw)
    built, report = read_ekahau(path)
    assert len(built) == 1
    b = built[0].building
    assert len(b.access_points) == exp["aps"]
    got_radios = Counter(r.band for ap in b.access_points for r in ap.radios)
    got_enabled = Counter(r.band for ap in b.access_points for r in ap.radios if r.enabled)
    assert got_radios == exp["radios"]
    assert got_enabled == exp["enabled"]
    got_channels = Counter(
        (r.band, r.channel, r.width_mhz) for ap in b.access_points for r in ap.radios
    )
    assert got_channels == exp["channels"]
    assert b.building.floors == exp["floors"]
    assert report.ignored["Bluetooth radios"] == exp["bluetooth"]
    for ap in b.access_points:
        x, y = exp["coords"][ap.name]
        assert ap.x_m == pytest.approx(x, abs=0.006)
        assert ap.y_m == pytest.approx(y, abs=0.006)
    assert len(b.walls) == exp["walls"]
    assert sum(z.name != "" and "(whole floor)" not in z.name for z in b.zones) == exp["areas"]
    # Every AP serves at least one zone of this building, with shares of a zone adding to 1.
    shares: Counter[str] = Counter()
    for ap in b.access_points:
        assert ap.serves
        for cov in ap.serves:
            assert cov.share is not None
            shares[cov.zone] += cov.share
    for zone in b.zones:
        assert shares[zone.id] == pytest.approx(1.0, abs=0.01)


def test_test_esx_values_read_by_hand() -> None:
    built, _ = read_ekahau(fixture("test.esx"))
    b = built[0].building
    aps = {ap.name: ap for ap in b.access_points}
    assert sorted(aps) == ["AP-1", "AP-2", "AP-3", "AP-4", "Simulated AP-1"]
    ap1 = aps["AP-1"]
    # x = 811.126 px * 0.0630312 m/px, y = 418.125 px * 0.0630312 m/px
    assert (ap1.x_m, ap1.y_m) == (51.13, 26.35)
    assert ap1.vendor == "Cisco"
    assert ap1.model == "AP2802E + Cisco AIR-ANT2566D4M-R"
    by_band = {r.band: r for r in ap1.radios}
    # 2.4 GHz: transmitPower 8.0003 dBm (6.3 mW) + 6 dBi antenna; 802.11n, 3 streams, ch 1.
    assert by_band["2.4"].tx_power_dbm == pytest.approx(14.0, abs=0.01)
    assert (by_band["2.4"].standard, by_band["2.4"].channel, by_band["2.4"].spatial_streams) == (
        "n",
        1,
        3,
    )
    # 5 GHz: 13.98 dBm (25 mW) + 6 dBi; 802.11ac on channel 36.
    assert by_band["5"].tx_power_dbm == pytest.approx(19.98, abs=0.01)
    assert (by_band["5"].standard, by_band["5"].channel) == ("ac", 36)
    # networkCapacitySettings: 200 clients, 2 SSIDs, 12 Mbps lowest mandatory rate.
    assert {(r.max_clients, r.ssids, r.basic_rate_mbps) for r in ap1.radios} == {(200, 2, 12.0)}
    # "C9120i 5GHz + 5GHz": both radios are 5 GHz 802.11ax with 4 streams.
    dual5 = aps["Simulated AP-1"]
    assert [(r.band, r.standard, r.spatial_streams) for r in dual5.radios] == [
        ("5", "ax", 4),
        ("5", "ax", 4),
    ]
    # No areas.json: one whole-floor zone, marked placeholder.
    assert len(b.zones) == 1 and b.zones[0].placeholder
    assert b.building.placeholder
    assert b.switches[0].placeholder


def test_svph_values_read_by_hand() -> None:
    built, report = read_ekahau(fixture("SVPH-GND.esx"))
    b = built[0].building
    assert b.building.id == "building-2"  # buildings.json has one building, "Building 2"
    assert b.building.name == "Building 2"
    assert b.building.floor_height_m == 2.5  # buildingFloors.json height
    assert len(b.access_points) == 65
    assert len(b.walls) == 834
    assert len(b.zones) == 6
    # 17 APs have both radios disabled (15 generic ".11n/ac Dual Radio" and 2 AP4800s).
    off = [ap for ap in b.access_points if not any(r.enabled for r in ap.radios)]
    assert len(off) == 17
    assert all(cov.share == 0.0 for ap in off for cov in ap.serves)
    # 3 dB in every band: "4) Wall, Dry" (30 dB/m x 0.1 m, 605 walls) and "Window, Thick"
    # (200 dB/m x 0.015 m, 3 walls).
    three_db = [w for w in b.walls if w.attenuation_db == {"2.4": 3.0, "5": 3.0, "6": 3.0}]
    assert len(three_db) == 608
    # "9) Elevator Shaft": 150 dB/m x 0.2 m = 30 dB; 34 walls.
    assert sum(w.attenuation_db.get("5") == 30.0 for w in b.walls) == 34
    assert report.ignored["attenuation areas (attenuationAreas.json)"] == 73
    assert report.ignored["exclusion areas (exclusionAreas.json)"] == 60


def test_wall_coordinates_match_raw_points() -> None:
    path = fixture("SVPH-GND.esx")
    raw = raw_members(path)
    mpu = raw["floorPlans.json"]["floorPlans"][0]["metersPerUnit"]
    points = {p["id"]: p["location"]["coord"] for p in raw["wallPoints.json"]["wallPoints"]}
    types = {t["id"]: t for t in raw["wallTypes.json"]["wallTypes"]}
    built, _ = read_ekahau(path)
    walls = built[0].building.walls
    for k in (0, 100, 833):
        seg = raw["wallSegments.json"]["wallSegments"][k]
        p1, p2 = points[seg["point1Id"]], points[seg["point2Id"]]
        w = walls[k]
        assert (w.x1_m, w.y1_m) == pytest.approx((p1["x"] * mpu, p1["y"] * mpu), abs=0.006)
        assert (w.x2_m, w.y2_m) == pytest.approx((p2["x"] * mpu, p2["y"] * mpu), abs=0.006)
        wt = types[seg["wallTypeId"]]
        five = next(p for p in wt["propagationProperties"] if p["band"] == "FIVE")
        assert w.attenuation_db["5"] == pytest.approx(
            five["attenuationFactor"] * wt["thickness"], abs=0.006
        )


def test_cli_writes_a_valid_building_that_check_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "buildings"
    with pytest.raises(SystemExit) as exc:
        main(["import-ekahau", str(fixture("test.esx")), "--out", str(out), "--building-id", "t1"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "5 access points" in text and "Bluetooth radios: 5" in text
    assert "building enrollment, lat, level, lon, staff (marked TO FILL IN)" in text
    written = out / "t1.toml"
    body = written.read_text()
    assert body.count("# TO FILL IN") == 5
    assert "placeholder = true" in body
    parsed = BuildingFile.model_validate(tomllib.loads(body))
    assert parsed.building.id == "t1"
    assert [p.name for p in out.iterdir()] == ["t1.toml"]


def test_cli_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    with pytest.raises(SystemExit) as exc:
        main(
            [
                "import-ekahau",
                str(fixture("SVPH-GND.esx")),
                "--out",
                str(tmp_path),
                "--json",
                "--lat",
                "-37.81",
                "--lon",
                "144.98",
                "--enrollment",
                "400",
                "--staff",
                "50",
                "--level",
                "high",
            ]
        )
    assert exc.value.code == 0
    rep = json.loads(capsys.readouterr().out)
    (b,) = rep["buildings"]
    assert b["access_points"] == 65 and b["walls"] == 834 and b["fill_in"] == []
    assert b["radios"] == {"2.4": 65, "5": 65} and b["radios_enabled"] == {"2.4": 48, "5": 48}
    data = tomllib.loads((tmp_path / "building-2.toml").read_text())
    assert data["building"]["lat"] == -37.81 and "placeholder" not in data["building"]
    # Zones have no device counts: they share enrollment + staff by floor area.
    assert sum(z["capacity"] for z in data["zones"]) == 450


def test_enabled_aps_have_usable_signal_where_they_serve() -> None:
    built, _ = read_ekahau(fixture("SVPH-GND.esx"))
    for ap in built[0].building.access_points:
        if any(r.enabled for r in ap.radios):
            # Where an AP is the strongest, a 14-17 dBm EIRP AP in a hospital wing of
            # drywall should be heard at better than -90 dBm.
            assert max(c.rssi_dbm or -200.0 for c in ap.serves if c.share) > -90.0, ap.id
