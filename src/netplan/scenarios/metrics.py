"""Measuring one simulated day: the tidy per-resource metrics scenarios are compared on.

From a simulation result this makes one row per ``building, resource, kind, metric``:

``airtime_peak5``
    Per airtime resource (a radio, or the co-channel group of radios sharing one channel's
    airtime): the busiest 5-minute mean of its airtime utilization (0-1); held to the
    airtime threshold (default 70 %, Ekahau's design guideline).
``link_p95``
    Per wired resource (AP port, switch uplink, WAN link, core, content filter, ISP): the
    95th percentile over the simulated minutes of its utilization, the busier direction
    each minute (0-1); held to the link threshold (default 80 %).
``link_peak``
    The same resources' busiest minute (reported only).
``video_degraded``
    Per building: the share of video-stream seconds (both directions, as the simulation
    summary counts them) delivered below the stream's rate (0-1); held to the video
    threshold (default 1 %).
``dhcp_failures``
    Per DHCP scope: lease requests refused because the scope had no free address; any is
    flagged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from netplan.scenarios.apply import RunSpec

if TYPE_CHECKING:
    from netplan.sim.results import SimResult

__all__ = [
    "AIRTIME_KINDS",
    "LINK_KINDS",
    "PEAK_WINDOW_MIN",
    "result_metrics",
    "simulate",
]

#: Resource kinds that are Wi-Fi airtime.
AIRTIME_KINDS = ("airtime",)
#: Resource kinds that are wired capacity.
LINK_KINDS = ("ap-uplink", "switch-uplink", "wan", "core", "filter", "isp")
#: Minutes the airtime peak is averaged over.
PEAK_WINDOW_MIN = 5
#: Building label of district-wide resources (core, filter, ISP).
DISTRICT = "district"

COLUMNS = ["scenario", "replication", "seed", "building", "resource", "kind", "metric", "value"]
_KEY = ["building", "resource", "kind", "metric", "value"]


def simulate(spec: RunSpec, *, seed: int) -> SimResult:
    """Run the simulation of one scenario replication."""
    from netplan.sim.config import SimConfig
    from netplan.sim.results import run_simulation

    config = SimConfig(
        demand_scale=spec.demand_scale,
        buildings=spec.buildings,
        start_s=spec.start_s,
        end_s=spec.end_s,
    )
    return run_simulation(
        spec.survey, schedule=spec.schedule, day=spec.day, seed=seed, config=config
    )


def _base_id(resource: pd.Series, direction: pd.Series) -> pd.Series:
    """Resource id without its ``/down`` or ``/up`` suffix (both directions: one resource)."""
    res = resource.astype(str)
    d = direction.astype(str)
    suffix = "/" + d
    strip = (d != "both") & np.asarray([r.endswith(s) for r, s in zip(res, suffix, strict=True)])
    return res.where(~strip, [r[: -len(s)] for r, s in zip(res, suffix, strict=True)])


def _per_minute(res: pd.DataFrame) -> pd.DataFrame:
    """The busier direction's utilization per resource and minute."""
    frame = pd.DataFrame(
        {
            "building": res["building"].astype(str).to_numpy(),
            "resource": _base_id(res["resource"], res["direction"]).to_numpy(),
            "kind": res["kind"].astype(str).to_numpy(),
            "minute": res["minute"].to_numpy(),
            "utilization": res["utilization"].astype(np.float64).to_numpy(),
        }
    )
    keys = ["building", "resource", "kind", "minute"]
    return frame.groupby(keys, sort=True)["utilization"].max().reset_index()


def _airtime(res: pd.DataFrame) -> list[tuple[str, str, str, str, float]]:
    rows = []
    for (b, r, k), grp in _per_minute(res).groupby(["building", "resource", "kind"], sort=True):
        u = np.nan_to_num(grp.sort_values("minute")["utilization"].to_numpy(dtype=np.float64))
        w = min(PEAK_WINDOW_MIN, len(u))
        peak = float(np.convolve(u, np.ones(w) / w, mode="valid").max()) if w else 0.0
        rows.append((str(b), str(r), str(k), "airtime_peak5", peak))
    return rows


