"""Max-min fair sharing of capacity-limited resources among fluid flows.

A *flow class* is a set of ``count`` identical flows (same path, same demand). Flow class
``f`` crosses resources ``r`` listed in a CSR structure (``ptr``, ``res``); on resource ``r``
one flow of rate ``x`` uses ``coef * x`` of the resource's capacity (``coef`` is 1 on a wired
link and ``1 / effective_rate`` on an airtime budget of capacity 1 s/s). Each entry also
carries a fairness weight ``w``: the resource equalises ``x / w`` among the flows it limits
(``w = 1`` equalises rates, ``w = effective_rate`` equalises airtime).

The allocation is computed by progressive filling (Bertsekas & Gallager, *Data Networks*,
2nd ed., sec. 6.5.2), vectorised: every round computes each resource's fair level given the
flows already fixed, and fixes at once every flow on a resource that limits all its open
flows (a *ready* resource) and every flow whose demand is below all of its levels. With one
weight per flow this is exactly weighted max-min fairness; the number of rounds is the depth
of the chain of bottlenecks, not the number of flows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Allocation", "max_min_allocation"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Relative tolerance when comparing fair levels.
_RTOL = 1e-9


@dataclass(frozen=True)
class Allocation:
    """Result of :func:`max_min_allocation`.

    Attributes
    ----------
    rates
        Rate of one flow of each class.
    bottleneck
        Index of the resource that limits each class, or ``-1`` where the class got its
        full demand.
    usage
        Capacity used on each resource (``sum count * coef * rate``).
    rounds
        Progressive-filling rounds the computation took.
    """

    rates: FloatArray
    bottleneck: IntArray
    usage: FloatArray
    rounds: int


def max_min_allocation(
    ptr: IntArray,
    res: IntArray,
    coef: FloatArray,
    capacity: FloatArray,
    demand: FloatArray,
    *,
    count: FloatArray | None = None,
    weight: FloatArray | None = None,
) -> Allocation:
    """Max-min fair rates of flow classes sharing resources.

    Parameters
    ----------
    ptr
        CSR row pointer, length ``n_classes + 1``: the entries of class ``f`` are
        ``ptr[f]:ptr[f + 1]``.
    res
        Resource index of each entry.
    coef
        Capacity one unit of rate uses on that resource, per entry (> 0).
    capacity
        Capacity of each resource (>= 0).
    demand
        Largest rate one flow of each class takes (``inf`` for elastic flows).
    count
        Flows in each class (default 1). Classes with ``count == 0`` get their fair rate
        as if they had one flow, without using capacity.
    weight
        Fairness weight per entry (default 1).

    Returns
    -------
    Allocation
        Rates per class, each class's bottleneck resource and each resource's usage.

    Raises
    ------
    ValueError
        If a class with infinite demand crosses no resource (its rate would be unbounded),
        or array shapes disagree.
    """
    n = len(demand)
    n_res = len(capacity)
    if len(ptr) != n + 1 or len(res) != len(coef) or ptr[-1] != len(res):
        raise ValueError("ptr, res and coef do not describe the same CSR structure")
    cnt = np.ones(n) if count is None else np.asarray(count, dtype=np.float64)
    w = np.ones(len(res)) if weight is None else np.asarray(weight, dtype=np.float64)
    lengths = np.diff(ptr)
    ent_flow = np.repeat(np.arange(n, dtype=np.int64), lengths)
    has_res = lengths > 0
    if np.any(~has_res & ~np.isfinite(demand)):
        raise ValueError("a class with unbounded demand crosses no resource")

    rates = np.zeros(n)
    bottleneck = np.full(n, -1, dtype=np.int64)
    used = np.zeros(n_res)
    open_ = np.ones(n, dtype=bool)
    # Classes that cross nothing take their demand.
    rates[~has_res] = demand[~has_res]
    open_[~has_res] = False
    # Zero-count classes still get a fair level but use nothing: give them a tiny count
    # in the denominators so a resource they alone cross still has a level.
    cnt_eff = np.where(cnt > 0, cnt, 1e-12)
    load = cnt_eff[ent_flow] * coef * w  # capacity per unit of level, per entry
    starts = ptr[:-1][has_res]
    rounds = 0
    while open_.any():
        rounds += 1
        ent_open = open_[ent_flow]
        denom = np.bincount(res[ent_open], weights=load[ent_open], minlength=n_res)
        spare = np.maximum(capacity - used, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            level = np.where(denom > 0, spare / denom, np.inf)
        allowed = np.where(ent_open, w * level[res], np.inf)
        tent = demand.copy()
        if len(res):
            mins = np.minimum.reduceat(allowed, starts)
            tent[has_res] = np.minimum(tent[has_res], mins)
        tent_e = tent[ent_flow]
        slack = np.abs(tent_e) * _RTOL + 1e-15
        limits = ent_open & (allowed <= tent_e + slack)
        not_limit = ent_open & ~limits
        blocked = np.bincount(res[not_limit], minlength=n_res) > 0
        ready = (denom > 0) & ~blocked
        fix = open_ & (demand <= tent + np.abs(tent) * _RTOL)
        fix_demand = fix.copy()
        ent_ready = ent_open & ready[res]
        fix_res = np.zeros(n, dtype=bool)
        fix_res[ent_flow[ent_ready]] = True
        fix |= fix_res
        if not fix.any():
            # Mixed weights can leave no resource ready: fix the most constrained class.
            cand = np.where(open_, tent, np.inf)
            fix[int(np.argmin(cand))] = True
        # Bottleneck: a ready resource limiting the class (else the tightest entry).
        tight = ent_open & fix[ent_flow] & limits
        order = np.flatnonzero(tight)
        bottleneck[ent_flow[order]] = res[order]
        bottleneck[fix_demand & ~fix_res] = -1
        rates[fix] = tent[fix]
        ent_fix = fix[ent_flow]
        used += np.bincount(
            res[ent_fix], weights=(cnt[ent_flow] * coef * rates[ent_flow])[ent_fix],
            minlength=n_res,
        )
        open_ &= ~fix
    usage = np.bincount(res, weights=cnt[ent_flow] * coef * rates[ent_flow], minlength=n_res)
    return Allocation(rates, bottleneck, usage, rounds)
