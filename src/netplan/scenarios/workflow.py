"""The three jobs the command line offers: compare two scenarios, run a batch, find the runway.

Each builds run settings, runs them through :func:`netplan.scenarios.batch.run_batch` on the
executor it is given, and turns the tidy results into tables; the writing of summary files
happens here too, so the library and the command line give the same outputs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from netplan.errors import InputError, Problem
from netplan.outputs import atomic_write_bytes, atomic_write_text
from netplan.scenarios.apply import RunSpec, run_spec
from netplan.scenarios.batch import (
    BatchProgress,
    BatchReport,
    Task,
    make_tasks,
    raw_path,
    read_results,
    run_batch,
)
from netplan.scenarios.compare import Comparison, compare, scenario_summary
from netplan.scenarios.loader import ScenarioSet
from netplan.scenarios.models import Scenario, Thresholds, Window
from netplan.scenarios.runway import runway_specs, runway_table
from netplan.survey.loader import Survey

__all__ = [
    "BatchRun",
    "ComparisonRun",
    "RunwayRun",
    "batch_scenarios",
    "capacity_runway",
    "compare_scenarios",
]


def _parquet(df: pd.DataFrame) -> bytes:
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _write_table(df: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet and CSV, each atomically."""
    atomic_write_bytes(path.with_suffix(".parquet"), _parquet(df))
    atomic_write_text(path.with_suffix(".csv"), df.to_csv(index=False))


def _raise_bad_input(report: BatchReport) -> None:
    """Raise the input problems of failed tasks, if every failure was bad input."""
    if report.failed and set(report.failed) == set(report.problems):
        seen: dict[str, Problem] = {}
        for probs in report.problems.values():
            for p in probs:
                seen.setdefault(str(p), p)
        raise InputError(list(seen.values()))


@dataclass(frozen=True)
class ComparisonRun:
    """Result of :func:`compare_scenarios`.

    Attributes
    ----------
    comparison
        The paired table and the gate.
    report
        What the batch under it did.
    metrics
        Every replication's tidy metrics.
    raw
        Output directories of replication 1's full results, ``(baseline, proposed)``, when
        they were kept.
    """

    comparison: Comparison
    report: BatchReport
    metrics: pd.DataFrame
    raw: tuple[Path, Path] | None


def compare_scenarios(
    survey: Survey,
    baseline: tuple[str, Scenario],
    proposed: tuple[str, Scenario],
    out_dir: str | Path,
    *,
    replications: int = 5,
    seed: int = 1,
    day: str = "regular",
    window: Window | None = None,
    thresholds: Thresholds | None = None,
    executor: Executor | None = None,
    slots: int = 1,
    progress: BatchProgress | None = None,
    keep_raw: bool = False,
) -> ComparisonRun:
    """Run two scenarios on the same seeds and compare them.

    Parameters
    ----------
    survey
        The base survey.
    baseline, proposed
        ``(name, scenario)`` of each side (see
        :func:`netplan.scenarios.loader.resolve_scenario`).
    out_dir
        Where per-run results (and, with ``keep_raw``, replication 1's full results) go.
    replications
        Replications per scenario; replication ``r`` runs on seed ``seed + r - 1`` on both
        sides.
    seed, day, window
        Seed of replication 1; day type and part of the day when a scenario names none.
    thresholds
        The gate's limits.
    executor, slots, progress
        See :func:`netplan.scenarios.batch.run_batch`.
    keep_raw
        Keep replication 1's full results of both sides (for the HTML report).

    Returns
    -------
    ComparisonRun
        The comparison; ``comparison.gate_failed`` is the verdict.

    Raises
    ------
    InputError
        If a side failed on bad input (e.g. a day type a building's schedule lacks).
    RuntimeError
        If a side has no successful replication at all.
    """
    if baseline[0] == proposed[0]:
        proposed = (f"{proposed[0]} (proposed)", proposed[1])
    out = Path(out_dir)
    specs = [run_spec(n, sc, survey, day=day, window=window) for n, sc in (baseline, proposed)]
    tasks = make_tasks(specs, replications, seed, keep_raw=keep_raw)
    report = run_batch(tasks, out, executor=executor, slots=slots, progress=progress)
    _raise_bad_input(report)
    metrics = read_results(out, tasks)
    for name in (baseline[0], proposed[0]):
        if not (metrics["scenario"] == name).any():
            errs = [v for k, v in report.failed.items() if k[0] == name]
            raise RuntimeError(
                f"scenario {name!r}: no replication finished" + (f":\n{errs[0]}" if errs else "")
            )
    comp = compare(metrics, baseline[0], proposed[0], thresholds)
    raw = None
    if keep_raw:
        first = {t.spec.scenario: raw_path(out, t) for t in tasks if t.keep_raw}
        paths = (first[baseline[0]], first[proposed[0]])
        if all((p / "summary.json").is_file() for p in paths):
            raw = paths
    _write_table(comp.table, out / "comparison")
    atomic_write_text(
        out / "comparison.json",
        json.dumps(
            {
                "baseline": baseline[0],
                "proposed": proposed[0],
                "replications": comp.replications,
                "seeds": [seed, seed + replications - 1],
                "thresholds": (thresholds or Thresholds()).model_dump(),
                "gate_failed": comp.gate_failed,
                "new_crossings": _records(comp.crossings),
                "failed_runs": [f"{k[0]} #{k[1]}" for k in report.failed],
            },
            indent=2,
            default=str,
        ),
    )
    return ComparisonRun(comp, report, metrics, raw)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [
        c
        for c in (
            "building",
            "resource",
            "kind",
            "metric",
            "baseline_mean",
            "proposed_mean",
            "delta_low",
            "delta_high",
            "threshold",
        )
        if c in df
    ]
    return [
        {str(k): (None if pd.isna(v) else v) for k, v in row.items()}
        for row in df[cols].to_dict(orient="records")
    ]


