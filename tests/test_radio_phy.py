"""PHY rates against the published rate tables of the standards."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netplan.radio.phy import (
    GUARD_INTERVALS_US,
    MAX_MCS,
    MAX_NSS,
    WIDTHS_BY_STANDARD,
    control_response_rate_mbps,
    legacy_ppdu_duration_us,
    mcs_table,
    phy_problems,
    phy_rate_mbps,
    ppdu_duration_us,
    preamble_us,
    vht_combination_valid,
)

# Published values (Mbps), as printed (one decimal) in the standards' MCS tables and
# docs/references.md. Typed from the tables, not computed.
VHT_80MHZ_1SS_LGI = [29.3, 58.5, 87.8, 117.0, 175.5, 234.0, 263.3, 292.5, 351.0, 390.0]
HE_20MHZ_1SS_08GI = [8.6, 17.2, 25.8, 34.4, 51.6, 68.8, 77.4, 86.0, 103.2, 114.7, 129.0, 143.4]
HT_20MHZ_1SS_LGI = [6.5, 13.0, 19.5, 26.0, 39.0, 52.0, 58.5, 65.0]
HT_40MHZ_1SS_SGI = [15.0, 30.0, 45.0, 60.0, 90.0, 120.0, 135.0, 150.0]
OFDM_RATES = [6.0, 9.0, 12.0, 18.0, 24.0, 36.0, 48.0, 54.0]


def _table_round(x: float) -> float:
    # The standards round half up (29.25 -> 29.3).
    return math.floor(x * 10 + 0.5 + 1e-9) / 10


@pytest.mark.parametrize("mcs", range(10))
def test_vht_80mhz_one_stream_matches_standard(mcs: int) -> None:
    assert _table_round(phy_rate_mbps("ac", mcs, 1, 80, 0.8)) == VHT_80MHZ_1SS_LGI[mcs]


def test_vht_short_gi_top_rate() -> None:
    assert _table_round(phy_rate_mbps("ac", 9, 1, 80, 0.4)) == 433.3
    assert _table_round(phy_rate_mbps("ac", 9, 8, 160, 0.4)) == 6933.3


@pytest.mark.parametrize("mcs", range(12))
def test_he_20mhz_one_stream_matches_standard(mcs: int) -> None:
    assert _table_round(phy_rate_mbps("ax", mcs, 1, 20)) == HE_20MHZ_1SS_08GI[mcs]


def test_he_wide_and_long_gi_values() -> None:
    assert _table_round(phy_rate_mbps("ax", 11, 1, 80)) == 600.5
    assert _table_round(phy_rate_mbps("ax", 11, 2, 160)) == 2402.0
    assert _table_round(phy_rate_mbps("ax", 11, 1, 20, 1.6)) == 135.4
    assert _table_round(phy_rate_mbps("ax", 11, 1, 20, 3.2)) == 121.9


@pytest.mark.parametrize("mcs", range(8))
def test_ht_rates_match_standard(mcs: int) -> None:
    assert _table_round(phy_rate_mbps("n", mcs, 1, 20, 0.8)) == HT_20MHZ_1SS_LGI[mcs]
    assert _table_round(phy_rate_mbps("n", mcs, 1, 40, 0.4)) == HT_40MHZ_1SS_SGI[mcs]


def test_ht_mcs31_is_600_mbps() -> None:
    assert phy_rate_mbps("n", 7, 4, 40, 0.4) == pytest.approx(600.0)


@pytest.mark.parametrize("mcs", range(8))
def test_legacy_ofdm_rates(mcs: int) -> None:
    assert phy_rate_mbps("a", mcs) == pytest.approx(OFDM_RATES[mcs])
    assert phy_rate_mbps("g", mcs) == pytest.approx(OFDM_RATES[mcs])


def test_eht_320mhz_4096qam() -> None:
    # Wi-Fi 7's headline 46 Gbps is 16 streams of 2882.4 Mbps (320 MHz, MCS 13, 0.8 us GI).
    assert _table_round(phy_rate_mbps("be", 13, 1, 320)) == 2882.4


def test_vht_exclusions_include_the_fractional_bits_cases() -> None:
    # Independent check: 20 MHz MCS 9 has 52 * 8 * 5/6 * nss data bits per symbol, a
    # fraction unless nss is a multiple of 3, so those combinations cannot exist.
    for nss in range(1, 9):
        fractional = (Fraction(52 * 8 * 5, 6) * nss).denominator != 1
        assert vht_combination_valid(9, nss, 20) == (not fractional)
    assert not vht_combination_valid(6, 3, 80)
    assert not vht_combination_valid(9, 3, 160)
    assert vht_combination_valid(9, 1, 80)
    rows = mcs_table("ac", 20, nss=1)
    assert rows[9].rate_mbps is None and rows[8].rate_mbps is not None


def test_phy_problems_reject_impossible_combinations() -> None:
    fields = dict(phy_problems("ac", mcs=11, nss=1, width_mhz=80, band="5"))
    assert "MCS 11" in fields["mcs"] and "802.11ac" in fields["mcs"]
    fields = dict(phy_problems("ax", mcs=7, nss=1, width_mhz=160, band="2.4"))
    assert "2.4 GHz" in fields["width"]
    fields = dict(phy_problems("n", mcs=7, nss=5, width_mhz=20, band="5"))
    assert "1-4 spatial streams" in fields["nss"]
    fields = dict(phy_problems("ac", mcs=7, nss=1, width_mhz=20, band="2.4"))
    assert "does not operate at 2.4 GHz" in fields["band"]
    fields = dict(phy_problems("ax", gi_us=0.4))
    assert "0.4" in fields["gi"]
    assert phy_problems("ax", mcs=11, nss=2, width_mhz=80, band="5", gi_us=0.8) == []


def test_preamble_durations() -> None:
    # 802.11a: 16 us training + 4 us SIGNAL. HT mixed 1 stream: 20 + 8 + 4 + 4 = 36 us.
    # VHT 1 stream: 20 + 8 + 4 + 4 + 4 = 40 us. HE SU 1 stream: 20 + 4 + 8 + 4 + 7.2 us.
    assert preamble_us("a") == 20
    assert preamble_us("n", 1) == 36
    assert preamble_us("n", 3) == 32 + 4 * 4
    assert preamble_us("ac", 1) == 40
    assert preamble_us("ax", 1) == pytest.approx(43.2)


def test_ppdu_duration_80211a_1500_bytes() -> None:
    # 1534-byte PSDU at 54 Mbps: ceil((16 + 8*1534 + 6) / 216) = 57 symbols -> 20 + 228 us.
    assert ppdu_duration_us("a", "5", 1534, mcs=7) == pytest.approx(248.0)
    # ACK (14 bytes) at 24 Mbps: ceil(134 / 96) = 2 symbols -> 28 us.
    assert legacy_ppdu_duration_us("5", 14, 24.0) == pytest.approx(28.0)
    # 2.4 GHz adds the 6 us signal extension.
    assert legacy_ppdu_duration_us("2.4", 14, 24.0) == pytest.approx(34.0)


def test_control_response_rates() -> None:
    # Highest basic rate (6/12/24) not above the data rate's modulation: 54 -> 24, 9 -> 6.
    assert control_response_rate_mbps("a", 7) == 24.0
    assert control_response_rate_mbps("a", 1) == 6.0
    assert [control_response_rate_mbps("ax", m) for m in (0, 1, 2, 3, 11)] == [
        6.0,
        12.0,
        12.0,
        24.0,
        24.0,
    ]


_std = st.sampled_from(["n", "ac", "ax", "be"])


@given(std=_std, data=st.data())
def test_wider_channels_never_decrease_phy_rate(std: str, data: st.DataObject) -> None:
    mcs = data.draw(st.integers(0, MAX_MCS[std]))
    nss = data.draw(st.integers(1, MAX_NSS[std]))
    gi = data.draw(st.sampled_from(GUARD_INTERVALS_US[std]))
    widths = WIDTHS_BY_STANDARD[std]
    rates = [
        phy_rate_mbps(std, mcs, nss, w, gi)
        for w in widths
        if std != "ac" or vht_combination_valid(mcs, nss, w)
    ]
    assert all(b >= a for a, b in itertools.pairwise(rates))


@given(std=_std, data=st.data())
def test_more_streams_and_higher_mcs_never_decrease_phy_rate(std: str, data: st.DataObject) -> None:
    width = data.draw(st.sampled_from(WIDTHS_BY_STANDARD[std]))
    nss = data.draw(st.integers(1, MAX_NSS[std]))
    by_mcs = [phy_rate_mbps(std, m, nss, width) for m in range(MAX_MCS[std] + 1)]
    assert all(b > a for a, b in itertools.pairwise(by_mcs))
    mcs = data.draw(st.integers(0, MAX_MCS[std]))
    by_nss = [phy_rate_mbps(std, mcs, n, width) for n in range(1, MAX_NSS[std] + 1)]
    assert all(b > a for a, b in itertools.pairwise(by_nss))
