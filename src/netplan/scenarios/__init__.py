"""Scenarios: survey overrides, replications on common random numbers, comparison, batches.

A scenario file names a base survey and scenarios that change it (another bell schedule,
enrollment and demand growth, AP, WAN and ISP upgrades, caches...). Scenarios run on the same
seeds, are compared with paired Student-t intervals, and are gated on thresholds; a batch
runs many of them on any :class:`concurrent.futures.Executor`.
"""

from __future__ import annotations

from netplan.scenarios.apply import RunSpec, apply_scenario, run_spec, survey_digest
from netplan.scenarios.batch import (
    BatchReport,
    Task,
    make_tasks,
    open_executor,
    read_results,
    run_batch,
)
from netplan.scenarios.compare import Comparison, compare, scenario_summary
from netplan.scenarios.loader import (
    ScenarioSet,
    check_scenarios,
    load_scenario_file,
    resolve_scenario,
)
from netplan.scenarios.models import Scenario, ScenarioFile, Thresholds
from netplan.scenarios.stats import mean_interval, paired_table, t_interval

__all__ = [
    "BatchReport",
    "Comparison",
    "RunSpec",
    "Scenario",
    "ScenarioFile",
    "ScenarioSet",
    "Task",
    "Thresholds",
    "apply_scenario",
    "check_scenarios",
    "compare",
    "load_scenario_file",
    "make_tasks",
    "mean_interval",
    "open_executor",
    "paired_table",
    "read_results",
    "resolve_scenario",
    "run_batch",
    "run_spec",
    "scenario_summary",
    "survey_digest",
    "t_interval",
]
