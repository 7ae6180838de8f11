"""``netplan compare``, ``netplan batch`` and ``netplan runway``: scenarios on shared seeds."""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, cast

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from netplan.cli import app, make_console
from netplan.errors import Problem, UsageError

__all__ = ["batch", "compare", "runway"]

console = make_console()

WorkersOpt = Annotated[
    int,
    typer.Option("--workers", "-w", min=1, help="Local worker processes (1 runs in this process)."),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Address of a dask.distributed scheduler (e.g. tcp://10.0.0.5:8786); runs there "
        "instead of local processes. Needs the dask extra.",
    ),
]
ScenariosOpt = Annotated[
    Path | None,
    typer.Option(
        "--scenarios",
        help="Scenario file (default: SURVEY_DIR/scenarios.toml when it exists).",
    ),
]


BuildingsOpt = Annotated[
    str | None,
    typer.Option(
        "--buildings", help="Simulate only these buildings, comma-separated (e.g. chs,cms)."
    ),
]
WindowOpt = Annotated[
    str | None,
    typer.Option(
        "--window",
        help="Simulate only part of the day, HH:MM-HH:MM (e.g. 10:45-12:15 for the lunch block).",
    ),
]


def _narrow(sc: Any, buildings: str | None, window: str | None) -> Any:
    """A scenario restricted to the buildings and window given on the command line."""
    from pydantic import ValidationError

    from netplan.scenarios.models import Window

    update: dict[str, Any] = {}
    if buildings:
        update["buildings"] = [b.strip() for b in buildings.split(",") if b.strip()]
    if window:
        start, sep, end = window.partition("-")
        try:
            if not sep:
                raise ValueError
            update["window"] = Window(start=start.strip(), end=end.strip())
        except (ValidationError, ValueError):
            raise UsageError.at(
                "--window", window, "expected HH:MM-HH:MM with the end after the start"
            ) from None
    return sc.model_copy(update=update) if update else sc


class _Progress:
    """A rich progress bar on stderr: runs done, running, failed (and resumed)."""

    def __init__(self, label: str) -> None:
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[state]}"),
            TimeElapsedColumn(),
            console=make_console(stderr=True),
            transient=False,
        )
        self.task = self.bar.add_task(label, total=None, state="")

    def __call__(self, state: Any) -> None:
        text = (
            f"scenarios {state.scenarios_done}/{state.scenarios} done"
            f"{f', {state.scenarios_failed} failed' if state.scenarios_failed else ''}; "
            f"runs: {state.running} running, {state.failed} failed"
        )
        if state.skipped:
            text += f", {state.skipped} done earlier"
        self.bar.update(
            self.task, total=state.total, completed=state.done + state.failed, state=text
        )


@contextmanager
def _progress(label: str, enabled: bool = True) -> Iterator[_Progress | None]:
    if not enabled:
        yield None
        return
    p = _Progress(label)
    with p.bar:
        yield p


@contextmanager
def _executor(workers: int, scheduler: str | None) -> Iterator[tuple[Any, int]]:
    from netplan.scenarios.batch import open_executor

    try:
        with open_executor(workers, scheduler) as pair:
            yield pair
    except OSError as exc:
        if scheduler:
            raise UsageError.at(
                "--scheduler", scheduler, f"cannot reach the dask scheduler: {exc}"
            ) from None
        raise


def _interrupted(out: Path | None) -> None:
    where = f" in {out}" if out is not None else ""
    console.print(
        f"[yellow]Interrupted.[/yellow] Finished runs are kept{where}; run the same command "
        "again to resume."
    )
    raise typer.Exit(130)


#: Short names of the metrics in printed tables.
_LABEL = {
    "airtime_peak5": "airtime",
    "link_p95": "link p95",
    "link_peak": "link peak",
    "video_degraded": "video degr.",
    "dhcp_failures": "DHCP fails",
}


def _scale(metric: str) -> tuple[float, str]:
    return (1.0, "") if metric == "dhcp_failures" else (100.0, " %")


def _fmt(metric: str, value: float) -> str:
    if math.isnan(value):
        return "-"
    k, unit = _scale(metric)
    return f"{k * value:.3g}{unit}"


