"""Comparison report for ``netplan compare``: baseline against proposed, with the delta table.

Takes the two runs' results (objects or output directories, as
:func:`netplan.report.simulation.write_simulation_report` does) and the delta table the
comparison computed; it draws, it does not recompute the verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from netplan.report.document import Fact, Formatter, ReportDocument, fixed, percent
from netplan.report.figures import PALETTE, RenderedFigure, new_figure, render_figure, report_style
from netplan.report.simulation import (
    AIRTIME_FLAG,
    SimulationTables,
    ap_airtime,
    app_satisfaction,
    bottleneck_table,
    link_key,
    link_resources,
    load_simulation_tables,
    short_resource,
)
from netplan.report.timeaxis import clock_axis, mark_bells

__all__ = ["build_comparison_report", "write_comparison_report"]

_PASS_COLUMNS = ("passed", "ok", "pass", "within_limit")


def _verdicts(delta: pd.DataFrame) -> pd.Series | None:
    for col in _PASS_COLUMNS:
        if col in delta.columns:
            return delta[col].astype(bool)
    if "failed" in delta.columns:
        return ~delta["failed"].astype(bool)
    return None


def _link_compare(runs: Sequence[tuple[str, SimulationTables]], name: str) -> RenderedFigure | None:
    frames = []
    ids: list[str] = []
    for label, t in runs:
        r = t.resources
        run_ids = link_resources(r)
        ids += [i for i in run_ids if i not in ids]
        r = r.assign(link=link_key(r))
        r = r[r["link"].isin(run_ids) & (r["direction"] != "up")]
        frames.append(r.assign(run=label))
    res = pd.concat(frames, ignore_index=True)
    if len(res) == 0:
        return None
    n = len(ids)
    ncols = 2 if n > 3 else 1
    nrows = -(-n // ncols)
    fig = new_figure(11.0, 2.3 * nrows + 0.6)
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    lo, hi = float(res["minute"].min()), float(res["minute"].max())
    for ax, rid in zip(axes, ids, strict=False):
        for i, (label, _t) in enumerate(runs):
            g = res[(res["link"] == rid) & (res["run"] == label)]
            g = g.groupby("minute")[["carried_mbps", "capacity_mbps"]].agg(
                {"carried_mbps": "sum", "capacity_mbps": "max"}
            )
            if len(g) == 0:
                continue
            colour = PALETTE[i]
            ax.plot(g.index, g["carried_mbps"], color=colour, linewidth=1.1, label=label)
            ax.step(
                g.index,
                g["capacity_mbps"],
                where="mid",
                color=colour,
                linestyle="--",
                linewidth=0.9,
                label=f"{label} capacity",
            )
        ax.set_title(str(rid), loc="left", fontsize=10)
        ax.set_ylabel("Mbps down")
        ax.set_ylim(bottom=0)
        clock_axis(ax, lo, hi)
        for i, (_label, t) in enumerate(runs):
            for line_min in t.bells_for(None):
                if lo <= line_min <= hi:
                    ax.axvline(
                        line_min, color=PALETTE[i], linewidth=0.5, alpha=0.5, linestyle=(0, (2, 3))
                    )
    for ax in axes[n:]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="outside upper right", ncols=len(labels), fontsize=8, frameon=False
    )
    return render_figure(
        fig,
        name=name,
        caption="Downstream traffic carried on the ISP circuit, filter, core and each building "
        "WAN link, both runs, against capacity (dashed); thin lines are each run's bells.",
    )


def _airtime_compare(
    runs: Sequence[tuple[str, SimulationTables]], name: str
) -> RenderedFigure | None:
    per_run = []
    for label, t in runs:
        aps = ap_airtime(t.resources)
        if len(aps) == 0:
            continue
        worst = aps.groupby(["building", "minute"])["utilization"].max().reset_index()
        per_run.append((label, t, worst))
    if not per_run:
        return None
    buildings = sorted({str(b) for _, _, w in per_run for b in w["building"].unique()})
    fig = new_figure(11.0, 1.9 * len(buildings) + 0.6)
    axes = fig.subplots(len(buildings), 1, sharex=True, squeeze=False).ravel()
    lo = min(float(w["minute"].min()) for _, _, w in per_run)
    hi = max(float(w["minute"].max()) for _, _, w in per_run)
    for ax, building in zip(axes, buildings, strict=True):
        for i, (label, _t, w) in enumerate(per_run):
            g = w[w["building"] == building]
            ax.plot(g["minute"], g["utilization"], color=PALETTE[i], linewidth=1.0, label=label)
        ax.axhline(AIRTIME_FLAG, color="#555", linewidth=0.8, linestyle="--")
        ax.set_ylim(0, 1.02)
        ax.set_title(f"{building}: busiest AP's airtime", loc="left", fontsize=10)
        ax.yaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
        clock_axis(ax, lo, hi)
        mark_bells(ax, per_run[0][1].bells_for(building), label=False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="outside upper right", ncols=len(labels), fontsize=8, frameon=False
    )
    return render_figure(
        fig,
        name=name,
        caption=f"Airtime of the busiest access point in each building, minute by minute, both "
        f"runs; dashed line at the {AIRTIME_FLAG:.0%} planning flag, dotted lines are the "
        f"first run's bells.",
    )


def _satisfaction_compare(
    runs: Sequence[tuple[str, SimulationTables]], name: str
) -> RenderedFigure | None:
    tables = []
    for label, t in runs:
        if t.flows is None or len(t.flows) == 0:
            continue
        sat = app_satisfaction(t.flows, end_s=t.end_s)
        stream = sat["kind"] == "stream"
        sat["score"] = sat["delivered_share"].where(~stream, sat["ok_seconds_share"])
        tables.append(sat.assign(run=label))
    if len(tables) < 2:
        return None
    both = pd.concat(tables).pivot_table(
        index="application", columns="run", values="score", sort=True
    )
    fig = new_figure(9.0, 0.8 + 0.45 * len(both))
    ax = fig.add_subplot()
    y = np.arange(len(both))
    h = 0.8 / len(runs)
    for i, (label, _t) in enumerate(runs):
        if label in both.columns:
            ax.barh(
                y + (i - (len(runs) - 1) / 2) * h,
                both[label].to_numpy(dtype=float),
                height=h,
                color=PALETTE[i],
                label=label,
            )
    ax.set_yticks(y)
    ax.set_yticklabels(both.index)
    lo = max(0.0, math.floor(min(0.9, float(np.nanmin(both.to_numpy())) - 0.02) * 20) / 20)
    ax.set_xlim(lo, 1)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_xlabel(
        f"streams: seconds without degradation; transfers: data delivered (axis from {lo:.0%})"
    )
    fig.legend(loc="outside upper right", ncols=len(runs), fontsize=8, frameon=False)
    return render_figure(
        fig,
        name=name,
        caption="How well each application was served in each run (definitions as in the "
        "simulation report).",
    )


def _interval(mean: pd.Series, low: pd.Series, high: pd.Series) -> list[str]:
    out = []
    for m, lo, hi in zip(mean, low, high, strict=True):
        if pd.isna(m):
            out.append("–")
        elif pd.isna(lo) or pd.isna(hi):
            out.append(f"{m:.3g}")
        else:
            out.append(f"{m:.3g} [{lo:.3g}, {hi:.3g}]")
    return out


def delta_display(
    delta: pd.DataFrame, verdicts: pd.Series | None
) -> tuple[pd.DataFrame, dict[str, Formatter]]:
    """The delta table as shown: failing rows first, then the largest changes.

    A table with the comparison's usual columns (``baseline_mean``, ``baseline_low``, ...,
    ``delta_mean``, ``threshold``, ``new_crossing``) is shown compactly as mean [low, high];
    any other table is shown as given.
    """
    t = delta.reset_index(drop=isinstance(delta.index, pd.RangeIndex))
    # Failing rows, then over in both, then significantly worse, then better, then the rest.
    order = pd.Series(0, index=t.index)
    for col, rank in (("better", -1), ("worse", -2), ("proposed_over", -3)):
        if col in t.columns:
            order = order.where(~t[col].astype(bool), rank)
    if verdicts is not None:
        order = order.where(verdicts.reindex(t.index).fillna(True).astype(bool), -4)
    mag_col = next((c for c in ("delta_mean", "delta") if c in t.columns), None)
    mag = t[mag_col].abs() if mag_col else pd.Series(0.0, index=t.index)
    t = t.assign(_o=order, _m=-mag.fillna(0)).sort_values(["_o", "_m"], kind="stable")
    t = t.drop(columns=["_o", "_m"])
    usual = {"baseline_mean", "proposed_mean", "delta_mean"} <= set(t.columns)
    if not usual:
        return t, {}
    out = pd.DataFrame(index=t.index)
    for col in ("metric", "building", "resource", "kind"):
        if col in t.columns:
            out[col] = [short_resource(str(v)) if col == "resource" else str(v) for v in t[col]]
    for side in ("baseline", "proposed", "delta"):
        lo = t.get(f"{side}_low", pd.Series(np.nan, index=t.index))
        hi = t.get(f"{side}_high", pd.Series(np.nan, index=t.index))
        out[side] = _interval(t[f"{side}_mean"], lo, hi)
    if "threshold" in t.columns:
        out["threshold"] = t["threshold"]
    status = []
    for _, r in t.iterrows():
        if bool(r.get("new_crossing", False)):
            status.append("NEW CROSSING")
        elif bool(r.get("proposed_over", False)) and bool(r.get("baseline_over", False)):
            status.append("over in both")
        elif bool(r.get("worse", False)):
            status.append("worse")
        elif bool(r.get("better", False)):
            status.append("better")
        else:
            status.append("")
    out["status"] = status
    return out.reset_index(drop=True), {"threshold": fixed(3)}


def build_comparison_report(
    baseline: object,
    proposed: object,
    delta: pd.DataFrame,
    *,
    names: tuple[str, str] = ("baseline", "proposed"),
    title: str | None = None,
    max_rows: int | None = 60,
) -> ReportDocument:
    """Assemble the comparison document (see :func:`write_comparison_report`)."""
    base = load_simulation_tables(baseline)
    prop = load_simulation_tables(proposed)
    runs = [(names[0], base), (names[1], prop)]
    district = base.summary.get("run", {}).get("district") or "District"
    doc = ReportDocument(
        title or f"{district}: {names[0]} vs {names[1]}",
        subtitle=f"Comparison of two simulated school days: {names[0]} and {names[1]}.",
        footer="netplan comparison report. This page loads nothing from the network; plots "
        "are also saved as PNG in figures/.",
    )
    with report_style():
        sec = doc.section("Verdict and deltas")
        verdicts = _verdicts(delta)
        if verdicts is not None:
            failed = int((~verdicts).sum())
            sec.facts(
                [
                    Fact("quantities compared", f"{len(delta):,}"),
                    Fact(
                        f"newly over their limit in {names[1]}",
                        f"{failed:,}",
                        "bad" if failed else "good",
                    ),
                ]
            )
        shown, formats = delta_display(delta, verdicts)
        sec.table(
            shown,
            caption="Delta table (proposed minus baseline), failing rows first",
            formats=formats,
            max_rows=max_rows,
        )
        if max_rows is not None and len(shown) > max_rows:
            sec.paragraph("The full table is in the comparison's CSV output.", note=True)

        sec = doc.section("WAN and ISP")
        fig = _link_compare(runs, "compare-wan-isp")
        if fig is not None:
            sec.figure(fig)
        sec = doc.section("Wi-Fi airtime")
        fig = _airtime_compare(runs, "compare-airtime")
        if fig is not None:
            sec.figure(fig)
        else:
            sec.paragraph("No per-AP airtime rows in these results.", note=True)
        sec = doc.section("Sessions")
        fig = _satisfaction_compare(runs, "compare-satisfaction")
        if fig is not None:
            sec.figure(fig)
        else:
            sec.paragraph("Per-session results were not available for both runs.", note=True)
        sec = doc.section("Bottlenecks")
        for label, t in runs:
            ranked = bottleneck_table(t.resources, top=10)
            sec.heading(label)
            if len(ranked):
                sec.table(
                    ranked[
                        [
                            "rank",
                            "resource",
                            "kind",
                            "building",
                            "peak_utilization",
                            "worst_time",
                            "minutes_flagged",
                            "cause",
                        ]
                    ],
                    formats={"peak_utilization": percent()},
                )
            else:
                sec.paragraph("No resource reached 50 % utilization.", note=True)
    return doc


def write_comparison_report(
    baseline: object,
    proposed: object,
    delta: pd.DataFrame,
    out_dir: str | Path,
    *,
    names: tuple[str, str] = ("baseline", "proposed"),
    title: str | None = None,
    filename: str = "comparison.html",
    max_rows: int | None = 60,
) -> Path:
    """Write the comparison page (self-contained) and its PNGs into ``out_dir``.

    Parameters
    ----------
    baseline, proposed
        Each run's result object or output directory (see
        :func:`netplan.report.simulation.load_simulation_tables`).
    delta
        The comparison's delta table, one row per metric (shown as given). A boolean column
        ``passed`` (or ``ok``) is counted in the verdict.
    out_dir
        Output directory.
    names
        Labels of the two runs.
    title
        Page title.
    filename
        Name of the HTML file.
    max_rows
        Rows of the delta table shown (failing rows first); ``None`` for all.

    Returns
    -------
    Path
        The written HTML file.
    """
    doc = build_comparison_report(
        baseline, proposed, delta, names=names, title=title, max_rows=max_rows
    )
    return doc.write(out_dir, filename)
