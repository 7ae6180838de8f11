"""Link adaptation and airtime sharing in one cell."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netplan.radio.cell import (
    Fairness,
    cell_throughputs,
    contention_overhead_us,
    effective_rates,
    link_for,
    link_standard,
    share_airtime,
)
from netplan.radio.config import ClientCapability, RadioConfig, client_capability, radio_config
from netplan.radio.dcf import dcf_throughput
from netplan.radio.link import best_mcs, min_snr_db, snr_from_rssi
from netplan.radio.phy import phy_rate_mbps

AX5 = RadioConfig(band="5", standard="ax", width_mhz=80, spatial_streams=4)


def test_min_snr_follows_receiver_sensitivity() -> None:
    # Sensitivity -82 dBm (MCS 0, 20 MHz) over a -91 dBm noise floor (-174 + 73 + 10 NF).
    assert min_snr_db("ax", 0, 20) == pytest.approx(-82 + 174 - 10 * math.log10(20e6) - 10)
    assert min_snr_db("ax", 11, 20) == pytest.approx(min_snr_db("ax", 0, 20) + 30)
    # 3 dB more per doubling of the width.
    assert min_snr_db("ac", 9, 80) == pytest.approx(min_snr_db("ac", 9, 20) + 6.0206, abs=1e-3)
    assert snr_from_rssi(-65.0, -95.0) == 30.0


def test_best_mcs_picks_highest_sustainable() -> None:
    thr = [min_snr_db("ax", m, 20) for m in range(12)]
    for m in range(12):
        assert best_mcs("ax", thr[m] + 0.01).mcs == m
    low = best_mcs("ax", thr[0] - 5)
    assert low.mcs == 0 and low.below_sensitivity
    # Excluded VHT combination (20 MHz MCS 9 with one stream) is skipped.
    assert best_mcs("ac", 60.0, nss=1, width_mhz=20).mcs == 8
    assert best_mcs("ac", 60.0, nss=3, width_mhz=20).mcs == 9


def test_link_capped_by_client_and_ap() -> None:
    wifi5 = ClientCapability("ac", 2, 80, 45.0)
    link = link_for(AX5, wifi5)
    assert (link.standard, link.nss, link.width_mhz, link.mcs) == ("ac", 2, 80, 9)
    assert link.phy_rate_mbps == pytest.approx(phy_rate_mbps("ac", 9, 2, 80))
    wifi6 = ClientCapability("ax", 2, 160, 46.0)  # MCS 11 at 80 MHz needs 39 + 6 dB
    link6 = link_for(AX5, wifi6)
    assert (link6.standard, link6.nss, link6.width_mhz, link6.mcs) == ("ax", 2, 80, 11)
    one_stream_ap = RadioConfig(band="5", standard="ax", width_mhz=40, spatial_streams=1)
    assert link_for(one_stream_ap, wifi6).nss == 1
    assert link_for(one_stream_ap, wifi6).width_mhz == 40


def test_link_standard_by_band() -> None:
    ax24 = RadioConfig(band="2.4", standard="ax", width_mhz=20)
    assert link_standard(ax24, ClientCapability("ac", 2, 80, 30.0)) == "n"
    ax6 = RadioConfig(band="6", standard="ax", width_mhz=80)
    with pytest.raises(ValueError, match="cannot use the 6 GHz band"):
        link_standard(ax6, ClientCapability("ac", 2, 80, 30.0))
    with pytest.raises(ValueError, match="does not support the 6 GHz band"):
        link_standard(ax6, ClientCapability("ax", 2, 80, 30.0, bands=frozenset({"2.4", "5"})))


def test_identical_clients_reproduce_bianchi() -> None:
    clients = [("ax", 2, 80, 40.0)] * 7
    link = link_for(AX5, clients[0])
    for agg in (False, True):
        rates = effective_rates(AX5, clients, aggregation=agg)
        ref = dcf_throughput(
            "ax", "5", mcs=link.mcs, nss=2, width_mhz=80, n_stations=7, aggregation=agg
        )
        assert rates == pytest.approx(np.full(7, ref.throughput_mbps), rel=1e-9)
        shares = cell_throughputs(AX5, clients, aggregation=agg, fairness="throughput")
        assert shares.sum() == pytest.approx(ref.throughput_mbps, rel=1e-9)


def test_performance_anomaly_and_airtime_fairness() -> None:
    fast = ("ax", 2, 80, 45.0)
    slow = ("ax", 1, 20, 8.0)  # below MCS 0's requirement at 20 MHz: held at MCS 0
    alone = cell_throughputs(AX5, [fast] * 4, aggregation=False, fairness="throughput")
    mixed = cell_throughputs(AX5, [fast] * 4 + [slow], aggregation=False, fairness="throughput")
    slow_alone = cell_throughputs(AX5, [slow], aggregation=False)[0]
    # Heusse: every client drops below what the slow client would get on its own.
    assert np.allclose(mixed, mixed[0])
    assert mixed[0] < slow_alone < phy_rate_mbps("ax", 0, 1, 20)
    assert mixed[0] < alone[0] / 3
    fair = cell_throughputs(AX5, [fast] * 4 + [slow], aggregation=False, fairness="airtime")
    assert fair[:4].min() > 1.5 * mixed[0]
    assert fair[4] < mixed[4]
    # Airtime fairness never carries less in total than throughput fairness (AM >= HM).
    assert fair.sum() >= mixed.sum()


def test_mixed_wifi5_and_wifi6_clients_get_a_rate_vector() -> None:
    chromebook = client_capability(
        type(
            "Dev",
            (),
            {"standard": "ac", "spatial_streams": 2, "max_width_mhz": 80, "bands": ["2.4", "5"]},
        )(),
        35.0,
    )
    laptop = ClientCapability("ax", 2, 160, 35.0)
    rates = effective_rates(AX5, [chromebook, laptop, laptop])
    assert rates.shape == (3,)
    assert rates[1] == rates[2]
    assert rates[1] > rates[0]


def test_radio_config_from_survey_model() -> None:
    from netplan.survey.models import Radio

    r = radio_config(Radio(band="5", standard="ax", channel=36, width_mhz=40, spatial_streams=2))
    assert (r.band, r.standard, r.width_mhz, r.channel, r.spatial_streams) == ("5", "ax", 40, 36, 2)


def test_airtime_share_scales_throughput() -> None:
    clients = [("ax", 2, 80, 30.0), ("ac", 1, 40, 20.0)]
    full = cell_throughputs(AX5, clients)
    third = cell_throughputs(AX5, clients, airtime_share=1 / 3)
    assert third == pytest.approx(full / 3)
    with pytest.raises(ValueError):
        share_airtime(np.array([10.0]), airtime_share=1.5)


def _simulate_mixed(
    ts: list[float], tc: list[float], bits: list[float], *, slot: float = 9.0, seed: int = 11
) -> np.ndarray:
    """Slot-level DCF simulation with per-station exchange times (collisions last the
    longest colliding frame); returns each station's throughput in Mbps."""
    rng = np.random.default_rng(seed)
    n = len(ts)
    ts_a, tc_a, bits_a = np.array(ts), np.array(tc), np.array(bits)
    w0, m = 16, 6
    stage = np.zeros(n, dtype=np.int64)
    counter = rng.integers(0, w0, n)
    delivered = np.zeros(n)
    time = 0.0
    for _ in range(60000):
        idle = int(counter.min())
        time += idle * slot
        counter -= idle
        tx = counter == 0
        if int(tx.sum()) == 1:
            time += float(ts_a[tx][0])
            delivered[tx] += bits_a[tx]
            stage[tx] = 0
        else:
            time += float(tc_a[tx].max())
            stage[tx] = np.minimum(stage[tx] + 1, m)
        counter[~tx] -= 1
        counter[tx] = rng.integers(0, w0 * 2 ** stage[tx])
    return delivered / time