def _fmt_iv(metric: str, mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    k, unit = _scale(metric)
    if math.isnan(low):
        return f"{k * mean:.1f}{unit}"
    return f"{k * mean:.1f} ± {k * (high - low) / 2:.1f}{unit}"


def _fmt_delta(metric: str, mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    k, _ = _scale(metric)
    if math.isnan(low):
        return f"{k * mean:+.1f}"
    return f"{k * mean:+.1f} [{k * low:+.1f}, {k * high:+.1f}]"


_NUMERIC = (
    "baseline_mean",
    "baseline_low",
    "baseline_high",
    "proposed_mean",
    "proposed_low",
    "proposed_high",
    "delta_mean",
    "delta_low",
    "delta_high",
    "threshold",
)


def _short(resource: str) -> str:
    """A resource name that fits a table: a co-channel group shows its first radio."""
    head, sep, rest = resource.partition(",")
    return f"{head} +{rest.count(',') + 1} co-channel" if sep else resource


def _thresholds(base: Any, **given: float | None) -> Any:
    update = {k: v for k, v in given.items() if v is not None}
    return base.model_copy(update=update) if update else base


def _select_rows(table: pd.DataFrame, show_all: bool, per_building: int) -> pd.DataFrame:
    from netplan.scenarios.compare import METRIC_THRESHOLD

    gated = table[table["metric"].isin(list(METRIC_THRESHOLD))]
    if show_all:
        return gated
    flagged = gated["baseline_over"] | gated["proposed_over"]
    # Significant and large enough to matter on screen: a percentage point, or one count.
    size = gated["delta_mean"].abs() * [
        1.0 if m == "dhcp_failures" else 100.0 for m in gated["metric"]
    ]
    changed = (gated["worse"] | gated["better"]) & (size >= 1.0)
    keep = gated[flagged].copy()
    rest = gated[~flagged & changed].copy()
    rest["_size"] = rest["delta_mean"].abs()
    top = (
        rest.sort_values("_size", ascending=False)
        .groupby("building", sort=False)
        .head(per_building)
    )
    return pd.concat([keep, top.drop(columns="_size")]).sort_values(
        ["building", "new_crossing", "metric", "resource"], ascending=[True, False, True, True]
    )


def _print_comparison(comp: Any, names: dict[str, str], show_all: bool, out: Console) -> None:
    t = comp.table
    rows = _select_rows(t, show_all, per_building=5)
    level = round(comp.level * 100)
    out.print(
        f"[bold]{escape(comp.baseline)}[/bold] vs [bold]{escape(comp.proposed)}[/bold]: "
        f"{comp.replications} paired replications on the same seeds; ± and [..] are "
        f"{level} % confidence intervals (Student t); deltas of percentages are in "
        "percentage points."
    )
    for building, grp in rows.groupby("building", sort=True):
        title = names.get(str(building), str(building))
        table = Table(title=escape(title), title_justify="left")
        for col, just in (
            ("resource", "left"),
            ("metric", "left"),
            (comp.baseline, "right"),
            (comp.proposed, "right"),
            ("delta", "right"),
            ("limit", "right"),
            ("flag", "left"),
        ):
            table.add_column(escape(col), justify=just, no_wrap=True)  # type: ignore[arg-type]
        for r in cast(list[dict[str, Any]], grp.to_dict(orient="records")):
            m = str(r["metric"])
            if r["new_crossing"]:
                flag = "[bold red]NEW[/bold red]"
            elif r["proposed_over"] and r["baseline_over"]:
                flag = "[yellow]over[/yellow]"
            elif r["baseline_over"]:
                flag = "[green]fixed[/green]"
            elif r["worse"]:
                flag = "worse"
            elif r["better"]:
                flag = "better"
            else:
                flag = ""
            v = {k: float(r[k]) for k in _NUMERIC}
            table.add_row(
                escape(_short(str(r["resource"]))),
                _LABEL.get(m, m),
                _fmt_iv(m, v["baseline_mean"], v["baseline_low"], v["baseline_high"]),
                _fmt_iv(m, v["proposed_mean"], v["proposed_low"], v["proposed_high"]),
                _fmt_delta(m, v["delta_mean"], v["delta_low"], v["delta_high"]),
                _fmt(m, v["threshold"]),
                flag,
            )
        out.print(table)
    hidden = len(t) - len(rows)
    if hidden > 0 and not show_all:
        out.print(
            f"{hidden} more rows (unflagged, or changed by less than a percentage point) are "
            "not shown: --all prints them, --out keeps them in comparison.csv."
        )
    if not len(rows):
        out.print("No quantity is over its limit or changed by a percentage point or more.")


def _problems_of(errors: dict[tuple[str, int], str]) -> list[str]:
    out = []
    for (name, rep), text in errors.items():
        last = [ln for ln in text.strip().splitlines() if ln.strip()]
        out.append(f"{name} replication {rep}: {last[-1] if last else 'failed'}")
    return out


@app.command()
def compare(
    survey_dir: Annotated[Path, typer.Argument(help="Survey directory.")],
    baseline: Annotated[
        str,
        typer.Option(
            "--baseline",
            "-a",
            help="Scenario name from the scenario file, else a bell schedule name, or "
            "'current' (the survey as it is).",
        ),
    ],
    proposed: Annotated[
        str, typer.Option("--proposed", "-b", help="Scenario or bell schedule name.")
    ],
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications", "-r", min=1, help="Replications (default: the file's, else 5)."
        ),
    ] = None,
    scenarios: ScenariosOpt = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed of replication 1 (default 1).")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--day", help="Day type (default: the file's, else regular).")
    ] = None,
    buildings: BuildingsOpt = None,
    window: WindowOpt = None,
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Keep per-run results, comparison tables and report.html here (a later run "
            "with the same out resumes).",
        ),
    ] = None,
    airtime: Annotated[float | None, typer.Option(help="Airtime limit (0-1).")] = None,
    link_p95: Annotated[
        float | None, typer.Option("--link-p95", help="Link p95 utilization limit (0-1).")
    ] = None,
    video_degraded: Annotated[
        float | None,
        typer.Option("--video-degraded", help="Limit on the share of degraded video seconds."),
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Print every row.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Compare a proposal with a baseline on the same seeds (common random numbers).

    Exit 0 when the proposal crosses no threshold the baseline did not, 1 when it does
    (a gate for pipelines), 2 on bad input.
    """
    from netplan.scenarios.loader import (
        ScenarioSet,
        check_scenarios,
        find_scenario_file,
        load_scenario_file,
        resolve_scenario,
    )
    from netplan.scenarios.models import ScenarioFile, Thresholds
    from netplan.scenarios.workflow import compare_scenarios
    from netplan.survey import load_survey

    if baseline == proposed:
        raise UsageError.at("--proposed", proposed, "the proposal is the baseline itself")
    survey = load_survey(survey_dir)
    sfile = scenarios or find_scenario_file(survey_dir)
    sset = load_scenario_file(sfile) if sfile is not None else None
    base_sc = _narrow(resolve_scenario(baseline, sset, survey), buildings, window)
    prop_sc = _narrow(resolve_scenario(proposed, sset, survey), buildings, window)
    f = sset.file if sset is not None else None
    th = _thresholds(
        f.thresholds if f else Thresholds(),
        airtime=airtime,
        link_p95=link_p95,
        video_degraded=video_degraded,
    )
    pair = ScenarioSet(
        sset.path if sset else None,
        ScenarioFile(
            day=day or (f.day if f else "regular"),
            window=f.window if f else None,
            scenarios={baseline: base_sc, proposed: prop_sc},
        ),
    )
    check_scenarios(pair, survey)
    reps = replications or (f.replications if f else 5)
    the_seed = seed if seed is not None else (f.seed if f else 1)
    the_day = pair.file.day
    names = {bid: b.building.name for bid, b in survey.buildings.items()}
    with tempfile.TemporaryDirectory(prefix="netplan-compare-") as tmp:
        where = out or Path(tmp)
        try:
            with (
                _executor(workers, scheduler) as (ex, slots),
                _progress(f"{baseline} vs {proposed}", not quiet) as prog,
            ):
                run = compare_scenarios(
                    survey,
                    (baseline, base_sc),
                    (proposed, prop_sc),
                    where,
                    replications=reps,
                    seed=the_seed,
                    day=the_day,
                    window=pair.file.window,
                    thresholds=th,
                    executor=ex,
                    slots=slots,
                    progress=prog,
                    keep_raw=out is not None,
                )
        except KeyboardInterrupt:
            _interrupted(out)
        comp = run.comparison
        _print_comparison(comp, names, show_all, console)
        for line in _problems_of(run.report.failed):
            console.print(f"[red]failed:[/red] {escape(line)}")
        if out is not None:
            _write_report(run, out, (baseline, proposed))
    if comp.gate_failed:
        n = len(comp.crossings)
        console.print(
            f"[bold red]GATE FAILED[/bold red]: {escape(proposed)} crosses {n} threshold"
            f"{'s' if n != 1 else ''} {escape(baseline)} does not."
        )
        raise typer.Exit(1)
    console.print(
        f"[green]Gate passed[/green]: {escape(proposed)} crosses no threshold "
        f"{escape(baseline)} does not."
    )


def _write_report(run: Any, out: Path, names: tuple[str, str]) -> None:
    try:
        from netplan.report import write_comparison_report
    except ImportError:
        console.print("The HTML comparison report is not available; wrote the tables only.")
        return
    if run.raw is None:
        console.print("No full results of replication 1 were kept; wrote the tables only.")
        return
    table = run.comparison.table.copy()
    table["passed"] = ~table["new_crossing"]
    try:
        path = write_comparison_report(run.raw[0], run.raw[1], table, out, names=names)
    except Exception as exc:  # the verdict stands without the page
        make_console(stderr=True).print(
            f"[yellow]warning:[/yellow] the HTML comparison report could not be written "
            f"({escape(type(exc).__name__)}: {escape(str(exc))}); the tables are in {out}."
        )
        return
    console.print(f"Wrote {path}")


@app.command()
def batch(
    scenarios_file: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Output folder (default: ./batch-<file name>). Run again with the same folder "
            "to resume.",
        ),
    ] = None,
    replications: Annotated[
        int | None, typer.Option("--replications", "-r", min=1, help="Override the file's.")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only this scenario (repeatable).")
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete earlier per-run results first.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run every scenario of a file x replications in parallel, resumably.

    Writes results.parquet (tidy), summary.csv, comparison.csv (each scenario against the
    baseline) and batch.json. Exit 1 when a scenario fails or crosses a threshold the
    baseline does not, 2 on bad input.
    """
    from netplan.scenarios.loader import check_scenarios, load_scenario_file
    from netplan.scenarios.workflow import batch_scenarios
    from netplan.survey import load_survey

    sset = load_scenario_file(scenarios_file)
    names = list(only or [])
    unknown = [n for n in names if n not in sset.file.scenarios]
    if unknown:
        raise UsageError(
            [Problem("--only", n, f"not a scenario of {scenarios_file}") for n in unknown]
        )
    survey = load_survey(sset.survey_dir)
    check_scenarios(sset, survey, names)
    where = out or Path(f"batch-{scenarios_file.stem}")
    if fresh and (where / "runs").exists():
        shutil.rmtree(where / "runs")
    try:
        with (
            _executor(workers, scheduler) as (ex, slots),
            _progress(scenarios_file.stem, not quiet) as prog,
        ):
            run = batch_scenarios(
                sset,
                survey,
                where,
                names=names,
                replications=replications,
                executor=ex,
                slots=slots,
                progress=prog,
            )
    except KeyboardInterrupt:
        _interrupted(where)
    rep = run.report
    table = Table(title=f"{sset.where}: baseline {sset.baseline}", title_justify="left")
    for col in ("scenario", "runs", "failed", "vs baseline"):
        table.add_column(col)
    for n in names or sset.names:
        ok = sum(1 for k in [*rep.ran, *rep.skipped] if k[0] == n)
        total = sum(1 for t in rep.tasks if t.spec.scenario == n)
        failed = sum(1 for k in rep.failed if k[0] == n)
        comp = run.comparisons.get(n)
        if n == sset.baseline:
            verdict = "(baseline)"
        elif comp is None:
            verdict = "-"
        elif comp.gate_failed:
            worst = comp.crossings.iloc[0]
            verdict = (
                f"[red]crosses {len(comp.crossings)}[/red]: {escape(str(worst['resource']))} "
                f"{worst['metric']}"
            )
        else:
            verdict = "[green]passes[/green]"
        table.add_row(
            escape(n), f"{ok}/{total}", f"[red]{failed}[/red]" if failed else "0", verdict
        )
    console.print(table)
    for line in _problems_of(rep.failed):
        console.print(f"[red]failed:[/red] {escape(line)}")
    console.print(
        f"{len(rep.ran)} run, {len(rep.skipped)} already done, {len(rep.failed)} failed, "
        f"{len(rep.not_run)} not started; {rep.wall_s:.1f} s. Results in {where}"
    )
    if rep.failed or rep.not_run:
        console.print("Run the same command again to retry what did not finish.")
    if rep.failed or rep.not_run or run.gate_failed:
        raise typer.Exit(1)


@app.command()
def runway(
    survey_dir: Annotated[Path, typer.Argument(help="Survey directory.")],
    scenario: Annotated[
        str,
        typer.Option(
            "--scenario", "-s", help="Scenario or bell schedule to grow (default: current)."
        ),
    ] = "current",
    scenarios: ScenariosOpt = None,
    growth: Annotated[
        float | None,
        typer.Option(
            "--growth",
            help="Demand growth per year, percent (default: the scenario's, else 50, the low "
            "end of EducationSuperHighway's 50-100 %).",
        ),
    ] = None,
    years: Annotated[int, typer.Option("--years", min=1, max=30, help="Years ahead.")] = 5,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Calendar year of the survey (default: the file's or now)."),
    ] = None,
    replications: Annotated[
        int | None, typer.Option("--replications", "-r", min=1, help="Default 3.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0)] = None,
    day: Annotated[str | None, typer.Option("--day")] = None,
    buildings: BuildingsOpt = None,
    window: WindowOpt = None,
    workers: WorkersOpt = 1,
    scheduler: SchedulerOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Keep results here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Capacity runway: the first year each resource crosses its threshold as demand grows."""
    import datetime

    from netplan.scenarios.loader import (
        ScenarioSet,
        check_scenarios,
        find_scenario_file,
        load_scenario_file,
        resolve_scenario,
    )
    from netplan.scenarios.models import ScenarioFile
    from netplan.scenarios.runway import runway_sentence
    from netplan.scenarios.workflow import capacity_runway
    from netplan.survey import load_survey

    survey = load_survey(survey_dir)
    sfile = scenarios or find_scenario_file(survey_dir)
    sset = load_scenario_file(sfile) if sfile is not None else None
    sc = _narrow(resolve_scenario(scenario, sset, survey), buildings, window)
    f = sset.file if sset is not None else None
    the_day = day or (f.day if f else "regular")
    check_scenarios(
        ScenarioSet(
            sset.path if sset else None, ScenarioFile(day=the_day, scenarios={scenario: sc})
        ),
        survey,
    )
    base_year = year or (f.year if f and f.year else None) or datetime.date.today().year
    names = {bid: b.building.name for bid, b in survey.buildings.items()}
    with tempfile.TemporaryDirectory(prefix="netplan-runway-") as tmp:
        where = out or Path(tmp)
        try:
            with (
                _executor(workers, scheduler) as (ex, slots),
                _progress(f"runway {scenario}", not quiet) as prog,
            ):
                run = capacity_runway(
                    survey,
                    (scenario, sc),
                    where,
                    base_year=base_year,
                    years=years,
                    growth=None if growth is None else growth / 100.0,
                    replications=replications or 3,
                    seed=seed if seed is not None else (f.seed if f else 1),
                    day=the_day,
                    window=f.window if f else None,
                    thresholds=f.thresholds if f else None,
                    executor=ex,
                    slots=slots,
                    progress=prog,
                )
        except KeyboardInterrupt:
            _interrupted(out)
    t = run.table
    hit = t[t["runs_out"].notna()]
    last = base_year + years
    console.print(
        f"[bold]Capacity runway[/bold] of {escape(scenario)}, {base_year}-{last}: "
        f"{len(hit)} of {len(t)} resources cross their threshold."
    )
    for _, row in hit.iterrows():
        console.print(escape(runway_sentence(row, names, base_year)))
    if len(hit) < len(t):
        console.print(f"{len(t) - len(hit)} resources stay under their threshold through {last}.")
    for line in _problems_of(run.report.failed):
        console.print(f"[red]failed:[/red] {escape(line)}")
    if run.report.failed:
        raise typer.Exit(1)
