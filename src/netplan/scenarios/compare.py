"""Comparing two scenarios: side-by-side means, paired deltas, threshold flags and the gate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netplan.scenarios.models import Thresholds
from netplan.scenarios.stats import mean_interval, paired_table

__all__ = [
    "METRIC_THRESHOLD",
    "Comparison",
    "compare",
    "flag_table",
    "threshold_of",
]

#: Which threshold (a field of :class:`Thresholds`) each gated metric is held to. Every
#: gated metric is "higher is worse".
METRIC_THRESHOLD: dict[str, str] = {
    "airtime_peak5": "airtime",
    "link_p95": "link_p95",
    "video_degraded": "video_degraded",
    "dhcp_failures": "dhcp_failures",
}


def threshold_of(metric: str, thresholds: Thresholds) -> float:
    """The limit a metric is held to, or NaN for a metric that is only reported."""
    name = METRIC_THRESHOLD.get(metric)
    return float(getattr(thresholds, name)) if name else float("nan")


def flag_table(means: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """Add ``threshold`` and ``over`` (mean above it) to a table of per-scenario means."""
    out = means.copy()
    out["threshold"] = [threshold_of(m, thresholds) for m in out["metric"]]
    out["over"] = np.asarray(out["mean"] > out["threshold"], dtype=bool)
    return out


@dataclass(frozen=True)
class Comparison:
    """A baseline and a proposal, measured on the same seeds.

    Attributes
    ----------
    baseline, proposed
        Scenario names.
    table
        One row per ``building, resource, kind, metric``: the two means with their 95 %
        intervals, the paired difference with its interval, the ``threshold``, whether each
        side is ``baseline_over`` / ``proposed_over`` it, ``new_crossing`` (the proposal
        crosses a threshold the baseline did not), ``worse`` / ``better`` (the interval of
        the difference lies wholly above / below zero).
    thresholds
        The limits used.
    replications
        Paired replications the table rests on (the smallest over all rows).
    level
        Confidence level of the intervals.
    """

    baseline: str
    proposed: str
    table: pd.DataFrame
    thresholds: Thresholds
    replications: int
    level: float = 0.95

    @property
    def gate_failed(self) -> bool:
        """The proposal crosses a threshold the baseline did not."""
        return bool(self.table["new_crossing"].any())

    @property
    def crossings(self) -> pd.DataFrame:
        """The rows where the proposal newly crosses a threshold."""
        return self.table[self.table["new_crossing"]]

    @property
    def flagged(self) -> pd.DataFrame:
        """Rows over a threshold in either scenario."""
        t = self.table
        return t[t["baseline_over"] | t["proposed_over"]]


def compare(
    metrics: pd.DataFrame,
    baseline: str,
    proposed: str,
    thresholds: Thresholds | None = None,
    *,
    level: float = 0.95,
) -> Comparison:
    """Compare two scenarios of a tidy metrics table.

    Parameters
    ----------
    metrics
        Columns ``scenario, replication, building, resource, kind, metric, value``; the two
        scenarios' replications with the same number ran on the same seed.
    baseline, proposed
        Scenario names.
    thresholds
        Limits (default :class:`Thresholds`).
    level
        Confidence level.

    Returns
    -------
    Comparison
        The table and the gate verdict. A quantity only one side has (an added AP) is over
        its threshold on that side alone; missing on the baseline counts as not over.
    """
    th = thresholds or Thresholds()
    table = paired_table(metrics, baseline, proposed, level)
    table["threshold"] = [threshold_of(m, th) for m in table["metric"]]
    table["baseline_over"] = np.asarray(table["baseline_mean"] > table["threshold"], dtype=bool)
    table["proposed_over"] = np.asarray(table["proposed_mean"] > table["threshold"], dtype=bool)
    table["new_crossing"] = table["proposed_over"] & ~table["baseline_over"]
    table["worse"] = np.asarray(table["delta_low"] > 0, dtype=bool)
    table["better"] = np.asarray(table["delta_high"] < 0, dtype=bool)
    n = int(table["n_pairs"].min()) if len(table) else 0
    return Comparison(baseline, proposed, table, th, n, level)


def scenario_summary(
    metrics: pd.DataFrame, thresholds: Thresholds, *, level: float = 0.95
) -> pd.DataFrame:
    """Per scenario and quantity: mean, interval, threshold and whether it is over."""
    return flag_table(mean_interval(metrics, level), thresholds)