@pytest.mark.parametrize(("aggregation", "fairness"), [(False, "throughput"), (True, "txop")])
def test_mixed_cell_agrees_with_monte_carlo(aggregation: bool, fairness: Fairness) -> None:
    radio = RadioConfig(band="5", standard="ax", width_mhz=20, spatial_streams=2)
    clients = [("ax", 1, 20, 40.0)] * 4 + [("ax", 1, 20, 11.0)] * 2
    predicted = cell_throughputs(
        radio,
        clients,
        aggregation=aggregation,
        fairness=fairness,
    )
    exchanges = [
        dcf_throughput(
            "ax", "5", mcs=link_for(radio, c).mcs, n_stations=1, aggregation=aggregation
        ).times
        for c in clients
    ]
    sim = _simulate_mixed(
        [e.ts_us for e in exchanges],
        [e.tc_us for e in exchanges],
        [e.payload_bits for e in exchanges],
    )
    assert sim.sum() == pytest.approx(predicted.sum(), rel=0.03)
    assert sim[:4].mean() == pytest.approx(predicted[:4].mean(), rel=0.05)
    assert sim[4:].mean() == pytest.approx(predicted[4:].mean(), rel=0.05)


def test_contention_overhead_single_station_is_mean_backoff() -> None:
    # One station: no collisions; it idles (1 - tau)/tau slots per success, tau = 2/(W+1).
    tau = 2 / 17
    o = contention_overhead_us([100.0], 1, slot_us=9.0, cw_min=15, cw_max=1023)
    assert o == pytest.approx((1 - tau) / tau * 9.0)


_client = st.tuples(
    st.sampled_from(["n", "ac", "ax"]),
    st.integers(1, 4),
    st.sampled_from([20, 40, 80, 160]),
    st.floats(0.0, 60.0),
)


@settings(max_examples=50, deadline=None)
@given(clients=st.lists(_client, min_size=1, max_size=12), extra=_client)
def test_adding_a_client_never_raises_anyones_throughput(
    clients: list[tuple[str, int, int, float]], extra: tuple[str, int, int, float]
) -> None:
    for fairness in ("airtime", "throughput", "txop"):
        before = cell_throughputs(AX5, clients, fairness=fairness)
        after = cell_throughputs(AX5, [*clients, extra], fairness=fairness)
        assert np.all(after[: len(clients)] <= before + 1e-9)


@settings(max_examples=50, deadline=None)
@given(client=_client, delta=st.floats(0.0, 20.0))
def test_better_snr_never_lowers_the_link_rate(
    client: tuple[str, int, int, float], delta: float
) -> None:
    std, nss, width, snr = client
    a = link_for(AX5, (std, nss, width, snr))
    b = link_for(AX5, (std, nss, width, snr + delta))
    assert b.phy_rate_mbps >= a.phy_rate_mbps
