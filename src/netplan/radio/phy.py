"""PHY rates and PPDU durations computed from the OFDM parameters.

A data rate is ``N_SD x bits per subcarrier x coding rate x N_SS / T_sym`` (see
``docs/references.md``): nothing here is a typed-in rate table. Standards are
``"a"``/``"g"`` (legacy OFDM, clauses 17/18), ``"n"`` (HT, clause 19), ``"ac"`` (VHT,
clause 21), ``"ax"`` (HE, 802.11ax-2021 clause 27) and ``"be"`` (EHT, 802.11be-2024 clause
36). MCS numbers are per spatial stream (VHT style); for 802.11n the HT MCS index is
``mcs + 8 * (nss - 1)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from netplan.radio.params import value

__all__ = [
    "BANDS_BY_STANDARD",
    "GUARD_INTERVALS_US",
    "MAX_MCS",
    "MAX_NSS",
    "MODULATIONS",
    "STANDARDS",
    "STANDARD_ORDER",
    "VHT_EXCLUDED",
    "WIDTHS_BY_STANDARD",
    "McsRow",
    "control_response_rate_mbps",
    "data_subcarriers",
    "default_guard_interval_us",
    "legacy_ppdu_duration_us",
    "mcs_table",
    "modulation",
    "modulation_name",
    "n_dbps",
    "phy_problems",
    "phy_rate_mbps",
    "ppdu_duration_us",
    "preamble_us",
    "symbol_us",
    "vht_combination_valid",
]

#: Every standard the module knows, oldest first.
STANDARDS: Final[tuple[str, ...]] = ("a", "g", "n", "ac", "ax", "be")
#: Generation order used to find the common standard of an AP and a client.
STANDARD_ORDER: Final[dict[str, int]] = {"a": 0, "g": 0, "n": 1, "ac": 2, "ax": 3, "be": 4}

#: Bands each standard operates in.
BANDS_BY_STANDARD: Final[dict[str, tuple[str, ...]]] = {
    "a": ("5",),
    "g": ("2.4",),
    "n": ("2.4", "5"),
    "ac": ("5",),
    "ax": ("2.4", "5", "6"),
    "be": ("2.4", "5", "6"),
}
#: Channel widths each standard defines (MHz). 80+80 is treated as 160.
WIDTHS_BY_STANDARD: Final[dict[str, tuple[int, ...]]] = {
    "a": (20,),
    "g": (20,),
    "n": (20, 40),
    "ac": (20, 40, 80, 160),
    "ax": (20, 40, 80, 160),
    "be": (20, 40, 80, 160, 320),
}
#: Highest per-stream MCS index. a/g: the eight rates 6..54 Mbps as MCS 0-7.
MAX_MCS: Final[dict[str, int]] = {"a": 7, "g": 7, "n": 7, "ac": 9, "ax": 11, "be": 13}
#: Most spatial streams. 802.11be: 8 in 802.11be-2024 (16 was proposed; not confirmed).
MAX_NSS: Final[dict[str, int]] = {"a": 1, "g": 1, "n": 4, "ac": 8, "ax": 8, "be": 8}
#: Guard intervals (us), the default first.
GUARD_INTERVALS_US: Final[dict[str, tuple[float, ...]]] = {
    "a": (0.8,),
    "g": (0.8,),
    "n": (0.8, 0.4),
    "ac": (0.8, 0.4),
    "ax": (0.8, 1.6, 3.2),
    "be": (0.8, 1.6, 3.2),
}

#: (bits per subcarrier, coding rate) of MCS 0-13 for HT/VHT/HE/EHT (802.11-2020 tables
#: 19-27.., 21-30..; 802.11ax-2021 27.5; 802.11be-2024 36.5).
MODULATIONS: Final[tuple[tuple[int, Fraction], ...]] = (
    (1, Fraction(1, 2)),  # BPSK
    (2, Fraction(1, 2)),  # QPSK
    (2, Fraction(3, 4)),
    (4, Fraction(1, 2)),  # 16-QAM
    (4, Fraction(3, 4)),
    (6, Fraction(2, 3)),  # 64-QAM
    (6, Fraction(3, 4)),
    (6, Fraction(5, 6)),
    (8, Fraction(3, 4)),  # 256-QAM
    (8, Fraction(5, 6)),
    (10, Fraction(3, 4)),  # 1024-QAM
    (10, Fraction(5, 6)),
    (12, Fraction(3, 4)),  # 4096-QAM
    (12, Fraction(5, 6)),
)
#: Legacy OFDM (802.11a/g) rates 6, 9, 12, 18, 24, 36, 48, 54 Mbps (802.11-2020 cl. 17).
_LEGACY_MODULATIONS: Final[tuple[tuple[int, Fraction], ...]] = (
    (1, Fraction(1, 2)),
    (1, Fraction(3, 4)),
    (2, Fraction(1, 2)),
    (2, Fraction(3, 4)),
    (4, Fraction(1, 2)),
    (4, Fraction(3, 4)),
    (6, Fraction(2, 3)),
    (6, Fraction(3, 4)),
)
_MOD_NAME: Final[dict[int, str]] = {
    1: "BPSK",
    2: "QPSK",
    4: "16-QAM",
    6: "64-QAM",
    8: "256-QAM",
    10: "1024-QAM",
    12: "4096-QAM",
}

# Data subcarriers per width (802.11-2020 tables 19-6 and 21-5 for HT/VHT; 802.11ax-2021
# 27.3.9 for the 242/484/996/2x996-tone RUs; 802.11be-2024 36.3 for 4x996 tones at 320 MHz).
_N_SD_HT_VHT: Final[dict[int, int]] = {20: 52, 40: 108, 80: 234, 160: 468}
_N_SD_HE_EHT: Final[dict[int, int]] = {20: 234, 40: 468, 80: 980, 160: 1960, 320: 3920}

# Long training fields per number of space-time streams (HT: 802.11-2020 table 19-13; VHT
# table 21-13; HE/EHT use the same 1,2,4,4,6,6,8,8 mapping).
_N_LTF: Final[tuple[int, ...]] = (1, 2, 4, 4, 6, 6, 8, 8)


def modulation(standard: str, mcs: int) -> tuple[int, Fraction]:
    """Bits per subcarrier and coding rate of an MCS."""
    table = _LEGACY_MODULATIONS if standard in ("a", "g") else MODULATIONS
    return table[mcs]


def modulation_name(standard: str, mcs: int) -> str:
    """Human name such as ``"64-QAM 5/6"``."""
    bits, rate = modulation(standard, mcs)
    return f"{_MOD_NAME[bits]} {rate.numerator}/{rate.denominator}"


def data_subcarriers(standard: str, width_mhz: int) -> int:
    """Number of data subcarriers N_SD at a width."""
    if standard in ("a", "g"):
        return int(value("legacy_data_subcarriers"))
    if standard in ("n", "ac"):
        return _N_SD_HT_VHT[width_mhz]
    return _N_SD_HE_EHT[width_mhz]


def default_guard_interval_us(standard: str) -> float:
    """Default guard interval: 0.8 us (long GI for HT/VHT, shortest GI for HE/EHT)."""
    return GUARD_INTERVALS_US[standard][0]


def symbol_us(standard: str, gi_us: float | None = None) -> float:
    """OFDM data symbol duration including the guard interval (us).

    Legacy/HT/VHT: 3.2 us + GI (0.8 or 0.4). HE/EHT: 12.8 us + GI (0.8, 1.6 or 3.2).
    """
    gi = default_guard_interval_us(standard) if gi_us is None else gi_us
    if standard in ("a", "g"):
        return value("legacy_symbol_us")
    base = 3.2 if standard in ("n", "ac") else 12.8
    return base + gi


def n_dbps(standard: str, mcs: int, nss: int, width_mhz: int) -> Fraction:
    """Data bits per OFDM symbol, exactly (may be fractional for excluded VHT MCSs)."""
    bits, rate = modulation(standard, mcs)
    return data_subcarriers(standard, width_mhz) * bits * rate * nss


def phy_rate_mbps(
    standard: str, mcs: int, nss: int = 1, width_mhz: int = 20, gi_us: float | None = None
) -> float:
    """PHY data rate in Mbps.

    Parameters
    ----------
    standard
        ``"a"``, ``"g"``, ``"n"``, ``"ac"``, ``"ax"`` or ``"be"``.
    mcs
        Per-stream MCS index.
    nss
        Spatial streams.
    width_mhz
        Channel width.
    gi_us
        Guard interval; the standard's default if omitted.
    """
    return float(n_dbps(standard, mcs, nss, width_mhz)) / symbol_us(standard, gi_us)


#: VHT MCS/NSS/width combinations the standard leaves undefined, as (width, mcs, nss)
#: (802.11-2020 21.5, VHT MCS tables for 20/80/160 MHz: the number of data bits per symbol
#: does not divide evenly among the BCC encoders). The 1-4 stream entries match ns-3's
#: ``VhtPhy::IsCombinationAllowed``; the 5-8 stream entries are not confirmed.
VHT_EXCLUDED: Final[frozenset[tuple[int, int, int]]] = frozenset(
    {(20, 9, n) for n in (1, 2, 4, 5, 7, 8)} | {(80, 6, 3), (80, 6, 7), (80, 9, 6), (160, 9, 3)}
)


def vht_combination_valid(mcs: int, nss: int, width_mhz: int) -> bool:
    """Whether a VHT MCS/NSS/width is defined (see :data:`VHT_EXCLUDED`)."""
    return (width_mhz, mcs, nss) not in VHT_EXCLUDED


def phy_problems(
    standard: str,
    *,
    mcs: int | None = None,
    nss: int | None = None,
    width_mhz: int | None = None,
    gi_us: float | None = None,
    band: str | None = None,
) -> list[tuple[str, str]]:
    """Check a PHY configuration; return ``(field, message)`` pairs (empty if valid).

    Fields are ``standard``, ``mcs``, ``nss``, ``width``, ``gi`` and ``band``.
    """
    if standard not in STANDARDS:
        return [("standard", f"unknown standard {standard!r}; use one of {', '.join(STANDARDS)}")]
    name = f"802.11{standard}"
    out: list[tuple[str, str]] = []
    if band is not None and band not in BANDS_BY_STANDARD[standard]:
        bands = " or ".join(f"{b} GHz" for b in BANDS_BY_STANDARD[standard])
        out.append(("band", f"{name} does not operate at {band} GHz (only {bands})"))
    if width_mhz is not None:
        widths = WIDTHS_BY_STANDARD[standard]
        if width_mhz not in widths:
            out.append(
                (
                    "width",
                    f"{name} has no {width_mhz} MHz channels "
                    f"(widths: {', '.join(str(w) for w in widths)} MHz)",
                )
            )
        elif band == "2.4" and width_mhz > 40:
            out.append(("width", f"{width_mhz} MHz is not available at 2.4 GHz (20 or 40 MHz)"))
        elif width_mhz == 320 and band is not None and band != "6":
            out.append(("width", "320 MHz channels exist only at 6 GHz"))
    if mcs is not None and not 0 <= mcs <= MAX_MCS[standard]:
        out.append(
            ("mcs", f"MCS {mcs} does not exist in {name} (MCS 0-{MAX_MCS[standard]} per stream)")
        )
    if nss is not None and not 1 <= nss <= MAX_NSS[standard]:
        out.append(("nss", f"{name} supports 1-{MAX_NSS[standard]} spatial streams, not {nss}"))
    if gi_us is not None and not any(abs(gi_us - g) < 1e-9 for g in GUARD_INTERVALS_US[standard]):
        gis = ", ".join(f"{g:g}" for g in GUARD_INTERVALS_US[standard])
        out.append(("gi", f"{name} has no {gi_us:g} us guard interval (GIs: {gis} us)"))
    if (
        not out
        and standard == "ac"
        and mcs is not None
        and nss is not None
        and width_mhz is not None
        and not vht_combination_valid(mcs, nss, width_mhz)
    ):
        out.append(
            (
                "mcs",
                f"802.11ac MCS {mcs} with {nss} spatial stream{'s' if nss > 1 else ''} at "
                f"{width_mhz} MHz is excluded by the standard (bits per symbol do not divide "
                "evenly among the encoders)",
            )
        )
    return out


@dataclass(frozen=True)
class McsRow:
    """One row of an MCS table."""

    mcs: int
    modulation: str
    coding_rate: str
    nss: int
    width_mhz: int
    gi_us: float
    rate_mbps: float | None  # None where the combination is excluded


def mcs_table(
    standard: str, width_mhz: int, *, nss: int = 1, gi_us: float | None = None
) -> list[McsRow]:
    """Rows for MCS 0..max of a standard at one width, stream count and GI."""
    gi = default_guard_interval_us(standard) if gi_us is None else gi_us
    rows = []
    for m in range(MAX_MCS[standard] + 1):
        bits, rate = modulation(standard, m)
        ok = standard != "ac" or vht_combination_valid(m, nss, width_mhz)
        rows.append(
            McsRow(
                mcs=m,
                modulation=_MOD_NAME[bits],
                coding_rate=f"{rate.numerator}/{rate.denominator}",
                nss=nss,
                width_mhz=width_mhz,
                gi_us=gi,
                rate_mbps=phy_rate_mbps(standard, m, nss, width_mhz, gi) if ok else None,
            )
        )
    return rows


# --------------------------------------------------------------------------- durations


def preamble_us(standard: str, nss: int = 1, gi_us: float | None = None) -> float:
    """PHY preamble and header duration of a PPDU (us).

    Legacy: L-STF + L-LTF + L-SIG. HT mixed format adds HT-SIG, HT-STF and the HT-LTFs;
    VHT adds VHT-SIG-A, VHT-STF, VHT-LTFs and VHT-SIG-B; HE SU adds RL-SIG, HE-SIG-A, HE-STF
    and 2x HE-LTFs (each 6.4 us + GI); EHT adds RL-SIG, U-SIG, EHT-SIG, EHT-STF and EHT-LTFs.
    """
    legacy = value("l_stf_us") + value("l_ltf_us") + value("l_sig_us")
    if standard in ("a", "g"):
        return legacy
    n_ltf = _N_LTF[nss - 1]
    if standard == "n":
        return (
            legacy
            + value("ht_sig_us", "n")
            + value("ht_stf_us", "n")
            + n_ltf * value("ht_ltf_us", "n")
        )
    if standard == "ac":
        return (
            legacy
            + value("vht_sig_a_us", "ac")
            + value("vht_stf_us", "ac")
            + n_ltf * value("vht_ltf_us", "ac")
            + value("vht_sig_b_us", "ac")
        )
    gi = default_guard_interval_us(standard) if gi_us is None else gi_us
    if standard == "ax":
        return (
            legacy
            + value("rl_sig_us", "ax")
            + value("he_sig_a_us", "ax")
            + value("he_stf_us", "ax")
            + n_ltf * (value("he_ltf_us", "ax") + gi)
        )
    return (
        legacy
        + value("rl_sig_us", "be")
        + value("u_sig_us", "be")
        + value("eht_sig_us", "be")
        + value("eht_stf_us", "be")
        + n_ltf * (value("eht_ltf_us", "be") + gi)
    )


def ppdu_duration_us(
    standard: str,
    band: str,
    psdu_bytes: int,
    *,
    mcs: int,
    nss: int = 1,
    width_mhz: int = 20,
    gi_us: float | None = None,
) -> float:
    """Air time of one PPDU carrying ``psdu_bytes`` (us), including signal extension.

    The data field is ``ceil((16 + 8 * bytes + 6) / N_DBPS)`` symbols (SERVICE and tail
    bits); HE/EHT add the packet extension from :mod:`netplan.radio.params`.
    """
    bits = value("service_bits") + 8 * psdu_bytes + value("tail_bits")
    ndbps = float(n_dbps(standard, mcs, nss, width_mhz))
    n_sym = math.ceil(bits / ndbps - 1e-9)
    t = preamble_us(standard, nss, gi_us) + n_sym * symbol_us(standard, gi_us)
    if standard in ("ax", "be"):
        t += value("packet_extension_us", standard)
    return t + value("signal_extension_us", band)


#: Legacy OFDM rates (Mbps) in MCS 0-7 order, computed from the legacy modulations.
def _legacy_rates() -> tuple[float, ...]:
    return tuple(phy_rate_mbps("a", m) for m in range(8))


_LEGACY_RATES: Final[tuple[float, ...]] = _legacy_rates()
#: Mandatory basic rate set of OFDM PHYs (802.11-2020 cl. 17): 6, 12 and 24 Mbps.
_BASIC_RATES: Final[tuple[float, ...]] = (6.0, 12.0, 24.0)


def legacy_ppdu_duration_us(band: str, psdu_bytes: int, rate_mbps: float) -> float:
    """Air time of a non-HT (legacy OFDM) PPDU, e.g. a control frame (us)."""
    bits = value("service_bits") + 8 * psdu_bytes + value("tail_bits")
    ndbps = rate_mbps * value("legacy_symbol_us")
    n_sym = math.ceil(bits / ndbps - 1e-9)
    return preamble_us("a") + n_sym * value("legacy_symbol_us") + value("signal_extension_us", band)


def control_response_rate_mbps(standard: str, mcs: int) -> float:
    """Rate of the ACK/BlockAck/CTS answering a frame sent at ``mcs``.

    The highest basic rate (6, 12, 24 Mbps) not above the legacy rate with the same
    modulation and coding (802.11-2020 10.6.6.5, "rate selection for control response
    frames").
    """
    bits, rate = modulation(standard, mcs)
    same = [
        r
        for r, (b, c) in zip(_LEGACY_RATES, _LEGACY_MODULATIONS, strict=True)
        if (b, c) <= (bits, rate)
    ]
    reference = max(same) if same else _LEGACY_RATES[0]
    return max(r for r in _BASIC_RATES if r <= reference + 1e-9)
