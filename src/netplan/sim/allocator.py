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
    # Classes that cross nothing take their demand.
    rates[~has_res] = demand[~has_res]
    # Work on local resource numbers and on the entries of open classes only.
    if 4 * len(res) < n_res:
        used_res, inverse = np.unique(res, return_inverse=True)
        inverse = inverse.astype(np.int64)
    else:  # dense enough: keep global numbers (saves a sort)
        used_res = np.arange(n_res, dtype=np.int64)
        inverse = np.asarray(res, dtype=np.int64)
    e_res = inverse
    cap = np.asarray(capacity, dtype=np.float64)[used_res]
    n_loc = len(used_res)
    used = np.zeros(n_loc)
    e_flow = ent_flow
    e_coef = np.asarray(coef, dtype=np.float64)
    e_w = w
    # Zero-count classes still get a fair level but use nothing: a tiny count keeps a
    # resource they alone cross from having no level.
    cnt_eff = np.where(cnt > 0, cnt, 1e-12)
    e_load = cnt_eff[e_flow] * e_coef * e_w
    e_use = cnt[e_flow] * e_coef
    rounds = 0
    while len(e_flow):
        rounds += 1
        denom = np.bincount(e_res, weights=e_load, minlength=n_loc)
        with np.errstate(divide="ignore", invalid="ignore"):
            level = np.where(denom > 0, np.maximum(cap - used, 0.0) / denom, np.inf)
        allowed = e_w * level[e_res]
        first = np.empty(len(e_flow), dtype=bool)
        first[0] = True
        np.not_equal(e_flow[1:], e_flow[:-1], out=first[1:])
        st = np.flatnonzero(first)
        seg = np.diff(np.append(st, len(e_flow)))
        fl = e_flow[st]
        tent = np.minimum(demand[fl], np.minimum.reduceat(allowed, st))
        tent_e = np.repeat(tent, seg)
        limits = allowed <= tent_e + np.abs(tent_e) * _RTOL + 1e-15
        blocked = np.bincount(e_res[~limits], minlength=n_loc) > 0
        ready_e = (~blocked)[e_res]
        by_demand = demand[fl] <= tent + np.abs(tent) * _RTOL
        by_res = np.logical_or.reduceat(ready_e, st)
        fix = by_demand | by_res
        if not fix.any():
            # Mixed weights can leave no resource ready: fix the most constrained class.
            fix[int(np.argmin(tent))] = True
        fixed = fl[fix]
        rates[fixed] = tent[fix]
        fix_e = np.repeat(fix, seg)
        tight = fix_e & limits & ready_e
        bottleneck[e_flow[tight]] = used_res[e_res[tight]]
        bottleneck[fl[by_demand & ~by_res]] = -1
        used += np.bincount(e_res[fix_e], weights=(e_use * tent_e)[fix_e], minlength=n_loc)
        keep = ~fix_e
        e_flow, e_res, e_w, e_load, e_use = (
            e_flow[keep],
            e_res[keep],
            e_w[keep],
            e_load[keep],
            e_use[keep],
        )
    usage = np.zeros(n_res)
    if len(res):
        usage[used_res] = np.bincount(
            inverse, weights=cnt[ent_flow] * coef * rates[ent_flow], minlength=n_loc
        )
    return Allocation(rates, bottleneck, usage, rounds)
