"""Generate realistic fictional district surveys.

Used for the bundled demo district and for benchmarks that need districts of any size. The
layout follows common K-12 practice: one AP per classroom plus cafeteria, gym, library and
auditorium APs; classroom APs also cover the hallway outside; APs hang off per-floor IDF
switches that uplink to the building's MDF. Everything is drawn from a seeded generator, so
the same arguments always give the same files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from netplan.outputs import atomic_write_text

__all__ = [
    "ApModel",
    "BuildingSpec",
    "DistrictSpec",
    "build_building",
    "cedar_valley_spec",
    "generate_district",
    "large_district_spec",
    "write_district",
]


@dataclass(frozen=True)
class ApModel:
    """An AP model: its name, port rate and radios (band, standard, spatial streams)."""

    name: str
    uplink_mbps: float
    radios: tuple[tuple[str, str, int], ...]
    max_clients: int = 100


#: Wi-Fi 5 and Wi-Fi 6 AP models typical of K-12 deployments (radio layout per datasheet).
WIFI5_AP = ApModel("Aruba AP-315 (Wi-Fi 5)", 1000.0, (("2.4", "n", 2), ("5", "ac", 4)))
WIFI6_AP = ApModel("Aruba AP-515 (Wi-Fi 6)", 2500.0, (("2.4", "ax", 2), ("5", "ax", 4)))

# Non-DFS channels first, then DFS (US). 2.4 GHz uses 1/6/11.
_CH5 = (36, 40, 44, 48, 149, 153, 157, 161, 165, 52, 56, 60, 64, 100, 104, 108, 112, 116, 132, 136)
_CH24 = (1, 6, 11)


@dataclass(frozen=True)
class BuildingSpec:
    """What a generated building looks like."""

    id: str
    name: str
    level: str
    lat: float
    lon: float
    enrollment: int
    staff: int
    floors: int
    class_size: int
    wifi6_share: float
    idf_uplink_mbps: float
    mdf_uplink_mbps: float
    wan_mbps: float
    student_scope: int
    lease_time_s: float = 8 * 3600.0


@dataclass(frozen=True)
class DistrictSpec:
    """What a generated district looks like."""

    name: str
    timezone: str
    isp_mbps: float
    filter_mbps: float
    buildings: tuple[BuildingSpec, ...]
    seed: int = 1
    radius_auths_per_s: float = 100.0
    caches: tuple[dict[str, Any], ...] = ()
    proposals: bool = False
    """Also write the demo's proposed schedules (merged high-school lunch, staggered
    elementary starts)."""
    master_schedules: tuple[str, ...] = ()
    """Buildings that get a generated ``master_schedule/<id>.csv``."""


def _rate(mbps: float) -> str:
    """Write a rate the way engineers say it: ``"10 Gbps"``, ``"2.5 Gbps"``, ``"500 Mbps"``."""
    if mbps >= 1000:
        return f"{mbps / 1000:g} Gbps"
    return f"{mbps:g} Mbps"


def _zone(zid: str, ztype: str, floor: int, cap: int, x: float, y: float) -> dict[str, Any]:
    return {"id": zid, "type": ztype, "floor": floor, "capacity": cap, "x_m": x, "y_m": y}


def build_building(spec: BuildingSpec, rng: np.random.Generator) -> dict[str, Any]:
    """Build one building file's contents.

    Parameters
    ----------
    spec
        The building's size and equipment.
    rng
        Random generator for signal levels and AP generations.

    Returns
    -------
    dict
        A document that validates as a :class:`~netplan.survey.models.BuildingFile`.
    """
    p = spec.id
    rooms = max(1, math.ceil(spec.enrollment / (spec.class_size * 0.85)))
    per_floor = math.ceil(rooms / spec.floors)
    zones: list[dict[str, Any]] = []
    aps: list[dict[str, Any]] = []
    switches: list[dict[str, Any]] = [
        {
            "id": f"{p}-mdf",
            "uplink_to": "router",
            "uplink_mbps": _rate(spec.mdf_uplink_mbps),
            "floor": 1,
        }
    ]
    big = {"elementary": 1.0, "middle": 1.5, "high": 2.0}.get(spec.level, 1.5)
    n_ap = 0

    def add_ap(zone_ids: Sequence[tuple[str, float]], floor: int, x: float, y: float) -> None:
        nonlocal n_ap
        n_ap += 1
        model = WIFI6_AP if rng.random() < spec.wifi6_share else WIFI5_AP
        radios = []
        for band, std, nss in model.radios:
            if band == "2.4":
                ch, width = _CH24[n_ap % 3], 20
            else:
                ch, width = _CH5[n_ap % len(_CH5)], 20
            radios.append(
                {
                    "band": band,
                    "standard": std,
                    "channel": ch,
                    "width_mhz": width,
                    "spatial_streams": nss,
                    "max_clients": model.max_clients,
                }
            )
        aps.append(
            {
                "id": f"{p}-ap{n_ap:03d}",
                "model": model.name,
                "switch": f"{p}-idf{floor}",
                "uplink_mbps": _rate(model.uplink_mbps),
                "floor": floor,
                "x_m": x,
                "y_m": y,
                "serves": [{"zone": z, "snr_db": round(s, 1)} for z, s in zone_ids],
                "radios": radios,
            }
        )

    for floor in range(1, spec.floors + 1):
        switches.append(
            {
                "id": f"{p}-idf{floor}",
                "uplink_to": f"{p}-mdf",
                "uplink_mbps": _rate(spec.idf_uplink_mbps),
                "floor": floor,
            }
        )
        hall = f"{p}-hall{floor}"
        n_here = min(per_floor, rooms - (floor - 1) * per_floor)
        zones.append(_zone(hall, "hallway", floor, 40 * max(n_here, 1), 5.0 * n_here, 10.0))
        for i in range(n_here):
            zid = f"{p}-{floor}{i + 1:02d}"
            x, y = 10.0 * (i // 2) + 5.0, (0.0 if i % 2 == 0 else 20.0)
            zones.append(_zone(zid, "classroom", floor, spec.class_size, x, y))
            add_ap([(zid, rng.normal(35.0, 4.0)), (hall, rng.normal(22.0, 3.0))], floor, x, y)
    # Shared spaces on the ground floor.
    cafe_cap = int(spec.enrollment * 0.5 + 50)
    shared = [
        ("cafeteria", "cafeteria", cafe_cap, max(2, round(2 * big))),
        ("gym", "gym", int(120 * big), max(1, round(big))),
        ("library", "library", int(40 * big), 1),
    ]
    if spec.level == "high":
        shared.append(("auditorium", "auditorium", 400, 2))
    x0 = 10.0 * (per_floor // 2) + 20.0
    for k, (name, ztype, cap, n) in enumerate(shared):
        zid = f"{p}-{name}"
        zx, zy = x0 + 25.0 * k, 40.0
        zones.append(_zone(zid, ztype, 1, cap, zx, zy))
        for j in range(n):
            add_ap([(zid, rng.normal(30.0, 3.0))], 1, zx + 8.0 * j, zy)
    zones.append(_zone(f"{p}-office", "office", 1, max(10, spec.staff // 4), 0.0, 40.0))
    add_ap([(f"{p}-office", rng.normal(33.0, 3.0))], 1, 0.0, 40.0)
    scopes = [
        {
            "id": f"{p}-students",
            "addresses": spec.student_scope,
            "lease_time_s": spec.lease_time_s,
            "clients": "students",
        },
        {"id": f"{p}-staff", "addresses": 510, "lease_time_s": 86400.0, "clients": "staff"},
    ]
    return {
        "building": {
            "id": p,
            "name": spec.name,
            "level": spec.level,
            "lat": spec.lat,
            "lon": spec.lon,
            "enrollment": spec.enrollment,
            "staff": spec.staff,
            "floors": spec.floors,
            "wan_link": f"wan-{p}",
        },
        "zones": zones,
        "switches": switches,
        "access_points": aps,
        "dhcp_scopes": scopes,
    }


def _devices() -> dict[str, Any]:
    return {
        "devices_per_student": 1.0,
        "devices_per_staff": 1.0,
        "personal_devices_per_student": {"6-8": 0.3, "9-12": 0.6},
        "models": [
            {
                "id": "cb-ac",
                "name": "Chromebook, Wi-Fi 5 2x2",
                "standard": "ac",
                "spatial_streams": 2,
                "max_width_mhz": 80,
            },
            {
                "id": "cb-ax",
                "name": "Chromebook, Wi-Fi 6 2x2",
                "standard": "ax",
                "spatial_streams": 2,
                "max_width_mhz": 80,
            },
            {
                "id": "ipad-ac",
                "name": "iPad, Wi-Fi 5 2x2",
                "standard": "ac",
                "spatial_streams": 2,
                "max_width_mhz": 80,
            },
            {
                "id": "laptop-ax",
                "name": "Staff laptop, Wi-Fi 6 2x2",
                "standard": "ax",
                "spatial_streams": 2,
                "max_width_mhz": 160,
            },
            {
                "id": "phone-ax",
                "name": "Personal phone, Wi-Fi 6 2x2",
                "standard": "ax",
                "spatial_streams": 2,
                "max_width_mhz": 80,
            },
        ],
        "fleet": [
            {"grade_band": "K-5", "model": "ipad-ac", "share": 0.4},
            {"grade_band": "K-5", "model": "cb-ac", "share": 0.6},
            {"grade_band": "6-8", "model": "cb-ac", "share": 0.7},
            {"grade_band": "6-8", "model": "cb-ax", "share": 0.3},
            {"grade_band": "9-12", "model": "cb-ac", "share": 0.5},
            {"grade_band": "9-12", "model": "cb-ax", "share": 0.5},
            {"grade_band": "staff", "model": "laptop-ax", "share": 1.0},
        ],
    }


def generate_district(spec: DistrictSpec) -> dict[str, dict[str, Any]]:
    """Generate a whole survey.

    Parameters
    ----------
    spec
        The district to generate.

    Returns
    -------
    dict
        Relative file path -> TOML document, for :func:`write_district`.
    """
    rng = np.random.default_rng(spec.seed)
    files: dict[str, dict[str, Any]] = {}
    district: dict[str, Any] = {
        "district": {"name": spec.name, "timezone": spec.timezone},
        "isp_circuits": [
            {
                "id": "isp-1",
                "provider": "Regional fiber ISP",
                "down_mbps": _rate(spec.isp_mbps),
                "up_mbps": _rate(spec.isp_mbps),
            }
        ],
        "content_filter": {"id": "filter", "throughput_mbps": _rate(spec.filter_mbps)},
        "core": {"id": "core", "capacity_mbps": _rate(100_000.0)},
        "radius": {"auths_per_s": spec.radius_auths_per_s, "location": "core"},
        "wan": {
            "topology": "hub-and-spoke",
            "links": [
                {"id": f"wan-{b.id}", "a": "core", "b": b.id, "capacity_mbps": _rate(b.wan_mbps)}
                for b in spec.buildings
            ],
        },
    }
    if spec.caches:
        district["caches"] = list(spec.caches)
    files["district.toml"] = district
    files["devices.toml"] = _devices()
    for b in spec.buildings:
        files[f"buildings/{b.id}.toml"] = build_building(b, rng)
    files.update(_schedule_files(spec, files))
    return files


def _schedule_files(
    spec: DistrictSpec, files: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Bell schedules (one per building level), proposals and master schedules."""
    from netplan.schedules.builtin import (
        elementary_stagger_doc,
        high_school_merged_lunch_doc,
        standard_schedule_docs,
    )
    from netplan.schedules.master_gen import MASTER_HEADER, master_schedule_rows

    levels: dict[str, list[str]] = {}
    for b in spec.buildings:
        levels.setdefault(b.level, []).append(b.id)
    docs = standard_schedule_docs(levels)
    if spec.proposals:
        if levels.get("high"):
            doc = high_school_merged_lunch_doc(levels["high"])
            docs[doc["schedule"]["id"]] = doc
        if len(levels.get("elementary", [])) > 1:
            doc = elementary_stagger_doc(levels["elementary"])
            docs[doc["schedule"]["id"]] = doc
    out: dict[str, dict[str, Any]] = {f"schedules/{sid}.toml": doc for sid, doc in docs.items()}
    for bid in spec.master_schedules:
        building = files[f"buildings/{bid}.toml"]
        current = next(
            d
            for d in docs.values()
            if bid in d["schedule"]["buildings"] and d["schedule"]["status"] == "current"
        )
        rows = master_schedule_rows(building, current, seed=spec.seed)
        out[f"master_schedule/{bid}.csv"] = {"columns": list(MASTER_HEADER), "rows": rows}
    return out


