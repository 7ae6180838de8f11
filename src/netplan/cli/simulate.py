"""``netplan simulate``: a school day of the district, minute by minute."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from netplan.cli import app, make_console
from netplan.errors import UsageError

console = make_console()


def print_sim_summary(summary: dict[str, Any], con: Console, *, top: int = 5) -> None:
    """Print a simulated day's headline numbers and top bottlenecks."""
    run = summary["run"]
    sat = summary["satisfaction"]
    asc = summary["associations"]
    con.print(
        f"{run['district']}: {run.get('day', '')} day {run['start']}-{run['end']}, "
        f"{run['sessions']:,} sessions, {run['flows']:,} flows "
        f"({run['wall_s']:.1f} s, {run['events_per_s'] or 0:,.0f} events/s)"
    )
    reps = summary.get("replications")
    if reps and reps["count"] > 1:
        m = reps["metrics"]

        def ci(key: str, pct: bool = True) -> str:
            v = m[key]
            f = 100.0 if pct else 1.0
            if v["n"] < 2 or v["mean"] is None:
                return f"{v['mean'] * f:.1f}"
            return f"{v['mean'] * f:.1f} ± {v['ci95'] * f:.1f}"

        con.print(
            f"{reps['count']} replications (mean ± 95 % CI): bits delivered "
            f"{ci('satisfaction.bits_delivered_share')} %, video seconds without degradation "
            f"{ci('satisfaction.video_seconds_ok_share')} %"
        )
    else:
        con.print(
            f"Bits delivered: {100 * sat['bits_delivered_share']:.1f} %; video seconds "
            f"without degradation: {100 * sat.get('video_seconds_ok_share', 1.0):.1f} %; "
            f"sessions of devices off the network: {sat['sessions_blocked']:,}"
        )
    con.print(
        f"Associations {asc['associations']:,}, rejected {asc['rejected']:,}, 802.1X "
        f"timeouts {asc['auth_timeouts']:,} (failed {asc['auth_failures']:,}), DHCP "
        f"failures {asc['dhcp_failures']:,}"
    )
    bns = summary["bottlenecks"][:top]
    if not bns:
        con.print("No resource carried any traffic.")
        return
    if not any(b["saturated_minutes"] for b in bns):
        con.print("No resource reached 95 % utilization in any minute; the busiest:")
    t = Table(title="Top bottlenecks (minutes at >= 95 % utilization, then peak)")
    for col in ("resource", "building", "cause", "minutes", "peak", "when", "interval"):
        t.add_column(col, justify="right" if col in ("minutes", "peak") else "left")
    for b in bns:
        t.add_row(
            b["resource"],
            b["building"],
            b["cause"],
            str(b["saturated_minutes"]),
            f"{100 * b['peak_utilization']:.0f} %",
            ", ".join(b["windows"][:2]) or f"peak {b['peak_time']}",
            b["peak_interval"],
        )
    con.print(t)


@app.command()
def simulate(
    survey_dir: Annotated[Path, typer.Argument(help="Survey directory.")],
    schedule: Annotated[
        str | None, typer.Option("--schedule", help="Bell schedule id (default: each building's).")
    ] = None,
    day: Annotated[str, typer.Option("--day", help="Day type, e.g. regular, testing.")] = "regular",
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    replications: Annotated[
        int, typer.Option("--replications", "-r", help="Seeds to run (mean and 95 % CI).")
    ] = 1,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("netplan-sim"),
    building: Annotated[
        list[str] | None, typer.Option("--building", help="Only this building (repeatable).")
    ] = None,
    fairness: Annotated[
        str, typer.Option("--fairness", help="AP airtime sharing: airtime or throughput.")
    ] = "airtime",
    demand_scale: Annotated[
        float, typer.Option("--demand-scale", help="Multiply every arrival rate.")
    ] = 1.0,
    tick: Annotated[
        float, typer.Option("--tick", help="Seconds between rate re-solves (0: exact, slow).")
    ] = 1.0,
    rebalance: Annotated[
        float,
        typer.Option(
            "--rebalance",
            help="While the ISP/filter/core is full: seconds between district-wide re-solves "
            "(per-building quotas between them; 0: re-solve the district at every change).",
        ),
    ] = 5.0,
    no_flows: Annotated[
        bool, typer.Option("--no-flow-records", help="Skip the per-flow table (large runs).")
    ] = False,
) -> None:
    """Simulate a school day: where and when the network saturates, and why.

    Writes resources.parquet (resource x minute), flows.parquet, associations.parquet,
    bells.parquet and summary.json into --out.
    """
    from netplan.sim import SimConfig, run_replications, write_results
    from netplan.survey import load_survey

    if replications < 1:
        raise UsageError.at("netplan simulate", "--replications", "must be at least 1")
    if fairness not in ("airtime", "throughput"):
        raise UsageError.at("netplan simulate", "--fairness", "use airtime or throughput")
    if tick < 0 or demand_scale < 0 or rebalance < 0:
        raise UsageError.at("netplan simulate", "--tick/--demand-scale/--rebalance", "must be >= 0")
    if tick > 0 and abs(60.0 / tick - round(60.0 / tick)) > 1e-9:
        raise UsageError.at("netplan simulate", "--tick", "must divide 60 seconds evenly")
    survey = load_survey(survey_dir)
    cfg = SimConfig(
        fairness=fairness,
        demand_scale=demand_scale,
        tick_s=tick,
        rebalance_s=rebalance,
        buildings=tuple(building) if building else None,
        flow_records=not no_flows,
    )
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("Simulating", total=1.0)
        result = run_replications(
            survey,
            schedule=schedule,
            day=day,
            seed=seed,
            replications=replications,
            config=cfg,
            progress=lambda f: bar.update(task, completed=f),
        )
    from netplan.report.simulation import install_report_hook  # report.html (netplan.report)

    install_report_hook()
    written = write_results(result, out)
    print_sim_summary(result.summary, console)
    console.print(f"Results in {out}: " + ", ".join(p.name for p in written.values()))
