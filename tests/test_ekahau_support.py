"""Helpers for the Ekahau import tests: the real fixtures, and small .esx files built here."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path
from typing import Any

from support import SHARED_FIXTURES, require

#: The real Ekahau projects (MIT licence), beside the clone in CI.
FIXTURES = SHARED_FIXTURES / "ekahau"

#: Metres per image unit of the small built projects (20 pixels per metre).
MPU = 0.05
FLOOR = "fp-ground"


def fixture(name: str) -> Path:
    """Path of a real fixture; skip when absent, but fail in CI (CI=true)."""
    path = FIXTURES / name
    require(path.is_file(), f"Ekahau fixture {path} is absent (../shared/fixtures/ekahau/)")
    return path


def raw_members(path: Path) -> dict[str, Any]:
    """Every JSON member of an .esx, parsed with the standard library only."""
    out: dict[str, Any] = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".json"):
                out[name] = json.loads(zf.read(name))
    return out


def write_esx(path: Path, members: dict[str, Any]) -> Path:
    """Write an .esx: JSON members are dumped, strings and bytes written as they are."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, value in members.items():
            if isinstance(value, bytes | str):
                zf.writestr(name, value)
            else:
                zf.writestr(name, json.dumps(value))
    return path


def px(metres: float) -> float:
    """Image units of a length in metres on the small built projects."""
    return metres / MPU


def access_point(
    ap_id: str, name: str, x_m: float, y_m: float, floor: str = FLOOR, **extra: Any
) -> dict[str, Any]:
    return {
        "id": ap_id,
        "name": name,
        "vendor": "Acme",
        "model": "AP-9",
        "mine": True,
        "tags": [],
        "location": {"floorPlanId": floor, "coord": {"x": px(x_m), "y": px(y_m)}},
        **extra,
    }


def radio(
    ap_id: str,
    index: int,
    channel: list[int],
    technology: str | None,
    power_dbm: float | None,
    *,
    antenna: str | None = None,
    enabled: bool = True,
    radio_technology: str = "IEEE802_11",
    streams: int = 2,
) -> dict[str, Any]:
    band_antenna = antenna or ("ant-24" if channel and channel[0] <= 14 else "ant-5")
    r: dict[str, Any] = {
        "id": f"{ap_id}-r{index}",
        "accessPointId": ap_id,
        "accessPointIndex": index,
        "antennaTypeId": band_antenna,
        "antennaHeight": 2.4,
        "radioTechnology": radio_technology,
        "spatialStreamCount": streams,
        "enabled": enabled,
        "defaultAntennas": [
            {"radioTechnology": "IEEE802_11", "frequencyBand": "TWO", "antennaTypeId": "ant-24"},
            {"radioTechnology": "IEEE802_11", "frequencyBand": "FIVE", "antennaTypeId": "ant-5"},
        ],
    }
    if channel:
        r["channel"] = channel
    if technology is not None:
        r["technology"] = technology
    if power_dbm is not None:
        r["transmitPower"] = power_dbm
    return r


def square(x_m: float, y_m: float, side_m: float) -> list[dict[str, float]]:
    """Corners (image units) of a square centred on a point."""
    h = side_m / 2
    return [
        {"x": px(x_m - h), "y": px(y_m - h)},
        {"x": px(x_m + h), "y": px(y_m - h)},
        {"x": px(x_m + h), "y": px(y_m + h)},
        {"x": px(x_m - h), "y": px(y_m + h)},
    ]


BASE: dict[str, Any] = {
    "version": "2.0",
    "project.json": {"project": {"schemaVersion": "1.5.0", "name": "small", "title": "Small"}},
    "floorPlans.json": {
        "floorPlans": [
            {
                "id": FLOOR,
                "name": "Ground",
                "width": 2000.0,
                "height": 1000.0,
                "metersPerUnit": MPU,
            }
        ]
    },
    "accessPoints.json": {"accessPoints": [access_point("ap-a", "AP A", 10.0, 25.0)]},
    "simulatedRadios.json": {
        "simulatedRadios": [
            radio("ap-a", 0, [1], "N", 14.0),
            radio("ap-a", 1, [36], "AC", 17.0),
            radio("ap-a", 2, [], None, 0.0, antenna="ant-ble", radio_technology="BLUETOOTH"),
        ]
    },
    "antennaTypes.json": {
        "antennaTypes": [
            {"id": "ant-24", "name": "omni 2.4", "frequencyBand": "TWO", "maxGain": 3.0},
            {"id": "ant-5", "name": "omni 5", "frequencyBand": "FIVE", "maxGain": 4.0},
            {"id": "ant-ble", "name": "ble", "frequencyBand": "TWO", "maxGain": 0.0},
        ]
    },
    "networkCapacitySettings.json": {
        "networkCapacitySettings": [
            {
                "frequencyBand": "FIVE",
                "numberOfSsids": 3,
                "maxAssociatedClientsAmount": 60,
                "abgRates": [
                    {"rate": "R6", "state": "DISABLED"},
                    {"rate": "R24", "state": "MANDATORY"},
                    {"rate": "R12", "state": "MANDATORY"},
                ],
            },
            {
                "frequencyBand": "TWO",
                "numberOfSsids": 3,
                "maxAssociatedClientsAmount": 40,
                "abgRates": [{"rate": "R5D5", "state": "MANDATORY"}],
            },
        ]
    },
}


def base_project(**replace: Any) -> dict[str, Any]:
    """A copy of the small project, with members replaced (a value of None removes one)."""
    members = copy.deepcopy(BASE)
    for name, value in replace.items():
        key = name.replace("__", ".")
        if value is None:
            members.pop(key, None)
        else:
            members[key] = value
    return members


def test_fixture_path_points_beside_the_clone() -> None:
    # The path is computed from this file: <clone>/tests/ -> <clone>/../shared/fixtures/ekahau
    repo = Path(__file__).resolve().parents[1]
    assert repo.parent / "shared" / "fixtures" / "ekahau" == FIXTURES
