"""Synthetic inputs for the map and report tests: public equity layers and simulation tables.

Shapes follow the real outputs (H3 hexagons, a district polygon, school points; a resource x
minute table with bells), with values drawn from a seeded generator.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, Polygon

CENTRE = (41.66, -91.53)  # lat, lng


def hexes(res: int = 8, k: int = 6, seed: int = 1) -> gpd.GeoDataFrame:
    """H3 cells around CENTRE with suppressed-style household counts and a service class."""
    rng = np.random.default_rng(seed)
    cells = sorted(h3.grid_disk(h3.latlng_to_cell(*CENTRE, res), k))
    polys = [Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(c)]) for c in cells]
    households = rng.integers(0, 90, len(cells)).astype(float)
    households[households < 10] = np.nan  # suppressed
    need = np.floor(households * rng.uniform(0, 0.5, len(cells)))
    need[need < 10] = np.nan
    cls = rng.choice(["served", "underserved", "unserved"], len(cells), p=[0.7, 0.2, 0.1])
    return gpd.GeoDataFrame(
        {"h3_cell": cells, "households": households, "hotspots": need, "service_class": cls},
        geometry=polys,
        crs="EPSG:4326",
    )


def district(cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One boundary polygon around the cells."""
    geom = shapely.union_all(cells.geometry.to_numpy()).buffer(0.002)
    return gpd.GeoDataFrame({"name": ["Cedar Valley"]}, geometry=[geom], crs="EPSG:4326")


def schools() -> gpd.GeoDataFrame:
    """Three school points."""
    return gpd.GeoDataFrame(
        {"name": ["Elm Elementary", "Oak Middle", "Cedar High"]},
        geometry=[Point(-91.53, 41.66), Point(-91.50, 41.675), Point(-91.56, 41.645)],
        crs="EPSG:4326",
    )


