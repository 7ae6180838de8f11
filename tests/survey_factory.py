"""Small hand-checkable surveys built in test folders."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import tomli_w


def tiny_building(bid: str, *, enrollment: int = 300, staff: int = 20) -> dict[str, Any]:
    """One building: MDF -> IDF, two classroom APs (Wi-Fi 5 and Wi-Fi 6), a hallway."""
    return {
        "building": {
            "id": bid,
            "name": f"Building {bid}",
            "level": "high",
            "lat": 40.0,
            "lon": -105.0,
            "enrollment": enrollment,
            "staff": staff,
            "floors": 1,
        },
        "zones": [
            {"id": f"{bid}-101", "type": "classroom", "capacity": 150},
            {"id": f"{bid}-102", "type": "classroom", "capacity": 150},
            {"id": f"{bid}-hall", "type": "hallway", "capacity": 300},
        ],
        "switches": [
            {"id": f"{bid}-mdf", "uplink_to": "router", "uplink_mbps": "10 Gbps"},
            {"id": f"{bid}-idf", "uplink_to": f"{bid}-mdf", "uplink_mbps": "2 Gbps"},
        ],
        "access_points": [
            {
                "id": f"{bid}-ap1",
                "switch": f"{bid}-idf",
                "uplink_mbps": "1 Gbps",
                "serves": [
                    {"zone": f"{bid}-101", "snr_db": 35},
                    {"zone": f"{bid}-hall", "snr_db": 20},
                ],
                "radios": [
                    {"band": "5", "standard": "ac", "channel": 36, "width_mhz": 20},
                    {"band": "2.4", "standard": "n", "channel": 1, "width_mhz": 20},
                ],
            },
            {
                "id": f"{bid}-ap2",
                "switch": f"{bid}-idf",
                "uplink_mbps": "2.5 Gbps",
                "serves": [{"zone": f"{bid}-102", "rssi_dbm": -60}],
                "radios": [{"band": "5", "standard": "ax", "channel": 149, "width_mhz": 40}],
            },
        ],
        "dhcp_scopes": [{"id": f"{bid}-students", "addresses": 510, "lease_time_s": 3600}],
    }


def tiny_district(buildings: list[str], *, topology: str = "hub-and-spoke") -> dict[str, Any]:
    """District file: 500 Mbps ISP behind a 400 Mbps filter; WAN in the given shape."""
    if topology == "hub-and-spoke":
        links = [
            {"id": f"wan-{b}", "a": "core", "b": b, "capacity_mbps": "1 Gbps"} for b in buildings
        ]
    elif topology == "chain":
        sites = ["core", *buildings]
        links = [
            {"id": f"wan-{b}", "a": a, "b": b, "capacity_mbps": "1 Gbps"}
            for a, b in itertools.pairwise(sites)
        ]
    else:  # ring
        sites = ["core", *buildings, "core"]
        links = [
            {"id": f"wan-{i}", "a": a, "b": b, "capacity_mbps": "1 Gbps"}
            for i, (a, b) in enumerate(itertools.pairwise(sites))
        ]
    return {
        "district": {"name": "Tiny District", "timezone": "America/Denver"},
        "isp_circuits": [
            {"id": "isp-a", "down_mbps": 300, "up_mbps": 100},
            {"id": "isp-b", "down_mbps": "200 Mbps", "up_mbps": "100 Mbps"},
        ],
        "content_filter": {"throughput_mbps": "400 Mbps"},
        "wan": {"topology": topology, "links": links},
    }


def tiny_devices() -> dict[str, Any]:
    """A fleet with one Chromebook model for students and one laptop for staff."""
    return {
        "models": [
            {"id": "cb", "standard": "ac", "spatial_streams": 2},
            {"id": "lap", "standard": "ax", "spatial_streams": 2, "max_width_mhz": 160},
        ],
        "fleet": [
            {"grade_band": "9-12", "model": "cb", "share": 1.0},
            {"grade_band": "staff", "model": "lap", "share": 1.0},
        ],
    }


def write_survey(
    root: Path,
    buildings: list[str] | None = None,
    *,
    topology: str = "hub-and-spoke",
) -> Path:
    """Write a tiny survey to ``root`` and return it."""
    names = buildings or ["a"]
    (root / "buildings").mkdir(parents=True, exist_ok=True)
    (root / "district.toml").write_text(tomli_w.dumps(tiny_district(names, topology=topology)))
    (root / "devices.toml").write_text(tomli_w.dumps(tiny_devices()))
    for b in names:
        (root / "buildings" / f"{b}.toml").write_text(tomli_w.dumps(tiny_building(b)))
    return root
