"""The compiled solver and the incremental re-solve against independent references."""

from __future__ import annotations

import numpy as np
import pytest

from netplan.sim import kernels
from netplan.sim.allocator import max_min_allocation
from netplan.sim.fluid import FluidNetwork
from test_sim_allocator import _csr, _lp_max_min


def _padded(paths: list[list[int]], coefs: list[list[float]], width: int):
    path = np.full((len(paths), width), -1, dtype=np.int64)
    coef = np.zeros((len(paths), width))
    for i, (p, c) in enumerate(zip(paths, coefs, strict=True)):
        path[i, : len(p)] = p
        coef[i, : len(c)] = c
    return path, coef


@pytest.mark.parametrize("seed", range(25))
def test_compiled_solver_matches_linear_programming(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n_res, n_flows = int(rng.integers(2, 7)), int(rng.integers(2, 10))
    paths, coefs = [], []
    for _ in range(n_flows):
        k = int(rng.integers(1, n_res + 1))
        paths.append(sorted(rng.choice(n_res, size=k, replace=False).tolist()))
        coefs.append(rng.choice([1.0, 0.5, 2.0], size=k).tolist())
    cap = rng.uniform(1.0, 10.0, n_res)
    demand = np.where(rng.random(n_flows) < 0.3, rng.uniform(0.1, 3.0, n_flows), np.inf)
    path, coef = _padded(paths, coefs, n_res)
    loc = np.full(n_res, -1, dtype=np.int64)
    glob = np.zeros(n_res, dtype=np.int64)
    rates, nloc, use = kernels.solve_subset(
        np.arange(n_flows, dtype=np.int64), path, coef, np.ones_like(coef), demand,
        np.ones(n_flows), cap, np.zeros(n_res), loc, glob, np.full(n_res, np.nan),
    )  # fmt: skip
    a_mat = np.zeros((n_res, n_flows))
    for f, (p, cs) in enumerate(zip(paths, coefs, strict=True)):
        a_mat[p, f] = cs
    np.testing.assert_allclose(rates, _lp_max_min(a_mat, cap, demand), rtol=1e-6, atol=1e-7)
    usage = np.zeros(n_res)
    usage[glob[:nloc]] = use[:nloc]
    np.testing.assert_allclose(usage, a_mat @ rates, rtol=1e-9, atol=1e-12)
    assert np.all(loc == -1)  # scratch handed back clean


@pytest.mark.parametrize("seed", range(20))
def test_compiled_solver_matches_numpy_allocator_with_weights_and_counts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_res, n_cls, width = 40, 300, 6
    paths = [
        sorted(rng.choice(n_res, size=int(rng.integers(1, width + 1)), replace=False).tolist())
        for _ in range(n_cls)
    ]
    coefs = [rng.uniform(0.01, 2.0, len(p)).tolist() for p in paths]
    weights = [rng.choice([1.0, 3.0, 12.0], size=len(p)).tolist() for p in paths]
    path, coef = _padded(paths, coefs, width)
    _, weight = _padded(paths, weights, width)
    cap = rng.uniform(10.0, 500.0, n_res)
    demand = np.where(rng.random(n_cls) < 0.5, rng.uniform(0.5, 8.0, n_cls), np.inf)
    count = rng.integers(0, 5, n_cls).astype(np.float64)
    sub = np.sort(rng.choice(n_cls, size=200, replace=False)).astype(np.int64)
    base = rng.uniform(0.0, 5.0, n_res)
    loc = np.full(n_res, -1, dtype=np.int64)
    glob = np.zeros(n_res, dtype=np.int64)
    rates, nloc, use = kernels.solve_subset(
        sub, path, coef, weight, demand, count, cap, base, loc, glob, np.full(n_res, np.nan)
    )
    ptr, res, c = _csr([paths[i] for i in sub], [coefs[i] for i in sub])
    w = np.array([x for i in sub for x in weights[i]])
    ref = max_min_allocation(
        ptr, res, c, np.maximum(cap - base, 0.0), demand[sub], count=count[sub], weight=w
    )
    np.testing.assert_allclose(rates, ref.rates, rtol=1e-9)
    usage = np.zeros(n_res)
    usage[glob[:nloc]] = use[:nloc]
    np.testing.assert_allclose(usage, ref.usage, rtol=1e-9, atol=1e-9)


def _random_network(rng: np.random.Generator, exact: bool) -> FluidNetwork:
    """Two buildings of four domains each: airtime -> AP uplink -> WAN -> shared ISP."""
    caps = [1.0] * 8 + [300.0] * 8 + [400.0, 400.0] + [500.0]
    district = np.zeros(len(caps), dtype=bool)
    district[-1] = True
    fl = FluidNetwork(np.array(caps), district, max_path=4, exact=exact)
    for c in range(60):
        d = int(rng.integers(0, 8))
        eff = float(rng.uniform(20.0, 400.0))
        stream = bool(rng.random() < 0.4)
        fl.class_id(
            c,
            [d, 8 + d, 16 + d // 4, 18],
            (1.0 / eff, 1.0, 1.0, 1.0),
            weight=(eff, 1.0, 1.0, 1.0),
            demand=float(rng.uniform(1.0, 6.0)) if stream else np.inf,
            stream=stream,
            domain=d,
        )
    return fl


def _network_pair(seed: int) -> tuple[np.random.Generator, FluidNetwork, FluidNetwork]:
    """The same random network twice, re-solved incrementally and exactly, and the
    generator that draws its arrivals."""
    inc = _random_network(np.random.default_rng(seed), exact=False)
    rng = np.random.default_rng(seed)
    full = _random_network(rng, exact=True)
    return rng, inc, full


def _arrive_and_solve(rng: np.random.Generator, inc: FluidNetwork, full: FluidNetwork) -> None:
    """One to five random flows start in both networks, which then re-solve."""
    k = int(rng.integers(1, 6))
    cls = rng.integers(0, 60, k)
    amount = rng.uniform(1.0, 50.0, k)
    stream = inc.is_stream[cls]
    for fl in (inc, full):
        fl.add_batch(cls, amount, stream, np.zeros(k, dtype=np.int64), np.full(k, fl.t))
        fl.reallocate()


def _advance(rng: np.random.Generator, inc: FluidNetwork, full: FluidNetwork) -> None:
    """Both networks move on by the same random step."""
    inc.advance(inc.t + float(rng.uniform(0.05, 0.5)))
    full.advance(inc.t)


@pytest.mark.parametrize("seed", range(15))
def test_incremental_resolve_equals_a_full_solve(seed: int) -> None:
    """Re-solving only the dirty domains gives the rates a solve of everything gives."""
    rng, inc, full = _network_pair(seed)
    for step in range(30):
        _arrive_and_solve(rng, inc, full)
        _advance(rng, inc, full)
        np.testing.assert_allclose(inc.count, full.count)
        act = inc.count[: inc.n_classes] > 0
        np.testing.assert_allclose(
            inc.rate[: inc.n_classes][act], full.rate[: full.n_classes][act], rtol=1e-7, atol=1e-9
        )
        assert np.all(inc.usage <= inc.capacity * (1 + 1e-9)), step
        # the solve of everything (streams held first, usage kept incrementally) against
        # the numpy reference allocator solving the same classes from scratch (with the
        # counts they were solved with: flows may have ended since)
        on = np.flatnonzero(full.solved[: full.n_classes] > 0)
        paths = [[int(r) for r in full.path[c] if r >= 0] for c in on]
        pairs = list(zip(on, paths, strict=True))
        ptr, res, coef = _csr(paths, [full.coef[c, : len(p)].tolist() for c, p in pairs])
        ref = max_min_allocation(
            ptr, res, coef, full.capacity, full.demand[on], count=full.solved[on],
            weight=np.concatenate([full.weight[c, : len(p)] for c, p in pairs]),
        )  # fmt: skip
        np.testing.assert_allclose(full.rate[on], ref.rates, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(full.usage, ref.usage, rtol=1e-7, atol=1e-9)
    # Both paths ran: local re-solves of dirty domains and global ones (full ISP).
    assert 0 < inc.global_solves < inc.reallocations


def _usage_of_rates(fl: FluidNetwork) -> np.ndarray:
    """Each resource's usage recomputed from the classes' solved counts and rates."""
    out = np.zeros(len(fl.usage))
    n = fl.n_classes
    for j in range(fl.path.shape[1]):
        r = fl.path[:n, j]
        on = r >= 0
        np.add.at(out, r[on], (fl.solved[:n] * fl.rate[:n] * fl.coef[:n, j])[on])
    return out


@pytest.mark.parametrize("block", range(8))
def test_incremental_resolve_equals_a_full_solve_on_many_networks(block: int) -> None:
    """The local re-solve (streams at their demand left out of the walk, classes of other
    domains grown into when a shared resource is or was full, domains emptied by the
    change included) gives the rates of a solve of everything, and the usage it keeps
    is the sum of the solved rates, on 400 random networks."""
    for seed in range(1000 + 50 * block, 1050 + 50 * block):
        rng, inc, full = _network_pair(seed)
        for _ in range(30):
            _arrive_and_solve(rng, inc, full)
            n = inc.n_classes
            act = inc.count[:n] > 0
            np.testing.assert_allclose(
                inc.rate[:n][act], full.rate[:n][act], rtol=1e-7, atol=1e-9, err_msg=str(seed)
            )
            np.testing.assert_allclose(
                inc.usage, _usage_of_rates(inc), rtol=1e-9, atol=1e-9, err_msg=str(seed)
            )
            _advance(rng, inc, full)


def _one_ap(exact: bool, stream_mbps: float) -> FluidNetwork:
    """One AP's airtime (1 s/s) and its 1 Gbps uplink; class 0 streams from a client at an
    effective 100 Mbps, class 1 from one at 400 Mbps, class 2 is elastic at 400 Mbps."""
    fl = FluidNetwork(np.array([1.0, 1000.0]), np.zeros(2, dtype=bool), max_path=2, exact=exact)
    kinds = [(100.0, stream_mbps), (400.0, stream_mbps), (400.0, np.inf)]
    for c, (eff, demand) in enumerate(kinds):
        fl.class_id(
            c, [0, 1], (1.0 / eff, 1.0), weight=(eff, 1.0), demand=demand,
            stream=bool(demand < np.inf), domain=0,
        )  # fmt: skip
    return fl


def _start(fl: FluidNetwork, cls: list[int], amount: float) -> None:
    k = len(cls)
    fl.add_batch(
        np.array(cls, dtype=np.int64), np.full(k, amount), fl.is_stream[np.array(cls)],
        np.zeros(k, dtype=np.int64), np.full(k, fl.t),
    )  # fmt: skip


def test_streams_that_fit_start_and_end_without_a_resolve() -> None:
    """A stream that gets its demand on unsaturated resources moves nobody's rate: it is
    admitted and ended without dirtying its domain (unless the network is exact)."""
    fl = _one_ap(exact=False, stream_mbps=2.5)
    _start(fl, [0] * 4 + [1] * 6, 30.0)  # streams of 30 s
    assert not fl.changed
    np.testing.assert_allclose(fl.rate[:2], [2.5, 2.5])
    np.testing.assert_allclose(fl.usage, [4 * 2.5 / 100 + 6 * 2.5 / 400, 25.0])
    fl.advance(fl.t + 10.0)
    _start(fl, [0], 5.0)  # ends before the others
    assert not fl.changed
    fl.advance(fl.t + 6.0)
    assert fl.count[0] == 4 and not fl.changed
    fl.advance(fl.t + 30.0)
    assert fl.count[:2].sum() == 0 and not fl.changed
    np.testing.assert_allclose(fl.usage, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(fl.carried[:2].sum(), (4 * 30 + 6 * 30 + 5) * 2.5)
    exact = _one_ap(exact=True, stream_mbps=2.5)
    _start(exact, [0], 30.0)
    assert exact.changed  # the exact network re-solves after every change


@pytest.mark.parametrize(
    ("stream_mbps", "n_streams", "want_stream", "want_elastic"),
    [
        # streams fit: each gets 2.5; the elastic flow gets the airtime left, 0.75 s/s x 400
        (2.5, 10, 2.5, 0.75 * 400.0),
        # six 20 Mbps streams would need 1.2 s/s: all seven flows get 1/7 of the airtime
        (20.0, 6, 100.0 / 7.0, 400.0 / 7.0),
    ],
)
def test_streams_and_an_elastic_flow_share_an_ap_as_theory_says(
    stream_mbps: float, n_streams: int, want_stream: float, want_elastic: float
) -> None:
    """Re-solving with the streams held at their demand first gives the airtime-fair
    allocation, also when the streams cannot all have their demand."""
    for exact in (False, True):
        fl = _one_ap(exact=exact, stream_mbps=stream_mbps)
        _start(fl, [0] * n_streams, 60.0)
        fl.reallocate()
        _start(fl, [2], 1e6)
        fl.reallocate()
        np.testing.assert_allclose(fl.rate[[0, 2]], [want_stream, want_elastic], rtol=1e-9)
        assert fl.usage[0] <= 1.0 + 1e-9