def sim_tables(seed: int = 3) -> dict[str, Any]:
    """Tables of a fictional day in the simulation's schema (see netplan.sim.results).

    Two buildings; airtime rows are co-channel groups named ``air:AP/RADIO,...``; links have
    ``/down`` and ``/up`` resources; the ISP and filter belong to ``district``.
    """
    rng = np.random.default_rng(seed)
    minutes = np.arange(7 * 60 + 30, 15 * 60 + 30)
    bells = [
        8 * 60,
        8 * 60 + 50,
        9 * 60 + 45,
        10 * 60 + 40,
        11 * 60 + 35,
        12 * 60 + 30,
        13 * 60 + 25,
        14 * 60 + 20,
        15 * 60 + 10,
    ]
    in_class = ((minutes >= 8 * 60) & (minutes < 15 * 60 + 10)).astype(float)
    burst = np.zeros(len(minutes))
    for b in bells:
        burst += np.exp(-np.abs(minutes - b) / 3.0)
    frames = []

    def add(
        resource: str,
        kind: str,
        building: str,
        direction: str,
        carried: np.ndarray,
        offered: np.ndarray,
        capacity: float,
        util: np.ndarray,
        clients: np.ndarray,
    ) -> None:
        frames.append(
            pd.DataFrame(
                {
                    "resource": resource,
                    "kind": kind,
                    "building": building,
                    "direction": direction,
                    "minute": minutes.astype(np.int32),
                    "time_s": minutes * 60.0,
                    "offered_mbps": offered,
                    "carried_mbps": carried,
                    "capacity_mbps": capacity,
                    "utilization": util,
                    "clients": clients,
                }
            )
        )

    buildings = {"chs": 12, "elm": 6}
    for building, n_ap in buildings.items():
        aps = [f"{building}-ap{a + 1:03d}" for a in range(n_ap)]
        # Co-channel groups of three radios each (every AP's radio 0 in one group).
        for g in range(0, n_ap, 3):
            members = ",".join(f"{ap}/0" for ap in aps[g : g + 3])
            load = 0.25 * in_class + 0.5 * burst * rng.uniform(0.5, 1.5)
            util = np.clip(load * rng.uniform(0.6, 1.6) + rng.normal(0, 0.03, len(minutes)), 0, 1)
            add(
                f"air:{members}",
                "airtime",
                building,
                "both",
                util * 400,
                util * 440,
                np.nan,
                util,
                np.round(util * 90),
            )
        for ap in aps:
            for d, share in (("down", 1.0), ("up", 0.3)):
                u = np.clip((0.2 * in_class + 0.3 * burst) * share, 0, 1)
                add(
                    f"port:{ap}/{d}",
                    "ap-uplink",
                    building,
                    d,
                    u * 1000,
                    u * 1000,
                    1000.0,
                    u,
                    np.round(u * 60),
                )
        wan_cap = 1000.0 if building == "chs" else 500.0
        carried = np.clip(
            (0.5 * in_class + 0.45 * burst) * wan_cap * rng.uniform(0.8, 1.2), 0, wan_cap
        )
        for d, share in (("down", 1.0), ("up", 0.2)):
            add(
                f"wan:wan-{building}/{d}",
                "wan",
                building,
                d,
                carried * share,
                carried * share * 1.15,
                wan_cap,
                carried * share / wan_cap,
                np.zeros(len(minutes)),
            )
    isp_cap = 1000.0
    isp = np.clip((0.6 * in_class + 0.5 * burst) * isp_cap, 0, isp_cap)
    for d, share in (("down", 1.0), ("up", 0.25)):
        add(
            f"isp/{d}",
            "isp",
            "district",
            d,
            isp * share,
            isp * share * 1.3,
            isp_cap,
            isp * share / isp_cap,
            np.zeros(len(minutes)),
        )
    add(
        "filter",
        "filter",
        "district",
        "both",
        isp * 1.25,
        isp * 1.4,
        3000.0,
        isp * 1.25 / 3000,
        np.zeros(len(minutes)),
    )
    resources = pd.concat(frames, ignore_index=True)

    apps = {
        "video-720p": "stream",
        "video-conference": "stream",
        "web": "elastic",
        "cloud-docs": "elastic",
        "assessment": "stream",
        "os-update-minor": "elastic",
    }
    n = 4000
    app = rng.choice(list(apps), n)
    kind = np.array([apps[a] for a in app])
    start = rng.uniform(minutes[0] * 60, minutes[-1] * 60, n)
    dur = rng.exponential(300, n)
    asked = rng.exponential(20, n)
    delivered = asked * np.where(rng.uniform(0, 1, n) < 0.05, rng.uniform(0.5, 1, n), 1.0)
    degraded = np.where(kind == "stream", dur * rng.uniform(0, 0.05, n), np.nan)
    flows = pd.DataFrame(
        {
            "flow": np.arange(n),
            "app": app,
            "kind": kind,
            "direction": "down",
            "building": rng.choice(list(buildings), n),
            "start_s": start,
            "end_s": start + dur,
            "asked_mb": asked,
            "delivered_mb": delivered,
            "completion_s": np.where(kind == "elastic", dur, np.nan),
            "degraded_s": degraded,
            "mean_mbps": asked * 8 / dur,
        }
    )
    rows = []
    for b in buildings:
        for t in bells:
            rows.append(
                (t * 60.0, b, f"{b}-hall", "zone", "associate", int(rng.integers(50, 400)), np.nan)
            )
            rows.append((t * 60.0, b, "", "building", "auth", int(rng.integers(50, 400)), 0.2))
            rows.append(
                (t * 60.0, b, "", "building", "auth-timeout", int(rng.integers(0, 5)), np.nan)
            )
    associations = pd.DataFrame(
        rows, columns=["time_s", "building", "zone", "scope", "event", "count", "wait_p95_s"]
    )
    bells_df = pd.DataFrame(
        [(b, t * 60.0, f"P{i}") for b in buildings for i, t in enumerate(bells)],
        columns=["building", "time_s", "label"],
    )
    summary = {
        "run": {
            "district": "Cedar Valley (synthetic)",
            "day": "regular",
            "seed": seed,
            "start": "07:30",
            "end": "15:30",
            "buildings": sorted(buildings),
            "sessions": n,
            "flows": n,
        },
        "bottlenecks": [],
        "satisfaction": {
            "bits_delivered_share": 0.985,
            "video_seconds_ok_share": 0.975,
            "sessions_blocked": 0,
        },
        "associations": {
            "associations": 1000,
            "rejected": 0,
            "auth_timeouts": 20,
            "auth_failures": 0,
            "dhcp_failures": 0,
        },
        "goals": {
            "district": {
                "district": "Cedar Valley (synthetic)",
                "buildings": 2,
                "students": 1400,
                "staff": 120,
                "access_points": 18,
                "internet_mbps_per_student": 1000 / 1400,
                "internet_goal_mbps_per_student": 1.0,
                "internet_meets_goal": False,
            },
            "buildings": [
                {
                    "building": "chs",
                    "name": "High",
                    "students": 1000,
                    "staff": 80,
                    "aps": 12,
                    "wan_mbps_per_user": 1000 / 1080,
                    "wan_goal_mbps_per_user": 10.0,
                    "wan_meets_goal": False,
                },
                {
                    "building": "elm",
                    "name": "Elm",
                    "students": 400,
                    "staff": 40,
                    "aps": 6,
                    "wan_mbps_per_user": 500 / 440,
                    "wan_goal_mbps_per_user": 10.0,
                    "wan_meets_goal": False,
                },
            ],
        },
    }
    return {
        "resources": resources,
        "flows": flows,
        "associations": associations,
        "bells": bells_df,
        "summary": summary,
    }
