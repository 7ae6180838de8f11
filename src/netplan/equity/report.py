"""The terminal summary of an equity run (rich)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["print_equity_summary"]


def _money(v: float | None) -> str:
    return "-" if v is None else f"${v:,.0f}"


def print_equity_summary(
    summary: Mapping[str, Any],
    console: Console,
    *,
    written: Mapping[str, Path] | None = None,
) -> None:
    """Print households by class, the hotspot plan, costs, rejects and the files written."""
    st = summary["students"]
    hh = summary["households"]
    console.rule(f"[bold]Home connectivity: {summary['programme']}")
    console.print(
        f"Roster rows {st['roster_rows']:,}: {st['valid']:,} students used, "
        f"{st['rejected']:,} rejected (see rejects.csv). {hh['total']:,} households."
    )
    t = Table(title="Households by service class", title_justify="left")
    t.add_column("class")
    t.add_column("households", justify="right")
    t.add_column("students", justify="right")
    t.add_column("from coverage alone", justify="right")
    for c in ("served", "underserved", "unserved"):
        t.add_row(
            c, f"{hh['by_class'][c]:,}", f"{st['by_class'][c]:,}", f"{hh['by_coverage_class'][c]:,}"
        )
    console.print(t)
    console.print(
        f"{hh['class_from_survey']:,} households' class comes from the home-internet survey; "
        f"{hh['only_unreliable_service']:,} have a better offer only from satellite, "
        "unlicensed wireless or high-latency service (not counted as reliable)."
    )
    if hh.get("measured_below_advertised") is not None:
        console.print(
            f"{hh['measured_below_advertised']:,} households sit in Ookla tiles whose measured "
            "speeds are below their advertised class."
        )
    hs = summary["hotspots"]
    cost = summary["cost"]
    t = Table(title="Hotspot plan", title_justify="left")
    t.add_column("carrier")
    t.add_column("hotspots", justify="right")
    t.add_column("year 1", justify="right")
    t.add_column("each later year", justify="right")
    for name, n in hs["by_carrier"].items():
        c = cost["by_carrier"][name]
        t.add_row(name, f"{n:,}", _money(c["year1"]), _money(c["yearly"]))
    t.add_row(
        "[bold]total",
        f"[bold]{hs['assigned']:,}",
        f"[bold]{_money(cost['year1'])}",
        f"[bold]{_money(cost['yearly'])}",
    )
    console.print(t)
    bs = hs["by_status"]
    cap = "no cap" if hs["cap"] is None else f"cap {hs['cap']:,}"
    console.print(
        f"{hs['households_needing']:,} households need a hotspot ({cap}; assignment "
        f"{hs['assignment_method']}). Not served: {bs['no_coverage']:,} no carrier covers the "
        f"home, {bs['no_suitable_plan']:,} no suitable plan, {bs['carrier_not_chosen']:,} only "
        f"covered by carriers left out, {bs['over_cap']:,} over the cap, "
        f"{bs['ineligible_grade']:,} only ineligible grades."
    )
    if cost.get("budget_year1") is not None:
        budget = float(cost["budget_year1"])
        verdict = "within" if cost["year1"] <= budget else "[red]over"
        console.print(f"Year-1 cost {_money(cost['year1'])} is {verdict} budget {_money(budget)}.")
    du = summary["data_use"]
    console.print(
        f"Expected use {du['gb_per_student_month']:.1f} GB per student per month; "
        f"{du['households_over_allowance']:,} assigned households would exceed their plan's "
        "allowance."
    )
    rj = summary["rejects"]
    if rj["rejected"] or rj["ignored_fields"]:
        t = Table(title="Rejected rows and ignored fields", title_justify="left")
        t.add_column("action")
        t.add_column("file: reason")
        t.add_column("rows", justify="right")
        for action, reasons in rj["by_reason"].items():
            for reason, n in reasons.items():
                t.add_row(action, reason, f"{n:,}")
        console.print(t)
    pv = summary["privacy"]
    console.print(
        f"Public outputs aggregated to {pv['public_level']}; counts under {pv['min_cell']} "
        f"suppressed with complementary suppression ({pv['area_rows_with_suppression']:,} of "
        f"{pv['area_rows']:,} areas have hidden values)."
    )
    for w in summary.get("warnings", []):
        console.print(f"[yellow]warning:[/] {w}")
    if written:
        console.rule("Files written")
        for name, path in written.items():
            style = "[bold red]" if "restricted" in name else ""
            console.print(f"{style}{name}: {path}", highlight=False)