@dataclass(frozen=True)
class BatchRun:
    """Result of :func:`batch_scenarios`.

    Attributes
    ----------
    report
        What ran, was skipped, failed.
    metrics
        Tidy results of every finished run.
    summary
        Per scenario and quantity: mean, interval, threshold, over.
    comparisons
        Each scenario against the baseline (same seeds), keyed by scenario name.
    """

    report: BatchReport
    metrics: pd.DataFrame
    summary: pd.DataFrame
    comparisons: dict[str, Comparison]

    @property
    def gate_failed(self) -> list[str]:
        """Scenarios that cross a threshold the baseline does not."""
        return [n for n, c in self.comparisons.items() if c.gate_failed]


def batch_scenarios(
    sset: ScenarioSet,
    survey: Survey,
    out_dir: str | Path,
    *,
    names: Sequence[str] = (),
    replications: int | None = None,
    executor: Executor | None = None,
    slots: int = 1,
    progress: BatchProgress | None = None,
) -> BatchRun:
    """Run the scenarios of a file x replications and write the combined outputs.

    Writes, beside the per-run files, ``results.parquet`` (every finished run's tidy
    metrics), ``summary.parquet``/``.csv`` (mean and 95 % interval per scenario and
    quantity, with its threshold), ``comparison.parquet``/``.csv`` (each scenario against
    the baseline, paired on seeds) and ``batch.json`` (status per scenario, failures, gate).

    Parameters
    ----------
    sset
        The scenario file.
    survey
        Its base survey.
    out_dir
        Output directory (reused to resume).
    names
        Scenarios to run (default: all).
    replications
        Replications per scenario (default: the file's).
    executor, slots, progress
        See :func:`netplan.scenarios.batch.run_batch`.

    Returns
    -------
    BatchRun
        The report and tables.
    """
    out = Path(out_dir)
    f = sset.file
    wanted = list(names) or sset.names
    reps = replications or f.replications
    specs = [run_spec(n, f.scenarios[n], survey, day=f.day, window=f.window) for n in wanted]
    tasks = make_tasks(specs, reps, f.seed)
    report = run_batch(tasks, out, executor=executor, slots=slots, progress=progress)
    metrics = read_results(out, tasks)
    summary = scenario_summary(metrics, f.thresholds) if len(metrics) else pd.DataFrame()
    base = sset.baseline
    comparisons: dict[str, Comparison] = {}
    have = set(metrics["scenario"]) if len(metrics) else set()
    if base in have:
        for n in wanted:
            if n != base and n in have:
                comparisons[n] = compare(metrics, base, n, f.thresholds)
    atomic_write_bytes(out / "results.parquet", _parquet(metrics))
    if len(summary):
        _write_table(summary, out / "summary")
    if comparisons:
        _write_table(
            pd.concat(
                [c.table.assign(scenario=n) for n, c in comparisons.items()], ignore_index=True
            ),
            out / "comparison",
        )
    status = []
    for n in wanted:
        failed = sorted(k[1] for k in report.failed if k[0] == n)
        missing = sorted(k[1] for k in report.not_run if k[0] == n)
        comp = comparisons.get(n)
        status.append(
            {
                "scenario": n,
                "description": f.scenarios[n].description,
                "replications": reps,
                "finished": int(
                    (metrics["scenario"] == n).groupby(metrics["replication"]).any().sum()
                )
                if len(metrics)
                else 0,
                "failed_replications": failed,
                "not_run": missing,
                "error": next((v for k, v in report.failed.items() if k[0] == n), None),
                "gate_failed": None if comp is None else comp.gate_failed,
                "new_crossings": [] if comp is None else _records(comp.crossings),
            }
        )
    atomic_write_text(
        out / "batch.json",
        json.dumps(
            {
                "scenario_file": sset.where,
                "baseline": base,
                "seeds": [f.seed, f.seed + reps - 1],
                "thresholds": f.thresholds.model_dump(),
                "ran": len(report.ran),
                "skipped": len(report.skipped),
                "failed": len(report.failed),
                "not_run": len(report.not_run),
                "wall_s": round(report.wall_s, 3),
                "scenarios": status,
            },
            indent=2,
            default=str,
        ),
    )
    return BatchRun(report, metrics, summary, comparisons)


