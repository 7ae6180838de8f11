"""Cell capacity: what each client of one AP radio can get.

The simulator treats a radio's airtime as a resource: a flow of rate ``x`` to client ``i``
uses ``x / effective_rate_i`` of the airtime, where :func:`effective_rates` is the payload
rate client ``i`` would see with the whole airtime (its link PHY rate times the MAC
efficiency of a cell with ``n_active`` contenders, from :mod:`netplan.radio.dcf`).

:func:`cell_throughputs` splits the airtime among backlogged clients in one of three ways:

* ``"airtime"`` fairness (an airtime-fair scheduler): each client gets ``1/n`` of the
  airtime, so ``x_i = share * r_i / n``.
* ``"throughput"`` fairness (legacy DCF, per-packet fairness): every client gets the same
  throughput ``x = share / sum_i(1 / r_i)``, so one slow client pulls everyone down to about
  its rate (Heusse et al., "Performance anomaly of 802.11b", INFOCOM 2003). This is what
  DCF does without aggregation.
* ``"txop"`` fairness (DCF with A-MPDU): every contender wins the channel equally often and
  sends one aggregate per win, so client ``i`` gets ``share * L_i / sum_j(L_j / r_j)`` where
  ``L_i`` is its payload per aggregate. Aggregates are capped at 5.484 ms, so a slow client
  carries few MPDUs per win and the anomaly mostly disappears. Without aggregation this
  equals ``"throughput"``.

The effective rates include the contention cost of the mix of clients: every station wins
equally often under DCF, and a collision lasts as long as its longest frame (see
:func:`contention_overhead_us`). Channel errors are not modelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from netplan.radio.config import ClientCapability, ClientLike, RadioConfig, as_client
from netplan.radio.dcf import bianchi_fixed_point, dcf_throughput
from netplan.radio.link import LinkChoice, best_mcs
from netplan.radio.params import mac_timing
from netplan.radio.phy import (
    BANDS_BY_STANDARD,
    GUARD_INTERVALS_US,
    MAX_NSS,
    STANDARD_ORDER,
    WIDTHS_BY_STANDARD,
    default_guard_interval_us,
)

__all__ = [
    "Fairness",
    "cell_throughputs",
    "contention_overhead_us",
    "effective_rates",
    "link_for",
    "link_standard",
    "share_airtime",
]

Fairness = Literal["airtime", "throughput", "txop"]

_BY_ORDER = {0: "a", 1: "n", 2: "ac", 3: "ax", 4: "be"}


def link_standard(radio: RadioConfig, client: ClientCapability) -> str:
    """The standard an AP radio and a client talk with in the radio's band.

    The older of the two, stepped down until the band supports it (a Wi-Fi 5 client on a
    2.4 GHz Wi-Fi 6 radio talks 802.11n).

    Raises
    ------
    ValueError
        If the client cannot use the radio's band at all (a Wi-Fi 5 client on 6 GHz, or a
        device whose band list leaves the band out).
    """
    band = radio.band
    if client.bands is not None and band not in client.bands:
        raise ValueError(f"the client does not support the {band} GHz band")
    order = min(STANDARD_ORDER[radio.standard], STANDARD_ORDER[client.standard])
    while order >= 0:
        std = _BY_ORDER[order]
        if std == "a" and band == "2.4":
            std = "g"
        if band in BANDS_BY_STANDARD[std]:
            return std
        order -= 1
    raise ValueError(
        f"an 802.11{client.standard} client cannot use the {band} GHz band "
        f"(needs 802.11ax or later)"
    )


def link_for(radio: RadioConfig, client: ClientLike, *, margin_db: float = 0.0) -> LinkChoice:
    """The MCS, streams and width a client's link runs at, and its PHY rate.

    Width and streams are the smaller of the radio's and the client's, within what the
    common standard allows; the MCS is the highest the SNR sustains (see
    :func:`netplan.radio.link.best_mcs`).
    """
    c = as_client(client)
    std = link_standard(radio, c)
    cap = min(radio.width_mhz, c.max_width_mhz, 40 if radio.band == "2.4" else 320)
    width = max(w for w in WIDTHS_BY_STANDARD[std] if w <= max(cap, 20))
    nss = max(1, min(radio.spatial_streams, c.spatial_streams, MAX_NSS[std]))
    gi = radio.gi_us
    if gi is None or not any(abs(gi - g) < 1e-9 for g in GUARD_INTERVALS_US[std]):
        gi = default_guard_interval_us(std)
    return best_mcs(std, c.snr_db, nss=nss, width_mhz=width, gi_us=gi, margin_db=margin_db)


def contention_overhead_us(
    tc_us: Sequence[float], n_active: int, *, slot_us: float, cw_min: int, cw_max: int
) -> float:
    """Idle and collision time per successful transmission in a mixed cell (us).

    All ``n_active`` stations share one contention window, so Bianchi's ``tau`` is common
    and every station is equally likely to win a slot. A collision lasts as long as the
    longest colliding frame: with collision times sorted longest first,
    ``P(collision lasting Tc_(j)) = tau (1-tau)^(j-1) (1 - (1-tau)^(n-j))``. When
    ``len(tc_us) != n_active`` the contenders are taken to have the given collision times
    in the same proportions.

    Returns
    -------
    float
        ``(P_idle * slot + E[collision time]) / P_success`` per slot.
    """
    n = max(1, n_active)
    tau, _ = bianchi_fixed_point(n, cw_min, cw_max)
    ordered = sorted(tc_us, reverse=True)
    if len(ordered) != n:
        ordered = [ordered[(k * len(ordered)) // n] for k in range(n)]
    q = 1.0 - tau
    e_coll = sum(tau * q**j * (1.0 - q ** (n - 1 - j)) * tc for j, tc in enumerate(ordered))
    p_success = n * tau * q ** (n - 1)
    return (q**n * slot_us + e_coll) / p_success


def effective_rates(
    radio: RadioConfig,
    clients: Sequence[ClientLike],
    *,
    n_active: int | None = None,
    aggregation: bool = True,
    payload_bytes: int = 1500,
    rts_cts: bool = False,
    margin_db: float = 0.0,
) -> NDArray[np.float64]:
    """Payload rate (Mbps) each client would get with all of the radio's airtime.

    Client ``i``'s rate is ``L_i / (Ts_i + O)``: the payload of one successful exchange
    over its duration plus the idle and collision time each success costs in this cell
    (:func:`contention_overhead_us`, Bianchi's fixed point for ``n_active`` contenders). For
    identical clients it equals Bianchi's saturation throughput of the cell.

    Parameters
    ----------
    radio
        The AP radio.
    clients
        :class:`ClientCapability` records or ``(standard, spatial_streams, max_width_mhz,
        snr_db)`` tuples.
    n_active
        Contending stations; default ``len(clients)`` (at least 1).
    aggregation
        Use A-MPDU aggregation where the link's standard has it.
    payload_bytes
        Packet size.
    rts_cts
        Protect exchanges with RTS/CTS.
    margin_db
        SNR margin demanded above the MCS thresholds.

    Returns
    -------
    numpy.ndarray
        One rate per client, in input order.
    """
    rates, _ = _rates_and_bits(
        radio,
        clients,
        n_active=n_active,
        aggregation=aggregation,
        payload_bytes=payload_bytes,
        rts_cts=rts_cts,
        margin_db=margin_db,
    )
    return rates


def _rates_and_bits(
    radio: RadioConfig,
    clients: Sequence[ClientLike],
    *,
    n_active: int | None,
    aggregation: bool,
    payload_bytes: int,
    rts_cts: bool,
    margin_db: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if not clients:
        return np.zeros(0, dtype=np.float64), np.zeros(0, dtype=np.float64)
    n = max(1, len(clients) if n_active is None else n_active)
    times = []
    for client in clients:
        link = link_for(radio, client, margin_db=margin_db)
        res = dcf_throughput(
            link.standard,
            radio.band,
            mcs=link.mcs,
            nss=link.nss,
            width_mhz=link.width_mhz,
            gi_us=link.gi_us,
            n_stations=1,
            payload_bytes=payload_bytes,
            aggregation=aggregation,
            rts_cts=rts_cts,
        )
        times.append(res.times)
    timing = mac_timing(radio.standard, radio.band)
    overhead = contention_overhead_us(
        [t.tc_us for t in times],
        n,
        slot_us=timing.slot_us,
        cw_min=timing.cw_min,
        cw_max=timing.cw_max,
    )
    bits = np.array([t.payload_bits for t in times], dtype=np.float64)
    durations = np.array([t.ts_us for t in times], dtype=np.float64) + overhead
    return bits / durations, bits


def share_airtime(
    rates: NDArray[np.float64],
    *,
    airtime_share: float = 1.0,
    fairness: Fairness = "airtime",
    bits_per_txop: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Split a radio's airtime among saturated clients with effective rates ``rates``.

    Parameters
    ----------
    rates
        Effective rates (Mbps) from :func:`effective_rates`.
    airtime_share
        Fraction of the channel's time the radio gets.
    fairness
        ``"airtime"``, ``"throughput"`` or ``"txop"`` (see the module docstring).
    bits_per_txop
        Payload bits per successful exchange of each client; needed for ``"txop"``.

    Returns
    -------
    numpy.ndarray
        Each client's throughput (Mbps).
    """
    if not 0.0 <= airtime_share <= 1.0:
        raise ValueError(f"airtime_share must be within [0, 1], got {airtime_share}")
    r = np.asarray(rates, dtype=np.float64)
    if r.size == 0:
        return np.zeros(0)
    if np.any(r <= 0):
        raise ValueError("effective rates must be positive")
    if fairness == "airtime":
        return airtime_share * r / r.size
    if fairness == "throughput":
        return np.full(r.size, airtime_share / float(np.sum(1.0 / r)))
    if fairness == "txop":
        if bits_per_txop is None:
            raise ValueError("fairness='txop' needs bits_per_txop")
        b = np.asarray(bits_per_txop, dtype=np.float64)
        # One success per client per round; a round lasts sum_j b_j / r_j.
        return airtime_share * b / float(np.sum(b / r))
    raise ValueError(f"fairness must be 'airtime', 'throughput' or 'txop', got {fairness!r}")


def cell_throughputs(
    radio: RadioConfig,
    clients: Sequence[ClientLike],
    *,
    airtime_share: float = 1.0,
    fairness: Fairness = "airtime",
    aggregation: bool = True,
    n_active: int | None = None,
    payload_bytes: int = 1500,
    rts_cts: bool = False,
    margin_db: float = 0.0,
) -> NDArray[np.float64]:
    """Each client's saturated throughput (Mbps) when all clients are backlogged.

    This is the one call the simulator needs: given the AP radio, the share of channel
    time its co-channel domain leaves it (``airtime_share``, see
    :func:`netplan.radio.cochannel.airtime_shares`) and its active clients, return each
    client's achievable throughput.

    Parameters
    ----------
    radio
        The AP radio.
    clients
        Active clients (records or 4-tuples, see :func:`effective_rates`).
    airtime_share
        Fraction of the channel's time this radio gets, in [0, 1].
    fairness
        ``"airtime"``, ``"throughput"`` or ``"txop"``.
    aggregation, n_active, payload_bytes, rts_cts, margin_db
        As in :func:`effective_rates`.
    """
    rates, bits = _rates_and_bits(
        radio,
        clients,
        n_active=n_active,
        aggregation=aggregation,
        payload_bytes=payload_bytes,
        rts_cts=rts_cts,
        margin_db=margin_db,
    )
    return share_airtime(rates, airtime_share=airtime_share, fairness=fairness, bits_per_txop=bits)
