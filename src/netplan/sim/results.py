"""Running a day, turning the engine's raw output into tidy tables, and writing them.

Tables (one row per ...):

* ``resources``: resource x minute: ``resource, kind, building, direction, minute, time_s,
  offered_mbps, carried_mbps, capacity_mbps, utilization, clients``. For airtime
  budgets ``capacity_mbps`` is empty and ``utilization`` is the busy share of airtime.
* ``flows``: flow: ``flow, app, kind, direction, building, ap, band, via, start_s, end_s,
  asked_mb, delivered_mb, completion_s, degraded_s, mean_mbps``.
* ``associations``: association, 802.1X and DHCP events per bell: ``time_s, building,
  zone, scope, event, count, wait_p95_s``.
* ``bells``: ``building, time_s, label``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from netplan.sim.config import SimConfig
from netplan.sim.engine import DayInputs, EngineOutput, day_inputs, simulate_day
from netplan.sim.metrics import summarize
from netplan.sim.network import build_network

__all__ = [
    "ReplicatedResult",
    "SimResult",
    "report_hooks",
    "run_replications",
    "run_simulation",
    "write_results",
]

Progress = Callable[[float], None]


@dataclass
class SimResult:
    """One simulated day.

    Attributes
    ----------
    resources, flows, associations, bells
        Tidy tables (see the module docstring).
    summary
        JSON-able summary (see :func:`netplan.sim.metrics.summarize`).
    """

    resources: pd.DataFrame
    flows: pd.DataFrame
    associations: pd.DataFrame
    bells: pd.DataFrame
    summary: dict[str, Any]


@dataclass
class ReplicatedResult:
    """Several seeds of the same day.

    Attributes
    ----------
    runs
        One :class:`SimResult` per seed.
    summary
        Mean and 95 % confidence interval of each headline metric over the runs, plus the
        first run's full summary under ``"run"``.
    """

    runs: list[SimResult]
    summary: dict[str, Any] = field(default_factory=dict)


def _stack(rows: list[Any], n_res: int, scale: float = 1.0) -> NDArray[np.float32]:
    """The per-minute rows as one float32 (minutes x resources) array, each row freed from
    ``rows`` as it is copied (a district day holds millions of cells)."""
    a = np.empty((len(rows), n_res), dtype=np.float32)
    for i in range(len(rows)):
        a[i] = rows[i]
        rows[i] = None
    if scale != 1.0:
        a *= np.float32(scale)
    return a


def _tables(out: EngineOutput, cfg: SimConfig) -> tuple[pd.DataFrame, ...]:
    net = out.network
    n_res = len(net.resources)
    m = len(out.minutes)

    def column(values: list[str]) -> Any:
        # codes tiled minute by minute, in the smallest integer type that holds them
        cat = pd.Categorical(values)
        return pd.Categorical.from_codes(np.tile(cat.codes, m), categories=cat.categories)

    cap = net.capacity
    airtime = np.array([r.kind == "airtime" for r in net.resources])
    per_s = 1.0 / cfg.minute_s
    carried = _stack(out.carried, n_res, per_s)
    util = _stack(out.used, n_res, per_s)
    util /= cap.astype(np.float32)[None, :]
    offered = _stack(out.offered, n_res, per_s)
    clients = _stack(out.clients, n_res)
    minute0 = out.start_s / 60.0
    bucket_start = out.start_s + np.arange(m) * cfg.minute_s
    res_df = pd.DataFrame(
        {
            "resource": column([r.id for r in net.resources]),
            "kind": column([r.kind for r in net.resources]),
            "building": column([r.building or "district" for r in net.resources]),
            "direction": column([r.direction for r in net.resources]),
            "minute": np.repeat(
                np.floor(minute0 + np.arange(m) * cfg.minute_s / 60.0).astype(np.int32), n_res
            ),
            "time_s": np.repeat(bucket_start, n_res),
            "offered_mbps": offered.reshape(-1),
            "carried_mbps": carried.reshape(-1),
            "capacity_mbps": np.tile(np.where(airtime, np.nan, cap).astype(np.float32), m),
            "utilization": util.reshape(-1),
            "clients": clients.reshape(-1),
        },
        copy=False,
    )
    lg = out.fluid.log
    if cfg.flow_records and len(lg):
        cls = np.asarray(lg.cls)
        radios = net.radios

        def codes(values: list[str], index: NDArray[np.int64]) -> Any:
            cats = sorted(set(values))
            pos = {v: i for i, v in enumerate(cats)}
            table = np.array([pos[v] for v in values], dtype=np.int32)
            return pd.Categorical.from_codes(table[index], categories=pd.Index(cats))

        cls_radio = np.asarray(out.cls_radio, dtype=np.int64)[cls]
        start = np.asarray(lg.start_s)
        end = np.asarray(lg.end_s)
        stream = np.asarray(lg.stream)
        delivered = np.asarray(lg.delivered_mb)
        asked = np.asarray(lg.size_mb)
        done = ~stream & np.isfinite(end)
        dur = np.where(np.isfinite(end), end, out.end_s) - start
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_rate = np.where(dur > 0, delivered / dur, np.nan)
        flows = pd.DataFrame(
            {
                "flow": np.arange(len(lg), dtype=np.int64),
                "app": codes([a.id for a in out.apps], np.asarray(lg.app, dtype=np.int64)),
                "kind": pd.Categorical(np.where(stream, "stream", "elastic")),
                "direction": codes(out.cls_dir, cls),
                "building": codes([r.building for r in radios], cls_radio),
                "ap": codes([r.ap for r in radios], cls_radio),
                "band": codes([r.config.band for r in radios], cls_radio),
                "via": codes(out.cls_via, cls),
                "start_s": start,
                "end_s": end,
                "asked_mb": asked,
                "delivered_mb": delivered,
                "completion_s": np.where(done, end - start, np.nan),
                "degraded_s": np.where(stream, np.asarray(lg.degraded_s), np.nan),
                "mean_mbps": mean_rate,
            }
        )
    else:
        flows = pd.DataFrame(
            columns=[
                "flow",
                "app",
                "kind",
                "direction",
                "building",
                "ap",
                "band",
                "via",
                "start_s",
                "end_s",
                "asked_mb",
                "delivered_mb",
                "completion_s",
                "degraded_s",
                "mean_mbps",
            ]
        )
    assoc = pd.DataFrame(
        out.assoc_rows,
        columns=["time_s", "building", "zone", "scope", "event", "count", "wait_p95_s"],
    )
    bells = pd.DataFrame(
        [(b, t, lab) for b, rows in out.bells.items() for t, lab in rows],
        columns=["building", "time_s", "label"],
    )
    return res_df, flows, assoc, bells


def run_simulation(
    survey: Any,
    *,
    schedule: str | None = None,
    day: str = "regular",
    seed: int = 1,
    config: SimConfig | None = None,
    progress: Progress | None = None,
    inputs: list[DayInputs] | None = None,
) -> SimResult:
    """Simulate one school day of a district.

    Parameters
    ----------
    survey
        A survey from :func:`netplan.survey.load_survey` (possibly modified by a scenario).
    schedule
        Bell schedule id (default: each building's default).
    day
        Day type (``regular``, ``testing``...).
    seed
        Seed of every random draw (same survey, arguments and seed give the same result).
    config
        Engine settings.
    progress
        Called with the fraction of the day done.
    inputs
        Occupancy and arrival rates per building, instead of :mod:`netplan.schedule` and
        :mod:`netplan.demand` (tests use this for hand-made days).

    Returns
    -------
    SimResult
        Tables and summary.

    Raises
    ------
    InputError
        If a schedule, day type or building is unknown.
    """
    from netplan.errors import InputError

    cfg = config or SimConfig()
    if cfg.buildings is not None:
        unknown = [b for b in cfg.buildings if b not in survey.buildings]
        if unknown:
            raise InputError.at(
                survey.root, "buildings", f"unknown building(s): {', '.join(unknown)}"
            )
    net = build_network(survey, cfg.buildings)
    bids = list(cfg.buildings or survey.buildings)
    if inputs is None:
        inputs = [day_inputs(survey, b, schedule=schedule, day=day, seed=seed) for b in bids]
    from netplan.demand import catalogue

    apps = list(catalogue().values())
    out = simulate_day(survey, net, inputs, apps, seed=seed, config=cfg, progress=progress)
    resources, flows, assoc, bells = _tables(out, cfg)
    summary = summarize(
        survey,
        out,
        resources,
        flows,
        assoc,
        bells,
        cfg,
        meta={"schedule": schedule, "day": day, "seed": seed},
    )
    return SimResult(resources, flows, assoc, bells, summary)


#: Headline metrics averaged over replications (path in the summary -> name).
_HEADLINE = (
    ("satisfaction", "bits_delivered_share"),
    ("satisfaction", "video_seconds_ok_share"),
    ("satisfaction", "elastic_completion_mean_s"),
    ("associations", "rejected"),
    ("associations", "auth_failures"),
    ("associations", "dhcp_failures"),
    ("district", "peak_utilization"),
)


def _ci(values: list[float]) -> dict[str, float]:
    from scipy import stats

    arr = np.asarray([v for v in values if v is not None and math.isfinite(v)], float)
    if not len(arr):
        return {"mean": float("nan"), "ci95": float("nan"), "n": 0}
    mean = float(arr.mean())
    if len(arr) < 2:
        return {"mean": mean, "ci95": float("nan"), "n": len(arr)}
    half = float(stats.t.ppf(0.975, len(arr) - 1) * arr.std(ddof=1) / math.sqrt(len(arr)))
    return {"mean": mean, "ci95": half, "low": mean - half, "high": mean + half, "n": len(arr)}


def run_replications(
    survey: Any,
    *,
    schedule: str | None = None,
    day: str = "regular",
    seed: int = 1,
    replications: int = 1,
    config: SimConfig | None = None,
    progress: Progress | None = None,
) -> ReplicatedResult:
    """Run ``replications`` seeds (``seed``, ``seed + 1``, ...) and summarise them.

    Returns
    -------
    ReplicatedResult
        Each run and the mean with a Student-t 95 % confidence interval of the headline
        metrics (satisfaction, video seconds without degradation, completion time,
        association failures, peak utilization) and of each ranked bottleneck's
        saturated minutes.
    """
    if replications < 1:
        raise ValueError("replications must be >= 1")
    runs: list[SimResult] = []
    for k in range(replications):

        def sub(f: float, k: int = k) -> None:
            if progress is not None:
                progress((k + f) / replications)

        runs.append(
            run_simulation(
                survey, schedule=schedule, day=day, seed=seed + k, config=config, progress=sub
            )
        )
    metrics: dict[str, Any] = {}
    for section, key in _HEADLINE:
        vals = [r.summary.get(section, {}).get(key) for r in runs]
        metrics[f"{section}.{key}"] = _ci([float(v) for v in vals if v is not None])
    sat: dict[str, list[float]] = {}
    for r in runs:
        for b in r.summary.get("bottlenecks", []):
            sat.setdefault(b["resource"], [])
    for res in sat:
        for r in runs:
            hit = [b for b in r.summary.get("bottlenecks", []) if b["resource"] == res]
            sat[res].append(float(hit[0]["saturated_minutes"]) if hit else 0.0)
    summary = dict(runs[0].summary)
    summary["replications"] = {
        "count": replications,
        "seeds": [seed + k for k in range(replications)],
        "metrics": metrics,
        "bottleneck_saturated_minutes": {k: _ci(v) for k, v in sat.items()},
    }
    return ReplicatedResult(runs, summary)


#: Callables ``hook(result, stage_dir) -> dict[name, Path]`` run by :func:`write_results`
#: after the tables and summary are staged (the HTML report registers itself here).
report_hooks: list[Callable[[SimResult | ReplicatedResult, Path], dict[str, Path]]] = []


def write_results(
    result: SimResult | ReplicatedResult, out_dir: str | Path, *, hooks: bool = True
) -> dict[str, Path]:
    """Write Parquet tables and ``summary.json`` into ``out_dir`` (all or nothing).

    With replications the tables hold every run, told apart by a ``replication`` column.
    Functions in :data:`report_hooks` then add their files (e.g. ``report.html``) to the
    same staged folder.

    Returns
    -------
    dict
        Name -> final path of each file written.
    """
    from netplan.outputs import staged_output

    out = Path(out_dir)
    runs = result.runs if isinstance(result, ReplicatedResult) else [result]
    written: dict[str, Path] = {}
    with staged_output(out) as stage:
        for name in ("resources", "flows", "associations", "bells"):
            frames = []
            for k, r in enumerate(runs):
                df = getattr(r, name)
                if len(runs) > 1:
                    df = df.assign(replication=k)
                frames.append(df)
            df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
            df.to_parquet(stage / f"{name}.parquet", index=False)
            written[name] = out / f"{name}.parquet"
        (stage / "summary.json").write_text(
            json.dumps(_jsonable(result.summary), indent=2, allow_nan=False) + "\n"
        )
        written["summary"] = out / "summary.json"
        if hooks:
            for hook in report_hooks:
                for label, made in hook(result, stage).items():
                    rel = Path(made).relative_to(stage) if Path(made).is_absolute() else made
                    written[label] = out / rel
    return written


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        v = float(x)
        return v if math.isfinite(v) else None
    if isinstance(x, np.bool_):
        return bool(x)
    return x
