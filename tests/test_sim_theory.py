"""The fluid engine against queueing theory: processor sharing and Erlang B."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy
from scipy import stats

from netplan.sim.access import RadioSlots, assign_cohort
from netplan.sim.driver import FluidDriver
from netplan.sim.fluid import FluidNetwork

CAPACITY = 10.0  # Mbps
MEAN_MB = 1.0  # megabits per transfer


def _sizes(dist: str, rng: np.random.Generator, n: int) -> np.ndarray:
    if dist == "exponential":
        return rng.exponential(MEAN_MB, n)
    # Pareto (Lomax shifted) with alpha 2.5: heavy tail, same mean.
    alpha = 2.5
    xm = MEAN_MB * (alpha - 1) / alpha
    return xm * (1.0 + rng.pareto(alpha, n))


def _ps_run(load: float, dist: str, n: int, seed: int) -> float:
    """Ratio of the measured mean sojourn of ``n`` Poisson transfers on one link to
    processor-sharing theory evaluated at the run's realised arrival rate and mean size
    (a control variate: it removes the noise of the input sample, not of the queue)."""
    lam = load * CAPACITY / MEAN_MB
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0 / lam, n)
    sizes = _sizes(dist, rng, n)
    env = simpy.Environment()
    fluid = FluidNetwork(np.array([CAPACITY]), exact=True)
    driver = FluidDriver(env, fluid, tick_s=0.0, minute_s=1e9)
    cls = fluid.class_id("link", (0,), (1.0,))

    def arrivals() -> object:
        for g, s in zip(gaps.tolist(), sizes.tolist(), strict=True):
            yield env.timeout(g)
            driver.start_elastic(cls, s)

    env.process(arrivals())
    env.run(until=float(gaps.sum()) + 1000.0)
    log = fluid.log
    assert np.all(np.isfinite(log.end_s)), "every transfer finishes once arrivals stop"
    sojourn = log.end_s - log.start_s
    lam_hat = n / float(gaps.sum())
    m_hat = float(sizes.mean())
    theory = m_hat / (CAPACITY - lam_hat * m_hat)
    return float(sojourn.mean()) / theory


@pytest.mark.slow
@pytest.mark.parametrize("dist", ["exponential", "pareto"])
@pytest.mark.parametrize("load", [0.3, 0.6, 0.8])
def test_processor_sharing_mean_sojourn(load: float, dist: str) -> None:
    # M/G/1-PS: mean sojourn m / (C - lambda m) whatever the size distribution
    # (insensitivity); checked for exponential and heavy-tailed (Pareto) sizes.
    # Heavy traffic needs more samples for a 3 % confidence interval.
    reps = 16 if load >= 0.8 else 12
    n = {0.3: 4000, 0.6: 6000, 0.8: 24000}[load]
    ratios = np.array([_ps_run(load, dist, n, seed) for seed in range(reps)])
    mean = ratios.mean()
    half = stats.t.ppf(0.975, reps - 1) * ratios.std(ddof=1) / math.sqrt(reps)
    assert half < 0.03, f"CI too wide to judge: ±{half:.1%}"
    assert abs(mean - 1.0) < 0.03, f"sojourn / theory = {mean:.4f} ± {half:.4f}"
    assert mean - half - 0.01 < 1.0 < mean + half + 0.01


def _erlang_b(servers: int, offered: float) -> float:
    """Erlang B by the recursion B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = offered * b / (k + offered * b)
    return b


@pytest.mark.parametrize(("slots", "offered"), [(10, 8.0), (30, 28.0), (50, 40.0)])
def test_ap_client_limit_blocking_matches_erlang_b(slots: int, offered: float) -> None:
    # Clients arrive as a Poisson stream and stay an exponential time; each asks the
    # association logic for a slot on the one radio covering its zone.
    rng = np.random.default_rng(slots)
    hold = 60.0
    lam = offered / hold
    radios = RadioSlots([slots])
    env = simpy.Environment()
    tally = {"tried": 0, "blocked": 0}
    warmup = 20 * hold

    def client() -> object:
        placed, rejected = assign_cohort(radios, 1, [(0, 0, 30.0, 1)])
        if env.now > warmup:
            tally["tried"] += 1
            tally["blocked"] += rejected
        if placed:
            yield env.timeout(rng.exponential(hold))
            radios.release(0, 1)

    def source() -> object:
        while True:
            yield env.timeout(rng.exponential(1.0 / lam))
            env.process(client())

    env.process(source())
    env.run(until=warmup + 4000 * hold)
    p = tally["blocked"] / tally["tried"]
    want = _erlang_b(slots, offered)
    se = math.sqrt(want * (1 - want) / tally["tried"])
    # Blocking events are correlated in time; allow 6 binomial standard errors plus 1 %.
    assert abs(p - want) < 6 * se + 0.01 * want, f"blocking {p:.4f} vs Erlang B {want:.4f}"
