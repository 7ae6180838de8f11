"""Getting devices on the network: AP association limits, band steering, 802.1X and DHCP.

* :class:`RadioSlots` counts associated clients per radio against its ``max_clients``; a
  client finding no free slot on any radio that covers its zone is rejected.
* :func:`assign_cohort` places a cohort of identical devices in a zone: they spread over
  the APs whose signal is within ``spread_db`` of the best (clients pick the strongest AP,
  and nearly equal APs share them), band steering puts capable devices on 6 or 5 GHz and
  moves them to 2.4 GHz only when those radios are full.
* :class:`AuthServer` is the RADIUS service as a first-come first-served queue with a
  fixed service rate: authentications whose wait passes the supplicant timeout fail and
  are retried, and still take server time.
* :class:`DhcpScope` holds leases: a device leaving the scope's zones keeps its lease until
  it expires, so churn between scopes and long leases exhaust a scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["AuthResult", "AuthServer", "DhcpScope", "RadioSlots", "assign_cohort"]

FloatArray = NDArray[np.float64]


class RadioSlots:
    """Free association slots per radio.

    Parameters
    ----------
    max_clients
        Association limit of each radio.
    """

    def __init__(self, max_clients: Sequence[int]) -> None:
        self.limit = np.asarray(max_clients, dtype=np.int64)
        self.used = np.zeros(len(self.limit), dtype=np.int64)

    def free(self, radio: int) -> int:
        """Free slots on a radio."""
        return int(self.limit[radio] - self.used[radio])

    def admit(self, radio: int, n: int = 1) -> int:
        """Associate up to ``n`` clients to ``radio``; return how many got a slot."""
        k = max(0, min(n, self.free(radio)))
        self.used[radio] += k
        return k

    def release(self, radio: int, n: int = 1) -> None:
        """Disassociate ``n`` clients from ``radio``."""
        self.used[radio] = max(0, int(self.used[radio]) - n)

    def clear(self) -> None:
        """Disassociate everyone."""
        self.used[:] = 0


def assign_cohort(
    slots: RadioSlots,
    n: int,
    candidates: Sequence[tuple[int, int, float, int]],
    *,
    spread_db: float = 6.0,
) -> tuple[dict[int, int], int]:
    """Associate ``n`` identical devices in one zone.

    Parameters
    ----------
    slots
        Free slots (updated).
    n
        Devices to place.
    candidates
        ``(radio, ap_number, snr_db, band_rank)`` for every radio covering the zone that the
        device can use; ``band_rank`` 0 is the band steering's first choice.
    spread_db
        APs within this many dB of the best share the devices evenly.

    Returns
    -------
    tuple
        Devices per radio, and devices rejected for want of a free slot.
    """
    placed: dict[int, int] = {}
    if n <= 0 or not candidates:
        return placed, max(n, 0)
    by_ap: dict[int, list[tuple[int, int, float]]] = {}
    best_ap_snr: dict[int, float] = {}
    for radio, ap, snr, rank in candidates:
        by_ap.setdefault(ap, []).append((rank, radio, snr))
        best_ap_snr[ap] = max(best_ap_snr.get(ap, -1e9), snr)
    for lst in by_ap.values():
        lst.sort()
    order = sorted(by_ap, key=lambda a: (-best_ap_snr[a], a))
    best = best_ap_snr[order[0]]
    near = [a for a in order if best_ap_snr[a] >= best - spread_db]
    far = [a for a in order if a not in near]
    share = [n // len(near) + (1 if i < n % len(near) else 0) for i in range(len(near))]
    left = 0
    for ap, want in zip(near, share, strict=True):
        for _rank, radio, _snr in by_ap[ap]:
            if want <= 0:
                break
            got = slots.admit(radio, want)
            if got:
                placed[radio] = placed.get(radio, 0) + got
                want -= got
        left += want
    # Overflow: any radio with room, nearest APs first, band preference within an AP.
    for ap in near + far:
        for _rank, radio, _snr in by_ap[ap]:
            if left <= 0:
                break
            got = slots.admit(radio, left)
            if got:
                placed[radio] = placed.get(radio, 0) + got
                left -= got
    return placed, left


@dataclass(frozen=True)
class AuthResult:
    """Outcome of a burst of 802.1X authentications."""

    attempts: int
    timeouts: int
    failed: int  # devices still unauthenticated after all retries
    wait_s: FloatArray  # time from first request to success, per device that succeeded


class AuthServer:
    """RADIUS as a FIFO queue with deterministic service time ``1 / rate``.

    Parameters
    ----------
    rate
        Authentications completed per second.
    timeout_s
        A request still waiting this long fails (the supplicant gives up).
    retry_s
        A failed device asks again after this long.
    retries
        Further attempts after the first.
    """

    def __init__(
        self, rate: float, *, timeout_s: float = 30.0, retry_s: float = 30.0, retries: int = 3
    ) -> None:
        self.rate = float(rate)
        self.timeout_s = timeout_s
        self.retry_s = retry_s
        self.retries = retries
        self.free_at = -np.inf

    def _serve(self, arrivals: FloatArray) -> FloatArray:
        """Finish times of requests arriving at sorted ``arrivals`` (FIFO)."""
        if not len(arrivals):
            return arrivals
        idx = np.arange(len(arrivals), dtype=np.float64)
        s = arrivals - idx / self.rate
        start = np.maximum(np.maximum.accumulate(s), self.free_at)
        finish = start + (idx + 1) / self.rate
        self.free_at = float(finish[-1])
        return finish

    def submit(self, times: FloatArray) -> AuthResult:
        """Authenticate devices asking at ``times`` (seconds); retries are played out too.

        Requests are served in arrival order; a later burst queues behind what is left
        of earlier ones (``free_at`` carries over).
        """
        first = np.sort(np.asarray(times, dtype=np.float64))
        pending = first
        origin = first
        attempts = timeouts = 0
        waits: list[FloatArray] = []
        for attempt in range(self.retries + 1):
            if not len(pending):
                break
            order = np.argsort(pending, kind="stable")
            pending, origin = pending[order], origin[order]
            finish = self._serve(pending)
            attempts += len(pending)
            late = finish - pending > self.timeout_s
            timeouts += int(late.sum())
            waits.append(finish[~late] - origin[~late])
            if attempt == self.retries:
                pending = pending[late]
                break
            pending = pending[late] + self.timeout_s + self.retry_s
            origin = origin[late]
        failed = len(pending) if attempts and timeouts else 0
        if timeouts == 0:
            failed = 0
        wait = np.concatenate(waits) if waits else np.zeros(0)
        return AuthResult(attempts, timeouts, failed, wait)


class DhcpScope:
    """Leases of one DHCP scope.

    Parameters
    ----------
    addresses
        Usable addresses.
    lease_s
        Lease time.
    """

    def __init__(self, addresses: int, lease_s: float) -> None:
        self.addresses = int(addresses)
        self.lease_s = float(lease_s)
        self.present = 0
        self._departed: list[tuple[float, int]] = []  # (expiry, count)

    def leases(self, t: float) -> int:
        """Leases held at time ``t`` (present devices plus unexpired departed ones)."""
        self._departed = [(e, c) for e, c in self._departed if e > t]
        return self.present + sum(c for _, c in self._departed)

    def update(self, t: float, present: int) -> int:
        """Devices now in the scope's zones; return how many could not get a lease."""
        held = self.leases(t)
        if present < self.present:
            self._departed.append((t + self.lease_s, self.present - present))
            self.present = present
            return 0
        arriving = present - self.present
        lingering = held - self.present
        free = max(0, self.addresses - self.present - lingering)
        granted = min(arriving, free)
        self.present += granted
        return arriving - granted