def _csv_text(doc: dict[str, Any]) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(doc["columns"])
    writer.writerows(doc["rows"])
    return buf.getvalue()


_HEADER = "# {name}: generated by netplan.survey.synthetic (fictional district).\n"


def write_district(files: dict[str, dict[str, Any]], root: str | Path, name: str = "") -> Path:
    """Write generated files below ``root``.

    Parameters
    ----------
    files
        Output of :func:`generate_district`.
    root
        Survey directory to create.
    name
        District name for the header comment.

    Returns
    -------
    Path
        ``root``.
    """
    out = Path(root)
    for rel, doc in sorted(files.items()):
        if rel.endswith(".csv"):
            atomic_write_text(out / rel, _csv_text(doc))
            continue
        text = _HEADER.format(name=name or rel) + tomli_w.dumps(doc)
        atomic_write_text(out / rel, text)
    return out


# id, name, level, lat, lon, enrollment, staff, floors, class size, Wi-Fi 6 share,
# IDF uplink, MDF uplink, WAN (Mbps), student DHCP scope size.
_CEDAR_VALLEY: tuple[tuple[Any, ...], ...] = (
    ("chs", "Cedar Valley High School", "high", 40.35, -104.70, 1600, 120, 2, 30, 0.5,
     10000.0, 10000.0, 10000.0, 2046),
    ("cms", "Cedar Valley Middle School", "middle", 40.38, -104.65, 900, 70, 2, 30, 0.3,
     10000.0, 10000.0, 10000.0, 1022),
    ("oak", "Oak Street Elementary", "elementary", 40.32, -104.75, 450, 40, 1, 25, 0.0,
     1000.0, 10000.0, 1000.0, 1022),
    ("pine", "Pine Ridge Elementary", "elementary", 40.41, -104.72, 450, 40, 1, 25, 1.0,
     10000.0, 10000.0, 1000.0, 1022),
    ("elm", "Elm Creek Elementary", "elementary", 40.33, -104.62, 450, 40, 1, 25, 0.0,
     1000.0, 10000.0, 1000.0, 1022),
)  # fmt: skip


