"""Edge cases of the Ekahau import on small .esx files built by the tests."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netplan.importers import ImportOptions, read_ekahau
from netplan.importers.ekahau import OCCUPANT_AREA_M2
from netplan.survey.models import AccessPoint, BuildingFile
from test_ekahau_support import (
    FLOOR,
    access_point,
    base_project,
    px,
    radio,
    square,
    write_esx,
)


def _import(
    tmp_path: Path, members: dict[str, Any], options: ImportOptions | None = None
) -> tuple[BuildingFile, Any]:
    built, report = read_ekahau(write_esx(tmp_path / "p.esx", members), options)
    assert len(built) == 1
    return built[0].building, report


def _ap(b: BuildingFile, name: str) -> AccessPoint:
    return next(ap for ap in b.access_points if ap.name == name)


def _p1238_rssi(eirp: float, f_mhz: float, d_h: float, dz: float = 1.4, n: float = 3.0) -> float:
    """EIRP minus the ITU-R P.1238 indoor loss 20 log f - 28 + 10 n log d (d in m)."""
    d = math.hypot(d_h, dz)
    return eirp - (20 * math.log10(f_mhz) - 28.0 + 10 * n * math.log10(d))


def test_radios_bands_widths_and_capacity_settings(tmp_path: Path) -> None:
    members = base_project()
    members["simulatedRadios.json"]["simulatedRadios"][1]["channel"] = [36, 40, 44, 48]
    b, report = _import(tmp_path, members)
    ap = _ap(b, "AP A")
    assert (ap.x_m, ap.y_m) == (10.0, 25.0)
    r24, r5 = ap.radios
    assert (r24.band, r24.channel, r24.width_mhz, r24.standard) == ("2.4", 1, 20, "n")
    assert (r5.band, r5.channel, r5.width_mhz, r5.standard) == ("5", 36, 80, "ac")
    # EIRP = transmit power + antenna maxGain (3 dBi at 2.4, 4 dBi at 5 GHz).
    assert (r24.tx_power_dbm, r5.tx_power_dbm) == (17.0, 21.0)
    # Per-band capacity settings: clients, SSIDs, lowest mandatory rate (R5D5 = 5.5 Mbps).
    assert (r24.max_clients, r24.ssids, r24.basic_rate_mbps) == (40, 3, 5.5)
    assert (r5.max_clients, r5.ssids, r5.basic_rate_mbps) == (60, 3, 12.0)
    assert report.ignored["Bluetooth radios"] == 1


def test_band_from_antenna_when_both_radios_are_5ghz(tmp_path: Path) -> None:
    members = base_project()
    members["antennaTypes.json"]["antennaTypes"].append(
        {"id": "ant-micro5", "name": "micro 5", "frequencyBand": "FIVE", "maxGain": 5.0}
    )
    members["simulatedRadios.json"]["simulatedRadios"][:2] = [
        radio("ap-a", 0, [149], "AX", 12.0, antenna="ant-micro5"),
        radio("ap-a", 1, [36, 40], "AX", 12.0),
    ]
    b, _ = _import(tmp_path, members)
    assert [(r.band, r.channel, r.width_mhz) for r in _ap(b, "AP A").radios] == [
        ("5", 149, 20),
        ("5", 36, 40),
    ]


def test_band_from_default_antennas_and_index_for_dual_band_antenna(tmp_path: Path) -> None:
    members = base_project()
    members["antennaTypes.json"]["antennaTypes"].append({"id": "omni", "name": "dual"})
    rs = [radio("ap-a", 0, [6], None, 10.0), radio("ap-a", 1, [44], None, 10.0)]
    for r in rs:
        r["antennaTypeId"] = "omni"
        r["defaultAntennas"] = [
            {"frequencyBand": "TWO", "antennaTypeId": "omni"},
            {"frequencyBand": "FIVE", "antennaTypeId": "omni"},
        ]
    members["simulatedRadios.json"]["simulatedRadios"] = rs
    b, report = _import(tmp_path, members)
    radios = _ap(b, "AP A").radios
    assert [(r.band, r.standard) for r in radios] == [("2.4", "n"), ("5", "ac")]
    # No maxGain and no pattern: 0 dBi, reported.
    assert [r.tx_power_dbm for r in radios] == [10.0, 10.0]
    assert report.ignored["radios with no antenna gain given (0 dBi used)"] == 2
    assert report.ignored["radios without a known technology (written as the band's default)"] == 2


def test_antenna_gain_from_pattern(tmp_path: Path) -> None:
    members = base_project()
    members["antennaTypes.json"]["antennaTypes"][1] = {
        "id": "ant-5",
        "frequencyBand": "FIVE",
        "hplane": {"gains": [{"angle": 0, "gain": 2.5}, {"angle": 90, "gain": 5.5}]},
        "eplane": {"gains": [{"angle": 0, "gain": -3.0}]},
    }
    b, _ = _import(tmp_path, members)
    assert _ap(b, "AP A").radios[1].tx_power_dbm == 17.0 + 5.5


def test_skipped_aps_and_radios_are_reported(tmp_path: Path) -> None:
    members = base_project()
    aps = members["accessPoints.json"]["accessPoints"]
    aps.append(access_point("ap-n", "Neighbour", 30.0, 25.0, mine=False))
    unplaced = access_point("ap-u", "Unplaced", 0, 0)
    del unplaced["location"]
    aps.append(unplaced)
    aps.append(access_point("ap-b", "BLE only", 40.0, 25.0))
    radios = members["simulatedRadios.json"]["simulatedRadios"]
    radios.append(radio("ap-b", 0, [], None, 0.0, radio_technology="BLUETOOTH"))
    radios.append(radio("ap-n", 0, [6], "N", 10.0))
    b, report = _import(tmp_path, members)
    assert [ap.name for ap in b.access_points] == ["AP A"]
    assert report.ignored["APs with no Wi-Fi radio"] == 1
    assert report.ignored["Bluetooth radios"] == 2


def test_legacy_and_disabled_radios(tmp_path: Path) -> None:
    members = base_project()
    members["simulatedRadios.json"]["simulatedRadios"][:2] = [
        radio("ap-a", 0, [11], "G", None, enabled=False),
        radio("ap-a", 1, [36], "AC", 17.0),
    ]
    b, report = _import(tmp_path, members)
    r24 = _ap(b, "AP A").radios[0]
    assert (r24.standard, r24.enabled, r24.tx_power_dbm) == ("n", False, None)
    assert report.ignored["legacy 802.11a/b/g radios written as 802.11n"] == 1


def test_client_limit_above_model_range_is_clamped(tmp_path: Path) -> None:
    members = base_project()
    members["networkCapacitySettings.json"]["networkCapacitySettings"][0][
        "maxAssociatedClientsAmount"
    ] = 5000
    b, report = _import(tmp_path, members)
    assert _ap(b, "AP A").radios[1].max_clients == 1024
    assert any("5000" in n for n in report.notes)


def test_tags_with_tag_keys(tmp_path: Path) -> None:
    members = base_project()
    members["accessPoints.json"]["accessPoints"][0]["tags"] = [
        {"tagKeyId": "k1", "value": "IDF-2"},
        {"tagKeyId": "k2", "value": "ceiling"},
    ]
    members["tagKeys.json"] = {
        "tagKeys": [{"id": "k1", "key": "closet"}, {"id": "k2", "key": "mount"}]
    }
    b, _ = _import(tmp_path, members)
    assert _ap(b, "AP A").tags == {"closet": "IDF-2", "mount": "ceiling"}


def test_measured_radios_when_no_plan(tmp_path: Path) -> None:
    members = base_project(simulatedRadios__json=None)
    members["measuredRadios.json"] = {
        "measuredRadios": [
            {"id": "m1", "accessPointId": "ap-a", "accessPointMeasurementIds": ["b1", "b2", "b3"]}
        ]
    }
    members["accessPointMeasurements.json"] = {
        "accessPointMeasurements": [
            {"id": "b1", "channel": [6], "technologies": ["B", "G", "N"], "ssid": "staff"},
            {"id": "b2", "channel": [6], "technologies": ["B", "G", "N"], "ssid": "guest"},
            {"id": "b3", "channel": [100, 104], "technologies": ["A", "N", "AC", "AX"]},
        ]
    }
    b, _ = _import(tmp_path, members)
    radios = _ap(b, "AP A").radios
    assert [(r.band, r.channel, r.width_mhz, r.standard) for r in radios] == [
        ("2.4", 6, 20, "n"),
        ("5", 100, 40, "ax"),
    ]


def test_predicted_signal_follows_path_loss_and_walls(tmp_path: Path) -> None:
    members = base_project()
    # A tiny area 20 m east of the AP (so its samples sit at one distance).
    members["areas.json"] = {
        "areas": [
            {"id": "z", "name": "Room 101", "floorPlanId": FLOOR, "area": square(30.0, 25.0, 0.2)}
        ]
    }
    b, _ = _import(tmp_path, members)
    (cov,) = _ap(b, "AP A").serves
    expected = _p1238_rssi(17.0 + 4.0, 5180.0, 20.0)  # 5 GHz radio, channel 36
    assert cov.rssi_dbm == pytest.approx(expected, abs=0.15)
    assert cov.share == 1.0
    # The same with a 12 dB wall (120 dB/m x 0.1 m at 5 GHz) across the path.
    members["wallTypes.json"] = {
        "wallTypes": [
            {
                "id": "block",
                "name": "Block",
                "thickness": 0.1,
                "propagationProperties": [
                    {"band": "FIVE", "attenuationFactor": 120.0},
                    {"band": "TWO", "attenuationFactor": 80.0},
                ],
            }
        ]
    }
    members["wallPoints.json"] = {
        "wallPoints": [
            {"id": "w1", "location": {"floorPlanId": FLOOR, "coord": {"x": px(20), "y": px(0)}}},
            {"id": "w2", "location": {"floorPlanId": FLOOR, "coord": {"x": px(20), "y": px(50)}}},
        ]
    }
    members["wallSegments.json"] = {
        "wallSegments": [{"id": "s", "point1Id": "w1", "point2Id": "w2", "wallTypeId": "block"}]
    }
    b2, _ = _import(tmp_path, members)
    (wall,) = b2.walls
    assert (wall.x1_m, wall.y1_m, wall.x2_m, wall.y2_m) == (20.0, 0.0, 20.0, 50.0)
    assert wall.attenuation_db == {"2.4": 8.0, "5": 12.0}
    (cov2,) = _ap(b2, "AP A").serves
    assert cov2.rssi_dbm == pytest.approx(expected - 12.0, abs=0.15)


def test_two_aps_split_a_room_between_them(tmp_path: Path) -> None:
    members = base_project()
    members["accessPoints.json"]["accessPoints"].append(access_point("ap-b", "AP B", 50.0, 25.0))
    members["simulatedRadios.json"]["simulatedRadios"] += [
        radio("ap-b", 0, [6], "N", 14.0),
        radio("ap-b", 1, [40], "AC", 17.0),
    ]
    room = [
        {"x": px(10), "y": px(20)},
        {"x": px(50), "y": px(20)},
        {"x": px(50), "y": px(30)},
        {"x": px(10), "y": px(30)},
    ]
    members["areas.json"] = {
        "areas": [{"id": "z", "name": "Cafeteria", "floorPlanId": FLOOR, "area": room}]
    }
    b, _ = _import(tmp_path, members)
    a, bb = _ap(b, "AP A").serves[0], _ap(b, "AP B").serves[0]
    assert a.zone == bb.zone == "small-cafeteria"
    # Equal powers, mirror positions: each is strongest over half the room.
    assert a.share == pytest.approx(0.5, abs=0.03)
    assert bb.share == pytest.approx(0.5, abs=0.03)
    assert a.rssi_dbm == pytest.approx(bb.rssi_dbm, abs=0.5)
    assert b.zones[0].type == "cafeteria"


def test_capacity_items_devices_and_applications(tmp_path: Path) -> None:
    members = base_project()
    members["deviceProfiles.json"] = {"deviceProfiles": [{"id": "dp-l", "name": "Laptop"}]}
    members["applicationProfiles.json"] = {
        "applicationProfiles": [
            {
                "id": "a-yt",
                "name": "Video, YouTube 720p",
                "key": "ApplicationProfile.VideoYoutube720p",
                "bitRate": 3145728.0,
            },
            {
                "id": "a-sp",
                "name": "Music, Spotify",
                "key": "ApplicationProfile.StreamingMusicSpotify",
                "bitRate": 167772.16,
            },
            {
                "id": "a-web",
                "name": "Web Email, Normal",
                "key": "ApplicationProfile.WebEmailNormal",
                "bitRate": 2097152.0,
            },
            {"id": "a-custom", "name": "District LMS browsing", "bitRate": 1000000.0},
        ]
    }
    members["usageProfiles.json"] = {
        "usageProfiles": [
            {"id": "u-video", "name": "Streaming, Video", "applicationProfileIds": ["a-yt"]},
            {"id": "u-music", "name": "Streaming, Music", "applicationProfileIds": ["a-sp"]},
            {"id": "u-class", "name": "Class", "applicationProfileIds": ["a-web", "a-custom"]},
        ]
    }
    members["areas.json"] = {
        "areas": [
            {
                "id": "z1",
                "name": "Room 101",
                "floorPlanId": FLOOR,
                "area": square(12.0, 25.0, 8.0),
                "capacityItems": [
                    {"deviceProfileId": "dp-l", "usageProfileId": "u-video", "amount": 20},
                    {"deviceProfileId": "dp-l", "usageProfileId": "u-music", "amount": 5},
                    {"deviceProfileId": "dp-l", "usageProfileId": "u-class", "amount": 7},
                ],
            },
            {"id": "z2", "name": "Area-9", "floorPlanId": FLOOR, "area": square(30.0, 25.0, 4.0)},
        ]
    }
    b, report = _import(tmp_path, members)
    z1, z2 = b.zones
    assert (z1.id, z1.type, z1.devices, z1.capacity, z1.placeholder) == (
        "small-room-101",
        "classroom",
        32,
        32,
        False,
    )
    # The "Class" profile maps both of its applications to "web": its 7 devices count once.
    assert z1.applications == {"video-720p": 20, "web": 7}
    assert report.unmapped_applications == {"Music, Spotify": (pytest.approx(0.16777216), 5)}
    assert report.mapped_applications["District LMS browsing"] == "web"
    assert report.device_profiles == {"Laptop": 32}
    # No counts and no type in the name: a placeholder classroom sized by floor area.
    assert z2.placeholder and z2.type == "classroom" and z2.devices is None
    assert z2.capacity == round(16.0 / OCCUPANT_AREA_M2)


def test_enrollment_is_shared_by_area_and_building_info_is_complete(tmp_path: Path) -> None:
    members = base_project()
    members["areas.json"] = {
        "areas": [
            {"id": "a", "name": "Gym", "floorPlanId": FLOOR, "area": square(10.0, 10.0, 10.0)},
            {"id": "b", "name": "Library", "floorPlanId": FLOOR, "area": square(30.0, 10.0, 5.0)},
        ]
    }
    opts = ImportOptions(
        building_id="lms",
        name="Lincoln Middle",
        level="middle",
        lat=40.1,
        lon=-105.2,
        enrollment=450,
        staff=50,
    )
    b, _ = _import(tmp_path, members, opts)
    assert b.building.id == "lms" and not b.building.placeholder
    assert (b.building.lat, b.building.lon, b.building.level) == (40.1, -105.2, "middle")
    gym, lib = b.zones
    assert (gym.type, lib.type) == ("gym", "library")
    # 500 people by area 100:25.
    assert (gym.capacity, lib.capacity) == (400, 100)


def test_floors_ordered_by_floor_number_and_several_buildings(tmp_path: Path) -> None:
    members = base_project()
    plans = members["floorPlans.json"]["floorPlans"]
    plans += [
        {"id": "fp-2", "name": "Upper", "width": 1000.0, "height": 1000.0, "metersPerUnit": 0.1},
        {"id": "fp-annex", "name": "Annex", "width": 500.0, "height": 500.0, "metersPerUnit": 0.02},
        {
            "id": "fp-empty",
            "name": "Site plan",
            "width": 500.0,
            "height": 500.0,
            "metersPerUnit": 1.0,
        },
    ]
    members["accessPoints.json"]["accessPoints"] += [
        access_point("ap-2", "Upstairs", 0, 0, floor="fp-2")
        | {"location": {"floorPlanId": "fp-2", "coord": {"x": 100.0, "y": 200.0}}},
        access_point("ap-x", "Annex AP", 0, 0)
        | {"location": {"floorPlanId": "fp-annex", "coord": {"x": 250.0, "y": 250.0}}},
    ]
    members["simulatedRadios.json"]["simulatedRadios"] += [
        radio("ap-2", 0, [36], "AX", 15.0),
        radio("ap-x", 0, [6], "AX", 15.0),
    ]
    members["buildings.json"] = {
        "buildings": [{"id": "B1", "name": "Main"}, {"id": "B2", "name": "Annex"}]
    }
    members["buildingFloors.json"] = {
        "buildingFloors": [
            {"floorPlanId": "fp-2", "buildingId": "B1", "floorNumber": 1, "height": 3.5},
            {"floorPlanId": FLOOR, "buildingId": "B1", "floorNumber": 0, "height": 3.5},
            {"floorPlanId": "fp-annex", "buildingId": "B2", "floorNumber": 0, "height": 3.0},
        ]
    }
    built, report = read_ekahau(write_esx(tmp_path / "p.esx", members))
    by_id = {x.building.building.id: x.building for x in built}
    assert sorted(by_id) == ["small-annex", "small-main"]
    main = by_id["small-main"]
    assert main.building.floors == 2 and main.building.floor_height_m == 3.5
    up = _ap(main, "Upstairs")
    assert (up.floor, up.x_m, up.y_m) == (2, 10.0, 20.0)  # 100 px, 200 px at 0.1 m/px
    assert _ap(main, "AP A").floor == 1
    # Each floor without areas got a whole-floor zone, served by the AP on that floor.
    assert [z.floor for z in main.zones] == [1, 2]
    assert up.serves[0].zone == "small-main-floor2"
    annex = by_id["small-annex"]
    assert (_ap(annex, "Annex AP").x_m, _ap(annex, "Annex AP").y_m) == (5.0, 5.0)
    assert report.ignored["floor plans with no APs, areas or walls"] == 1
    # Ids are unique across the buildings.
    ids = [
        i
        for bf in by_id.values()
        for i in [
            *(z.id for z in bf.zones),
            *(s.id for s in bf.switches),
            *(a.id for a in bf.access_points),
        ]
    ]
    assert len(ids) == len(set(ids))


def test_duplicate_ap_names_get_unique_ids(tmp_path: Path) -> None:
    members = base_project()
    members["accessPoints.json"]["accessPoints"].append(access_point("ap-z", "AP A", 30.0, 25.0))
    members["simulatedRadios.json"]["simulatedRadios"].append(radio("ap-z", 0, [11], "N", 14.0))
    b, _ = _import(tmp_path, members)
    assert [ap.id for ap in b.access_points] == ["small-ap-a", "small-ap-a-2"]


def test_output_is_deterministic(tmp_path: Path) -> None:
    esx = write_esx(tmp_path / "p.esx", base_project())
    one = read_ekahau(esx)[0][0].to_toml()
    two = read_ekahau(esx)[0][0].to_toml()
    assert one == two


@given(
    st.lists(st.floats(min_value=0.0, max_value=1e4), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=5000),
)
def test_split_keeps_the_total_and_gives_each_zone_someone(
    weights: list[float], extra: int
) -> None:
    from netplan.importers.ekahau import _split

    total = len(weights) + extra
    parts = _split(total, weights)
    assert sum(parts) == total
    assert min(parts) >= 1
    # Largest remainder: within one person of the exact share, when every exact share is
    # at least one person (otherwise the minimum of 1 moves people between zones).
    wsum = sum(weights)
    if wsum > 0 and min(total * w / wsum for w in weights) >= 1:
        for w, part in zip(weights, parts, strict=True):
            assert abs(part - total * w / wsum) < 1.0
