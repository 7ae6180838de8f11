"""Link adaptation: from SNR (or RSSI and noise floor) to the highest sustainable MCS.

Minimum SNR per MCS is derived from the standard's receiver minimum input sensitivity
(802.11-2020 tables "Receiver minimum input sensitivity" of clauses 17, 19 and 21;
802.11ax-2021 27.3.19.4; 802.11be-2024 36.3.20.4), which for a 20 MHz channel are
-82, -79, -77, -74, -70, -66, -65, -64 dBm for MCS 0-7, -59 and -57 dBm for the 256-QAM
MCS 8-9, -54 and -52 dBm for the 1024-QAM MCS 10-11 and -49 and -46 dBm for the 4096-QAM
MCS 12-13 (the last two are not confirmed). Those figures assume a 10 dB receiver noise
figure over the -174 dBm/Hz thermal floor, i.e. a -91 dBm noise floor in 20 MHz, so the
minimum SNR (relative to the 20 MHz noise floor, as site surveys report it) is
``sensitivity + 91 dB``. Every doubling of the channel width spreads the same transmit power
over twice the band, so the requirement rises by 3 dB per doubling (the standard's
sensitivity tables do the same).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from netplan.radio.phy import MAX_MCS, phy_rate_mbps, vht_combination_valid

__all__ = [
    "DEFAULT_NOISE_FLOOR_DBM",
    "MIN_SENSITIVITY_20MHZ_DBM",
    "LinkChoice",
    "best_mcs",
    "min_snr_db",
    "snr_from_rssi",
]

#: Receiver minimum input sensitivity at 20 MHz, MCS 0-13 (dBm); see the module docstring.
MIN_SENSITIVITY_20MHZ_DBM: Final[tuple[float, ...]] = (
    -82.0,
    -79.0,
    -77.0,
    -74.0,
    -70.0,
    -66.0,
    -65.0,
    -64.0,
    -59.0,
    -57.0,
    -54.0,
    -52.0,
    -49.0,  # EHT 4096-QAM 3/4, not confirmed
    -46.0,  # EHT 4096-QAM 5/6, not confirmed
)
#: Legacy OFDM (a/g) sensitivities for 6, 9, 12, 18, 24, 36, 48, 54 Mbps (802.11-2020 cl. 17).
_LEGACY_SENSITIVITY_DBM: Final[tuple[float, ...]] = (
    -82.0,
    -81.0,
    -79.0,
    -77.0,
    -74.0,
    -70.0,
    -66.0,
    -65.0,
)
#: Noise floor the sensitivity figures imply: -174 dBm/Hz + 10 log10(20 MHz) + 10 dB NF.
_REFERENCE_NOISE_20MHZ_DBM: Final[float] = -174.0 + 10.0 * math.log10(20e6) + 10.0
#: Noise floor assumed when only RSSI is known (same default as the survey's Coverage model).
DEFAULT_NOISE_FLOOR_DBM: Final[float] = -95.0


def snr_from_rssi(rssi_dbm: float, noise_dbm: float = DEFAULT_NOISE_FLOOR_DBM) -> float:
    """SNR (dB) from received signal strength and noise floor, both in dBm."""
    return rssi_dbm - noise_dbm


def min_snr_db(standard: str, mcs: int, width_mhz: int = 20) -> float:
    """Minimum SNR (dB, against the 20 MHz noise floor) to sustain an MCS at a width."""
    table = _LEGACY_SENSITIVITY_DBM if standard in ("a", "g") else MIN_SENSITIVITY_20MHZ_DBM
    return table[mcs] - _REFERENCE_NOISE_20MHZ_DBM + 10.0 * math.log10(width_mhz / 20.0)


@dataclass(frozen=True)
class LinkChoice:
    """The MCS a link runs at and its PHY rate.

    Attributes
    ----------
    standard, mcs, nss, width_mhz, gi_us
        The transmission parameters.
    phy_rate_mbps
        PHY data rate.
    below_sensitivity
        True when the SNR is below the MCS 0 requirement: the link is held at MCS 0 (a
        client that stays associated at the lowest rate).
    """

    standard: str
    mcs: int
    nss: int
    width_mhz: int
    gi_us: float
    phy_rate_mbps: float
    below_sensitivity: bool


def best_mcs(
    standard: str,
    snr_db: float,
    *,
    nss: int = 1,
    width_mhz: int = 20,
    gi_us: float = 0.8,
    margin_db: float = 0.0,
    max_mcs: int | None = None,
) -> LinkChoice:
    """Highest MCS whose minimum SNR (plus ``margin_db``) the link meets.

    Parameters
    ----------
    standard
        PHY standard of the link (the common standard of both ends).
    snr_db
        SNR against the 20 MHz noise floor, as a site survey reports it.
    nss, width_mhz, gi_us
        Streams, width and guard interval of the link.
    margin_db
        Extra SNR demanded above the thresholds (fade margin).
    max_mcs
        Cap below the standard's highest MCS (e.g. a client's capability).

    Returns
    -------
    LinkChoice
        Excluded VHT combinations are skipped. Below MCS 0's requirement the link stays at
        MCS 0 with ``below_sensitivity=True``.
    """
    top = MAX_MCS[standard] if max_mcs is None else min(max_mcs, MAX_MCS[standard])
    chosen = 0
    below = snr_db < min_snr_db(standard, 0, width_mhz) + margin_db
    for m in range(top, -1, -1):
        if standard == "ac" and not vht_combination_valid(m, nss, width_mhz):
            continue
        if snr_db >= min_snr_db(standard, m, width_mhz) + margin_db:
            chosen = m
            break
    return LinkChoice(
        standard=standard,
        mcs=chosen,
        nss=nss,
        width_mhz=width_mhz,
        gi_us=gi_us,
        phy_rate_mbps=phy_rate_mbps(standard, chosen, nss, width_mhz, gi_us),
        below_sensitivity=below,
    )
