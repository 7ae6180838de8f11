"""The RADIUS queue: every burst and retry of the day in one FIFO, by arrival time."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest

from netplan.sim.access import AuthServer


def _reference(
    bursts: list[np.ndarray], rate: float, timeout: float, retry: float, retries: int
) -> list[tuple[int, int, int, np.ndarray]]:
    """One request at a time from a heap ordered by arrival: an independent event-driven
    FIFO with a deterministic server (attempts, timeouts, failed, waits per burst)."""
    heap: list[tuple[float, int, int, float, int]] = []
    seq = 0
    for b, times in enumerate(bursts):
        for t in times.tolist():
            heapq.heappush(heap, (t, seq, b, t, 0))
            seq += 1
    free = -math.inf
    out = [[0, 0, 0, []] for _ in bursts]
    while heap:
        t, _s, b, origin, k = heapq.heappop(heap)
        free = max(free, t) + 1.0 / rate
        rec = out[b]
        rec[0] += 1
        if free - t > timeout:
            rec[1] += 1
            if k >= retries:
                rec[2] += 1
            else:
                heapq.heappush(heap, (t + timeout + retry, seq, b, origin, k + 1))
                seq += 1
        else:
            rec[3].append(free - origin)
    return [(a, to, f, np.sort(np.array(w))) for a, to, f, w in out]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_queue_matches_an_event_by_event_fifo(seed: int) -> None:
    """Staggered bells of several buildings on a server too slow for them: counts of
    attempts, timeouts and failures per burst and every wait equal the reference."""
    rng = np.random.default_rng(seed)
    bursts = []
    for bell in (0.0, 0.0, 20.0, 45.0, 300.0, 310.0):
        n = int(rng.integers(50, 400))
        bursts.append(np.sort(bell + rng.random(n) * 120.0))
    server = AuthServer(4.0, timeout_s=30.0, retry_s=30.0, retries=3)
    for k, times in enumerate(bursts):
        server.submit(times, float(k), f"b{k}")
    got = server.results()
    ref = _reference(bursts, 4.0, 30.0, 30.0, 3)
    assert sum(r[1] for r in ref) > 100, "the server must be overloaded for this to test"
    assert sum(r[2] for r in ref) > 0
    for (_bell, _b, res), (att, to, failed, waits) in zip(got, ref, strict=True):
        assert (res.attempts, res.timeouts, res.failed) == (att, to, failed)
        np.testing.assert_allclose(np.sort(res.wait_s), waits, rtol=0, atol=1e-9)


def test_bursts_at_the_same_bell_do_not_depend_on_submission_order() -> None:
    rng = np.random.default_rng(7)
    a = np.sort(rng.random(600) * 120.0)
    b = np.sort(rng.random(500) * 120.0)
    one, two = AuthServer(5.0), AuthServer(5.0)
    one.submit(a, 0.0, "a")
    one.submit(b, 0.0, "b")
    two.submit(b, 0.0, "b")
    two.submit(a, 0.0, "a")
    r1 = {bld: res for _t, bld, res in one.results()}
    r2 = {bld: res for _t, bld, res in two.results()}
    for bld in ("a", "b"):
        assert (r1[bld].attempts, r1[bld].timeouts, r1[bld].failed) == (
            r2[bld].attempts,
            r2[bld].timeouts,
            r2[bld].failed,
        )
        np.testing.assert_array_equal(np.sort(r1[bld].wait_s), np.sort(r2[bld].wait_s))
    assert r1["a"].timeouts > 0 and r1["b"].timeouts > 0


def test_simultaneous_burst_first_attempts_follow_d_d_1() -> None:
    """N requests at one instant on a server of rate mu: the k-th finishes at k / mu, so
    the first attempts that time out are N - floor(timeout * mu); with no retries those
    devices fail and the others waited k / mu."""
    n, mu, timeout = 500, 4.0, 30.0
    server = AuthServer(mu, timeout_s=timeout, retry_s=30.0, retries=0)
    server.submit(np.zeros(n), 0.0, "x")
    ((_t, _b, res),) = server.results()
    ok = math.floor(timeout * mu)
    assert res.attempts == n
    assert res.timeouts == res.failed == n - ok
    np.testing.assert_allclose(np.sort(res.wait_s), np.arange(1, ok + 1) / mu)
