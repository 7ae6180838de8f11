"""A console summary of a survey: buildings, APs, students and capacity against K-12 goals."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, cast

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from netplan.survey import load_survey
from netplan.topology import build_topology, capacity_summary, district_capacity

__all__ = ["fmt_rate", "jsonable", "print_survey_summary"]


def fmt_rate(mbps: float) -> str:
    """Format a rate the way engineers say it (``2 Gbps``, ``500 Mbps``)."""
    return f"{mbps / 1000:g} Gbps" if mbps >= 1000 else f"{mbps:g} Mbps"


def print_survey_summary(survey_dir: Path, out: Console) -> dict[str, Any]:
    """Load a survey, print its capacity summary, and return the figures.

    Parameters
    ----------
    survey_dir
        The survey directory.
    out
        Console to print to.

    Returns
    -------
    dict
        ``district`` (district-wide figures), ``buildings`` (one record per building) and
        ``warnings`` (the check's warnings as text).
    """
    survey = load_survey(survey_dir)
    topo = build_topology(survey)
    per_building = capacity_summary(survey, topo)
    dist = district_capacity(survey, topo)
    out.print(
        f"[bold]{survey.name}[/bold]: {dist['buildings']} buildings, "
        f"{dist['students']:,} students, {dist['staff']:,} staff, "
        f"{dist['access_points']:,} access points"
    )
    table = Table(
        title="Capacity against K-12 goals (WAN goal: 10 Mbps per user, FCC 14-99)",
        title_justify="left",
    )
    for col, just in (
        ("building", "left"),
        ("level", "left"),
        ("students", "right"),
        ("APs", "right"),
        ("slots", "right"),
        ("WAN", "right"),
        ("WAN/user", "right"),
        ("10 Mbps", "center"),
        ("bottleneck", "left"),
    ):
        table.add_column(col, justify=just, no_wrap=True)  # type: ignore[arg-type]
    records = cast(list[dict[str, Any]], per_building.to_dict(orient="records"))
    for row in records:
        table.add_row(
            str(row["building"]),
            str(row["level"]),
            f"{row['students']:,}",
            str(row["aps"]),
            f"{row['client_slots']:,}",
            fmt_rate(float(row["wan_mbps"])),
            f"{row['wan_mbps_per_user']:.1f} Mbps",
            "[green]met[/green]" if row["wan_meets_goal"] else "[red]below[/red]",
            f"{str(row['bottleneck']).split(':')[-1]} {fmt_rate(float(row['bottleneck_mbps']))}",
        )
    out.print(table)
    verdict = "[green]met[/green]" if dist["internet_meets_goal"] else "[red]below goal[/red]"
    out.print(
        f"Internet: ISP {fmt_rate(dist['isp_down_mbps'])} down / "
        f"{fmt_rate(dist['isp_up_mbps'])} up, content filter {fmt_rate(dist['filter_mbps'])}; "
        f"{dist['internet_mbps_per_student']:.2f} Mbps per student against the "
        f"{dist['internet_goal_mbps_per_student']:g} Mbps goal: {verdict} "
        f"(bound by the {dist['internet_bound_by']})"
    )
    for w in survey.warnings:
        out.print(f"[yellow]{escape(str(w))}[/yellow]", soft_wrap=True)
    if survey.warnings:
        out.print(f"{len(survey.warnings)} warning(s).")
    return {"district": dist, "buildings": records, "warnings": [str(w) for w in survey.warnings]}


def jsonable(obj: Any) -> Any:
    """Turn numpy scalars into Python ones and non-finite floats into ``None``."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "item"):
        return obj.item()
    return obj
