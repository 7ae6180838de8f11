"""Settings of a simulation run."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SimConfig"]


@dataclass(frozen=True)
class SimConfig:
    """How a school day is simulated.

    Attributes
    ----------
    fairness
        AP airtime sharing: ``"airtime"`` (an airtime-fair scheduler: clients get equal
        airtime) or ``"throughput"`` (legacy DCF: equal rates, so slow clients drag the
        cell down; Heusse et al., INFOCOM 2003).
    demand_scale
        Multiplies every arrival rate (scenarios use it for growth: EducationSuperHighway
        advises planning for 50-100 % more demand a year).
    minute_s
        Width of the resource x time buckets, seconds.
    start_s, end_s
        Simulated window (seconds after midnight); default: the schedule's first interval
        start to its last interval end.
    buildings
        Simulate only these buildings (district resources are always included).
    tick_s
        Rates are re-solved every ``tick_s`` seconds; flows arriving before the next tick
        share in its solve and start at their own arrival time; capacity freed between
        ticks is shared out at the next one. 0 re-solves at every arrival and completion
        (exact event-driven fluid model, slower).
    contenders
        Stations contending at once, for the MAC efficiency of the radio model
        (:func:`netplan.radio.cell.effective_rates`); a netplan estimate.
    assoc_spread_s
        Devices that change zone at a bell re-associate spread evenly over this many
        seconds after it (or the interval, if shorter).
    auth_timeout_s, auth_retry_s, auth_retries
        802.1X: a request waiting longer than the timeout fails and is retried after
        ``auth_retry_s``, at most ``auth_retries`` more times (netplan estimates; 30 s is
        the common EAP supplicant timeout).
    ap_spread_db
        Devices spread over the APs within this many dB of the zone's strongest.
    rebalance_s
        While a district-wide resource (core, content filter, ISP) is full, every change
        anywhere moves every building's share of it. With ``rebalance_s > 0`` the full
        resource is shared out among the buildings in quotas (what each used at the last
        full solve); a change is re-solved within its building's quota and a full solve
        of the district re-balances the quotas every ``rebalance_s`` seconds. 0 re-solves
        the whole district at every change while such a resource is full (exact, slower
        for large districts). Only in tick mode.
    flow_records
        Keep one row per flow (set False for very large runs to save memory; summary
        statistics are still computed).
    pipeline
        Tick mode: run the compiled flow solver in a second thread while SimPy draws the
        next sessions (:class:`netplan.sim.driver.FluidDriver`). The results are the same
        either way; False keeps everything in one thread.
    """

    fairness: str = "airtime"
    demand_scale: float = 1.0
    minute_s: float = 60.0
    start_s: float | None = None
    end_s: float | None = None
    buildings: tuple[str, ...] | None = None
    tick_s: float = 1.0
    contenders: int = 4
    assoc_spread_s: float = 120.0
    auth_timeout_s: float = 30.0
    auth_retry_s: float = 30.0
    auth_retries: int = 3
    ap_spread_db: float = 6.0
    rebalance_s: float = 5.0
    flow_records: bool = True
    pipeline: bool = True

    def __post_init__(self) -> None:
        if self.fairness not in ("airtime", "throughput"):
            raise ValueError(f"fairness must be 'airtime' or 'throughput', got {self.fairness!r}")
        if self.demand_scale < 0:
            raise ValueError("demand_scale must be >= 0")
        if self.rebalance_s < 0:
            raise ValueError("rebalance_s must be >= 0")
        if self.minute_s <= 0 or self.tick_s < 0:
            raise ValueError("minute_s must be > 0 and tick_s >= 0")
        if (
            self.tick_s > 0
            and abs(self.minute_s / self.tick_s - round(self.minute_s / self.tick_s)) > 1e-9
        ):
            raise ValueError("minute_s must be a whole number of ticks")