@dataclass(frozen=True)
class RunwayRun:
    """Result of :func:`capacity_runway`.

    Attributes
    ----------
    table
        First year each quantity crosses its threshold (see
        :func:`netplan.scenarios.runway.runway_table`).
    report
        What the batch under it did.
    years
        Scenario label -> calendar year.
    """

    table: pd.DataFrame
    report: BatchReport
    years: dict[str, int]


def capacity_runway(
    survey: Survey,
    scenario: tuple[str, Scenario],
    out_dir: str | Path,
    *,
    base_year: int,
    years: int = 5,
    growth: float | None = None,
    replications: int = 3,
    seed: int = 1,
    day: str = "regular",
    window: Window | None = None,
    thresholds: Thresholds | None = None,
    executor: Executor | None = None,
    slots: int = 1,
    progress: BatchProgress | None = None,
) -> RunwayRun:
    """Simulate the years ahead under demand growth and find when each resource runs out.

    Parameters
    ----------
    survey
        The base survey.
    scenario
        ``(name, scenario)`` grown year by year.
    out_dir
        Output directory (per-run results, ``runway.parquet``/``.csv``).
    base_year
        The survey's calendar year.
    years
        Years ahead.
    growth
        Yearly demand growth (fraction); default the scenario's or 50 %.
    replications, seed, day, window, thresholds, executor, slots, progress
        As for :func:`compare_scenarios`.

    Returns
    -------
    RunwayRun
        The runway table.
    """
    out = Path(out_dir)
    th = thresholds or Thresholds()
    pairs = runway_specs(
        scenario[0],
        scenario[1],
        survey,
        base_year=base_year,
        years=years,
        growth=growth,
        day=day,
        window=window,
    )
    specs: list[RunSpec] = [s for _, s in pairs]
    year_of = {s.scenario: y for y, s in pairs}
    tasks: list[Task] = make_tasks(specs, replications, seed)
    report = run_batch(tasks, out, executor=executor, slots=slots, progress=progress)
    _raise_bad_input(report)
    metrics = read_results(out, tasks)
    table = runway_table(metrics, year_of, th)
    _write_table(table, out / "runway")
    return RunwayRun(table, report, year_of)
