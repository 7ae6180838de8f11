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
    """Resource x minute table, flows, associations and summary of a fictional day."""
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
    rows = []
    buildings = {"chs": 14, "elm": 6}
    for building, n_ap in buildings.items():
        for a in range(n_ap):
            load = (
                0.25 * in_class
                + 0.5 * burst * rng.uniform(0.5, 1.5)
                + rng.normal(0, 0.04, len(minutes))
            )
            util = np.clip(load * rng.uniform(0.6, 1.6), 0, 1)
            clients = np.round(util * 45).astype(int)
            for d, share in (("down", 1.0), ("up", 0.3)):
                rows.append(
                    pd.DataFrame(
                        {
                            "resource": f"ap:{building}-ap-{a + 101}",
                            "kind": "ap",
                            "building": building,
                            "minute": minutes,
                            "direction": d,
                            "offered_mbps": util * 300 * share * 1.1,
                            "carried_mbps": util * 300 * share,
                            "capacity_mbps": 300.0,
                            "utilization": util * share,
                            "clients": clients,
                        }
                    )
                )
        wan_cap = 1000.0 if building == "chs" else 500.0
        carried = np.clip(
            (0.5 * in_class + 0.4 * burst) * wan_cap * rng.uniform(0.8, 1.2), 0, wan_cap
        )
        for d, share in (("down", 1.0), ("up", 0.2)):
            rows.append(
                pd.DataFrame(
                    {
                        "resource": f"wan:wan-{building}",
                        "kind": "wan",
                        "building": building,
                        "minute": minutes,
                        "direction": d,
                        "offered_mbps": carried * share * 1.15,
                        "carried_mbps": carried * share,
                        "capacity_mbps": wan_cap,
                        "utilization": carried * share / wan_cap,
                        "clients": 0,
                    }
                )
            )
    isp_cap = 1000.0
    isp = np.clip((0.6 * in_class + 0.5 * burst) * isp_cap, 0, isp_cap)
    for d, share in (("down", 1.0), ("up", 0.25)):
        rows.append(
            pd.DataFrame(
                {
                    "resource": "isp",
                    "kind": "isp",
                    "building": None,
                    "minute": minutes,
                    "direction": d,
                    "offered_mbps": isp * share * 1.3,
                    "carried_mbps": isp * share,
                    "capacity_mbps": isp_cap,
                    "utilization": isp * share / isp_cap,
                    "clients": 0,
                }
            )
        )
    resources = pd.concat(rows, ignore_index=True)
    apps = ["video-720p", "video-conference", "web", "cloud-docs", "assessment", "os-update"]
    n = 4000
    flows = pd.DataFrame(
        {
            "app": rng.choice(apps, n),
            "building": rng.choice(list(buildings), n),
            "start_s": rng.uniform(minutes[0] * 60, minutes[-1] * 60, n),
            "satisfied": rng.uniform(0, 1, n) > 0.06,
        }
    )
    associations = pd.DataFrame(
        {
            "event": rng.choice(["association", "authentication", "dhcp"], 3000),
            "ok": rng.uniform(0, 1, 3000) > 0.01,
        }
    )
    summary = {
        "district": "Cedar Valley (synthetic)",
        "schedule": "regular",
        "day": "regular",
        "seed": seed,
        "buildings": len(buildings),
        "students": 1400,
        "users_by_building": {"chs": 1000, "elm": 520},
        "bell_times": {b: [t * 60 for t in bells] for b in buildings},
    }
    return {
        "resources": resources,
        "flows": flows,
        "associations": associations,
        "summary": summary,
    }
