"""``netplan check``, ``netplan schema`` and ``netplan demo``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from netplan.cli import app, make_console
from netplan.errors import UsageError
from netplan.survey import load_survey, survey_json_schema
from netplan.survey.schema import SCHEMA_MODELS
from netplan.topology import build_topology, capacity_summary, district_capacity

console = make_console()


def _fmt_rate(mbps: float) -> str:
    return f"{mbps / 1000:g} Gbps" if mbps >= 1000 else f"{mbps:g} Mbps"


def print_survey_summary(survey_dir: Path, out: Console = console) -> dict[str, Any]:
    """Load a survey, print its capacity summary, and return the figures as a dict."""
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
            _fmt_rate(float(row["wan_mbps"])),
            f"{row['wan_mbps_per_user']:.1f} Mbps",
            "[green]met[/green]" if row["wan_meets_goal"] else "[red]below[/red]",
            f"{str(row['bottleneck']).split(':')[-1]} {_fmt_rate(float(row['bottleneck_mbps']))}",
        )
    out.print(table)
    verdict = "[green]met[/green]" if dist["internet_meets_goal"] else "[red]below goal[/red]"
    out.print(
        f"Internet: ISP {_fmt_rate(dist['isp_down_mbps'])} down / "
        f"{_fmt_rate(dist['isp_up_mbps'])} up, content filter {_fmt_rate(dist['filter_mbps'])}; "
        f"{dist['internet_mbps_per_student']:.2f} Mbps per student against the "
        f"{dist['internet_goal_mbps_per_student']:g} Mbps goal: {verdict} "
        f"(bound by the {dist['internet_bound_by']})"
    )
    for w in survey.warnings:
        out.print(f"[yellow]{escape(str(w))}[/yellow]", soft_wrap=True)
    if survey.warnings:
        out.print(f"{len(survey.warnings)} warning(s).")
    return {"district": dist, "buildings": records, "warnings": [str(w) for w in survey.warnings]}


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "item"):
        return obj.item()
    return obj


@app.command()
def check(
    survey_dir: Annotated[Path, typer.Argument(help="Survey directory (district.toml, ...).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON instead of tables.")
    ] = False,
) -> None:
    """Validate a survey and print its capacity summary.

    Exit 0 if valid; exit 2 with one `FILE: FIELD_PATH: message` line per problem otherwise.
    """
    if as_json:
        quiet = Console(file=open("/dev/null", "w"), highlight=False)  # noqa: SIM115
        data = print_survey_summary(survey_dir, quiet)
        typer.echo(json.dumps(_jsonable(data), indent=2))
        return
    print_survey_summary(survey_dir)
    console.print("[green]Survey is valid.[/green]")


@app.command()
def schema(
    kind: Annotated[
        str, typer.Argument(help="Which file: district, devices or building.")
    ] = "building",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write all three schemas into this folder.")
    ] = None,
) -> None:
    """Print the JSON Schema of a survey file (for editor validation and autocompletion)."""
    if out is not None:
        from netplan.outputs import atomic_write_text

        for name in SCHEMA_MODELS:
            atomic_write_text(
                out / f"netplan-{name}.schema.json", json.dumps(survey_json_schema(name), indent=2)
            )
        console.print(f"Wrote {len(SCHEMA_MODELS)} schemas to {out}")
        return
    if kind not in SCHEMA_MODELS:
        raise UsageError.at(
            "netplan schema", "KIND", f"unknown kind {kind!r}; use " + ", ".join(SCHEMA_MODELS)
        )
    typer.echo(json.dumps(survey_json_schema(kind), indent=2))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's outputs.")] = Path(
        "netplan-demo"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
) -> None:
    """Run the whole pipeline on the bundled demo district, offline."""
    from netplan.demo import run_demo

    run_demo(out, seed=seed, console=console)
