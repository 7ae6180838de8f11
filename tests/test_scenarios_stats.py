"""Replication statistics and the comparison gate, checked against scipy and by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from netplan.scenarios.compare import compare
from netplan.scenarios.models import Thresholds
from netplan.scenarios.stats import mean_interval, paired_table, t_interval


def tidy(scenario: str, values: dict[tuple[str, str, str, str], list[float]]) -> pd.DataFrame:
    rows = [(scenario, i + 1, *key, v) for key, vals in values.items() for i, v in enumerate(vals)]
    return pd.DataFrame(
        rows,
        columns=["scenario", "replication", "building", "resource", "kind", "metric", "value"],
    )


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=2, max_size=40), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_t_interval_matches_scipy(xs: list[float], level: float) -> None:
    iv = t_interval(xs, level)
    x = np.asarray(xs)
    sem = stats.sem(x)
    assert iv.n == len(xs)
    assert iv.mean == pytest.approx(x.mean(), rel=1e-12, abs=1e-9)
    if sem == 0:
        assert iv.low == pytest.approx(iv.mean) and iv.high == pytest.approx(iv.mean)
        return
    lo, hi = stats.t.interval(level, len(xs) - 1, loc=x.mean(), scale=sem)
    assert iv.low == pytest.approx(lo, rel=1e-9, abs=1e-6)
    assert iv.high == pytest.approx(hi, rel=1e-9, abs=1e-6)


def test_t_interval_small_samples() -> None:
    one = t_interval([3.0])
    assert one.mean == 3.0 and one.n == 1 and math.isnan(one.low) and math.isnan(one.high)
    none = t_interval([])
    assert none.n == 0 and math.isnan(none.mean)
    # NaN values are not observations.
    assert t_interval([1.0, math.nan, 3.0]).n == 2
    # Two values 0 and 2: mean 1, s = sqrt(2), t(0.975, 1) = 12.706...
    two = t_interval([0.0, 2.0])
    assert two.half_width == pytest.approx(12.7062047 * math.sqrt(2) / math.sqrt(2), rel=1e-6)


def test_paired_interval_is_scipy_paired_t() -> None:
    rng = np.random.default_rng(7)
    shared = rng.normal(0.5, 0.1, size=8)  # the common random numbers' effect
    base = shared + rng.normal(0, 0.01, 8)
    prop = shared + 0.03 + rng.normal(0, 0.01, 8)
    key = ("chs", "wan:wan-chs", "wan", "link_p95")
    m = pd.concat([tidy("a", {key: list(base)}), tidy("b", {key: list(prop)})])
    row = paired_table(m, "a", "b").iloc[0]
    ci = stats.ttest_rel(prop, base).confidence_interval(0.95)
    assert row["n_pairs"] == 8
    assert row["delta_mean"] == pytest.approx(float(np.mean(prop - base)))
    assert row["delta_low"] == pytest.approx(ci.low)
    assert row["delta_high"] == pytest.approx(ci.high)
    # Pairing removes the shared noise: the paired interval is far narrower than an
    # unpaired (Welch) one on the same numbers.
    welch = stats.ttest_ind(prop, base, equal_var=False).confidence_interval(0.95)
    assert (ci.high - ci.low) < 0.3 * (welch.high - welch.low)
    assert row["baseline_mean"] == pytest.approx(base.mean())
    assert row["proposed_mean"] == pytest.approx(prop.mean())


def test_paired_interval_covers_true_difference_95_percent() -> None:
    """Over many simulated experiments the 95 % interval covers the true delta ~95 % of the
    time (binomial 99.9 % band for 2000 trials: 0.934 .. 0.965)."""
    rng = np.random.default_rng(2024)
    trials, n, true_delta = 2000, 5, 0.02
    covered = 0
    for _ in range(trials):
        shared = rng.normal(0.6, 0.2, n)
        d = true_delta + rng.normal(0, 0.05, n)
        iv = t_interval(shared + d - shared)
        covered += iv.low <= true_delta <= iv.high
    rate = covered / trials
    assert 0.934 <= rate <= 0.965, rate


def test_unpaired_quantities_and_missing_replications() -> None:
    k1 = ("chs", "chs-ap001", "radio", "airtime_peak5")
    k2 = ("chs", "chs-ap001-x1", "radio", "airtime_peak5")
    m = pd.concat(
        [
            tidy("a", {k1: [0.5, 0.6, 0.7]}),
            tidy("b", {k1: [0.4, 0.5], k2: [0.2, 0.3]}),  # replication 3 of b missing
        ]
    )
    t = paired_table(m, "a", "b").set_index("resource")
    assert t.loc["chs-ap001", "n_pairs"] == 2
    assert t.loc["chs-ap001", "delta_mean"] == pytest.approx(-0.1)
    assert t.loc["chs-ap001", "baseline_mean"] == pytest.approx(0.6)  # all three
    assert t.loc["chs-ap001-x1", "n_pairs"] == 0
    assert math.isnan(t.loc["chs-ap001-x1", "delta_mean"])
    assert math.isnan(t.loc["chs-ap001-x1", "baseline_mean"])
    assert t.loc["chs-ap001-x1", "proposed_mean"] == pytest.approx(0.25)


def test_mean_interval_per_scenario() -> None:
    key = ("oak", "isp", "isp", "link_p95")
    m = pd.concat([tidy("a", {key: [1.0, 2.0, 3.0]}), tidy("b", {key: [5.0, 5.0]})])
    t = mean_interval(m).set_index("scenario")
    lo, hi = stats.t.interval(0.95, 2, loc=2.0, scale=stats.sem([1.0, 2.0, 3.0]))
    assert t.loc["a", "low"] == pytest.approx(lo) and t.loc["a", "high"] == pytest.approx(hi)
    assert t.loc["b", "mean"] == 5.0 and t.loc["b", "low"] == 5.0


def test_gate_flags_only_new_crossings() -> None:
    th = Thresholds()
    wan = ("chs", "wan:wan-chs", "wan", "link_p95")
    air = ("chs", "chs-ap010", "radio", "airtime_peak5")
    dhcp = ("chs", "chs-students", "dhcp", "dhcp_failures")
    video = ("oak", "oak", "building", "video_degraded")
    info = ("chs", "chs", "building", "carried_gb")
    base = tidy(
        "today",
        {
            wan: [0.70, 0.72, 0.71],  # under 0.80
            air: [0.80, 0.85, 0.90],  # already over 0.70
            dhcp: [0.0, 0.0, 0.0],
            video: [0.001, 0.002, 0.0],
            info: [100.0, 110.0, 120.0],
        },
    )
    prop = tidy(
        "merged",
        {
            wan: [0.85, 0.86, 0.84],  # now over: new crossing
            air: [0.95, 0.97, 0.99],  # over on both sides: flagged, not new
            dhcp: [0.0, 2.0, 0.0],  # any exhaustion: new crossing
            video: [0.004, 0.001, 0.002],  # still under 1 %
            info: [900.0, 1000.0, 1100.0],  # no threshold
        },
    )
    c = compare(pd.concat([base, prop]), "today", "merged", th)
    t = c.table.set_index("metric")
    assert c.gate_failed
    assert set(c.crossings["metric"]) == {"link_p95", "dhcp_failures"}
    assert t.loc["airtime_peak5", "baseline_over"] and not t.loc["airtime_peak5", "new_crossing"]
    assert set(c.flagged["metric"]) == {"link_p95", "dhcp_failures", "airtime_peak5"}
    assert not t.loc["carried_gb", "proposed_over"]
    assert math.isnan(t.loc["carried_gb", "threshold"])
    assert t.loc["link_p95", "worse"] and not t.loc["link_p95", "better"]
    assert c.replications == 3
    # The reverse direction: the proposal only relieves things, so the gate passes.
    back = compare(pd.concat([base, prop]), "merged", "today", th)
    assert not back.gate_failed
    assert back.table.set_index("metric").loc["link_p95", "better"]


def test_gate_uses_given_thresholds() -> None:
    wan = ("chs", "wan:wan-chs", "wan", "link_p95")
    m = pd.concat([tidy("a", {wan: [0.50, 0.52]}), tidy("b", {wan: [0.60, 0.62]})])
    assert not compare(m, "a", "b").gate_failed
    assert compare(m, "a", "b", Thresholds(link_p95=0.55)).gate_failed


def test_runway_first_year_over_the_limit() -> None:
    from netplan.scenarios.runway import runway_sentence, runway_table, year_label

    wan = ("chs", "wan:wan-chs", "wan", "link_p95")
    isp = ("district", "isp", "isp", "link_p95")
    peak = ("chs", "wan:wan-chs", "wan", "link_peak")  # not gated: left out
    years = {year_label("today", y): y for y in (2025, 2026, 2027)}
    frames = []
    for label, y in years.items():
        k = y - 2025
        frames.append(
            tidy(
                label,
                {
                    wan: [0.5 + 0.2 * k, 0.52 + 0.2 * k],  # 0.51, 0.71, 0.91 -> 2027
                    isp: [0.1 * (k + 1)] * 2,  # never above 0.8
                    peak: [0.99, 0.99],
                },
            )
        )
    t = runway_table(pd.concat(frames), years, Thresholds()).set_index("resource")
    assert list(t.index) == ["wan:wan-chs", "isp"]  # sorted by the year it runs out
    assert t.loc["wan:wan-chs", "runs_out"] == 2027
    assert t.loc["wan:wan-chs", "value_then"] == pytest.approx(0.91)
    assert t.loc["wan:wan-chs", "first_value"] == pytest.approx(0.51)
    assert pd.isna(t.loc["isp", "runs_out"])
    assert t.loc["isp", "value_then"] == pytest.approx(0.3)  # the last year's value
    row = t.reset_index().iloc[0]
    line = runway_sentence(row, {"chs": "Cedar Valley High School"}, 2025)
    assert line.startswith(
        "Cedar Valley High School: WAN link wan-chs runs out of capacity in 2027"
    )
    later = runway_sentence(t.reset_index().iloc[1], {}, 2025)
    assert "keeps its capacity through the horizon" in later
