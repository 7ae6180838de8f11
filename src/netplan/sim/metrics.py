"""The day's summary: utilization by resource class, bottlenecks, satisfaction, failures."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

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


def _p95(values: NDArray[np.floating[Any]], axis: int | None = None) -> Any:
    """95th percentile with numpy's default (linear) interpolation, computed in float64
    from a partial sort of a float32 copy (a district day's utilization grid has
    millions of cells; :func:`numpy.percentile` would copy it to float64 first)."""
    v = np.array(values, dtype=np.float32, copy=True)
    if axis is None:
        v = v.reshape(-1)
        axis = 0
    n = v.shape[axis]
    h = 0.95 * (n - 1)
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)
    v.partition([lo, hi] if hi > lo else [lo], axis=axis)
    a = np.take(v, lo, axis=axis).astype(np.float64)
    b = np.take(v, hi, axis=axis).astype(np.float64)
    t = h - lo
    d = b - a  # numpy's _lerp: a + d * t, from the upper end when t >= 0.5
    return b - d * (1.0 - t) if t >= 0.5 else a + d * t


def _util_stats(
    util: NDArray[np.float32], kinds: NDArray[np.str_], cols: NDArray[np.int64]
) -> dict[str, dict[str, float]]:
    """Peak and 95th-percentile utilization per resource class over the resources
    ``cols`` (columns of the minute x resource grid ``util``) and every minute."""
    out: dict[str, dict[str, float]] = {}
    if not util.shape[0]:
        return out
    for kind in sorted(set(kinds[cols].tolist())):
        sub = util[:, cols[kinds[cols] == kind]]
        out[str(kind)] = {
            "peak_utilization": float(sub.max()),
            "p95_utilization": float(_p95(sub)),
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

    ``resources`` is the resource x minute table as :func:`netplan.sim.results.run_simulation`
    builds it: minute-major, every resource of ``out.network`` in each minute.
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
        "flows": out.fluid.flows_total,
        "events": out.events,
        "wall_s": out.wall_s,
        "events_per_s": out.events / out.wall_s if out.wall_s > 0 else None,
        **out.extra,
    }
    # The resource table is minute-major (every resource each minute): view its columns
    # as minute x resource grids instead of grouping millions of rows.
    n_res = len(net.resources)
    m = len(resources) // n_res if n_res else 0

    def grid(col: str) -> NDArray[Any]:
        return resources[col].to_numpy().reshape(m, n_res)

    util = grid("utilization")
    times = grid("time_s")[:, 0] if m else np.zeros(0)
    kinds = np.array([r.kind for r in net.resources])
    owner = np.array([r.building or "district" for r in net.resources])
    every = np.arange(n_res)
    summary["district"] = {
        "classes": _util_stats(util, kinds, every),
        "district_resources": _util_stats(util, kinds, every[owner == "district"]),
        "peak_utilization": float(util.max()) if util.size else 0.0,
    }
    summary["buildings"] = {
        str(b): _util_stats(util, kinds, every[owner == b])
        for b in sorted(set(owner.tolist()) - {"district"})
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
    if util.size:
        sat_min = (util >= SATURATED).sum(axis=0)
        peak = util.max(axis=0).astype(np.float64)
        p95 = _p95(util, axis=0)
        # candidates in resource-id order, then a stable sort on the ranking keys
        ids = np.array([r.id for r in net.resources])
        cand = np.flatnonzero(peak > 0)
        cand = cand[np.argsort(ids[cand], kind="stable")]
        order = np.lexsort((-peak[cand], -p95[cand], -sat_min[cand]))
        clients, carried = grid("clients"), grid("carried_mbps")
        for j in cand[order][:top].tolist():
            info = net.resources[j]
            u = util[:, j]
            k = int(np.argmax(u))
            t_peak = float(times[k])
            bns.append(
                {
                    "resource": info.id,
                    "kind": info.kind,
                    "building": info.building or "district",
                    "direction": info.direction,
                    "cause": CAUSES.get(info.kind, info.kind),
                    "saturated_minutes": int(sat_min[j]),
                    "peak_utilization": float(peak[j]),
                    "p95_utilization": float(p95[j]),
                    "peak_time": clock(t_peak),
                    "peak_interval": _interval_at(bells, info.building or largest, t_peak),
                    "windows": _windows(times, u >= SATURATED, step)[:6],
                    "clients_at_peak": float(clients[k, j]),
                    "carried_mbps_at_peak": float(carried[k, j]),
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


#: Completion times are counted in log-spaced bins (from _CT_LO seconds, each _CT_STEP
#: wider than the last) for their 95th percentile: a district day has tens of millions
#: of transfers, too many to keep. Bin centres are within _CT_STEP / 2 (0.05 %) of every
#: time in the bin.
_CT_LO = 1e-6
_CT_STEP = 1e-3
_CT_BINS = math.ceil(math.log(1e12) / math.log1p(_CT_STEP))  # up to 10^6 s


def _ct_bin(ct: NDArray[np.float64]) -> NDArray[np.int64]:
    """Histogram bin of each completion time (clipped to the first and last bin)."""
    with np.errstate(divide="ignore"):
        k = np.floor(np.log(np.maximum(ct, 0.0) / _CT_LO) / math.log1p(_CT_STEP))
    out: NDArray[np.int64] = np.clip(np.nan_to_num(k, neginf=0.0), 0, _CT_BINS - 1).astype(np.int64)
    return out


def _hist_p95(hist: NDArray[np.int64]) -> float:
    """95th percentile (numpy's linear interpolation between order statistics) of the
    times counted in ``hist``, each order statistic taken as its bin's centre."""
    n = int(hist.sum())
    h = 0.95 * (n - 1)
    lo = math.floor(h)
    cum = np.cumsum(hist)
    k_lo, k_hi = np.searchsorted(cum, [lo + 1, min(lo + 2, n)], side="left")
    a, b = (_CT_LO * (1.0 + _CT_STEP) ** (float(k) + 0.5) for k in (k_lo, k_hi))
    return float(a + (b - a) * (h - lo))


class FlowTally:
    """Satisfaction sums over flows, added in batches (finished flows as they retire).

    Parameters
    ----------
    out
        The engine output the flows belong to (window end, class demands and radios).
    """

    def __init__(self, out: EngineOutput) -> None:
        self.out = out
        self.names = sorted({r.building for r in out.network.radios})
        pos = {b: i for i, b in enumerate(self.names)}
        self.radio_b = np.array([pos[r.building] for r in out.network.radios], dtype=np.int64)
        self.video_app = np.array(["video" in a.id for a in out.apps], dtype=bool)
        nb = len(self.names)
        self.by_b = {k: np.zeros(nb) for k in ("asked", "delivered", "video_s", "video_deg")}
        self.sums = dict.fromkeys(
            ("asked", "delivered", "video_s", "video_deg", "stream_s", "stream_deg"), 0.0
        )
        self.flows = 0
        self.elastic = 0
        self.completed = 0
        self.ct_sum = 0.0
        self.ct_hist = np.zeros(_CT_BINS, dtype=np.int64)

    def add(self, rows: dict[str, NDArray[Any]]) -> None:
        """Add flows: columns cls, app, stream, start_s, size_mb, end_s, delivered_mb,
        degraded_s (one entry per flow)."""
        out = self.out
        cls = np.asarray(rows["cls"], dtype=np.int64)
        if not len(cls):
            return
        stream = np.asarray(rows["stream"], dtype=bool)
        start = np.asarray(rows["start_s"])
        end = np.asarray(rows["end_s"])
        delivered = np.nan_to_num(np.asarray(rows["delivered_mb"]))
        # Streams still running at the end asked only for the part inside the window.
        cut = np.minimum(np.where(np.isfinite(end), end, out.end_s), out.end_s)
        demand = np.asarray(out.fluid.demand)[cls]
        dur = np.maximum(cut - start, 0.0)
        asked = np.where(stream, demand * dur, np.asarray(rows["size_mb"]))
        video = stream & self.video_app[np.asarray(rows["app"], dtype=np.int64)]
        deg = np.minimum(np.nan_to_num(np.asarray(rows["degraded_s"], dtype=np.float64)), dur)
        fb = self.radio_b[np.asarray(out.cls_radio, dtype=np.int64)[cls]]
        nb = len(self.names)
        self.by_b["asked"] += np.bincount(fb, weights=asked, minlength=nb)
        self.by_b["delivered"] += np.bincount(fb, weights=delivered, minlength=nb)
        self.by_b["video_s"] += np.bincount(fb[video], weights=dur[video], minlength=nb)
        self.by_b["video_deg"] += np.bincount(fb[video], weights=deg[video], minlength=nb)
        self.sums["asked"] += float(asked.sum())
        self.sums["delivered"] += float(delivered.sum())
        self.sums["video_s"] += float(dur[video].sum())
        self.sums["video_deg"] += float(deg[video].sum())
        self.sums["stream_s"] += float(dur[stream].sum())
        self.sums["stream_deg"] += float(deg[stream].sum())
        el = ~stream
        done = el & np.isfinite(end)
        self.flows += len(cls)
        self.elastic += int(el.sum())
        self.completed += int(done.sum())
        ct = end[done] - start[done]
        self.ct_sum += float(ct.sum())
        self.ct_hist += np.bincount(_ct_bin(ct), minlength=_CT_BINS)

    def result(self) -> dict[str, Any]:
        """The satisfaction section of the summary."""
        out = self.out
        res: dict[str, Any] = {}
        blocked = sum(out.blocked.values())
        res["sessions_blocked"] = blocked
        res["sessions_blocked_share"] = blocked / out.sessions if out.sessions else 0.0
        if not self.flows:
            res.update({"bits_delivered_share": 1.0, "video_seconds_ok_share": 1.0})
            return res
        sm = self.sums
        res["asked_mb"] = sm["asked"]
        res["delivered_mb"] = sm["delivered"]
        res["bits_delivered_share"] = sm["delivered"] / sm["asked"] if sm["asked"] > 0 else 1.0
        res["video_seconds"] = sm["video_s"]
        vs, ss = sm["video_s"], sm["stream_s"]
        res["video_seconds_ok_share"] = 1.0 - sm["video_deg"] / vs if vs > 0 else 1.0
        res["stream_seconds_ok_share"] = 1.0 - sm["stream_deg"] / ss if ss > 0 else 1.0
        n_ct = self.completed
        res["elastic_flows"] = self.elastic
        res["elastic_completed"] = self.completed
        res["elastic_completion_mean_s"] = self.ct_sum / n_ct if n_ct else None
        res["elastic_completion_p95_s"] = _hist_p95(self.ct_hist) if n_ct else None
        blocked_b = dict.fromkeys(self.names, 0)
        for (b, _app), k in out.blocked.items():
            if b in blocked_b:
                blocked_b[b] += k
        a_b, d_b = self.by_b["asked"], self.by_b["delivered"]
        v_b, g_b = self.by_b["video_s"], self.by_b["video_deg"]
        res["buildings"] = {
            b: {
                "bits_delivered_share": float(d_b[i] / a_b[i]) if a_b[i] > 0 else 1.0,
                "video_seconds_ok_share": float(1.0 - g_b[i] / v_b[i]) if v_b[i] > 0 else 1.0,
                "sessions_blocked": blocked_b[b],
            }
            for i, b in enumerate(self.names)
        }
        return res


def log_rows(out: EngineOutput) -> dict[str, NDArray[Any]]:
    """The flows still in the engine's flow log, as :meth:`FlowTally.add` columns."""
    lg = out.fluid.log
    return {
        "cls": lg.cls,
        "app": lg.app,
        "stream": lg.stream,
        "start_s": lg.start_s,
        "size_mb": lg.size_mb,
        "end_s": lg.end_s,
        "delivered_mb": lg.delivered_mb,
        "degraded_s": lg.degraded_s,
    }


def _satisfaction(out: EngineOutput) -> dict[str, Any]:
    tally = out.tally if out.tally is not None else FlowTally(out)
    tally.add(log_rows(out))
    return tally.result()


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