def cedar_valley_spec() -> DistrictSpec:
    """The bundled demo district: Cedar Valley School District (fictional).

    One high school (~1,600 students), one middle school (~900) and three elementary schools
    (~450 each) on a hub-and-spoke WAN with a single 2 Gbps ISP circuit behind a 3 Gbps
    content filter. Elementary schools are on 1 Gbps WAN links with 1 Gbps IDF uplinks, the
    kind of legacy plant a 1:1 rollout stresses.
    """
    return DistrictSpec(
        name="Cedar Valley School District",
        timezone="America/Denver",
        isp_mbps=2000.0,
        filter_mbps=3000.0,
        seed=2026,
        caches=({"id": "os-cache", "kind": "os-update", "hit_ratio": 0.8, "location": "core"},),
        proposals=True,
        master_schedules=("chs",),
        buildings=tuple(BuildingSpec(*row) for row in _CEDAR_VALLEY),
    )


def large_district_spec(n_buildings: int, *, seed: int = 7) -> DistrictSpec:
    """A generated district of ``n_buildings`` for benchmarks (mix of levels and sizes).

    Parameters
    ----------
    n_buildings
        How many buildings.
    seed
        Seed for sizes.

    Returns
    -------
    DistrictSpec
        Roughly 60 % elementary, 20 % middle, 20 % high schools, about 900 devices a building
        on average. The ISP circuit meets the EducationSuperHighway goal of 1 Mbps per
        student (docs/references.md) and the content filter has 25 % headroom over it.
    """
    rng = np.random.default_rng(seed)
    specs: list[BuildingSpec] = []
    for i in range(n_buildings):
        u = rng.random()
        level, size, floors, cs = (
            ("elementary", int(rng.integers(260, 480)), 1, 25)
            if u < 0.6
            else ("middle", int(rng.integers(520, 820)), 2, 30)
            if u < 0.8
            else ("high", int(rng.integers(880, 1620)), 2, 30)
        )
        lat = 40.0 + 0.5 * rng.random()
        lon = -105.0 + 0.5 * rng.random()
        wan = 10000.0 if level != "elementary" else 1000.0
        specs.append(
            BuildingSpec(
                f"b{i:03d}",
                f"School {i:03d}",
                level,
                round(lat, 4),
                round(lon, 4),
                size,
                max(20, size // 13),
                floors,
                cs,
                float(rng.random()),
                10000.0,
                10000.0,
                wan,
                4094,
            )
        )
    students = sum(b.enrollment for b in specs)
    isp = float(max(1000, 100 * math.ceil(students / 100)))  # 1 Mbps per student
    return DistrictSpec(
        name=f"Generated district ({n_buildings} buildings)",
        timezone="America/Chicago",
        isp_mbps=isp,
        filter_mbps=1.25 * isp,
        buildings=tuple(specs),
        seed=seed,
        radius_auths_per_s=max(100.0, 5.0 * n_buildings),
    )
