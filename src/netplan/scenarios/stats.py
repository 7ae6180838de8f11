"""Replication statistics: means with Student-t confidence intervals and paired differences.

Scenarios compared under common random numbers share seeds: replication ``i`` of the
baseline and of the proposal see the same random streams, so the difference
``d_i = proposed_i - baseline_i`` removes most of the run-to-run noise both share. The
interval for the mean difference is the paired-t interval
``mean(d) +/- t(1 - alpha/2, n - 1) * sd(d) / sqrt(n)`` (e.g. Law, *Simulation Modeling and
Analysis*, 5th ed., sec. 10.2.1 "paired-t confidence interval").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "Interval",
    "mean_interval",
    "paired_table",
    "t_interval",
]

#: Columns that identify one measured quantity in a tidy metrics table.
KEY = ["building", "resource", "kind", "metric"]


@dataclass(frozen=True)
class Interval:
    """A sample mean and its confidence interval.

    Attributes
    ----------
    mean
        The sample mean (NaN for an empty sample).
    low, high
        The interval's ends; NaN when fewer than two values (no variance estimate).
    n
        Values the mean is over.
    """

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN when undefined)."""
        return (self.high - self.low) / 2.0


def t_interval(values: ArrayLike, level: float = 0.95) -> Interval:
    """Mean of ``values`` with its two-sided Student-t confidence interval.

    Parameters
    ----------
    values
        Independent observations (NaN values are ignored).
    level
        Confidence level, e.g. 0.95.

    Returns
    -------
    Interval
        For ``n >= 2``: ``mean +/- t(1 - (1 - level) / 2, n - 1) * s / sqrt(n)`` with ``s`` the
        sample standard deviation (``ddof=1``). Zero spread gives a zero-width interval.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def mean_interval(metrics: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per-quantity mean and t interval over replications, for every scenario.

    Parameters
    ----------
    metrics
        Tidy table with columns ``scenario, replication, building, resource, kind, metric,
        value``.
    level
        Confidence level.

    Returns
    -------
    DataFrame
        One row per ``scenario, building, resource, kind, metric`` with ``n, mean, low,
        high``.
    """
    rows = []
    for key, grp in metrics.groupby(["scenario", *KEY], sort=True, dropna=False):
        iv = t_interval(grp["value"].to_numpy(), level)
        rows.append((*key, iv.n, iv.mean, iv.low, iv.high))
    return pd.DataFrame(rows, columns=["scenario", *KEY, "n", "mean", "low", "high"])


def paired_table(
    metrics: pd.DataFrame, baseline: str, proposed: str, level: float = 0.95
) -> pd.DataFrame:
    """Side-by-side means and paired differences of two scenarios run on the same seeds.

    Replications are paired by their ``replication`` number (which fixes the seed). A
    quantity present in only one scenario (an AP the proposal adds) keeps its mean and
    interval there and has no difference.

    Parameters
    ----------
    metrics
        Tidy table with columns ``scenario, replication, building, resource, kind, metric,
        value``.
    baseline, proposed
        The two scenario names.
    level
        Confidence level of every interval.

    Returns
    -------
    DataFrame
        One row per ``building, resource, kind, metric`` with ``baseline_mean,
        baseline_low, baseline_high, proposed_mean, proposed_low, proposed_high, n_pairs,
        delta_mean, delta_low, delta_high``.
    """
    cols = ["replication", *KEY, "value"]
    base = metrics.loc[metrics["scenario"] == baseline, cols]
    prop = metrics.loc[metrics["scenario"] == proposed, cols]
    merged = base.merge(
        prop, on=["replication", *KEY], how="outer", suffixes=("_b", "_p"), sort=True
    )
    rows = []
    for key, grp in merged.groupby(KEY, sort=True, dropna=False):
        b = t_interval(grp["value_b"].to_numpy(), level)
        p = t_interval(grp["value_p"].to_numpy(), level)
        both = grp.dropna(subset=["value_b", "value_p"])
        d = t_interval((both["value_p"] - both["value_b"]).to_numpy(), level)
        rows.append(
            (*key, b.mean, b.low, b.high, p.mean, p.low, p.high, d.n, d.mean, d.low, d.high)
        )
    return pd.DataFrame(
        rows,
        columns=[
            *KEY,
            "baseline_mean",
            "baseline_low",
            "baseline_high",
            "proposed_mean",
            "proposed_low",
            "proposed_high",
            "n_pairs",
            "delta_mean",
            "delta_low",
            "delta_high",
        ],
    )
