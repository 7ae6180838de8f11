"""``report.html`` of a simulated school day: what the network engineer looks at.

Built from the simulation's public results only (the resource x minute table, flows,
association events and ``summary.json``), either passed in memory or read back from the
output directory, so the report can be re-made from saved results.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors

from netplan.errors import InputError
from netplan.goals import INTERNET_MBPS_PER_STUDENT, WAN_MBPS_PER_USER
from netplan.report.document import Fact, ReportDocument, Section, fixed, percent
from netplan.report.figures import PALETTE, new_figure, render_figure, report_style
from netplan.report.timeaxis import clock, clock_axis, mark_bells

__all__ = [
    "AIRTIME_FLAG",
    "SimulationTables",
    "bottleneck_table",
    "load_simulation_tables",
    "write_simulation_report",
]

#: Airtime utilization planners flag (Ekahau: above 70 %; REFERENCE.md "Wi-Fi radio facts").
AIRTIME_FLAG = 0.70

#: Utilization at which a wired link counts as saturated for the bottleneck ranking.
SATURATED = 0.95

#: Resource kinds that are Wi-Fi airtime (one row per AP or radio).
AIRTIME_KINDS = ("ap", "radio", "airtime", "ap-airtime")
#: Resource kinds plotted against capacity over the day.
WAN_KINDS = ("wan", "isp", "filter", "core")

_RESOURCE_COLUMNS = ("resource", "kind", "minute", "carried_mbps", "capacity_mbps", "utilization")


@dataclass(frozen=True)
class SimulationTables:
    """The simulation results a report is made from.

    Parameters
    ----------
    resources
        Resource x minute table: ``resource, kind, building, minute, direction,
        offered_mbps, carried_mbps, capacity_mbps, utilization, clients``; ``minute`` is
        minutes after midnight.
    flows
        One row per session (optional).
    associations
        Association, authentication and DHCP events (optional).
    summary
        The run's ``summary.json``.
    bells
        Bell times by building, minutes after midnight (``"*"`` for all buildings).
    """

    resources: pd.DataFrame
    summary: Mapping[str, Any]
    flows: pd.DataFrame | None = None
    associations: pd.DataFrame | None = None
    bells: Mapping[str, Sequence[float]] = field(default_factory=dict)

    def bells_for(self, building: str | None) -> list[float]:
        """Bell times of ``building`` (all buildings' when ``None``)."""
        if building is None:
            out: set[float] = set()
            for times in self.bells.values():
                out.update(float(t) for t in times)
            return sorted(out)
        return sorted({*map(float, self.bells.get(building, ())), *self.bells.get("*", ())})


def _bells_from_summary(summary: Mapping[str, Any]) -> dict[str, list[float]]:
    raw = summary.get("bell_times") or summary.get("bells") or {}
    out: dict[str, list[float]] = {}
    if isinstance(raw, Mapping):
        for building, times in raw.items():
            out[str(building)] = [float(t) / 60.0 for t in times]
    elif isinstance(raw, Sequence):
        out["*"] = [float(t) / 60.0 for t in raw]
    return out


def _read_table(path: Path) -> pd.DataFrame | None:
    for candidate in (path.with_suffix(".parquet"), path.with_suffix(".csv")):
        if candidate.exists():
            try:
                if candidate.suffix == ".parquet":
                    return pd.read_parquet(candidate)
                return pd.read_csv(candidate)
            except (OSError, ValueError) as exc:
                raise InputError.at(candidate, "-", f"cannot read results table: {exc}") from exc
    return None


def load_simulation_tables(source: object) -> SimulationTables:
    """Gather the tables of a simulation run.

    Parameters
    ----------
    source
        An output directory written by the simulation (``resources.parquet``,
        ``flows.parquet``, ``associations.parquet``, ``summary.json``), or a result object with
        ``resources``, ``summary`` and optionally ``flows``, ``associations`` attributes.

    Returns
    -------
    SimulationTables
        The tables.

    Raises
    ------
    InputError
        A directory without the resource table or summary, or a table missing columns.
    """
    if isinstance(source, (str, Path)):
        root = Path(source)
        resources = _read_table(root / "resources")
        summary_path = root / "summary.json"
        if resources is None:
            raise InputError.at(root, "resources.parquet", "simulation results not found")
        if not summary_path.exists():
            raise InputError.at(root, "summary.json", "simulation summary not found")
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError.at(summary_path, "-", f"cannot read summary: {exc}") from exc
        flows = _read_table(root / "flows")
        associations = _read_table(root / "associations")
    else:
        resources = getattr(source, "resources", None)
        summary = getattr(source, "summary", None)
        if not isinstance(resources, pd.DataFrame) or not isinstance(summary, Mapping):
            raise TypeError("expected an output directory or a result with resources and summary")
        flows = getattr(source, "flows", None)
        associations = getattr(source, "associations", None)
    missing = [c for c in _RESOURCE_COLUMNS if c not in resources.columns]
    if missing:
        raise InputError.at("resources", "columns", f"missing {', '.join(missing)}")
    return SimulationTables(
        resources=resources,
        summary=summary,
        flows=flows if isinstance(flows, pd.DataFrame) else None,
        associations=associations if isinstance(associations, pd.DataFrame) else None,
        bells=_bells_from_summary(summary),
    )


# --- tables -----------------------------------------------------------------------------


def _per_resource_minute(res: pd.DataFrame) -> pd.DataFrame:
    """Collapse directions: the worse direction's utilization per resource and minute."""
    cols = {
        "utilization": "max",
        "carried_mbps": "sum",
        "capacity_mbps": "max",
    }
    if "offered_mbps" in res.columns:
        cols["offered_mbps"] = "sum"
    if "clients" in res.columns:
        cols["clients"] = "max"
    keys = ["resource", "kind", "minute"] + (["building"] if "building" in res.columns else [])
    return res.groupby(keys, dropna=False, sort=True).agg(cols).reset_index()


def _cause(kind: str, row: pd.Series) -> str:
    when = clock(float(row["worst_minute"]))
    clients = row.get("clients_at_worst")
    clients_txt = (
        f", {int(clients)} clients" if clients is not None and not pd.isna(clients) else ""
    )
    if kind in AIRTIME_KINDS:
        return (
            f"airtime {row['peak_utilization']:.0%} at {when}{clients_txt}; above "
            f"{AIRTIME_FLAG:.0%} for {int(row['minutes_flagged'])} min"
        )
    unmet = row.get("unmet_gb", 0.0)
    unmet_txt = f", {unmet:.1f} GB of demand delayed" if unmet and unmet > 0.005 else ""
    return (
        f"{kind} carried {row['peak_utilization']:.0%} of capacity at {when}; saturated for "
        f"{int(row['minutes_saturated'])} min{unmet_txt}"
    )


def bottleneck_table(resources: pd.DataFrame, *, top: int = 15) -> pd.DataFrame:
    """Rank resources by how much and how long they limited the day.

    Score: minutes at or above the flag level (70 % airtime for Wi-Fi, 95 % for links), then
    peak utilization. Each row names its cause in words.

    Parameters
    ----------
    resources
        The resource x minute table.
    top
        Rows kept.

    Returns
    -------
    pandas.DataFrame
        ``rank, resource, kind, building, peak_utilization, worst_time, minutes_flagged,
        minutes_saturated, unmet_gb, cause``.
    """
    per = _per_resource_minute(resources)
    if len(per) == 0:
        return pd.DataFrame(
            columns=[
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
        )
    airtime = per["kind"].isin(AIRTIME_KINDS)
    per["flagged"] = np.where(
        airtime, per["utilization"] >= AIRTIME_FLAG, per["utilization"] >= SATURATED
    )
    per["saturated"] = per["utilization"] >= SATURATED
    if "offered_mbps" in per.columns:
        # Mbps over one minute -> GB: x 60 s / 8 bits / 1000 MB.
        per["unmet_gb"] = (per["offered_mbps"] - per["carried_mbps"]).clip(lower=0) * 60 / 8e3
    else:
        per["unmet_gb"] = 0.0
    idx_worst = per.groupby("resource")["utilization"].idxmax()
    worst = per.loc[idx_worst].set_index("resource")
    agg = per.groupby("resource").agg(
        kind=("kind", "first"),
        peak_utilization=("utilization", "max"),
        minutes_flagged=("flagged", "sum"),
        minutes_saturated=("saturated", "sum"),
        unmet_gb=("unmet_gb", "sum"),
    )
    agg["building"] = worst["building"] if "building" in worst.columns else None
    agg["worst_minute"] = worst["minute"]
    agg["clients_at_worst"] = worst["clients"] if "clients" in worst.columns else np.nan
    agg = agg.reset_index()
    agg = agg[(agg["minutes_flagged"] > 0) | (agg["peak_utilization"] >= 0.5)]
    agg = agg.sort_values(
        ["minutes_flagged", "peak_utilization", "unmet_gb", "resource"],
        ascending=[False, False, False, True],
        kind="stable",
    ).head(top)
    agg["cause"] = [_cause(str(r["kind"]), r) for _, r in agg.iterrows()]
    agg["worst_time"] = [clock(float(m)) for m in agg["worst_minute"]]
    agg.insert(0, "rank", range(1, len(agg) + 1))
    return agg[
        [
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
    ].reset_index(drop=True)


# --- figures ------------------------------------------------------------------------------


def _airtime_heatmap(tables: SimulationTables, building: str, name: str) -> Any:
    res = tables.resources
    sub = res[res["kind"].isin(AIRTIME_KINDS) & (res["building"] == building)]
    grid = sub.groupby(["resource", "minute"])["utilization"].max().unstack("minute").sort_index()
    minutes = grid.columns.to_numpy(dtype=float)
    step = float(np.median(np.diff(minutes))) if len(minutes) > 1 else 1.0
    full = np.arange(minutes.min(), minutes.max() + step / 2, step)
    grid = grid.reindex(columns=full)
    n_ap = len(grid)
    fig = new_figure(11.0, max(2.6, 0.9 + 0.16 * n_ap))
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
        extent=(full[0] - step / 2, full[-1] + step / 2, n_ap - 0.5, -0.5),
    )
    ax.grid(False)
    ax.set_yticks(range(n_ap))
    ax.set_yticklabels([str(r) for r in grid.index], fontsize=7 if n_ap > 25 else 8)
    clock_axis(ax, full[0] - step / 2, full[-1] + step / 2)
    mark_bells(ax, tables.bells_for(building))
    cbar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
    cbar.set_label("airtime utilization")
    cbar.ax.axhline(AIRTIME_FLAG, color="black", linewidth=1)
    ax.set_title(
        f"{building}: AP airtime over the day (line on colour bar: {AIRTIME_FLAG:.0%})",
        loc="left",
        fontsize=11,
    )
    return render_figure(
        fig,
        name=name,
        caption=(
            f"Airtime utilization of each access point in {building}, minute by minute "
            f"(worse direction); dashed lines are bells. Planners flag airtime above "
            f"{AIRTIME_FLAG:.0%}."
        ),
    )


def _link_plot(tables: SimulationTables, name: str) -> Any:
    res = tables.resources[tables.resources["kind"].isin(WAN_KINDS)]
    order = {k: i for i, k in enumerate(("isp", "filter", "core", "wan"))}
    ids = sorted(
        res["resource"].unique(),
        key=lambda r: (order.get(str(res.loc[res["resource"] == r, "kind"].iloc[0]), 9), str(r)),
    )
    n = len(ids)
    ncols = 2 if n > 3 else 1
    nrows = math.ceil(n / ncols)
    fig = new_figure(11.0, 2.3 * nrows + 0.6)
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    lo, hi = float(res["minute"].min()), float(res["minute"].max())
    has_dir = "direction" in res.columns
    for ax, rid in zip(axes, ids, strict=False):
        sub = res[res["resource"] == rid].sort_values("minute")
        groups = sub.groupby("direction", sort=True) if has_dir else [("", sub)]
        for i, (direction, g) in enumerate(groups):
            colour = PALETTE[i % len(PALETTE)]
            label = f"carried {direction}".strip()
            ax.plot(g["minute"], g["carried_mbps"], color=colour, linewidth=1.2, label=label)
            if "offered_mbps" in g.columns:
                ax.plot(
                    g["minute"],
                    g["offered_mbps"],
                    color=colour,
                    linewidth=0.8,
                    linestyle=":",
                    label=f"offered {direction}".strip(),
                )
            ax.step(
                g["minute"],
                g["capacity_mbps"],
                where="mid",
                color=colour,
                linewidth=1.0,
                linestyle="--",
                alpha=0.8,
                label=f"capacity {direction}".strip(),
            )
        ax.set_title(str(rid), loc="left", fontsize=10)
        ax.set_ylabel("Mbps")
        ax.set_ylim(bottom=0)
        clock_axis(ax, lo, hi)
        building = sub["building"].iloc[0] if "building" in sub.columns else None
        mark_bells(ax, tables.bells_for(None if pd.isna(building) else str(building)), label=False)
    for ax in axes[n:]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside upper right",
        ncols=min(len(labels), 7),
        fontsize=8,
        frameon=False,
    )
    return render_figure(
        fig,
        name=name,
        caption=(
            "Traffic carried (solid) and offered (dotted) on the ISP circuit, content filter, "
            "core and each building's WAN link, against capacity (dashed); dashed grey lines "
            "are bells."
        ),
    )


def _flag_column(frame: pd.DataFrame) -> pd.Series | None:
    for col in ("satisfied", "ok", "met"):
        if col in frame.columns:
            return frame[col].astype(bool)
    for col in ("degraded", "failed", "unsatisfied"):
        if col in frame.columns:
            return ~frame[col].astype(bool)
    return None


def satisfaction_table(flows: pd.DataFrame) -> pd.DataFrame | None:
    """Sessions and the share that got what they asked for, by application."""
    ok = _flag_column(flows)
    app_col = next((c for c in ("app", "application", "app_id") if c in flows.columns), None)
    if ok is None or app_col is None:
        return None
    frame = pd.DataFrame({"application": flows[app_col].astype(str), "ok": ok})
    out = frame.groupby("application", sort=True).agg(
        sessions=("ok", "size"), satisfied=("ok", "sum")
    )
    out["satisfied_share"] = out["satisfied"] / out["sessions"]
    return out.reset_index().sort_values("satisfied_share", kind="stable")


def failure_table(associations: pd.DataFrame) -> pd.DataFrame | None:
    """Association, authentication and DHCP events and failures by step."""
    ok = _flag_column(associations)
    if ok is None and "outcome" in associations.columns:
        ok = associations["outcome"].astype(str).isin(["ok", "success", "succeeded"])
    step_col = next(
        (c for c in ("event", "step", "stage", "kind") if c in associations.columns), None
    )
    if ok is None or step_col is None:
        return None
    frame = pd.DataFrame({"step": associations[step_col].astype(str), "ok": ok})
    out = frame.groupby("step", sort=True).agg(attempts=("ok", "size"), succeeded=("ok", "sum"))
    out["failed"] = out["attempts"] - out["succeeded"]
    out["failure_rate"] = out["failed"] / out["attempts"]
    return out.reset_index()


def _satisfaction_plot(table: pd.DataFrame, name: str) -> Any:
    fig = new_figure(9.0, 0.6 + 0.32 * len(table))
    ax = fig.add_subplot()
    y = np.arange(len(table))
    share = table["satisfied_share"].to_numpy(dtype=float)
    ax.barh(y, share, color=[PALETTE[2] if s >= 0.95 else PALETTE[3] for s in share])
    ax.set_yticks(y)
    ax.set_yticklabels(table["application"])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_xlabel("sessions that got the rate they asked for")
    ax.axvline(0.95, color="#555", linestyle="--", linewidth=0.8)
    for yi, s, n in zip(y, share, table["sessions"], strict=True):
        inside = s > 0.3
        ax.text(
            0.01 if inside else s + 0.01,
            float(yi),
            f"{s:.1%} of {int(n):,}",
            va="center",
            ha="left",
            fontsize=8,
            color="white" if inside else "#222",
            fontweight="bold" if inside else "normal",
        )
    return render_figure(
        fig,
        name=name,
        caption="Share of sessions per application that were never held below their minimum "
        "rate (streams) or completed at a usable rate (transfers); dashed line at 95 %.",
    )


# --- goals --------------------------------------------------------------------------------


def _goal_rows(tables: SimulationTables) -> pd.DataFrame | None:
    s = tables.summary
    goals = s.get("goals")
    if isinstance(goals, Sequence) and goals and isinstance(goals[0], Mapping):
        return pd.DataFrame(goals)
    if isinstance(goals, Mapping) and goals:
        return pd.DataFrame(
            [
                {"goal": k, **v} if isinstance(v, Mapping) else {"goal": k, "value": v}
                for k, v in goals.items()
            ]
        )
    students = s.get("students")
    res = tables.resources
    if not students:
        return None
    rows = []
    isp = res[res["kind"] == "isp"]
    if len(isp):
        cap = float(isp["capacity_mbps"].max())
        per = cap / float(students)
        rows.append(
            {
                "goal": "Internet access, 1 Mbps per student (SETDA/FCC 14-99 2017-18; "
                "EducationSuperHighway)",
                "scope": "district",
                "have_mbps_per_user": per,
                "goal_mbps_per_user": INTERNET_MBPS_PER_STUDENT,
                "ratio": per / INTERNET_MBPS_PER_STUDENT,
                "peak_used_mbps_per_user": float(isp["carried_mbps"].max()) / float(students),
            }
        )
    users_by_building = s.get("users_by_building") or {}
    wan = res[res["kind"] == "wan"]
    for building, g in wan.groupby("building", sort=True):
        users = users_by_building.get(str(building))
        if not users:
            continue
        per = float(g["capacity_mbps"].max()) / float(users)
        rows.append(
            {
                "goal": "WAN, 10 Mbps per user (FCC 14-99: 10 Gbps per 1,000)",
                "scope": str(building),
                "have_mbps_per_user": per,
                "goal_mbps_per_user": WAN_MBPS_PER_USER,
                "ratio": per / WAN_MBPS_PER_USER,
                "peak_used_mbps_per_user": float(g["carried_mbps"].max()) / float(users),
            }
        )
    return pd.DataFrame(rows) if rows else None


# --- the report ---------------------------------------------------------------------------


def _overview(sec: Section, tables: SimulationTables) -> None:
    s = tables.summary
    res = tables.resources
    per = _per_resource_minute(res)
    facts: list[Fact] = []
    for key, label in (
        ("buildings", "buildings"),
        ("students", "students"),
        ("devices", "devices"),
        ("access_points", "access points"),
        ("sessions", "sessions"),
    ):
        if isinstance(s.get(key), (int, float)):
            facts.append(Fact(label, f"{s[key]:,}"))
    lo, hi = float(res["minute"].min()), float(res["minute"].max())
    facts.append(Fact("simulated", f"{clock(lo)}–{clock(hi)}"))
    air = per[per["kind"].isin(AIRTIME_KINDS)]
    if len(air):
        peak = float(air["utilization"].max())
        facts.append(
            Fact("peak AP airtime", f"{peak:.0%}", "bad" if peak > AIRTIME_FLAG else "good")
        )
    isp = per[per["kind"] == "isp"]
    if len(isp):
        peak = float(isp["utilization"].max())
        facts.append(
            Fact("peak ISP utilization", f"{peak:.0%}", "bad" if peak >= SATURATED else "good")
        )
    sec.facts(facts)
    run = ", ".join(f"{k} {s[k]}" for k in ("schedule", "day", "seed", "replications") if k in s)
    if run:
        sec.paragraph(f"Run: {run}.", note=True)
    if "building" in per.columns and per["building"].notna().any():
        rows = []
        for building, g in per[per["building"].notna()].groupby("building", sort=True):
            a = g[g["kind"].isin(AIRTIME_KINDS)]
            w = g[g["kind"] == "wan"]
            rows.append(
                {
                    "building": str(building),
                    "APs": int(a["resource"].nunique()),
                    "peak clients": int(a.groupby("minute")["clients"].sum().max())
                    if "clients" in a.columns and len(a)
                    else None,
                    "peak AP airtime": float(a["utilization"].max()) if len(a) else np.nan,
                    f"APs over {AIRTIME_FLAG:.0%}": int(
                        a.loc[a["utilization"] >= AIRTIME_FLAG, "resource"].nunique()
                    ),
                    "peak WAN utilization": float(w["utilization"].max()) if len(w) else np.nan,
                }
            )
        sec.table(
            pd.DataFrame(rows),
            caption="Buildings",
            formats={"peak AP airtime": percent(), "peak WAN utilization": percent()},
        )


def build_simulation_report(
    tables: SimulationTables, *, title: str | None = None
) -> ReportDocument:
    """Assemble the report document (see :func:`write_simulation_report`)."""
    s = tables.summary
    district = s.get("district") or s.get("name") or "District"
    doc = ReportDocument(
        title or f"{district}: simulated school day",
        subtitle="Network load over a simulated school day: Wi-Fi airtime, building WAN and "
        "ISP, with bells marked.",
        footer="netplan simulation report. Goals: SETDA/FCC 14-99 and EducationSuperHighway "
        "(1 Mbps per student internet, 10 Mbps per user WAN). Airtime flag 70 % (Ekahau). "
        "This page loads nothing from the network; plots are also saved as PNG in figures/.",
    )
    with report_style():
        _overview(doc.section("District overview"), tables)

        sec = doc.section("Bottlenecks")
        ranked = bottleneck_table(tables.resources)
        if len(ranked):
            sec.table(
                ranked,
                caption="Resources ranked by minutes at their flag level, then peak utilization",
                formats={"peak_utilization": percent(), "unmet_gb": fixed(2)},
            )
        else:
            sec.paragraph("No resource reached 50 % utilization; nothing limited the day.")

        sec = doc.section("Wi-Fi airtime by access point")
        res = tables.resources
        air = res[res["kind"].isin(AIRTIME_KINDS)]
        if "building" in air.columns and len(air):
            for i, building in enumerate(sorted(air["building"].dropna().unique())):
                sec.figure(_airtime_heatmap(tables, str(building), f"airtime-{i + 1:02d}"))
        else:
            sec.paragraph("These results carry no per-AP airtime rows.", note=True)

        sec = doc.section("WAN and ISP over the day")
        if res["kind"].isin(WAN_KINDS).any():
            sec.figure(_link_plot(tables, "wan-isp-utilization"))
        else:
            sec.paragraph("These results carry no WAN or ISP rows.", note=True)

        sec = doc.section("Sessions and failures")
        sat = satisfaction_table(tables.flows) if tables.flows is not None else None
        if sat is not None and len(sat):
            total = int(sat["sessions"].sum())
            ok = int(sat["satisfied"].sum())
            sec.facts(
                [
                    Fact("sessions", f"{total:,}"),
                    Fact("satisfied", f"{ok / total:.1%}", "good" if ok / total >= 0.95 else "bad"),
                ]
            )
            sec.figure(_satisfaction_plot(sat, "satisfaction"))
            sec.table(
                sat,
                caption="Sessions by application",
                formats={"satisfied_share": percent(1)},
            )
        else:
            sec.paragraph("No per-session results were available.", note=True)
        fail = failure_table(tables.associations) if tables.associations is not None else None
        if fail is not None and len(fail):
            sec.table(
                fail,
                caption="Association, authentication and DHCP",
                formats={"failure_rate": percent(2)},
            )

        sec = doc.section("K-12 bandwidth goals")
        goals = _goal_rows(tables)
        if goals is not None and len(goals):
            sec.table(goals, caption="Capacity per user against the goals (ratio >= 1 meets it)")
        else:
            sec.paragraph(
                "The summary carries no enrolment, so goal ratios are not shown.", note=True
            )
    return doc


def write_simulation_report(
    result_or_out_dir: object, out_dir: str | Path | None = None, *, title: str | None = None
) -> Path:
    """Write ``report.html`` (self-contained) and ``figures/*.png`` for a simulation run.

    Parameters
    ----------
    result_or_out_dir
        The simulation result (with ``resources``, ``summary``, ``flows``, ``associations``)
        or the directory its tables were written to.
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
