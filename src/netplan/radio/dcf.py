"""Saturation throughput of 802.11 DCF: Bianchi's model, extended with A-MPDU aggregation.

Bianchi (IEEE JSAC 18(3), 2000) models each of ``n`` always-backlogged stations as a Markov
chain of backoff stages. With ``W = CWmin + 1`` and ``m`` doublings up to CWmax, a station
transmits in a slot with probability ``tau`` and a transmission collides with probability
``p``, linked by the fixed point

    tau = 2 / (1 + W + p W sum_{i=0}^{m-1} (2p)^i),    p = 1 - (1 - tau)^(n-1)

(the sum form of Bianchi's eq. (7), valid through ``p = 1/2``). The saturation throughput is

    S = P_s P_tr E[L] / ((1 - P_tr) sigma + P_tr P_s T_s + P_tr (1 - P_s) T_c)

with ``P_tr = 1 - (1 - tau)^n``, ``P_s = n tau (1 - tau)^(n-1) / P_tr``, ``sigma`` the slot
time and ``T_s``/``T_c`` the channel time of a success/collision (Bianchi eqs. (13)-(14) for
basic access and RTS/CTS, without propagation delay by default).

Aggregation (802.11n/ac/ax/be): a success carries an A-MPDU of ``K`` MPDUs (each with a
4-byte delimiter, padded to 4 bytes) answered by a compressed BlockAck; ``K`` is the
smallest of the block-ack window, the A-MPDU length limit and the most MPDUs that fit the
5.484 ms PPDU limit (or a user value). With aggregation off and ``K = 1`` the model is
Bianchi's. Channel errors are not modelled (ideal channel, as in Bianchi).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from netplan.radio.params import mac_timing, value
from netplan.radio.phy import (
    control_response_rate_mbps,
    default_guard_interval_us,
    legacy_ppdu_duration_us,
    phy_problems,
    phy_rate_mbps,
    ppdu_duration_us,
)

__all__ = [
    "DcfResult",
    "ExchangeTimes",
    "bianchi_fixed_point",
    "dcf_throughput",
    "exchange_times",
    "saturation_throughput_mbps",
]

_AGGREGATING = frozenset({"n", "ac", "ax", "be"})


def _tau_of_p(p: float, w: int, m: int) -> float:
    s = sum((2.0 * p) ** i for i in range(m))
    return 2.0 / (1.0 + w + p * w * s)


@lru_cache(maxsize=4096)
def bianchi_fixed_point(n: int, cw_min: int = 15, cw_max: int = 1023) -> tuple[float, float]:
    """Solve Bianchi's fixed point for ``n`` saturated stations.

    Parameters
    ----------
    n
        Number of contending stations (at least 1).
    cw_min, cw_max
        Contention window bounds in slots (windows are ``cw + 1`` wide).

    Returns
    -------
    tuple of float
        ``(tau, p)``: per-slot transmission probability and conditional collision
        probability.
    """
    if n < 1:
        raise ValueError(f"need at least one station, got {n}")
    w = cw_min + 1
    m = max(0, round(math.log2((cw_max + 1) / w)))
    if n == 1:
        return _tau_of_p(0.0, w, m), 0.0

    def gap(tau: float) -> float:
        return tau - _tau_of_p(1.0 - (1.0 - tau) ** (n - 1), w, m)

    # gap() is strictly increasing (tau rises, p rises with tau, tau_of_p falls with p), is
    # negative at 0 and positive at 1, so bisection always converges to the unique root.
    # Plain bisection rather than scipy.optimize: importing scipy.optimize costs ~0.25 s,
    # which the command-line calculator cannot afford.
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if gap(mid) < 0.0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15:
            break
    tau = 0.5 * (lo + hi)
    return tau, 1.0 - (1.0 - tau) ** (n - 1)


def saturation_throughput_mbps(
    n: int,
    *,
    ts_us: float,
    tc_us: float,
    slot_us: float,
    payload_bits: float,
    cw_min: int = 15,
    cw_max: int = 1023,
) -> float:
    """Bianchi's saturation throughput (Mbps, i.e. bits per microsecond).

    Parameters
    ----------
    n
        Saturated stations.
    ts_us, tc_us
        Channel time of a successful and of a collided transmission.
    slot_us
        Idle slot time.
    payload_bits
        Payload delivered by one success.
    cw_min, cw_max
        Contention window bounds.
    """
    if n < 1:
        return 0.0
    tau, _ = bianchi_fixed_point(n, cw_min, cw_max)
    p_tr = 1.0 - (1.0 - tau) ** n
    p_s = n * tau * (1.0 - tau) ** (n - 1) / p_tr
    denom = (1.0 - p_tr) * slot_us + p_tr * p_s * ts_us + p_tr * (1.0 - p_s) * tc_us
    return p_s * p_tr * payload_bits / denom


@dataclass(frozen=True)
class ExchangeTimes:
    """Channel times of one frame exchange (us) and what it carries.

    Attributes
    ----------
    ts_us, tc_us
        Success and collision durations, each ending with DIFS (AIFS).
    data_ppdu_us
        Air time of the data PPDU.
    response_us
        Air time of the ACK or BlockAck.
    frames
        MPDUs per PPDU (1 without aggregation).
    payload_bits
        Payload per success (``frames x payload x 8``).
    slot_us
        Slot time.
    control_rate_mbps
        Rate of the control response (and RTS/CTS).
    """

    ts_us: float
    tc_us: float
    data_ppdu_us: float
    response_us: float
    frames: int
    payload_bits: float
    slot_us: float
    control_rate_mbps: float


def _mpdu_bytes(standard: str, payload_bytes: int) -> int:
    header = value("mac_header_bytes") if standard in ("a", "g") else value("qos_mac_header_bytes")
    return int(header + value("llc_snap_bytes") + payload_bytes + value("fcs_bytes"))


def _block_ack_bytes(window: int) -> int:
    if window <= 64:
        return int(value("block_ack_64_bytes"))
    if window <= 256:
        return int(value("block_ack_256_bytes"))
    return int(value("block_ack_1024_bytes"))


def exchange_times(
    standard: str,
    band: str,
    *,
    mcs: int,
    nss: int = 1,
    width_mhz: int = 20,
    gi_us: float | None = None,
    payload_bytes: int = 1500,
    aggregation: bool = True,
    rts_cts: bool = False,
    ampdu_frames: int | None = None,
    aifsn: int | None = None,
    propagation_delay_us: float = 0.0,
) -> ExchangeTimes:
    """Durations of a successful and a collided exchange, per Bianchi (2000) eqs. 13-14.

    Parameters
    ----------
    standard, band, mcs, nss, width_mhz, gi_us
        The data PPDU's PHY parameters.
    payload_bytes
        MSDU payload (e.g. a 1500-byte IP packet); LLC/SNAP, MAC header and FCS are added.
    aggregation
        Send A-MPDUs answered by a BlockAck (n/ac/ax/be only).
    rts_cts
        Protect each exchange with RTS/CTS; a collision then costs only an RTS.
    ampdu_frames
        MPDUs per A-MPDU; by default as many as the block-ack window, the A-MPDU length
        limit and the PPDU duration limit allow.
    aifsn
        Arbitration IFS number (2 = DIFS, the default; 3 = EDCA best effort).
    propagation_delay_us
        Bianchi's delta, added after each frame.
    """
    timing = mac_timing(standard, band, aifsn=aifsn)
    gi = default_guard_interval_us(standard) if gi_us is None else gi_us
    ctrl_rate = control_response_rate_mbps(standard, mcs)
    mpdu = _mpdu_bytes(standard, payload_bytes)
    delta = propagation_delay_us
    aggregate = aggregation and standard in _AGGREGATING

    def data_time(psdu: int) -> float:
        return ppdu_duration_us(
            standard, band, psdu, mcs=mcs, nss=nss, width_mhz=width_mhz, gi_us=gi
        )

    if aggregate:
        delim = int(value("ampdu_delimiter_bytes"))
        sub = 4 * math.ceil((delim + mpdu) / 4)
        window = int(value("ba_window_frames", standard))
        limit = window if ampdu_frames is None else min(ampdu_frames, window)
        limit = min(limit, int(value("max_ampdu_bytes", standard)) // sub)
        max_ppdu = value("max_ppdu_us")
        # Largest K with the PPDU within the duration limit (durations grow with K).
        lo, hi = 1, max(1, limit)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if data_time(mid * sub) <= max_ppdu:
                lo = mid
            else:
                hi = mid - 1
        frames = lo
        psdu = frames * sub
        response = legacy_ppdu_duration_us(band, _block_ack_bytes(window), ctrl_rate)
    else:
        frames = 1
        psdu = mpdu
        response = legacy_ppdu_duration_us(band, int(value("ack_bytes")), ctrl_rate)
    t_data = data_time(psdu)
    sifs = timing.sifs_us
    difs = timing.difs_us
    if rts_cts:
        t_rts = legacy_ppdu_duration_us(band, int(value("rts_bytes")), ctrl_rate)
        t_cts = legacy_ppdu_duration_us(band, int(value("cts_bytes")), ctrl_rate)
        ts = t_rts + sifs + delta + t_cts + sifs + delta + t_data + sifs + delta
        ts += response + difs + delta
        tc = t_rts + difs + delta
    else:
        ts = t_data + sifs + delta + response + difs + delta
        tc = t_data + difs + delta
    return ExchangeTimes(
        ts_us=ts,
        tc_us=tc,
        data_ppdu_us=t_data,
        response_us=response,
        frames=frames,
        payload_bits=8.0 * payload_bytes * frames,
        slot_us=timing.slot_us,
        control_rate_mbps=ctrl_rate,
    )


@dataclass(frozen=True)
class DcfResult:
    """Saturation throughput of a cell of identical stations.

    Attributes
    ----------
    n_stations
        Saturated stations.
    phy_rate_mbps
        PHY data rate of the data PPDUs.
    throughput_mbps
        Aggregate payload throughput of the cell.
    per_station_mbps
        ``throughput_mbps / n_stations``.
    airtime_efficiency
        ``throughput_mbps / phy_rate_mbps``.
    tau, collision_probability
        Bianchi's fixed point.
    times
        The frame exchange behind the numbers.
    """

    n_stations: int
    phy_rate_mbps: float
    throughput_mbps: float
    per_station_mbps: float
    airtime_efficiency: float
    tau: float
    collision_probability: float
    times: ExchangeTimes


@lru_cache(maxsize=65536)
def dcf_throughput(
    standard: str,
    band: str,
    *,
    mcs: int,
    nss: int = 1,
    width_mhz: int = 20,
    gi_us: float | None = None,
    n_stations: int = 1,
    payload_bytes: int = 1500,
    aggregation: bool = True,
    rts_cts: bool = False,
    ampdu_frames: int | None = None,
    aifsn: int | None = None,
    propagation_delay_us: float = 0.0,
) -> DcfResult:
    """Saturation throughput of ``n_stations`` identical stations sharing one channel.

    Parameters are those of :func:`exchange_times`, plus ``n_stations``.

    Raises
    ------
    ValueError
        If the PHY combination does not exist (message says why) or ``n_stations < 0``.
    """
    problems = phy_problems(standard, mcs=mcs, nss=nss, width_mhz=width_mhz, gi_us=gi_us, band=band)
    if problems:
        raise ValueError("; ".join(msg for _, msg in problems))
    if n_stations < 0:
        raise ValueError(f"n_stations must be >= 0, got {n_stations}")
    times = exchange_times(
        standard,
        band,
        mcs=mcs,
        nss=nss,
        width_mhz=width_mhz,
        gi_us=gi_us,
        payload_bytes=payload_bytes,
        aggregation=aggregation,
        rts_cts=rts_cts,
        ampdu_frames=ampdu_frames,
        aifsn=aifsn,
        propagation_delay_us=propagation_delay_us,
    )
    timing = mac_timing(standard, band, aifsn=aifsn)
    rate = phy_rate_mbps(standard, mcs, nss, width_mhz, gi_us)
    if n_stations == 0:
        tau, p, s = 0.0, 0.0, 0.0
    else:
        tau, p = bianchi_fixed_point(n_stations, timing.cw_min, timing.cw_max)
        s = saturation_throughput_mbps(
            n_stations,
            ts_us=times.ts_us,
            tc_us=times.tc_us,
            slot_us=times.slot_us,
            payload_bits=times.payload_bits,
            cw_min=timing.cw_min,
            cw_max=timing.cw_max,
        )
    return DcfResult(
        n_stations=n_stations,
        phy_rate_mbps=rate,
        throughput_mbps=s,
        per_station_mbps=s / n_stations if n_stations else 0.0,
        airtime_efficiency=s / rate,
        tau=tau,
        collision_probability=p,
        times=times,
    )
