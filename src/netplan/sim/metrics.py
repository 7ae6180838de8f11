"""The day's summary: utilization by resource class, bottlenecks, satisfaction, failures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from netplan.sim.config import SimConfig
from netplan.sim.engine import EngineOutput
from netplan.sim.network import CAUSES

__all__ = ["SATURATED", "clock", "summarize"]

#: Utilization at or above which a resource counts as saturated in a minute (planners flag
#: airtime above 70 %; a fluid model's full resource is at 100 %, so 95 % marks "full").
SATURATED = 0.95


def clock(t: float) -> str:
    """Seconds after midnight as ``HH:MM``."""
    m = round(t / 60.0)
    return f"{m // 60:02d}:{m % 60:02d}"


def _windows(times: np.ndarray, sat: np.ndarray, step: float) -> list[str]:
    out: list[str] = []
    start = None
    prev = None
    for t, s in zip(times.tolist(), sat.tolist(), strict=True):
        if s and start is None:
            start = t
        if not s and start is not None:
            out.append(f"{clock(start)}-{clock(prev + step if prev is not None else t)}")
            start = None
        prev = t
    if start is not None and prev is not None:
        out.append(f"{clock(start)}-{clock(prev + step)}")
    return out


def _interval_at(bells: pd.DataFrame, building: str | None, t: float) -> str:
    sub = bells[bells["building"] == building] if building else bells
    sub = sub[sub["time_s"] <= t]
    if not len(sub):
        return ""
    return str(sub.sort_values("time_s").iloc[-1]["label"])


def _util_stats(df: pd.DataFrame) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for kind, g in df.groupby("kind", observed=True):
        u = g["utilization"].to_numpy(dtype=np.float64)
        if not len(u):
            continue
        out[str(kind)] = {
            "peak_utilization": float(u.max()),
            "p95_utilization": float(np.percentile(u, 95)),
        }
    return out


def summarize(
    survey: Any,
    out: EngineOutput,
    resources: pd.DataFrame,
    flows: pd.DataFrame,
    assoc: pd.DataFrame,
    bells: pd.DataFrame,
    cfg: SimConfig,
    *,
    meta: dict[str, Any] | None = None,
    top: int = 10,
) -> dict[str, Any]:
    """Summarise a simulated day (JSON-able dict).

    Sections: ``run`` (what was simulated, wall time, events/s), ``district`` and
    ``buildings`` (peak and 95th-percentile utilization per resource class), ``bottlenecks``
    (resources ranked by minutes saturated, with cause, when and peak utilization),
    ``satisfaction`` (share of asked bits delivered, video seconds without degradation,
    completion times, sessions of devices left off the network), ``associations``
    (associations, rejections, 802.1X timeouts and failures, DHCP failures), ``goals``
    (:func:`netplan.topology.district_capacity` and per-building
    :func:`netplan.topology.capacity_summary`) and ``bells``.
    """
    from netplan.topology import capacity_summary, district_capacity

    net = out.network
    step = cfg.minute_s
    summary: dict[str, Any] = {}
    summary["run"] = {
        "district": survey.name,
        **(meta or {}),
        "start": clock(out.start_s),
        "end": clock(out.end_s),
        "buildings": sorted({r.building for r in net.radios}),
        "fairness": cfg.fairness,
        "demand_scale": cfg.demand_scale,
        "tick_s": cfg.tick_s,
        "sessions": out.sessions,
        "flows": len(out.fluid.log),
        "events": out.events,
        "wall_s": out.wall_s,
        "events_per_s": out.events / out.wall_s if out.wall_s > 0 else None,
        **out.extra,
    }
    dist = resources[resources["building"] == "district"]
    summary["district"] = {
        "classes": _util_stats(resources),
        "district_resources": _util_stats(dist),
        "peak_utilization": float(resources["utilization"].max()) if len(resources) else 0.0,
    }
    summary["buildings"] = {
        str(b): _util_stats(g)
        for b, g in resources.groupby("building", observed=True)
        if b != "district"
    }
    # District resources are labelled with the bell interval of the largest building.
    simulated = {r.building for r in net.radios}
    largest = max(
        (b for b in survey.buildings if b in simulated),
        key=lambda b: survey.buildings[b].building.enrollment,
        default=None,
    )
    # Bottlenecks: ranked by minutes at or above SATURATED, then by 95th-percentile and
    # peak utilization (so a day with no full resource still names the busiest ones).
    bns: list[dict[str, Any]] = []
    if len(resources):
        sat = resources["utilization"].to_numpy() >= SATURATED
        counts = (
            resources.assign(sat=sat)
            .groupby("resource", observed=True)
            .agg(
                saturated_minutes=("sat", "sum"),
                p95=("utilization", lambda u: float(np.percentile(u, 95))),
                peak=("utilization", "max"),
            )
        )
        counts = counts[counts["peak"] > 0].sort_values(
            ["saturated_minutes", "p95", "peak"], ascending=False
        )
        for rid, row in counts.head(top).iterrows():
            g = resources[resources["resource"] == rid].sort_values("time_s")
            info = net.resources[net.index[str(rid)]]
            u = g["utilization"].to_numpy()
            k = int(np.argmax(u))
            t_peak = float(g["time_s"].iloc[k])
            bns.append(
                {
                    "resource": str(rid),
                    "kind": info.kind,
                    "building": info.building or "district",
                    "direction": info.direction,
                    "cause": CAUSES.get(info.kind, info.kind),
                    "saturated_minutes": int(row["saturated_minutes"]),
                    "peak_utilization": float(row["peak"]),
                    "p95_utilization": float(row["p95"]),
                    "peak_time": clock(t_peak),
                    "peak_interval": _interval_at(bells, info.building or largest, t_peak),
                    "windows": _windows(g["time_s"].to_numpy(), u >= SATURATED, step)[:6],
                    "clients_at_peak": float(g["clients"].iloc[k]),
                    "carried_mbps_at_peak": float(g["carried_mbps"].iloc[k]),
                }
            )
    summary["bottlenecks"] = bns
    summary["satisfaction"] = _satisfaction(out)
    summary["associations"] = _associations(assoc)
    goals = district_capacity(survey, net.topology)
    per_b = capacity_summary(survey, net.topology)
    summary["goals"] = {
        "district": goals,
        "buildings": per_b.to_dict(orient="records"),
    }
    summary["bells"] = {
        str(b): [
            {"time": clock(t), "time_s": float(t), "label": str(lab)}
            for t, lab in zip(g["time_s"], g["label"], strict=True)
        ]
        for b, g in bells.groupby("building")
    }
    return summary


def _satisfaction(out: EngineOutput) -> dict[str, Any]:
    lg = out.fluid.log
    res: dict[str, Any] = {}
    blocked = sum(out.blocked.values())
    res["sessions_blocked"] = blocked
    res["sessions_blocked_share"] = blocked / out.sessions if out.sessions else 0.0
    if not len(lg):
        res.update({"bits_delivered_share": 1.0, "video_seconds_ok_share": 1.0})
        return res
    asked = np.asarray(lg.size_mb)
    delivered = np.nan_to_num(np.asarray(lg.delivered_mb))
    stream = np.asarray(lg.stream)
    start = np.asarray(lg.start_s)
    end = np.asarray(lg.end_s)
    # Streams still running at the end asked only for the part inside the window.
    cut = np.minimum(np.where(np.isfinite(end), end, out.end_s), out.end_s)
    demand = np.asarray(out.fluid.demand)[np.asarray(lg.cls)]
    asked_eff = np.where(stream, demand * np.maximum(cut - start, 0.0), asked)
    res["asked_mb"] = float(asked_eff.sum())
    res["delivered_mb"] = float(delivered.sum())
    res["bits_delivered_share"] = (
        float(delivered.sum() / asked_eff.sum()) if asked_eff.sum() > 0 else 1.0
    )
    video_app = np.array(["video" in a.id for a in out.apps], dtype=bool)
    video = stream & video_app[np.asarray(lg.app)]
    dur = np.maximum(cut - start, 0.0)
    deg = np.nan_to_num(np.asarray(lg.degraded_s, dtype=np.float64))
    deg = np.minimum(deg, dur)
    vs = float(dur[video].sum())
    res["video_seconds"] = vs
    res["video_seconds_ok_share"] = float(1.0 - deg[video].sum() / vs) if vs > 0 else 1.0
    ss = float(dur[stream].sum())
    res["stream_seconds_ok_share"] = float(1.0 - deg[stream].sum() / ss) if ss > 0 else 1.0
    el = ~stream
    done = el & np.isfinite(end)
    ct = end[done] - start[done]
    res["elastic_flows"] = int(el.sum())
    res["elastic_completed"] = int(done.sum())
    res["elastic_completion_mean_s"] = float(ct.mean()) if len(ct) else None
    res["elastic_completion_p95_s"] = float(np.percentile(ct, 95)) if len(ct) else None
    # Per building (flows belong to their radio's building).
    names = sorted({r.building for r in out.network.radios})
    pos = {b: i for i, b in enumerate(names)}
    radio_b = np.array([pos[r.building] for r in out.network.radios], dtype=np.int64)
    cls_b = radio_b[np.asarray(out.cls_radio, dtype=np.int64)]
    fb = cls_b[np.asarray(lg.cls)]
    nb = len(names)
    a_b = np.bincount(fb, weights=asked_eff, minlength=nb)
    d_b = np.bincount(fb, weights=delivered, minlength=nb)
    v_b = np.bincount(fb[video], weights=dur[video], minlength=nb)
    g_b = np.bincount(fb[video], weights=deg[video], minlength=nb)
    blocked_b = {b: 0 for b in names}
    for (b, _app), k in out.blocked.items():
        if b in blocked_b:
            blocked_b[b] += k
    res["buildings"] = {
        b: {
            "bits_delivered_share": float(d_b[i] / a_b[i]) if a_b[i] > 0 else 1.0,
            "video_seconds_ok_share": float(1.0 - g_b[i] / v_b[i]) if v_b[i] > 0 else 1.0,
            "sessions_blocked": blocked_b[b],
        }
        for i, b in enumerate(names)
    }
    return res


def _associations(assoc: pd.DataFrame) -> dict[str, Any]:
    def total(ev: str) -> int:
        return int(assoc.loc[assoc["event"] == ev, "count"].sum()) if len(assoc) else 0

    waits = assoc.loc[assoc["event"] == "auth", "wait_p95_s"] if len(assoc) else pd.Series([])
    return {
        "associations": total("associate"),
        "rejected": total("reject"),
        "auth_requests": total("auth"),
        "auth_timeouts": total("auth-timeout"),
        "auth_failures": total("auth-fail"),
        "dhcp_failures": total("dhcp-fail"),
        "auth_wait_p95_max_s": float(waits.max()) if len(waits) else 0.0,
    }
