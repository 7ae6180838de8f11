"""The fair-share allocator against textbook max-min results and an independent LP."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from netplan.sim.allocator import max_min_allocation


def _csr(paths: list[list[int]], coefs: list[list[float]] | None = None):
    ptr = np.zeros(len(paths) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(p) for p in paths])
    res = np.array([r for p in paths for r in p], dtype=np.int64)
    if coefs is None:
        coef = np.ones(len(res))
    else:
        coef = np.array([c for cs in coefs for c in cs], dtype=np.float64)
    return ptr, res, coef


def test_textbook_water_filling() -> None:
    # Bertsekas & Gallager example: links A (cap 1) shared by flows 0,1,2; link B (cap 1)
    # shared by flows 2,3. Max-min: flows 0,1,2 get 1/3 on A; flow 3 gets the rest of B.
    ptr, res, coef = _csr([[0], [0], [0, 1], [1]])
    a = max_min_allocation(ptr, res, coef, np.array([1.0, 1.0]), np.full(4, np.inf))
    np.testing.assert_allclose(a.rates, [1 / 3, 1 / 3, 1 / 3, 2 / 3])
    assert list(a.bottleneck) == [0, 0, 0, 1]


def test_demand_capped_flows_release_capacity() -> None:
    ptr, res, coef = _csr([[0], [0], [0]])
    a = max_min_allocation(ptr, res, coef, np.array([10.0]), np.array([1.0, np.inf, 2.0]))
    np.testing.assert_allclose(a.rates, [1.0, 7.0, 2.0])
    assert a.bottleneck[0] == -1 and a.bottleneck[1] == 0


def test_counts_act_like_repeated_flows() -> None:
    ptr, res, coef = _csr([[0, 1], [1]])
    a = max_min_allocation(
        ptr, res, coef, np.array([4.0, 10.0]), np.full(2, np.inf), count=np.array([4.0, 2.0])
    )
    # Class 0: 4 flows limited by resource 0 at 1 each; class 1: (10 - 4) / 2 = 3 each.
    np.testing.assert_allclose(a.rates, [1.0, 3.0])


def test_airtime_weights_equalise_airtime() -> None:
    # One airtime budget (capacity 1 s/s); clients at 100 and 25 Mbps effective rate.
    ptr, res, coef = _csr([[0], [0]], [[1 / 100], [1 / 25]])
    eff = np.array([100.0, 25.0])
    equal_air = max_min_allocation(ptr, res, coef, np.array([1.0]), np.full(2, np.inf), weight=eff)
    np.testing.assert_allclose(equal_air.rates, [50.0, 12.5])  # half the airtime each
    equal_rate = max_min_allocation(ptr, res, coef, np.array([1.0]), np.full(2, np.inf))
    np.testing.assert_allclose(equal_rate.rates, [20.0, 20.0])  # performance anomaly


def _lp_max_min(a_mat: np.ndarray, cap: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Max-min rates by a sequence of linear programs (independent of the allocator)."""
    n = a_mat.shape[1]
    fixed = np.full(n, np.nan)
    while np.isnan(fixed).any():
        open_ = np.isnan(fixed)
        # Variables: x (n) and t; maximise t with x_open >= t, x_fixed = fixed, A x <= C.
        c = np.zeros(n + 1)
        c[-1] = -1.0
        a_ub = [np.hstack([a_mat, np.zeros((a_mat.shape[0], 1))])]
        b_ub = [cap]
        rows = []
        for f in np.flatnonzero(open_):
            row = np.zeros(n + 1)
            row[f] = -1.0
            row[-1] = 1.0
            rows.append(row)
        a_ub.append(np.array(rows))
        b_ub.append(np.zeros(len(rows)))
        bounds = [(0, d if np.isfinite(d) else None) for d in demand] + [(0, None)]
        for f in np.flatnonzero(~open_):
            bounds[f] = (fixed[f], fixed[f])
        r = linprog(c, A_ub=np.vstack(a_ub), b_ub=np.concatenate(b_ub), bounds=bounds)
        assert r.status == 0
        t = r.x[-1]
        # Open flows at demand or unable to exceed t are fixed.
        progressed = False
        for f in np.flatnonzero(open_):
            if demand[f] <= t + 1e-9:
                fixed[f] = demand[f]
                progressed = True
                continue
            c2 = np.zeros(n + 1)
            c2[f] = -1.0
            b2 = [(lo, hi) for lo, hi in bounds]
            for g in np.flatnonzero(open_):
                b2[g] = (t - 1e-9, b2[g][1])
            r2 = linprog(c2, A_ub=np.vstack(a_ub), b_ub=np.concatenate(b_ub), bounds=b2)
            if r2.status == 0 and r2.x[f] <= t + 1e-7:
                fixed[f] = t
                progressed = True
        assert progressed
    return fixed


@pytest.mark.parametrize("seed", range(25))
def test_matches_linear_programming_on_random_networks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_res, n_flows = int(rng.integers(2, 7)), int(rng.integers(2, 10))
    paths, coefs = [], []
    for _ in range(n_flows):
        k = int(rng.integers(1, n_res + 1))
        p = sorted(rng.choice(n_res, size=k, replace=False).tolist())
        paths.append(p)
        coefs.append(rng.choice([1.0, 0.5, 2.0], size=k).tolist())
    cap = rng.uniform(1.0, 10.0, n_res)
    demand = np.where(rng.random(n_flows) < 0.3, rng.uniform(0.1, 3.0, n_flows), np.inf)
    ptr, res, coef = _csr(paths, coefs)
    got = max_min_allocation(ptr, res, coef, cap, demand)
    a_mat = np.zeros((n_res, n_flows))
    for f, (p, cs) in enumerate(zip(paths, coefs, strict=True)):
        a_mat[p, f] = cs
    want = _lp_max_min(a_mat, cap, demand)
    np.testing.assert_allclose(got.rates, want, rtol=1e-6, atol=1e-7)
    assert np.all(a_mat @ got.rates <= cap * (1 + 1e-9))
    np.testing.assert_allclose(got.usage, a_mat @ got.rates, rtol=1e-9, atol=1e-12)
