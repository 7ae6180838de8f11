"""Bianchi's DCF model against ns-3's reference tables and an independent slot simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netplan.radio.dcf import bianchi_fixed_point, dcf_throughput, saturation_throughput_mbps
from netplan.radio.phy import MAX_MCS, WIDTHS_BY_STANDARD

# ns-3 wifi-bianchi example, analytic table "bianchiResultsDifs" for 802.11a 54 Mbps,
# 1500-byte packets, CWmin 15, CWmax 1023 (docs/references.md).
NS3_11A_54 = {5: 29.8324, 10: 28.1519, 20: 26.2925, 50: 23.5618}


@pytest.mark.parametrize(("n", "expected"), sorted(NS3_11A_54.items()))
def test_80211a_54mbps_matches_ns3_reference(n: int, expected: float) -> None:
    res = dcf_throughput("a", "5", mcs=7, n_stations=n, aggregation=False)
    assert res.throughput_mbps == pytest.approx(expected, rel=0.02)


def test_fixed_point_satisfies_bianchi_equations() -> None:
    # Check against Bianchi's closed form (eq. 7) written independently of the module.
    w, m = 16, 6
    for n in (2, 5, 10, 50):
        tau, p = bianchi_fixed_point(n, 15, 1023)
        assert p == pytest.approx(1 - (1 - tau) ** (n - 1), rel=1e-9)
        closed = 2 * (1 - 2 * p) / ((1 - 2 * p) * (w + 1) + p * w * (1 - (2 * p) ** m))
        assert tau == pytest.approx(closed, rel=1e-9)
    tau1, p1 = bianchi_fixed_point(1)
    assert p1 == 0.0 and tau1 == pytest.approx(2 / 17)


def _simulate_dcf(
    n: int,
    *,
    ts: float,
    tc: float,
    slot: float,
    payload_bits: float,
    cw_min: int = 15,
    cw_max: int = 1023,
    transmissions: int = 30000,
    freeze_when_busy: bool = False,
    seed: int = 7,
) -> tuple[float, float]:
    """Slot-level Monte-Carlo of saturated DCF backoff; returns (Mbps, collision prob.).

    Each station draws a backoff uniformly in [0, W_i - 1], transmits when it reaches 0,
    doubles W after a collision up to CWmax + 1 and resets after a success (no retry
    limit, as Bianchi assumes). By default every station's counter also decrements at the
    end of a busy period (the slot boundary at the end of DIFS, as in Bianchi's chain);
    ``freeze_when_busy`` holds it instead.
    """
    rng = np.random.default_rng(seed)
    w0 = cw_min + 1
    m = round(math.log2((cw_max + 1) / w0))
    stage = np.zeros(n, dtype=np.int64)
    counter = rng.integers(0, w0, n)
    time = 0.0
    successes = 0
    attempts = 0
    collided = 0
    for _ in range(transmissions):
        idle = int(counter.min())
        time += idle * slot
        counter -= idle
        tx = counter == 0
        k = int(tx.sum())
        attempts += k
        if k == 1:
            time += ts
            successes += 1
            stage[tx] = 0
        else:
            time += tc
            collided += k
            stage[tx] = np.minimum(stage[tx] + 1, m)
        if not freeze_when_busy:
            counter[~tx] -= 1
        counter[tx] = rng.integers(0, w0 * 2 ** stage[tx])
    return successes * payload_bits / time, collided / attempts


@pytest.mark.parametrize("n", [1, 2, 5, 10])
def test_bianchi_agrees_with_monte_carlo(n: int) -> None:
    ex = dcf_throughput("a", "5", mcs=7, n_stations=n, aggregation=False)
    t = ex.times
    sim, p_sim = _simulate_dcf(
        n, ts=t.ts_us, tc=t.tc_us, slot=t.slot_us, payload_bits=t.payload_bits
    )
    assert ex.throughput_mbps == pytest.approx(sim, rel=0.015)
    assert ex.collision_probability == pytest.approx(p_sim, abs=0.01)
    # Freezing counters during busy periods (the literal standard text) stays within a few %.
    frozen, _ = _simulate_dcf(
        n,
        ts=t.ts_us,
        tc=t.tc_us,
        slot=t.slot_us,
        payload_bits=t.payload_bits,
        freeze_when_busy=True,
    )
    assert ex.throughput_mbps == pytest.approx(frozen, rel=0.03)


def test_aggregated_exchange_agrees_with_monte_carlo() -> None:
    ex = dcf_throughput("ax", "5", mcs=7, width_mhz=20, n_stations=5)
    t = ex.times
    assert t.frames > 1
    sim, _ = _simulate_dcf(5, ts=t.ts_us, tc=t.tc_us, slot=t.slot_us, payload_bits=t.payload_bits)
    assert ex.throughput_mbps == pytest.approx(sim, rel=0.015)


def test_mac_efficiency_without_and_with_aggregation() -> None:
    # docs/references.md: goodput is typically 50 % or less of the PHY rate without aggregation;
    # A-MPDU recovers much of it.
    for std, width, mcs in (("n", 20, 7), ("ac", 80, 9), ("ax", 80, 11)):
        plain = dcf_throughput(std, "5", mcs=mcs, width_mhz=width, n_stations=5, aggregation=False)
        agg = dcf_throughput(std, "5", mcs=mcs, width_mhz=width, n_stations=5)
        assert plain.airtime_efficiency <= 0.5
        assert agg.airtime_efficiency > 0.7
        assert agg.times.data_ppdu_us <= 5484


def test_rts_cts_helps_long_frames_with_many_stations() -> None:
    # Bianchi (2000): with long packets and many stations RTS/CTS beats basic access.
    basic = dcf_throughput("ax", "5", mcs=7, n_stations=50)
    rts = dcf_throughput("ax", "5", mcs=7, n_stations=50, rts_cts=True)
    assert rts.throughput_mbps > basic.throughput_mbps
    # For one station there are no collisions and RTS/CTS only adds overhead.
    one_basic = dcf_throughput("ax", "5", mcs=7, n_stations=1)
    one_rts = dcf_throughput("ax", "5", mcs=7, n_stations=1, rts_cts=True)
    assert one_rts.throughput_mbps < one_basic.throughput_mbps


def test_ampdu_frame_limit_is_respected() -> None:
    res = dcf_throughput("ac", "5", mcs=9, width_mhz=80, n_stations=3, ampdu_frames=16)
    assert res.times.frames == 16
    assert res.times.payload_bits == 16 * 1500 * 8


def test_invalid_phy_raises() -> None:
    with pytest.raises(ValueError, match="MCS 11"):
        dcf_throughput("ac", "5", mcs=11, width_mhz=80, n_stations=1)


_std = st.sampled_from(["a", "n", "ac", "ax", "be"])


@settings(max_examples=60, deadline=None)
@given(
    std=_std,
    data=st.data(),
    aggregation=st.booleans(),
    rts=st.booleans(),
    n=st.integers(1, 60),
    payload=st.integers(40, 2304),
)
def test_more_stations_never_increase_per_station_throughput(
    std: str, data: st.DataObject, aggregation: bool, rts: bool, n: int, payload: int
) -> None:
    mcs = data.draw(st.integers(0, MAX_MCS[std]))
    width = data.draw(st.sampled_from(WIDTHS_BY_STANDARD[std]))
    if std == "ac" and mcs == 9 and width == 20:
        mcs = 8
    band = "6" if width == 320 else "5"
    kw = dict(mcs=mcs, width_mhz=width, payload_bytes=payload, aggregation=aggregation, rts_cts=rts)
    a = dcf_throughput(std, band, n_stations=n, **kw)
    b = dcf_throughput(std, band, n_stations=n + 1, **kw)
    assert b.per_station_mbps <= a.per_station_mbps + 1e-12
    assert 0.0 < a.airtime_efficiency < 1.0


@given(n=st.integers(1, 200))
def test_throughput_formula_bounds(n: int) -> None:
    s = saturation_throughput_mbps(n, ts_us=300.0, tc_us=250.0, slot_us=9.0, payload_bits=12000)
    # A success every Ts with no idle time or collisions is the ceiling.
    assert 0.0 < s < 12000 / 300.0
