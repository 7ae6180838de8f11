"""Getting devices on the network: AP association limits, band steering, 802.1X and DHCP.

* :class:`RadioSlots` counts associated clients per radio against its ``max_clients``; a
  client finding no free slot on any radio that covers its zone is rejected.
* :func:`assign_cohort` places a cohort of identical devices in a zone: they spread over
  the APs whose signal is within ``spread_db`` of the best (clients pick the strongest AP,
  and nearly equal APs share them), band steering puts capable devices on 6 or 5 GHz and
  moves them to 2.4 GHz only when those radios are full.
* :class:`AuthServer` is the RADIUS service as a first-come first-served queue with a
  fixed service rate: authentications whose wait passes the supplicant timeout fail and
  are retried, and still take server time. Every building's bursts and retries share
  the queue in arrival order.
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
    """RADIUS as one FIFO queue with deterministic service time ``1 / rate``.

    Bursts are handed in with :meth:`submit` as the day goes; :meth:`results` then serves
    every request of the day in arrival order, first attempts and retries alike, so
    bursts of buildings that ring at the same time share the queue by arrival time, not
    in the order their bells were handled.

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
        self._tags: list[tuple[float, str]] = []
        self._times: list[FloatArray] = []

    def _serve(self, arrivals: FloatArray) -> FloatArray:
        """Finish times of requests arriving at sorted ``arrivals`` (FIFO), after those
        served before."""
        if not len(arrivals):
            return arrivals
        idx = np.arange(len(arrivals), dtype=np.float64)
        s = arrivals - idx / self.rate
        start = np.maximum(np.maximum.accumulate(s), self.free_at)
        finish = start + (idx + 1) / self.rate
        self.free_at = float(finish[-1])
        return finish

    def submit(self, times: FloatArray, bell_s: float = 0.0, building: str = "") -> None:
        """Devices of one burst (``building``'s at the bell at ``bell_s``) ask to
        authenticate at ``times``."""
        self._tags.append((float(bell_s), building))
        self._times.append(np.asarray(times, dtype=np.float64))

    def results(self) -> list[tuple[float, str, AuthResult]]:
        """Serve every request submitted, with the retries, and say how each burst fared:
        ``(bell_s, building, result)`` in the order the bursts were submitted.

        Requests are served in arrival order. A retry comes ``timeout_s + retry_s`` after
        its attempt, so the requests arriving within that span of the earliest one
        waiting are served together (none of their retries can come before the span
        ends), then the next span; the server's busy time carries over.
        """
        n_tag = len(self._tags)
        if n_tag:
            t0 = np.concatenate(self._times)
            g0 = np.repeat(np.arange(n_tag), [len(t) for t in self._times])
        else:
            t0, g0 = np.zeros(0), np.zeros(0, dtype=np.int64)
        order = np.argsort(t0, kind="stable")
        first_t, first_g = t0[order], g0[order]
        span = max(self.timeout_s + self.retry_s, 1e-9)
        attempts = np.zeros(n_tag, dtype=np.int64)
        timeouts = np.zeros(n_tag, dtype=np.int64)
        failed = np.zeros(n_tag, dtype=np.int64)
        wait_t: list[FloatArray] = []
        wait_g: list[NDArray[np.int64]] = []
        # retries waiting: arrival, first arrival, attempt number, burst (sorted by arrival)
        r_t, r_o, r_k, r_g = np.zeros(0), np.zeros(0), np.zeros(0, np.int64), g0[:0]
        i = 0
        n = len(first_t)
        while i < n or len(r_t):
            a0 = min(first_t[i] if i < n else np.inf, r_t[0] if len(r_t) else np.inf)
            j = int(np.searchsorted(first_t, a0 + span, side="left"))
            m = int(np.searchsorted(r_t, a0 + span, side="left"))
            bt = np.concatenate([first_t[i:j], r_t[:m]])
            bo = np.concatenate([first_t[i:j], r_o[:m]])
            bk = np.concatenate([np.zeros(j - i, dtype=np.int64), r_k[:m]])
            bg = np.concatenate([first_g[i:j], r_g[:m]])
            o = np.argsort(bt, kind="stable")
            bt, bo, bk, bg = bt[o], bo[o], bk[o], bg[o]
            i = j
            r_t, r_o, r_k, r_g = r_t[m:], r_o[m:], r_k[m:], r_g[m:]
            finish = self._serve(bt)
            late = finish - bt > self.timeout_s
            attempts += np.bincount(bg, minlength=n_tag)
            timeouts += np.bincount(bg[late], minlength=n_tag)
            wait_t.append(finish[~late] - bo[~late])
            wait_g.append(bg[~late])
            last = late & (bk >= self.retries)
            failed += np.bincount(bg[last], minlength=n_tag)
            again = late & ~last
            if again.any():
                r_t = np.concatenate([r_t, bt[again] + self.timeout_s + self.retry_s])
                r_o = np.concatenate([r_o, bo[again]])
                r_k = np.concatenate([r_k, bk[again] + 1])
                r_g = np.concatenate([r_g, bg[again]])
                o = np.argsort(r_t, kind="stable")
                r_t, r_o, r_k, r_g = r_t[o], r_o[o], r_k[o], r_g[o]
        waits = np.concatenate(wait_t) if wait_t else np.zeros(0)
        wg = np.concatenate(wait_g) if wait_g else np.zeros(0, dtype=np.int64)
        o = np.argsort(wg, kind="stable")
        per_tag = np.split(waits[o], np.cumsum(np.bincount(wg, minlength=n_tag))[:-1])
        return [
            (bell, b, AuthResult(int(attempts[k]), int(timeouts[k]), int(failed[k]), per_tag[k]))
            for k, (bell, b) in enumerate(self._tags)
        ]


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