def _links(res: pd.DataFrame) -> list[tuple[str, str, str, str, float]]:
    rows = []
    for (b, r, k), grp in _per_minute(res).groupby(["building", "resource", "kind"], sort=True):
        u = np.nan_to_num(grp["utilization"].to_numpy(dtype=np.float64))
        p95 = float(np.percentile(u, 95)) if len(u) else 0.0
        rows.append((str(b), str(r), str(k), "link_p95", p95))
        rows.append((str(b), str(r), str(k), "link_peak", float(u.max()) if len(u) else 0.0))
    return rows


def _video(
    flows: pd.DataFrame, buildings: list[str], end_s: float
) -> list[tuple[str, str, str, str, float]]:
    rows = []
    if len(flows):
        app = flows["app"].astype(str)
        video = (flows["kind"].astype(str) == "stream") & app.str.contains("video")
        v = flows[video]
        start = v["start_s"].to_numpy(dtype=np.float64)
        end = v["end_s"].to_numpy(dtype=np.float64)
        cut = np.minimum(np.where(np.isfinite(end), end, end_s), end_s)
        dur = np.maximum(cut - start, 0.0)
        deg = np.minimum(np.nan_to_num(v["degraded_s"].to_numpy(dtype=np.float64)), dur)
        per = (
            pd.DataFrame({"building": v["building"].astype(str).to_numpy(), "dur": dur, "deg": deg})
            .groupby("building")[["dur", "deg"]]
            .sum()
        )
    else:
        per = pd.DataFrame(columns=["dur", "deg"])
    durs: dict[str, float] = {str(k): float(x) for k, x in per["dur"].items()}
    degs: dict[str, float] = {str(k): float(x) for k, x in per["deg"].items()}
    for b in buildings:
        dur_b = durs.get(b, 0.0)
        deg_b = degs.get(b, 0.0)
        rows.append((b, b, "building", "video_degraded", deg_b / dur_b if dur_b > 0 else 0.0))
    return rows


def _dhcp(
    assoc: pd.DataFrame, scopes: list[tuple[str, str]]
) -> list[tuple[str, str, str, str, float]]:
    fails = assoc[assoc["event"].astype(str) == "dhcp-fail"] if len(assoc) else assoc
    counts = (
        fails.groupby([fails["building"].astype(str), fails["scope"].astype(str)])["count"].sum()
        if len(fails)
        else pd.Series(dtype=np.float64)
    )
    return [
        (b, sid, "dhcp", "dhcp_failures", float(counts.get((b, sid), 0.0))) for b, sid in scopes
    ]


def result_metrics(
    result: SimResult, spec: RunSpec, *, replication: int, seed: int
) -> pd.DataFrame:
    """The tidy metrics of one simulation result.

    Parameters
    ----------
    result
        The simulation result of ``spec``.
    spec
        The run settings (for the buildings and DHCP scopes simulated, so a quantity with
        nothing to count still has its zero row).
    replication, seed
        Written into every row.

    Returns
    -------
    DataFrame
        Columns ``scenario, replication, seed, building, resource, kind, metric, value``,
        sorted by ``building, resource, metric``.
    """
    res = result.resources
    buildings = list(spec.buildings or spec.survey.buildings)
    scopes = [(b, s.id) for b in buildings for s in spec.survey.buildings[b].dhcp_scopes]
    # The simulated window ends with the last minute bucket.
    end_s = float(res["time_s"].max()) + 60.0 if len(res) else (spec.end_s or 0.0)
    rows = [
        *_airtime(res[res["kind"].astype(str).isin(AIRTIME_KINDS)]),
        *_links(res[res["kind"].astype(str).isin(LINK_KINDS)]),
        *_video(result.flows, buildings, end_s),
        *_dhcp(result.associations, scopes),
    ]
    out = pd.DataFrame(rows, columns=_KEY)
    out.insert(0, "seed", seed)
    out.insert(0, "replication", replication)
    out.insert(0, "scenario", spec.scenario)
    return out.sort_values(["building", "resource", "metric"], ignore_index=True)[COLUMNS]
