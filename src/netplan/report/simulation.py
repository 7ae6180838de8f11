"""``report.html`` of a simulated school day: what the network engineer looks at.

Built from the simulation's public results only: the resource x minute table, flows,
association events, bells and the summary (see :mod:`netplan.sim.results`), either passed in
memory or read back from an output directory, so a report can be re-made from saved results.
With replications, the plots show the first run and the summary's confidence intervals are
quoted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors

from netplan.errors import InputError
from netplan.goals import INTERNET_MBPS_PER_STUDENT, WAN_MBPS_PER_USER
from netplan.report.document import Fact, ReportDocument, Section, fixed, percent
from netplan.report.figures import (
    PALETTE,
    RenderedFigure,
    new_figure,
    render_figure,
    report_style,
)
from netplan.report.timeaxis import clock, clock_axis, mark_bells

__all__ = [
    "AIRTIME_FLAG",
    "SATURATED",
    "SimulationTables",
    "ap_airtime",
    "app_satisfaction",
    "bottleneck_table",
    "build_simulation_report",
    "install_report_hook",
    "load_simulation_tables",
    "report_hook",
    "short_resource",
    "write_simulation_report",
]

#: Airtime utilization planners flag (Ekahau: above 70 %; docs/references.md "Wi-Fi radio facts").
AIRTIME_FLAG = 0.70
#: Utilization at which a resource counts as saturated (the simulation's ranking uses 95 %).
SATURATED = 0.95
#: Resource kind of Wi-Fi airtime rows (one per co-channel contention group of radios).
AIRTIME_KIND = "airtime"
#: Resource kinds plotted against capacity over the day, in plot order.
LINK_KINDS = ("isp", "filter", "core", "wan")
#: Bottleneck cause by resource kind, for rankings made here.
CAUSES = {
    "airtime": "airtime-bound",
    "ap-uplink": "uplink-bound",
    "switch-uplink": "uplink-bound",
    "wan": "WAN-bound",
    "core": "WAN-bound",
    "filter": "filter-bound",
    "isp": "ISP-bound",
}

_RESOURCE_COLUMNS = ("resource", "kind", "building", "minute", "carried_mbps", "utilization")
_FLOW_COLUMNS = (
    "app",
    "kind",
    "start_s",
    "end_s",
    "asked_mb",
    "delivered_mb",
    "degraded_s",
    "completion_s",
)


@dataclass(frozen=True)
class SimulationTables:
    """The results a report is made from.

    Parameters
    ----------
    resources
        Resource x minute table (``minute`` = minutes after midnight).
    summary
        The run's summary (``summary.json``).
    flows
        One row per flow (optional).
    associations
        Association, 802.1X and DHCP events (optional).
    bells
        ``building, time_s, label`` (may be empty).
    """

    resources: pd.DataFrame
    summary: Mapping[str, Any]
    flows: pd.DataFrame | None = None
    associations: pd.DataFrame | None = None
    bells: pd.DataFrame | None = None

    def bells_for(self, building: str | None) -> list[float]:
        """Bell times in minutes after midnight (all buildings' when ``building`` is None)."""
        b = self.bells
        if b is None or len(b) == 0:
            return []
        rows = b if building is None else b[b["building"] == building]
        return sorted({float(t) / 60.0 for t in rows["time_s"]})

    @property
    def end_s(self) -> float:
        """End of the simulated window, seconds after midnight."""
        return float(self.resources["minute"].max() + 1) * 60.0


# --- loading ------------------------------------------------------------------------------


def _first_run(df: pd.DataFrame | None) -> pd.DataFrame | None:
    if df is not None and "replication" in df.columns:
        first: pd.DataFrame = df[df["replication"] == df["replication"].min()]
        return first.drop(columns="replication")
    return df


def _read_parquet(path: Path, columns: Sequence[str] | None = None) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        if columns is not None:
            import pyarrow.parquet as pq

            have = set(pq.read_schema(path).names)
            cols = [c for c in (*columns, "replication") if c in have]
            frame: pd.DataFrame = pd.read_parquet(path, columns=cols)
        else:
            frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError.at(path, "-", f"cannot read results table: {exc}") from exc
    return frame


def load_simulation_tables(source: object) -> SimulationTables:
    """Gather the tables of a simulation run.

    Parameters
    ----------
    source
        An output directory of ``netplan simulate`` (``resources.parquet``, ``summary.json``
        and optionally ``flows``, ``associations``, ``bells``), or a result object with
        ``resources``, ``summary`` (and ``flows``, ``associations``, ``bells``) attributes,
        or one with ``runs`` (replications) and ``summary``.

    Returns
    -------
    SimulationTables

    Raises
    ------
    InputError
        A directory without the resource table or summary, or a table missing columns.
    """
    if isinstance(source, (str, Path)):
        root = Path(source)
        resources = _read_parquet(root / "resources.parquet")
        if resources is None:
            raise InputError.at(root, "resources.parquet", "simulation results not found")
        summary_path = root / "summary.json"
        if not summary_path.exists():
            raise InputError.at(root, "summary.json", "simulation summary not found")
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError.at(summary_path, "-", f"cannot read summary: {exc}") from exc
        flows = _read_parquet(root / "flows.parquet", _FLOW_COLUMNS)
        associations = _read_parquet(root / "associations.parquet")
        bells = _read_parquet(root / "bells.parquet")
    else:
        summary = getattr(source, "summary", None)
        runs = getattr(source, "runs", None)
        run = runs[0] if isinstance(runs, list) and runs else source
        resources = getattr(run, "resources", None)
        if not isinstance(resources, pd.DataFrame) or not isinstance(summary, Mapping):
            raise TypeError("expected an output directory or a result with resources and summary")
        flows = getattr(run, "flows", None)
        associations = getattr(run, "associations", None)
        bells = getattr(run, "bells", None)
    resources = _first_run(resources)
    assert resources is not None
    missing = [c for c in _RESOURCE_COLUMNS if c not in resources.columns]
    if missing:
        raise InputError.at("resources", "columns", f"missing {', '.join(missing)}")
    return SimulationTables(
        resources=resources,
        summary=summary,
        flows=_first_run(flows) if isinstance(flows, pd.DataFrame) else None,
        associations=_first_run(associations) if isinstance(associations, pd.DataFrame) else None,
        bells=_first_run(bells) if isinstance(bells, pd.DataFrame) else None,
    )


# --- derived tables -----------------------------------------------------------------------


def _members(resource: str) -> list[str]:
    """Radios of an airtime row: ``air:AP/RADIO,AP/RADIO,...`` -> [``AP/RADIO``, ...]."""
    body = resource.split(":", 1)[1] if resource.startswith("air:") else resource
    return [m for m in body.split(",") if m]


def ap_airtime(resources: pd.DataFrame) -> pd.DataFrame:
    """Airtime utilization per access point and minute.

    Airtime rows are co-channel contention groups of radios; a radio is as busy as the
    busiest group it belongs to, and an AP as its busiest radio.

    Returns
    -------
    pandas.DataFrame
        ``building, ap, minute, utilization``.
    """
    air = resources[resources["kind"] == AIRTIME_KIND]
    if len(air) == 0:
        return pd.DataFrame(columns=["building", "ap", "minute", "utilization"])
    # Work on category codes: the table has a row per group and minute, the ids are few.
    resource = air["resource"].astype("category")
    pairs = [
        (code, member.split("/")[0])
        for code, rid in enumerate(resource.cat.categories)
        for member in _members(str(rid))
    ]
    members = pd.DataFrame(pairs, columns=["code", "ap"]).drop_duplicates()
    cols = pd.DataFrame(
        {
            "code": resource.cat.codes.to_numpy(),
            "building": np.asarray(air["building"], dtype=object),
            "minute": air["minute"].to_numpy(),
            "utilization": air["utilization"].to_numpy(),
        }
    )
    joined = cols.merge(members, on="code", how="inner")
    out = joined.groupby(["building", "ap", "minute"], sort=True)["utilization"].max().reset_index()
    out["building"] = out["building"].map(str)
    return out


def short_resource(resource: str, limit: int = 2) -> str:
    if resource.startswith("air:"):
        radios = _members(resource)
        more = f" +{len(radios) - limit} more" if len(radios) > limit else ""
        return f"channel group {', '.join(radios[:limit])}{more}"
    return resource


def _cause(kind: str, row: Mapping[Any, Any]) -> str:
    when = clock(float(row["worst_minute"]))
    if kind == AIRTIME_KIND:
        return (
            f"airtime {row['peak_utilization']:.0%} at {when}; above {AIRTIME_FLAG:.0%} for "
            f"{int(row['minutes_flagged'])} min"
        )
    unmet = float(row.get("unmet_gb", 0.0) or 0.0)
    unmet_txt = f", {unmet:.1f} GB of demand delayed" if unmet > 0.005 else ""
    return (
        f"{CAUSES.get(kind, kind)}: {row['peak_utilization']:.0%} of capacity at {when}; "
        f"saturated {int(row['minutes_saturated'])} min{unmet_txt}"
    )


_BOTTLENECK_COLUMNS = [
    "rank",
    "resource",
    "kind",
    "building",
    "peak_utilization",
    "worst_time",
    "minutes_flagged",
    "minutes_saturated",
    "unmet_gb",
    "cause",
]


def bottleneck_table(resources: pd.DataFrame, *, top: int = 15) -> pd.DataFrame:
    """Rank resources by how long and how hard they limited the day.

    Order: minutes at or above the flag level (70 % for airtime, 95 % otherwise), then peak
    utilization, then delayed demand. Resources that never reached 50 % are left out.

    Returns
    -------
    pandas.DataFrame
        ``rank, resource, kind, building, peak_utilization, worst_time, minutes_flagged,
        minutes_saturated, unmet_gb, cause``.
    """
    res = resources
    if len(res) == 0:
        return pd.DataFrame(columns=_BOTTLENECK_COLUMNS)
    keys = ["resource", "kind", "building", "minute"]
    agg: dict[str, str] = {"utilization": "max", "carried_mbps": "sum"}
    if "offered_mbps" in res.columns:
        agg["offered_mbps"] = "sum"
    per = (
        res.assign(
            **{k: np.asarray(res[k], dtype=object) for k in ("resource", "kind", "building")}
        )
        .groupby(keys, sort=True)
        .agg(agg)
        .reset_index()
    )
    airtime = per["kind"] == AIRTIME_KIND
    per["flagged"] = np.where(
        airtime, per["utilization"] >= AIRTIME_FLAG, per["utilization"] >= SATURATED
    )
    per["saturated"] = per["utilization"] >= SATURATED
    if "offered_mbps" in per.columns:
        # Mbps over one minute -> GB: x 60 s / 8 bit per byte / 1000 MB per GB.
        per["unmet_gb"] = (per["offered_mbps"] - per["carried_mbps"]).clip(lower=0) * 60 / 8e3
        per.loc[airtime, "unmet_gb"] = 0.0
    else:
        per["unmet_gb"] = 0.0
    worst = per.loc[per.groupby("resource")["utilization"].idxmax()].set_index("resource")
    ranked = per.groupby("resource").agg(
        kind=("kind", "first"),
        building=("building", "first"),
        peak_utilization=("utilization", "max"),
        minutes_flagged=("flagged", "sum"),
        minutes_saturated=("saturated", "sum"),
        unmet_gb=("unmet_gb", "sum"),
    )
    ranked["worst_minute"] = worst["minute"]
    ranked = ranked.reset_index()
    ranked = ranked[ranked["peak_utilization"] >= 0.5]
    ranked = ranked.sort_values(
        ["minutes_flagged", "peak_utilization", "unmet_gb", "resource"],
        ascending=[False, False, False, True],
        kind="stable",
    ).head(top)
    ranked["cause"] = [_cause(str(r["kind"]), r) for r in ranked.to_dict("records")]
    ranked["worst_time"] = [clock(float(m)) for m in ranked["worst_minute"]]
    ranked["resource"] = [short_resource(str(r)) for r in ranked["resource"]]
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    return ranked[_BOTTLENECK_COLUMNS].reset_index(drop=True)


def app_satisfaction(flows: pd.DataFrame, *, end_s: float) -> pd.DataFrame:
    """Per application: flows, share of asked data delivered, stream seconds without
    degradation, and transfer completion times.

    Parameters
    ----------
    flows
        The flow table.
    end_s
        End of the simulated window (streams still running are cut there).

    Returns
    -------
    pandas.DataFrame
        ``application, kind, flows, delivered_share, ok_seconds_share, completion_p95_s``,
        worst delivered share first.
    """
    f = flows
    start = f["start_s"].to_numpy(dtype=float)
    end = f["end_s"].to_numpy(dtype=float)
    cut = np.minimum(np.where(np.isfinite(end), end, end_s), end_s)
    stream = np.asarray(f["kind"] == "stream", dtype=bool)
    frame = pd.DataFrame(
        {
            "application": np.asarray(f["app"], dtype=object),
            "stream": stream,
            "asked": f["asked_mb"].to_numpy(dtype=float),
            "delivered": np.nan_to_num(f["delivered_mb"].to_numpy(dtype=float)),
            "seconds": np.where(stream, np.maximum(cut - start, 0.0), 0.0),
            "degraded": np.where(stream, np.nan_to_num(f["degraded_s"].to_numpy(dtype=float)), 0.0),
            "completion": f["completion_s"].to_numpy(dtype=float),
        }
    )
    frame["degraded"] = np.minimum(frame["degraded"], frame["seconds"])
    rows = []
    for app, g in frame.groupby("application", sort=True):
        is_stream = bool(g["stream"].mean() >= 0.5)
        asked = float(g["asked"].sum())
        secs = float(g["seconds"].sum())
        comp = g["completion"].dropna()
        rows.append(
            {
                "application": str(app),
                "kind": "stream" if is_stream else "transfer",
                "flows": len(g),
                "delivered_share": float(g["delivered"].sum()) / asked if asked > 0 else 1.0,
                "ok_seconds_share": 1.0 - float(g["degraded"].sum()) / secs
                if is_stream and secs > 0
                else np.nan,
                "completion_p95_s": float(np.percentile(comp, 95))
                if not is_stream and len(comp)
                else np.nan,
            }
        )
    out = pd.DataFrame(rows)
    if len(out) == 0:
        return out
    return out.sort_values(["delivered_share", "application"], kind="stable").reset_index(drop=True)


def association_table(associations: pd.DataFrame) -> pd.DataFrame:
    """Association, 802.1X and DHCP event counts by building."""
    a = associations.assign(
        building=associations["building"].astype(str), event=associations["event"].astype(str)
    )
    t = a.pivot_table(
        index="building", columns="event", values="count", aggfunc="sum", fill_value=0
    )
    order = ["associate", "reject", "auth", "auth-timeout", "auth-fail", "dhcp-fail"]
    t = t.reindex(
        columns=[c for c in order if c in t.columns]
        + sorted(c for c in t.columns if c not in order),
        fill_value=0,
    )
    t.columns.name = None
    return t.reset_index().astype({c: np.int64 for c in t.columns})


# --- figures ------------------------------------------------------------------------------


def _airtime_heatmap(
    tables: SimulationTables, aps: pd.DataFrame, building: str, name: str
) -> RenderedFigure:
    sub = aps[aps["building"] == building]
    grid = sub.pivot_table(index="ap", columns="minute", values="utilization", aggfunc="max")
    grid = grid.sort_index()
    lo, hi = int(tables.resources["minute"].min()), int(tables.resources["minute"].max())
    full = np.arange(lo, hi + 1)
    grid = grid.reindex(columns=full)
    n_ap = len(grid)
    fig = new_figure(11.0, min(9.0, max(2.6, 1.1 + 0.11 * n_ap)))
    ax = fig.add_subplot()
    cmap = mcolors.LinearSegmentedColormap.from_list(
        "airtime", ["#f7fbff", "#c6dbef", "#6baed6", "#fd8d3c", "#d94801", "#7f2704"]
    ).with_extremes(bad="#eeeeee")
    image = ax.imshow(
        grid.to_numpy(dtype=float),
        aspect="auto",
        interpolation="nearest",
        cmap=cmap,
        vmin=0.0,
        vmax=1.0,
        extent=(lo - 0.5, hi + 0.5, n_ap - 0.5, -0.5),
    )
    ax.grid(False)
    step = max(1, math.ceil(n_ap / 40))
    ax.set_yticks(range(0, n_ap, step))
    ax.set_yticklabels([str(a) for a in grid.index[::step]], fontsize=7 if n_ap > 25 else 8)
    clock_axis(ax, lo - 0.5, hi + 0.5)
    mark_bells(ax, tables.bells_for(building))
    cbar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
    cbar.set_label("airtime utilization")
    cbar.ax.axhline(AIRTIME_FLAG, color="black", linewidth=1.2)
    peak = float(sub["utilization"].max()) if len(sub) else 0.0
    ax.set_title(
        f"{building}: airtime of each access point (peak {peak:.0%})",
        loc="left",
        fontsize=11,
        pad=14,
    )
    return render_figure(
        fig,
        name=name,
        caption=f"Airtime utilization of each access point in {building}, minute by minute "
        f"(its busiest radio's co-channel group); dashed lines are bells. The line on the "
        f"colour bar is the {AIRTIME_FLAG:.0%} level planners flag.",
    )


def link_key(res: pd.DataFrame) -> pd.Series:
    """One key per physical link: the resource id without its ``/down`` or ``/up`` suffix."""
    ids = np.asarray(res["resource"], dtype=object)
    dirs = (
        np.asarray(res["direction"], dtype=object)
        if "direction" in res
        else np.full(len(ids), "", dtype=object)
    )
    # Few distinct (resource, direction) pairs: work them out once each.
    keys = {
        (r, d): str(r).removesuffix("/" + str(d)) if d else str(r)
        for r, d in set(zip(ids, dirs, strict=True))
    }
    return pd.Series([keys[k] for k in zip(ids, dirs, strict=True)], index=res.index, dtype=object)


def link_resources(res: pd.DataFrame) -> list[str]:
    """Links plotted against capacity (ISP, filter, busy core, WAN), in plot order."""
    links = res[res["kind"].isin(LINK_KINDS)]
    if len(links) == 0:
        return []
    key = link_key(links)
    first = links.groupby(key)["kind"].first().map(str)
    peak = links.groupby(key)["utilization"].max()
    order = {k: i for i, k in enumerate(LINK_KINDS)}
    # The core is plotted only when it carries a noticeable share of its capacity.
    keep = [r for r in first.index if first[r] != "core" or peak[r] >= 0.05]
    return sorted(keep, key=lambda r: (order.get(first[r], 9), r))


def _link_plot(tables: SimulationTables, name: str) -> RenderedFigure | None:
    res = tables.resources
    ids = link_resources(res)
    if not ids:
        return None
    n = len(ids)
    ncols = 2 if n > 3 else 1
    nrows = math.ceil(n / ncols)
    fig = new_figure(11.0, 2.2 * nrows + 0.7)
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    lo, hi = float(res["minute"].min()), float(res["minute"].max())
    colours = {"down": PALETTE[0], "up": PALETTE[1], "both": PALETTE[2]}
    keys = link_key(res)
    for ax, rid in zip(axes, ids, strict=False):
        sub = res[keys == rid].sort_values("minute")
        for direction, g in sub.groupby(sub["direction"].map(str), sort=True):
            colour = colours.get(direction, PALETTE[3])
            ax.plot(
                g["minute"],
                g["carried_mbps"],
                color=colour,
                linewidth=1.2,
                label=f"carried {direction}",
            )
            if "offered_mbps" in g.columns:
                ax.plot(
                    g["minute"],
                    g["offered_mbps"],
                    color=colour,
                    linewidth=0.8,
                    linestyle=":",
                    label=f"offered {direction}",
                )
            if "capacity_mbps" in g.columns and g["capacity_mbps"].notna().any():
                ax.plot(
                    g["minute"],
                    g["capacity_mbps"],
                    color=colour,
                    linewidth=1.0,
                    linestyle="--",
                    alpha=0.8,
                    label=f"capacity {direction}",
                )
        building = str(sub["building"].iloc[0])
        kind = str(sub["kind"].iloc[0])
        peak = float(sub["utilization"].max())
        ax.set_title(f"{rid} ({kind}, peak {peak:.0%})", loc="left", fontsize=10, pad=12)
        ax.set_ylabel("Mbps")
        ax.set_ylim(bottom=0)
        clock_axis(ax, lo, hi)
        if building == "district":
            # District links serve every building: bells only as markers above the axes.
            mark_bells(ax, tables.bells_for(None), lines=False)
        else:
            mark_bells(ax, tables.bells_for(building), label=False)
    for ax in axes[n:]:
        ax.set_visible(False)
    seen: dict[str, Any] = {}
    for ax in axes[:n]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(lab, h)
    fig.legend(
        list(seen.values()),
        list(seen),
        loc="outside upper right",
        ncols=min(len(seen), 7),
        fontsize=8,
        frameon=False,
    )
    return render_figure(
        fig,
        name=name,
        caption="Traffic carried (solid) and offered (dotted) on the ISP circuit, content "
        "filter and each building's WAN link against capacity (dashed), minute by minute; "
        "dashed grey lines are the building's bells (markers above district-wide links: "
        "every building's bells).",
    )


def _satisfaction_plot(table: pd.DataFrame, name: str) -> RenderedFigure:
    fig = new_figure(9.0, 0.9 + 0.34 * len(table))
    ax = fig.add_subplot()
    y = np.arange(len(table))
    stream = (table["kind"] == "stream").to_numpy()
    value = np.where(stream, table["ok_seconds_share"], table["delivered_share"]).astype(float)
    ax.barh(y, value, color=[PALETTE[2] if v >= 0.99 else PALETTE[3] for v in value])
    ax.set_yticks(y)
    ax.set_yticklabels(table["application"])
    lo = min(0.9, float(np.nanmin(value)) - 0.02) if len(value) else 0.9
    lo = max(0.0, math.floor(lo * 20) / 20)
    ax.set_xlim(lo, 1.0)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_xlabel(
        "streams: seconds without degradation; transfers: share of data delivered "
        f"(axis from {lo:.0%})"
    )
    for yi, v, n in zip(y, value, table["flows"], strict=True):
        ax.text(
            lo + (1 - lo) * 0.01,
            float(yi),
            f"{v:.2%} of {int(n):,} flows",
            va="center",
            ha="left",
            fontsize=8,
            color="white",
            fontweight="bold",
        )
    return render_figure(
        fig,
        name=name,
        caption="How well each application was served: for streams (video, calls) the share "
        "of seconds at or above their minimum rate; for transfers the share of the data asked "
        "for that was delivered within the day. Green: 99 % or better.",
    )


def _association_plot(tables: SimulationTables, name: str) -> RenderedFigure | None:
    a = tables.associations
    if a is None or len(a) == 0 or "time_s" not in a.columns:
        return None
    a = a.assign(event=a["event"].astype(str), minute=(a["time_s"] // 60).astype(int))
    per = a.pivot_table(
        index="minute", columns="event", values="count", aggfunc="sum", fill_value=0
    )
    fig = new_figure(11.0, 3.2)
    ax = fig.add_subplot()
    lo, hi = float(tables.resources["minute"].min()), float(tables.resources["minute"].max())
    if "associate" in per.columns:
        ax.bar(per.index, per["associate"], width=1.0, color=PALETTE[0], label="associations")
    fails = [c for c in ("reject", "auth-timeout", "auth-fail", "dhcp-fail") if c in per.columns]
    for i, c in enumerate(fails):
        hit = per[c] > 0
        ax.plot(
            per.index[hit], per.loc[hit, c], "o", markersize=3.5, color=PALETTE[3 + i % 4], label=c
        )
    ax.set_ylabel("events per minute")
    clock_axis(ax, lo, hi)
    mark_bells(ax, tables.bells_for(None), label=False)
    ax.legend(fontsize=8, loc="upper right", ncols=len(fails) + 1)
    return render_figure(
        fig,
        name=name,
        caption="Associations per minute across the district (bars) and failed steps "
        "(points: rejected associations, 802.1X timeouts and failures, DHCP failures); "
        "dashed lines are bells.",
    )


# --- sections -----------------------------------------------------------------------------


def _num(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _overview(sec: Section, tables: SimulationTables, aps: pd.DataFrame) -> None:
    s = tables.summary
    run = s.get("run", {})
    res = tables.resources
    simulated = sorted({str(b) for b in res["building"].unique()} - {"district"})
    # Goal figures cover every building of the survey; keep the simulated ones.
    rows = [
        b for b in s.get("goals", {}).get("buildings", []) if str(b.get("building")) in simulated
    ]
    facts: list[Fact] = [Fact("buildings simulated", f"{len(simulated):,}")]
    for value, label in (
        (sum(int(b.get("students") or 0) for b in rows), "students"),
        (sum(int(b.get("aps") or 0) for b in rows), "access points"),
        (run.get("sessions"), "sessions"),
    ):
        if isinstance(value, (int, float)) and value:
            facts.append(Fact(label, f"{int(value):,}"))
    lo, hi = float(res["minute"].min()), float(res["minute"].max()) + 1
    facts.append(Fact("simulated", f"{clock(lo)}–{clock(hi)}"))
    if len(aps):
        peak = float(aps["utilization"].max())
        facts.append(
            Fact("peak AP airtime", f"{peak:.0%}", "bad" if peak > AIRTIME_FLAG else "good")
        )
    isp = res[res["kind"] == "isp"]
    if len(isp):
        peak = float(isp["utilization"].max())
        facts.append(
            Fact("peak ISP utilization", f"{peak:.0%}", "bad" if peak >= SATURATED else "good")
        )
    sec.facts(facts)
    parts = [f"{k} {run[k]}" for k in ("day", "schedule", "seed", "fairness") if run.get(k)]
    reps = s.get("replications") or {}
    if int(reps.get("count", 1) or 1) > 1:
        parts.append(f"{reps['count']} replications (plots show the first)")
    if parts:
        sec.paragraph("Run: " + ", ".join(parts) + ".", note=True)
    table: list[dict[str, Any]] = []
    uplinks = (
        res[(res["kind"] == "ap-uplink") & (res["direction"] != "up")]
        if "direction" in res
        else res[0:0]
    )
    for b in rows:
        bid = str(b.get("building"))
        a = aps[aps["building"] == bid]
        w = res[(res["kind"] == "wan") & (res["building"] == bid)]
        u = uplinks[uplinks["building"] == bid]
        table.append(
            {
                "building": bid,
                "name": b.get("name", ""),
                "students": b.get("students"),
                "APs": b.get("aps"),
                "peak clients": float(u.groupby("minute")["clients"].sum().max())
                if len(u) and "clients" in u
                else np.nan,
                "peak AP airtime": float(a["utilization"].max()) if len(a) else np.nan,
                f"APs over {AIRTIME_FLAG:.0%}": int(
                    a.loc[a["utilization"] >= AIRTIME_FLAG, "ap"].nunique()
                ),
                "peak WAN": float(w["utilization"].max()) if len(w) else np.nan,
            }
        )
    if table:
        sec.table(
            pd.DataFrame(table),
            caption="Buildings",
            formats={"peak AP airtime": percent(), "peak WAN": percent()},
        )


def _bottlenecks(sec: Section, tables: SimulationTables) -> None:
    bns = tables.summary.get("bottlenecks")
    if bns:
        frame = pd.DataFrame(
            [
                {
                    "rank": i + 1,
                    "resource": short_resource(str(b.get("resource", ""))),
                    "building": b.get("building"),
                    "cause": b.get("cause"),
                    "minutes saturated": b.get("saturated_minutes"),
                    "peak": b.get("peak_utilization"),
                    "at": b.get("peak_time"),
                    "during": b.get("peak_interval"),
                    "when": ", ".join(b.get("windows", [])[:3]),
                }
                for i, b in enumerate(bns)
            ]
        )
        sec.table(
            frame,
            caption=f"Resources ranked by minutes at or above {SATURATED:.0%} "
            "utilization (from the simulation)",
            formats={"peak": percent()},
        )
    else:
        sec.paragraph(f"No resource reached {SATURATED:.0%} utilization in any minute.")
    ranked = bottleneck_table(tables.resources, top=10)
    if len(ranked):
        sec.table(
            ranked.drop(columns=["kind"]),
            caption=f"Closest to their limits: minutes above the flag level ({AIRTIME_FLAG:.0%} "
            f"airtime, {SATURATED:.0%} links), then peak",
            formats={"peak_utilization": percent(), "unmet_gb": fixed(2)},
        )
    else:
        sec.paragraph("No resource reached 50 % utilization.", note=True)


def _sessions(sec: Section, tables: SimulationTables) -> None:
    s = tables.summary
    sat = s.get("satisfaction", {})
    asc = s.get("associations", {})
    reps = (s.get("replications") or {}).get("metrics", {})

    def ci(key: str) -> str:
        m = reps.get(key)
        if not m or not m.get("n") or m.get("n", 0) < 2 or m.get("ci95") is None:
            return ""
        half = _num(m.get("ci95"))
        return "" if math.isnan(half) else f" ± {half:.2%}"

    facts = []
    for key, label in (
        ("bits_delivered_share", "of data delivered"),
        ("video_seconds_ok_share", "video seconds without degradation"),
    ):
        v = _num(sat.get(key))
        if not math.isnan(v):
            facts.append(
                Fact(label, f"{v:.2%}{ci('satisfaction.' + key)}", "good" if v >= 0.99 else "bad")
            )
    blocked = sat.get("sessions_blocked")
    if blocked is not None:
        facts.append(
            Fact(
                "sessions of devices off the network",
                f"{int(blocked):,}",
                "bad" if blocked else "good",
            )
        )
    for key, label in (
        ("associations", "associations"),
        ("rejected", "rejected"),
        ("auth_timeouts", "802.1X timeouts"),
        ("auth_failures", "802.1X failures"),
        ("dhcp_failures", "DHCP failures"),
    ):
        if key in asc:
            tone = "" if key == "associations" else ("bad" if asc[key] else "good")
            facts.append(Fact(label, f"{int(asc[key]):,}", tone))
    if facts:
        sec.facts(facts)
    if tables.flows is not None and len(tables.flows):
        apps = app_satisfaction(tables.flows, end_s=tables.end_s)
        if len(apps):
            sec.figure(_satisfaction_plot(apps, "satisfaction"))
            sec.table(
                apps,
                caption="By application",
                formats={
                    "delivered_share": percent(2),
                    "ok_seconds_share": percent(2),
                    "completion_p95_s": fixed(1),
                },
            )
    else:
        sec.paragraph("The per-flow table was not kept for this run.", note=True)
    fig = _association_plot(tables, "associations")
    if fig is not None:
        sec.figure(fig)
    if tables.associations is not None and len(tables.associations):
        sec.table(
            association_table(tables.associations),
            caption="Association, 802.1X and DHCP events by building",
        )


def _goals(sec: Section, tables: SimulationTables) -> None:
    g = tables.summary.get("goals", {})
    res = tables.resources
    rows = []
    d = g.get("district")
    if d:
        students = _num(d.get("students"))
        isp = res[(res["kind"] == "isp") & (res["direction"] != "up")]
        peak = float(isp["carried_mbps"].max()) if len(isp) else math.nan
        have = _num(d.get("internet_mbps_per_student"))
        goal = _num(d.get("internet_goal_mbps_per_student", INTERNET_MBPS_PER_STUDENT))
        rows.append(
            {
                "goal": "Internet access, 1 Mbps per student (SETDA / FCC 14-99, 2017-18; "
                "EducationSuperHighway)",
                "scope": "district",
                "capacity per user (Mbps)": have,
                "goal (Mbps)": goal,
                "ratio": have / goal if goal else math.nan,
                "meets": bool(d.get("internet_meets_goal", have >= goal)),
                "peak used per user (Mbps)": peak / students if students else math.nan,
            }
        )
    simulated = {str(b) for b in res["building"].unique()}
    for b in g.get("buildings", []):
        bid = str(b.get("building"))
        if bid not in simulated:
            continue
        users = _num(b.get("students")) + _num(b.get("staff", 0))
        wan = res[(res["kind"] == "wan") & (res["building"] == bid) & (res["direction"] != "up")]
        peak = float(wan["carried_mbps"].max()) if len(wan) else math.nan
        have = _num(b.get("wan_mbps_per_user"))
        goal = _num(b.get("wan_goal_mbps_per_user", WAN_MBPS_PER_USER))
        rows.append(
            {
                "goal": "WAN, 10 Mbps per user (FCC 14-99: 10 Gbps per 1,000)",
                "scope": bid,
                "capacity per user (Mbps)": have,
                "goal (Mbps)": goal,
                "ratio": have / goal if goal else math.nan,
                "meets": bool(b.get("wan_meets_goal", have >= goal)),
                "peak used per user (Mbps)": peak / users if users else math.nan,
            }
        )
    if rows:
        sec.table(
            pd.DataFrame(rows),
            caption="Capacity per user against the K-12 goals (ratio 1 or more meets it)",
            formats={
                "capacity per user (Mbps)": fixed(2),
                "goal (Mbps)": fixed(1),
                "ratio": fixed(2),
                "peak used per user (Mbps)": fixed(3),
            },
        )
    else:
        sec.paragraph("The summary carries no goal figures.", note=True)


def build_simulation_report(
    tables: SimulationTables, *, title: str | None = None
) -> ReportDocument:
    """Assemble the report document (see :func:`write_simulation_report`)."""
    s = tables.summary
    district = s.get("run", {}).get("district") or s.get("district") or "District"
    if not isinstance(district, str):
        district = "District"
    doc = ReportDocument(
        title or f"{district}: simulated school day",
        subtitle="Network load over a simulated school day: Wi-Fi airtime, building WAN and "
        "ISP, with bells marked; bottlenecks and their causes; how users fared.",
        footer="netplan simulation report. Goals: SETDA/FCC 14-99 and EducationSuperHighway "
        "(1 Mbps per student internet, 10 Mbps per user WAN). Airtime flag 70 % (Ekahau). "
        "This page loads nothing from the network; each plot is also saved as a PNG in "
        "figures/.",
    )
    aps = ap_airtime(tables.resources)
    with report_style():
        _overview(doc.section("District overview"), tables, aps)
        _bottlenecks(doc.section("Bottlenecks"), tables)
        sec = doc.section("Wi-Fi airtime by access point")
        buildings = sorted(aps["building"].unique()) if len(aps) else []
        for i, b in enumerate(buildings):
            sec.figure(_airtime_heatmap(tables, aps, str(b), f"airtime-{i + 1:02d}-{b}"))
        if not buildings:
            sec.paragraph("These results carry no airtime rows.", note=True)
        sec = doc.section("WAN and ISP over the day")
        fig = _link_plot(tables, "wan-isp-utilization")
        if fig is not None:
            sec.figure(fig)
        else:
            sec.paragraph("These results carry no WAN or ISP rows.", note=True)
        _sessions(doc.section("Satisfaction and failures"), tables)
        _goals(doc.section("K-12 bandwidth goals"), tables)
    return doc


def write_simulation_report(
    result_or_out_dir: object, out_dir: str | Path | None = None, *, title: str | None = None
) -> Path:
    """Write ``report.html`` (self-contained) and ``figures/*.png`` for a simulation run.

    Parameters
    ----------
    result_or_out_dir
        The simulation result (``SimResult`` or ``ReplicatedResult``) or the directory its
        tables were written to.
    out_dir
        Where to write; default: ``result_or_out_dir`` when that is a directory.
    title
        Page title (default: the district name from the summary).

    Returns
    -------
    Path
        The ``report.html`` written.
    """
    if out_dir is None:
        if not isinstance(result_or_out_dir, (str, Path)):
            raise TypeError("out_dir is required when a result object is given")
        out_dir = result_or_out_dir
    tables = load_simulation_tables(result_or_out_dir)
    return build_simulation_report(tables, title=title).write(out_dir)


def report_hook(result: object, stage: Path) -> dict[str, Path]:
    """Hook for :data:`netplan.sim.results.report_hooks`: add the report to a results folder.

    Returns
    -------
    dict
        ``report`` (``<stage>/report.html``) and ``report figures`` (``<stage>/figures``).
    """
    page = write_simulation_report(result, stage)
    return {"report": page, "report figures": page.parent / "figures"}


def install_report_hook() -> None:
    """Make :func:`netplan.sim.write_results` add ``report.html`` to every results folder.

    Idempotent; called by ``netplan simulate`` (and anything else that wants the report).
    """
    from netplan.sim import report_hooks

    if report_hook not in report_hooks:
        report_hooks.append(report_hook)
