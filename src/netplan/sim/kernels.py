"""Compiled inner loops of the fluid network (numba).

The fluid model's per-tick work (integrating class progress, ending flows, admitting new
ones, re-solving max-min fair rates) runs here, compiled, instead of as many small numpy
calls: a high-school day is about 30,000 ticks and a per-tick cost of a few microseconds
is what makes a district day practical. :class:`netplan.sim.fluid.FluidNetwork` owns the
arrays; these functions only read and update them.

The max-min solver is the progressive filling of :mod:`netplan.sim.allocator` written as
loops (the numpy version there stays the reference; the tests compare the two). Numba
caches the compiled code beside this module (``cache=True``), so only the first run on a
machine pays the compilation (about 30 s in a fresh install).

The buildings' local re-solves of a tick run side by side on numba's threads
(:func:`_solve_buildings`; the results do not depend on the number of threads). The flow thread
launches them while SimPy's thread goes on, so idle workers should sleep rather than spin:
``OMP_WAIT_POLICY`` is set to ``PASSIVE`` unless the environment already sets it.
"""

from __future__ import annotations

import os

import numpy as np
from numba import njit, prange
from numba.cpython.unsafe.numbers import trailing_zeros
from numba.np.ufunc.parallel import get_thread_id

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # (read when numba starts its threads)

#: usage/capacity above which a resource counts as saturated (as in netplan.sim.fluid).
SAT = 1.0 - 1e-7
#: Relative tolerance when comparing fair levels (as in netplan.sim.allocator).
RTOL = 1e-9
#: Streams whose rate is below min_rate * (1 - DEG_TOL) are degraded.
DEG_TOL = 1e-9


@njit(cache=True)
def solve_subset(cls, path, coef, weight, demand, count, capacity, base, loc, glob, quota):  # type: ignore[no-untyped-def]
    """Weighted max-min fair rates of the classes ``cls`` on ``capacity - base``.

    Where ``quota`` is not NaN it replaces ``capacity - base`` (a district resource shared
    out in quotas, see :func:`reallocate`). Returns ``(rates, nloc, use)``: the per-flow
    rate of each class, the number of resources the classes cross (their ids are
    ``glob[:nloc]``) and the capacity the classes use on each of them. ``loc`` is scratch
    (all -1 on entry and on return).
    """
    k = len(cls)
    width = path.shape[1]
    ne = 0
    for i in range(k):
        c = cls[i]
        for j in range(width):
            if path[c, j] < 0:
                break
            ne += 1
    e_ptr = np.zeros(k + 1, dtype=np.int64)
    e_res = np.empty(ne, dtype=np.int64)
    e_coef = np.empty(ne)
    e_w = np.empty(ne)
    dem = np.empty(k)  # the classes' demands and counts, read once
    cnt = np.empty(k)
    nloc = 0
    pos = 0
    for i in range(k):
        c = cls[i]
        dem[i] = demand[c]
        cnt[i] = count[c]
        for j in range(width):
            r = path[c, j]
            if r < 0:
                break
            if loc[r] < 0:
                loc[r] = nloc
                glob[nloc] = r
                nloc += 1
            e_res[pos] = loc[r]
            e_coef[pos] = coef[c, j]
            e_w[pos] = weight[c, j]
            pos += 1
        e_ptr[i + 1] = pos
    avail = np.empty(nloc)
    for q in range(nloc):
        r = glob[q]
        a = quota[r] if quota[r] == quota[r] else capacity[r] - base[r]
        avail[q] = a if a > 0.0 else 0.0
    used = np.zeros(nloc)
    denom = np.zeros(nloc)
    level = np.empty(nloc)
    blocked = np.zeros(nloc, dtype=np.bool_)
    rates = np.zeros(k)
    open_list = np.empty(k, dtype=np.int64)
    n_open = 0
    for i in range(k):
        if e_ptr[i + 1] == e_ptr[i]:
            rates[i] = dem[i]
        else:
            open_list[n_open] = i
            n_open += 1
    tent = np.empty(k)
    fix = np.zeros(k, dtype=np.bool_)
    while n_open > 0:
        for q in range(nloc):
            denom[q] = 0.0
            blocked[q] = False
        for oi in range(n_open):
            i = open_list[oi]
            cn = cnt[i]
            if cn <= 0.0:
                cn = 1e-12
            for e in range(e_ptr[i], e_ptr[i + 1]):
                denom[e_res[e]] += cn * e_coef[e] * e_w[e]
        for q in range(nloc):
            if denom[q] > 0.0:
                free = avail[q] - used[q]
                level[q] = (free if free > 0.0 else 0.0) / denom[q]
            else:
                level[q] = np.inf
        for oi in range(n_open):
            i = open_list[oi]
            t = dem[i]
            for e in range(e_ptr[i], e_ptr[i + 1]):
                al = e_w[e] * level[e_res[e]]
                if al < t:
                    t = al
            tent[i] = t
            # a resource that would give the class more than it gets is not its limit
            lim = t + abs(t) * RTOL + 1e-15
            for e in range(e_ptr[i], e_ptr[i + 1]):
                if not (e_w[e] * level[e_res[e]] <= lim):
                    blocked[e_res[e]] = True
        any_fixed = False
        for oi in range(n_open):
            i = open_list[oi]
            t = tent[i]
            f = dem[i] <= t + abs(t) * RTOL
            if not f:
                for e in range(e_ptr[i], e_ptr[i + 1]):
                    if not blocked[e_res[e]]:
                        f = True
                        break
            fix[i] = f
            if f:
                any_fixed = True
        if not any_fixed:
            best = open_list[0]
            for oi in range(1, n_open):
                i = open_list[oi]
                if tent[i] < tent[best]:
                    best = i
            fix[best] = True
        m = 0
        for oi in range(n_open):
            i = open_list[oi]
            if fix[i]:
                t = tent[i]
                rates[i] = t
                cn = cnt[i]
                for e in range(e_ptr[i], e_ptr[i + 1]):
                    used[e_res[e]] += cn * e_coef[e] * t
                fix[i] = False
            else:
                open_list[m] = i
                m += 1
        n_open = m
    use = np.zeros(nloc)
    for i in range(k):
        cn = cnt[i]
        for e in range(e_ptr[i], e_ptr[i + 1]):
            use[e_res[e]] += cn * e_coef[e] * rates[i]
    for q in range(nloc):
        loc[glob[q]] = -1
    return rates, nloc, use


@njit(cache=True)
def _add_usage(c, sign, path, coef, rate, solved, usage, cls_bld, dist_k, bu, frozen=False):  # type: ignore[no-untyped-def]
    """Add (sign 1) or take back (sign -1) class ``c``'s solved usage (``frozen``: see
    :func:`_shift_usage`)."""
    x = solved[c] * rate[c]
    if x == 0.0:
        return
    _shift_usage(c, sign * x, path, coef, usage, cls_bld, dist_k, bu, frozen)


@njit(cache=True)
def _shift_usage(c, x, path, coef, usage, cls_bld, dist_k, bu, frozen=False):  # type: ignore[no-untyped-def]
    """Add ``x`` Mbps (negative: take it back) on class ``c``'s path to the usage and to its
    building's share of district resources, never below 0. With ``frozen`` a district
    resource's usage is left as it is (only the building's share moves; see
    :func:`_solve_buildings`)."""
    b = cls_bld[c]
    for j in range(path.shape[1]):
        r = path[c, j]
        if r < 0:
            break
        k = dist_k[r]
        if k >= 0:
            v = bu[b, k] + x * coef[c, j]
            bu[b, k] = v if v > 0.0 else 0.0
            if frozen:
                continue
        u = usage[r] + x * coef[c, j]
        usage[r] = u if u > 0.0 else 0.0


@njit(cache=True, inline="always")
def _apply_rates(  # type: ignore[no-untyped-def]
    cls, rates, count, path, coef, rate, solved, usage, cls_bld, dist_k, bu, frozen=False
):
    """Give classes ``cls`` their solved per-flow ``rates`` (for their current counts) and
    add their usage."""
    for i in range(len(cls)):
        c = cls[i]
        rate[c] = rates[i]
        solved[c] = count[c]
        _add_usage(c, 1.0, path, coef, rate, solved, usage, cls_bld, dist_k, bu, frozen)


@njit(cache=True, inline="always")
def _over_capacity(usage, capacity):  # type: ignore[no-untyped-def]
    """Whether any resource is used beyond its capacity (beyond rounding)."""
    for r in range(len(capacity)):  # noqa: SIM110 (a loop numba compiles as is)
        if usage[r] > capacity[r] * (1.0 + 1e-9):
            return True
    return False


@njit(cache=True, inline="always")
def _set_levels(cls, path, weight, rate, lev):  # type: ignore[no-untyped-def]
    """Raise ``lev`` on each resource the classes ``cls`` cross to their largest weighted
    rate there (the level of those classes; ``lev`` is -1 where none crosses)."""
    for i in range(len(cls)):
        c = cls[i]
        for j in range(path.shape[1]):
            r = path[c, j]
            if r < 0:
                break
            x = rate[c] / weight[c, j]
            if x > lev[r]:
                lev[r] = x


@njit(cache=True, inline="always")
def _clear_levels(cls, path, lev):  # type: ignore[no-untyped-def]
    """Hand ``lev`` back all -1 after :func:`_set_levels` for the same classes."""
    for i in range(len(cls)):
        c = cls[i]
        for j in range(path.shape[1]):
            r = path[c, j]
            if r < 0:
                break
            lev[r] = -1.0


@njit(cache=True)
def _solve_global(  # type: ignore[no-untyped-def]
    n, count, path, coef, weight, demand, capacity, district, usage, rate, solved, loc, glob,
    cls_bld, dist_k, bu, no_quota, lev, smax,
):  # fmt: skip
    """Solve every class with open flows; as :func:`_solve_split`, streams are first held at
    their demand and the elastic classes solved on what they leave, and everything is
    solved together only when that is not the max-min allocation.

    Streams already at their demand keep their usage (``usage`` and ``bu`` always hold
    the solved classes' sums), so only the other classes are taken back and re-solved.
    ``smax`` bounds, per resource, the weighted demand of any stream crossing it: where
    the elastic level of a full resource is at least that, no stream there needs to be
    looked at (:func:`_check_streams` does it one by one otherwise).

    Returns the stream classes with open flows (for :func:`_reset_held`).
    """
    streams = np.empty(n, dtype=np.int64)
    rest = np.empty(n, dtype=np.int64)
    ns = 0
    ne = 0
    for c in range(n):
        cn = count[c]
        if solved[c] > 0.0:
            if cn > 0.0 and demand[c] < np.inf and solved[c] == cn and rate[c] >= demand[c]:
                streams[ns] = c
                ns += 1
                continue
            _add_usage(c, -1.0, path, coef, rate, solved, usage, cls_bld, dist_k, bu)
            rate[c] = 0.0
            solved[c] = 0.0
        else:
            rate[c] = 0.0
        if cn > 0.0:
            if demand[c] < np.inf:
                rate[c] = demand[c]
                solved[c] = cn
                _add_usage(c, 1.0, path, coef, rate, solved, usage, cls_bld, dist_k, bu)
                streams[ns] = c
                ns += 1
            else:
                rest[ne] = c
                ne += 1
    streams = streams[:ns]
    rest = rest[:ne]
    if ns + ne == 0:
        return streams
    if ns > 0 and ne > 0:
        rates, _nloc, _use = solve_subset(
            rest, path, coef, weight, demand, count, capacity, usage, loc, glob, no_quota
        )
        _apply_rates(rest, rates, count, path, coef, rate, solved, usage, cls_bld, dist_k, bu)
        if _streams_hold_all(
            streams, rest, path, weight, demand, capacity, district, usage, rate, dist_k, bu,
            lev, smax,
        ):  # fmt: skip
            return streams
    elif ne == 0 and not _over_capacity(usage, capacity):
        return streams  # streams alone fit: each gets its demand
    act = np.empty(ns + ne, dtype=np.int64)
    act[:ns] = streams
    act[ns:] = rest
    for i in range(ns + ne):
        rate[act[i]] = 0.0
        solved[act[i]] = 0.0
    usage[:] = 0.0
    bu[:, :] = 0.0
    rates, _nloc, _use = solve_subset(
        act, path, coef, weight, demand, count, capacity, usage, loc, glob, no_quota
    )
    _apply_rates(act, rates, count, path, coef, rate, solved, usage, cls_bld, dist_k, bu)
    return streams


@njit(cache=True)
def _streams_hold_all(  # type: ignore[no-untyped-def]
    streams, rest, path, weight, demand, capacity, district, usage, rate, dist_k, bu, lev,
    smax,
):  # fmt: skip
    """The stream check of :func:`_solve_split` for a solve of every class (no quotas):
    no resource may be over capacity, and on a full resource crossed by streams the
    elastic level must be at least their weighted demand, which ``smax`` bounds; only when
    the bound does not settle it are the streams checked one by one."""
    if _over_capacity(usage, capacity):
        return False
    _set_levels(rest, path, weight, rate, lev)
    unsure = False
    for r in range(len(capacity)):
        full = smax[r] > 0.0 and usage[r] >= capacity[r] * SAT
        if full and (lev[r] < 0.0 or smax[r] > lev[r] * (1.0 + RTOL)):
            unsure = True
            break
    holds = True
    if unsure:
        no_q = np.zeros(bu.shape[1], dtype=np.bool_)
        holds, _full = _check_streams(
            streams, 0, path, weight, demand, capacity, district, usage, dist_k, bu, bu, no_q,
            lev, bu, False,
        )  # fmt: skip
    _clear_levels(rest, path, lev)
    return holds


@njit(cache=True)
def _global(  # type: ignore[no-untyped-def]
    n, count, path, coef, weight, demand, capacity, district, usage, rate, solved, loc, glob,
    cls_bld, dist_k, bu, quota, q_on, n_bld, quotas, dist_res, q_res, lev, smax,
):  # fmt: skip
    """A solve of every class; returns whether a district resource is full and the
    stream classes with open flows.

    With ``quotas``, each full district resource is then shared out among the buildings
    in quotas equal to what each uses now (``q_on``), until the next global solve.
    ``q_res`` is the all-NaN scratch of :func:`reallocate` (no quota applies here).
    """
    streams = _solve_global(
        n, count, path, coef, weight, demand, capacity, district, usage, rate, solved, loc,
        glob, cls_bld, dist_k, bu, q_res, lev, smax,
    )  # fmt: skip
    full = False
    for r in dist_res:
        k = dist_k[r]
        q_on[k] = False
        if usage[r] >= capacity[r] * SAT:
            full = True
            if quotas:
                q_on[k] = True
                spare = capacity[r] - usage[r]
                spare = spare / n_bld if spare > 0.0 else 0.0
                for b in range(n_bld):
                    quota[b, k] = bu[b, k] + spare
    return full, streams


@njit(cache=True)
def _solve_building(  # type: ignore[no-untyped-def]
    comp, b, n, count, path, coef, weight, demand, capacity, district, usage, rate,
    solved, loc, glob, cls_bld, dist_k, bu, quota, q_on, n_bld, res_shared, dist_res, member,
    sat, q_res, res_bld, bld_head, bld_next, doms, dres, bu0,
):  # fmt: skip
    """Re-solve the classes ``comp`` of building ``b`` (grown through its full shared
    resources) on what the other classes leave, within the building's district quotas.

    A shared resource is grown through when the solve fills it, and also when it was full
    before the change (``dres[2]``, marked by :func:`reallocate` for the dirty domains
    ``doms``, which it flags in ``dres[4]``): classes of other domains may be held back
    there, and the capacity the change freed is theirs as much as anyone's.

    A district resource counts what the other buildings used at the start of the
    re-solve (:func:`_dist_used`; ``bu0``), and its usage is left for the caller to
    update (:func:`_solve_buildings`).

    Applies the rates and returns ``(became_full, comp)``: whether a district resource not
    under quota became full (or one went over its capacity; then the caller solves the
    whole district), and the classes solved (``comp`` and those it grew through).
    """
    dom_res, was_full, dom_mark = dres[0], dres[2], dres[4]
    width = path.shape[1]
    rounds = 0
    while True:
        for r in dist_res:
            k = dist_k[r]
            if q_on[k]:
                q_res[r] = quota[b, k] - bu[b, k]
            else:
                q_res[r] = capacity[r] - _dist_used(r, k, b, usage, bu, bu0)
        rates, nloc, use = solve_subset(
            comp, path, coef, weight, demand, count, capacity, usage, loc, glob, q_res
        )
        rounds += 1
        if rounds > 8:  # grown eight times: stop growing (each growth was re-solved)
            break
        any_sat = False
        scan_all = False
        b_mark = np.zeros(n_bld, dtype=np.bool_)
        for q in range(nloc):
            r = glob[q]
            if res_shared[r] and not district[r] and usage[r] + use[q] >= capacity[r] * SAT:
                sat[r] = True
                any_sat = True
        if rounds == 1:  # (full before the change)
            for i in range(len(doms)):
                if not dom_mark[doms[i]]:
                    continue
                dom_mark[doms[i]] = False
                for j in range(dom_res.shape[1]):
                    r = dom_res[doms[i], j]
                    if r < 0:
                        break
                    if was_full[r]:
                        was_full[r] = False
                        sat[r] = True
                        any_sat = True
                        # only the buildings of the saturated resources hold classes
                        # crossing them
                        if res_bld[r] < 0:
                            scan_all = True
                        else:
                            b_mark[res_bld[r]] = True
        if not any_sat:
            break
        extra = np.empty(n, dtype=np.int64)
        ne = 0
        for q in range(nloc):
            r = glob[q]
            if sat[r]:
                if res_bld[r] < 0:
                    scan_all = True
                else:
                    b_mark[res_bld[r]] = True
        for bb in range(1 if scan_all else n_bld):
            if not scan_all and not b_mark[bb]:
                continue
            c = 0 if scan_all else bld_head[bb]
            while 0 <= c < n:
                if not member[c] and count[c] > 0.0:
                    for j in range(width):
                        r = path[c, j]
                        if r < 0:
                            break
                        if sat[r]:
                            member[c] = True
                            extra[ne] = c
                            ne += 1
                            _add_usage(
                                c, -1.0, path, coef, rate, solved, usage, cls_bld, dist_k, bu,
                                True,
                            )  # fmt: skip
                            rate[c] = 0.0
                            solved[c] = 0.0
                            break
                c = c + 1 if scan_all else bld_next[c]
        for q in range(nloc):
            sat[glob[q]] = False
        if rounds == 1:
            for i in range(len(doms)):
                for j in range(dom_res.shape[1]):
                    r = dom_res[doms[i], j]
                    if r < 0:
                        break
                    sat[r] = False
        if ne == 0:
            break
        grown = np.empty(len(comp) + ne, dtype=np.int64)
        grown[: len(comp)] = comp
        grown[len(comp) :] = extra[:ne]
        comp = grown
    for i in range(len(comp)):
        member[comp[i]] = False
    for r in dist_res:
        q_res[r] = np.nan
    became_full = False
    for q in range(nloc):
        r = glob[q]
        k = dist_k[r]
        if k >= 0:
            total = _dist_used(r, k, b, usage, bu, bu0) + use[q]
            if (not q_on[k] and total >= capacity[r] * SAT) or total > capacity[r] * (1 + 1e-9):
                became_full = True
    _apply_rates(comp, rates, count, path, coef, rate, solved, usage, cls_bld, dist_k, bu, True)
    return became_full, comp


@njit(cache=True, inline="always")
def _used_cap(r, b, usage, capacity, dist_k, bu, quota, q_on, bu0, frozen):  # type: ignore[no-untyped-def]
    """What building ``b`` uses of resource ``r`` and what it may use: its quota's figures
    for a district resource under quota, the resource's own otherwise (``frozen``: a
    district resource's usage as the building sees it, see :func:`_dist_used`). Returns
    ``(used, cap, under_quota)``."""
    k = dist_k[r]
    if k >= 0:
        if q_on[k]:
            return bu[b, k], quota[b, k], True
        if frozen:
            return _dist_used(r, k, b, usage, bu, bu0), capacity[r], False
    return usage[r], capacity[r], False


@njit(cache=True, inline="always")
def _dist_used(r, k, b, usage, bu, bu0):  # type: ignore[no-untyped-def]
    """The usage of district resource ``r`` (``dist_res[k]``) as building ``b`` sees it
    while buildings are re-solved side by side (:func:`_solve_buildings`): the other
    buildings' at the start of the re-solve (``usage`` is left as it was then and
    ``bu0`` holds each building's share then), the building's own as it is now."""
    u = usage[r] - bu0[b, k] + bu[b, k]
    return u if u > 0.0 else 0.0


@njit(cache=True, inline="always")
def _stream_may_hold(used, cap, level, wd):  # type: ignore[no-untyped-def]
    """Whether a stream of weighted demand ``wd`` may keep it on a resource with ``used``
    of ``cap`` taken and solved classes at ``level`` there (-1: none): the resource is not
    over capacity and, when full, no stream there is above the level."""
    if used > cap * (1.0 + 1e-9):
        return False
    return not (used >= cap * SAT and (level < 0.0 or wd > level * (1.0 + RTOL)))


@njit(cache=True)
def _bound_holds(  # type: ignore[no-untyped-def]
    doms, dres, b, capacity, usage, dist_k, bu, quota, q_on, lev, dist_res, bu0
):
    """Whether every stream of the domains ``doms`` may keep its demand, settled per
    resource instead of per stream (False: not settled, check the streams).

    ``dres`` is ``(dom_res, dom_smax, was_full, dom_thr, dom_mark, dom_dsmax)``: each
    domain's building resources (-1 after the last), the largest weighted demand of the
    domain's stream classes on each (0: no stream crosses it), a per-resource flag (see
    :func:`_solve_building`), the usage at which each of those resources counts as
    saturated (below it a stream may keep its demand there), a per-domain flag (see
    :func:`reallocate`) and the largest weighted demand of the domain's streams on each
    district resource (``dist_res[k]`` in column ``k``). A district resource is checked
    once, against the largest of the domains' demands there.

    A stream crossing a saturated resource keeps its demand when the solved classes' level
    there is at least its weighted demand, so it is enough that the level is at least the
    domain's largest; a resource over capacity, or a district resource that is full
    outside quotas, is left to :func:`_check_streams`.
    """
    dom_res, dom_smax, dom_thr, dom_dsmax = dres[0], dres[1], dres[3], dres[5]
    for i in range(len(doms)):
        d = doms[i]
        for j in range(dom_res.shape[1]):
            r = dom_res[d, j]
            if r < 0:
                break
            sm = dom_smax[d, j]
            if sm <= 0.0 or usage[r] < dom_thr[d, j]:  # (not saturated: may hold)
                continue
            if not _stream_may_hold(usage[r], capacity[r], lev[r], sm):
                return False
    for k in range(len(dist_res)):
        sm = 0.0
        for i in range(len(doms)):
            x = dom_dsmax[doms[i], k]
            if x > sm:
                sm = x
        if sm <= 0.0:
            continue
        r = dist_res[k]
        used, cap, under_quota = _used_cap(
            r, b, usage, capacity, dist_k, bu, quota, q_on, bu0, True
        )
        if not under_quota and used >= cap * SAT:
            return False
        if not _stream_may_hold(used, cap, lev[r], sm):
            return False
    return True


@njit(cache=True)
def _check_streams(  # type: ignore[no-untyped-def]
    fixed, b, path, weight, demand, capacity, district, usage, dist_k, bu, quota, q_on, lev,
    bu0, frozen,
):  # fmt: skip
    """Whether the streams ``fixed`` may keep their demand, checked one by one, with
    ``lev`` already set to the solved classes' levels (see :func:`_solve_split`); returns
    ``(holds, district_full)``: ``district_full`` says a district resource not under
    quota is now full."""
    width = path.shape[1]
    holds = True
    full = False
    for i in range(len(fixed)):
        c = fixed[i]
        for j in range(width):
            r = path[c, j]
            if r < 0:
                break
            used, cap, under_quota = _used_cap(
                r, b, usage, capacity, dist_k, bu, quota, q_on, bu0, frozen
            )
            if not under_quota and district[r] and used >= cap * SAT:
                full = True
            if not _stream_may_hold(used, cap, lev[r], demand[c] / weight[c, j]):
                holds = False
    return holds, full


@njit(cache=True)
def _solve_split(  # type: ignore[no-untyped-def]
    fixed, rest, b, n, count, path, coef, weight, demand, capacity, district, usage, rate,
    solved, loc, glob, cls_bld, dist_k, bu, quota, q_on, n_bld, res_shared, dist_res, member,
    sat, q_res, res_bld, bld_head, bld_next, lev, doms, dres, hs, domain, dom_next, bu0,
):  # fmt: skip
    """Re-solve the dirty domains ``doms`` of building ``b``: their elastic classes
    ``rest`` and the stream classes ``fixed`` whose count changed (members, usage taken
    off), trying every stream at its demand first.

    Most classes in a busy domain are streams that get all they ask for; the elastic
    classes share what is left. So the streams are held at their demand (the ones not in
    ``fixed`` kept theirs: see ``held`` in :func:`reallocate`), only the elastic classes
    are solved (:func:`_solve_building`), and the result is checked to be the max-min
    allocation: per resource (:func:`_bound_holds`), else stream by stream
    (:func:`_check_streams`). When it is not, everything is taken back and the domains'
    classes are solved whole. Returns whether the caller must solve the whole district.
    """
    _sdom_head, held, _t_head, _t_next = hs
    for i in range(len(fixed)):
        c = fixed[i]
        if solved[c] == 0.0:  # (a class kept by the caller still has its usage)
            rate[c] = demand[c]
            solved[c] = count[c]
            _add_usage(c, 1.0, path, coef, rate, solved, usage, cls_bld, dist_k, bu, True)
    became_full = False
    grown = rest
    if len(rest) or _any_was_full(doms, dres):
        became_full, grown = _solve_building(
            rest, b, n, count, path, coef, weight, demand, capacity, district, usage,
            rate, solved, loc, glob, cls_bld, dist_k, bu, quota, q_on, n_bld, res_shared,
            dist_res, member, sat, q_res, res_bld, bld_head, bld_next, doms, dres, bu0,
        )  # fmt: skip
    _set_levels(grown, path, weight, rate, lev)
    every = fixed
    if _bound_holds(doms, dres, b, capacity, usage, dist_k, bu, quota, q_on, lev, dist_res, bu0):
        holds, full = True, False
    else:
        for i in range(len(grown)):  # (streams grown into are solved: not held)
            member[grown[i]] = True
        every = _domain_streams(fixed, doms, hs, dom_next, count, member)
        for i in range(len(grown)):
            member[grown[i]] = False
        holds, full = _check_streams(
            every, b, path, weight, demand, capacity, district, usage, dist_k, bu, quota, q_on,
            lev, bu0, True,
        )  # fmt: skip
    _clear_levels(grown, path, lev)
    if holds:
        for i in range(len(fixed)):
            member[fixed[i]] = False
        for i in range(len(doms)):
            held[doms[i]] = True
        _unhold(grown, demand, domain, held)  # streams grown into were solved
        return became_full or full
    # take it all back and solve the streams with the rest
    whole = np.empty(len(every) + len(grown), dtype=np.int64)
    whole[: len(every)] = every
    whole[len(every) :] = grown
    for i in range(len(whole)):
        c = whole[i]
        _add_usage(c, -1.0, path, coef, rate, solved, usage, cls_bld, dist_k, bu, True)
        rate[c] = 0.0
        solved[c] = 0.0
        member[c] = True
    became_full, whole = _solve_building(
        whole, b, n, count, path, coef, weight, demand, capacity, district, usage, rate,
        solved, loc, glob, cls_bld, dist_k, bu, quota, q_on, n_bld, res_shared, dist_res,
        member, sat, q_res, res_bld, bld_head, bld_next, doms, dres, bu0,
    )  # fmt: skip
    _unhold(whole, demand, domain, held)
    return became_full


@njit(cache=True)
def _any_was_full(doms, dres):  # type: ignore[no-untyped-def]
    """Whether a shared resource of the domains ``doms`` was full before the change."""
    dom_mark = dres[4]
    for i in range(len(doms)):  # noqa: SIM110 (a loop numba compiles as is)
        if dom_mark[doms[i]]:
            return True
    return False


@njit(cache=True)
def _domain_streams(fixed, doms, hs, dom_next, count, member):  # type: ignore[no-untyped-def]
    """Every stream class with open flows in the domains ``doms``: ``fixed`` (members)
    and the ones held at their demand (not members)."""
    sdom_head = hs[0]
    m = len(fixed)
    for i in range(len(doms)):
        c = sdom_head[doms[i]]
        while c >= 0:
            if count[c] > 0.0 and not member[c]:
                m += 1
            c = dom_next[c]
    out = np.empty(m, dtype=np.int64)
    out[: len(fixed)] = fixed
    m = len(fixed)
    for i in range(len(doms)):
        c = sdom_head[doms[i]]
        while c >= 0:
            if count[c] > 0.0 and not member[c]:
                out[m] = c
                m += 1
            c = dom_next[c]
    return out


@njit(cache=True, inline="always")
def _unhold(cls, demand, domain, held):  # type: ignore[no-untyped-def]
    """Mark the domains of the stream classes among ``cls`` as not all held."""
    for i in range(len(cls)):
        c = cls[i]
        if demand[c] < np.inf:
            held[domain[c]] = False


@njit(cache=True)
def _reset_held(streams, demand, rate, solved, count, domain, hs):  # type: ignore[no-untyped-def]
    """After a solve of every class: empty the lists of changed streams and mark which
    domains have all their streams at their demand (``streams``: every stream class with
    open flows, as :func:`_solve_global` returns them)."""
    _sdom_head, held, t_head, t_next = hs
    held[:] = True
    for d in range(len(t_head)):
        c = t_head[d]
        t_head[d] = -1
        while c >= 0:
            nxt = t_next[c]
            t_next[c] = -2
            c = nxt
    for i in range(len(streams)):
        c = streams[i]
        if not (solved[c] == count[c] and rate[c] >= demand[c]):
            held[domain[c]] = False


@njit(cache=True, inline="always")
def _touch(c, d, hs):  # type: ignore[no-untyped-def]
    """Put stream class ``c`` (of domain ``d``) on its domain's list of changed streams."""
    t_head, t_next = hs[2], hs[3]
    if t_next[c] == -2:
        t_next[c] = t_head[d]
        t_head[d] = c


@njit(cache=True, inline="always")
def _unlink(c, d, head, dom_next, dom_prev):  # type: ignore[no-untyped-def]
    """Take class ``c`` off the chain of domain ``d`` that starts at ``head[d]``."""
    p = dom_prev[c]
    nxt = dom_next[c]
    if p >= 0:
        dom_next[p] = nxt
    else:
        head[d] = nxt
    if nxt >= 0:
        dom_prev[nxt] = p
    dom_prev[c] = -2
    dom_next[c] = -1


@njit(cache=True, inline="always")
def _walk_class(  # type: ignore[no-untyped-def]
    c, d, head, out, m, path, coef, rate, solved, usage, cls_bld, dist_k, bu, count, demand,
    dom_next, dom_prev,
):  # fmt: skip
    """One class of a dirty domain's walk (:func:`reallocate`): its usage taken back
    (:func:`_take_back`), then listed in ``out[m]`` if it has open flows, else taken off
    the domain's chain starting at ``head[d]``. Returns the new length of ``out``."""
    _take_back(c, path, coef, rate, solved, usage, cls_bld, dist_k, bu, count, demand)
    if count[c] > 0.0:
        out[m] = c
        return m + 1
    _unlink(c, d, head, dom_next, dom_prev)  # no open flow and no rate any more
    return m


@njit(cache=True, inline="always")
def _walk_chain(  # type: ignore[no-untyped-def]
    d, head, out, m, path, coef, rate, solved, usage, cls_bld, dist_k, bu, count, demand,
    dom_next, dom_prev,
):  # fmt: skip
    """:func:`_walk_class` for every class on domain ``d``'s chain starting at
    ``head[d]``. Returns the new length of ``out``."""
    c = head[d]
    while c >= 0:
        nxt = dom_next[c]
        m = _walk_class(
            c, d, head, out, m, path, coef, rate, solved, usage, cls_bld, dist_k, bu, count,
            demand, dom_next, dom_prev,
        )  # fmt: skip
        c = nxt
    return m


@njit(cache=True, inline="always")
def _take_back(c, path, coef, rate, solved, usage, cls_bld, dist_k, bu, count, demand):  # type: ignore[no-untyped-def]
    """Take class ``c``'s usage back unless it is a stream at its demand whose count did
    not change (that one keeps it: :func:`_solve_split` checks it may)."""
    if solved[c] > 0.0 and not (
        demand[c] < np.inf and solved[c] == count[c] and rate[c] >= demand[c]
    ):
        _add_usage(c, -1.0, path, coef, rate, solved, usage, cls_bld, dist_k, bu, True)
        rate[c] = 0.0
        solved[c] = 0.0


@njit(cache=True)
def _solve_group(  # type: ignore[no-untyped-def]
    g, ln, g_ptr, g_b, doms, g_full, n, count, path, coef, weight, demand, capacity,
    district, usage, rate, solved, loc, glob, cls_bld, dist_k, bu, quota, q_on, n_bld,
    res_shared, dist_res, member, sat, q_res, res_bld, bld_head, bld_next, lev, dres, hs,
    domain, dom_head, dom_next, dom_prev, walk, bu0,
):  # fmt: skip
    """Walk and re-solve group ``g`` of :func:`_solve_buildings` with scratch row ``ln``."""
    sdom_head, held, t_head, t_next = hs
    dom_res, was_full, dom_thr, dom_mark = dres[0], dres[2], dres[3], dres[4]
    st = walk[0][ln]
    el = walk[1][ln]
    ns = 0
    ne = 0
    kept = g_ptr[g]
    for x in range(g_ptr[g], g_ptr[g + 1]):
        d = doms[x]
        # shared building resources full before the change (see _solve_building)
        marked = False
        for j in range(dom_res.shape[1]):
            r = dom_res[d, j]
            if r < 0:
                break
            if usage[r] >= dom_thr[d, j] and res_shared[r]:
                was_full[r] = True
                marked = True
        dom_mark[d] = marked
        ne = _walk_chain(
            d, dom_head, el, ne, path, coef, rate, solved, usage, cls_bld, dist_k, bu, count,
            demand, dom_next, dom_prev,
        )  # fmt: skip
        # streams: in a domain whose streams all had their demand, only the changed ones
        c = t_head[d]
        t_head[d] = -1
        whole = not held[d]
        while c >= 0:
            nxt = t_next[c]
            t_next[c] = -2
            if not whole:
                ns = _walk_class(
                    c, d, sdom_head, st, ns, path, coef, rate, solved, usage, cls_bld,
                    dist_k, bu, count, demand, dom_next, dom_prev,
                )  # fmt: skip
            c = nxt
        if whole:
            ns = _walk_chain(
                d, sdom_head, st, ns, path, coef, rate, solved, usage, cls_bld, dist_k, bu,
                count, demand, dom_next, dom_prev,
            )  # fmt: skip
        # (a domain left without classes is still solved when it freed a full resource)
        if dom_head[d] >= 0 or sdom_head[d] >= 0 or marked:
            doms[kept] = d
            kept += 1
    if kept > g_ptr[g]:
        for i in range(ns):
            member[st[i]] = True
        for i in range(ne):
            member[el[i]] = True
        g_full[g] = _solve_split(
            st[:ns], el[:ne], g_b[g], n, count, path, coef, weight, demand,
            capacity, district, usage, rate, solved, loc[ln], glob[ln], cls_bld, dist_k,
            bu, quota, q_on, n_bld, res_shared, dist_res, member, sat[ln], q_res[ln],
            res_bld, bld_head, bld_next, lev[ln], doms[g_ptr[g] : kept], dres, hs,
            domain, dom_next, bu0,
        )  # fmt: skip


@njit(cache=True, parallel=True)
def _solve_buildings(  # type: ignore[no-untyped-def]
    g_ptr, g_b, doms, g_full, n, count, path, coef, weight, demand, capacity, district,
    usage, rate, solved, loc, glob, cls_bld, dist_k, bu, quota, q_on, n_bld, res_shared,
    dist_res, member, sat, q_res, res_bld, bld_head, bld_next, lev, dres, hs, domain,
    dom_head, dom_next, dom_prev, walk, bu0,
):  # fmt: skip
    """Walk and re-solve the dirty domains of each building (:func:`reallocate`), the
    buildings side by side on numba's threads.

    Group ``g`` is building ``g_b[g]`` with dirty domains ``doms[g_ptr[g]:g_ptr[g + 1]]``
    (the ones left to solve after the walk are moved to the front of that range). The
    groups are handed to the threads one at a time as they come free; each thread uses
    its own scratch rows (``loc``, ``glob``, ``sat``, ``q_res``, ``lev`` and ``walk``,
    row ``get_thread_id()``), handed back as they came after each group.

    A building's re-solve reads and writes its own classes, resources and share of the
    district resources only; the district resources' usage is left as it was (each
    building sees the others' as they were, :func:`_dist_used`) and the caller adds the
    buildings' changes afterwards, in building order. So the result does not depend on
    the number of threads or on which thread takes which building. (A re-solve that grows
    through a saturated resource takes the classes crossing it; the owner gives one
    thread only while some resource other than a district one is crossed by classes of
    several buildings.) Sets ``g_full[g]`` when group ``g`` found a district resource
    full.
    """
    for g in prange(len(g_b)):
        ln = get_thread_id()  # type: ignore[no-untyped-call]
        _solve_group(
            g, ln, g_ptr, g_b, doms, g_full, n, count, path, coef, weight,
            demand, capacity, district, usage, rate, solved, loc, glob, cls_bld, dist_k, bu,
            quota, q_on, n_bld, res_shared, dist_res, member, sat, q_res, res_bld, bld_head,
            bld_next, lev, dres, hs, domain, dom_head, dom_next, dom_prev, walk, bu0,
        )  # fmt: skip


@njit(cache=True)
def reallocate(  # type: ignore[no-untyped-def]
    n,
    count,
    domain,
    dirty,
    path,
    coef,
    weight,
    demand,
    capacity,
    district,
    usage,
    rate,
    solved,
    force_global,
    dist_sat,
    loc,
    glob,
    cls_bld,
    dist_k,
    bu,
    quota,
    q_on,
    n_bld,
    res_shared,
    quotas,
    dom_head,
    dom_next,
    dom_prev,
    dist_res,
    member,
    sat,
    q_res,
    res_bld,
    bld_head,
    bld_next,
    lev,
    smax,
    dres,
    walk,
    hs,
):
    """Re-solve the rates after changes; returns ``(did_global, district_saturated)``.

    Only the classes of dirty contention domains are re-solved, building by building
    (:func:`_solve_building`), grown through saturated building resources they share
    with other domains, on the capacity the others leave. When a district resource is
    (or becomes) full every class is re-solved, unless ``quotas`` is set: then the full
    district resources are shared out among buildings in quotas at each global solve
    (what each building used), the local re-solves stay within their building's quota,
    and the owner asks for a global solve (``force_global``) every few seconds to
    re-balance.

    ``dom_head``/``dom_next``/``dom_prev`` chain each domain's live elastic classes (open
    flows or a solved rate; ``dom_prev`` is -2 off the chain) and ``hs = (sdom_head,
    held, t_head, t_next)`` its live stream classes (``sdom_head``, same links), whether
    they all have their demand (``held``), except the ones whose count changed (listed
    from ``t_head``, next in ``t_next``, -2 when off the list): only those are walked in
    a held domain. ``bld_head``/``bld_next``
    each building's classes (first class, next class, -1 at the end); ``res_bld`` is each
    resource's building (-2 if several, -1 if none); ``dres`` each domain's resources (see
    :func:`_bound_holds`); ``member`` (all False) is scratch, and so are ``loc`` (all -1),
    ``glob``, ``sat`` (all False), ``q_res`` (all NaN), ``lev`` (all -1) and ``walk``
    (two arrays of at least ``n`` classes), with one row per thread the re-solves may use
    (:func:`_solve_buildings`; as many as ``walk`` has rows); they are handed back as they
    came. ``walk[2]`` is the fewest dirty domains worth more than one thread (waking the
    others costs tens of microseconds); one building is always solved in one thread.

    The dirty domains of each building are walked (their usage taken back) and re-solved
    side by side; then the district resources' usage gets each building's change and,
    when the total makes one full (and not under quota) or over its capacity, the whole
    district is solved.
    """
    if force_global or (dist_sat and not quotas):
        full, streams = _global(
            n, count, path, coef, weight, demand, capacity, district, usage, rate, solved,
            loc[0], glob[0], cls_bld, dist_k, bu, quota, q_on, n_bld, quotas, dist_res,
            q_res[0], lev[0], smax,
        )  # fmt: skip
        _reset_held(streams, demand, rate, solved, count, domain, hs)
        dirty[:] = False
        return True, full
    # the dirty domains, grouped by building (domains are numbered building by building)
    sdom_head, held, t_head, _t_next = hs
    n_dirty = 0
    for d in range(len(dirty)):
        if dirty[d]:
            n_dirty += 1
    doms = np.empty(n_dirty, dtype=np.int64)
    g_ptr = np.empty(n_dirty + 1, dtype=np.int64)  # building group g: doms[g_ptr[g]:g_ptr[g+1]]
    g_b = np.empty(n_dirty, dtype=np.int64)
    g_ptr[0] = 0
    nd = 0
    ng = 0
    for d in range(len(dirty)):
        if not dirty[d]:
            continue
        dirty[d] = False
        first = dom_head[d]
        if first < 0:
            first = t_head[d] if held[d] else sdom_head[d]
        if first < 0:
            continue  # nothing to walk
        bd = cls_bld[first]
        if ng == 0 or g_b[ng - 1] != bd:
            g_b[ng] = bd
            ng += 1
        doms[nd] = d
        nd += 1
        g_ptr[ng] = nd
    if ng == 0:
        return False, dist_sat
    bu0 = bu.copy()
    g_full = np.zeros(ng, dtype=np.bool_)
    # buildings side by side (in one thread for a few: waking the others costs more)
    if walk[0].shape[0] > 1 and ng > 1 and nd >= walk[2]:
        _solve_buildings(
            g_ptr[: ng + 1], g_b[:ng], doms, g_full, n, count, path, coef, weight, demand,
            capacity, district, usage, rate, solved, loc, glob, cls_bld, dist_k, bu, quota,
            q_on, n_bld, res_shared, dist_res, member, sat, q_res, res_bld, bld_head,
            bld_next, lev, dres, hs, domain, dom_head, dom_next, dom_prev, walk, bu0,
        )  # fmt: skip
    else:
        for g in range(ng):
            _solve_group(
                g, 0, g_ptr, g_b, doms, g_full, n, count, path, coef, weight, demand,
                capacity, district, usage, rate, solved, loc, glob, cls_bld, dist_k, bu,
                quota, q_on, n_bld, res_shared, dist_res, member, sat, q_res, res_bld,
                bld_head, bld_next, lev, dres, hs, domain, dom_head, dom_next, dom_prev, walk,
                bu0,
            )  # fmt: skip
    # the district resources' usage: each building's change, in building order
    full = False
    for g in range(ng):
        if g_full[g]:
            full = True
    for b in range(n_bld):
        for k in range(len(dist_res)):
            x = bu[b, k] - bu0[b, k]
            if x != 0.0:
                r = dist_res[k]
                u = usage[r] + x
                usage[r] = u if u > 0.0 else 0.0
    for k in range(len(dist_res)):
        r = dist_res[k]
        if (not q_on[k] and usage[r] >= capacity[r] * SAT) or usage[r] > capacity[r] * (1 + 1e-9):
            full = True
    if full:
        full, streams = _global(
            n, count, path, coef, weight, demand, capacity, district, usage, rate, solved,
            loc[0], glob[0], cls_bld, dist_k, bu, quota, q_on, n_bld, quotas, dist_res,
            q_res[0], lev[0], smax,
        )  # fmt: skip
        _reset_held(streams, demand, rate, solved, count, domain, hs)
        return True, full
    return False, dist_sat


@njit(cache=True)
def _fast_add(c, fp):  # type: ignore[no-untyped-def]
    """Admit one more stream to class ``c`` without a re-solve, if that is exact.

    A stream that gets its whole demand on resources that all stay below saturation changes
    nobody else's max-min rate (no bottleneck moves), so its class's usage is simply
    increased. ``fp`` bundles the arrays read and updated (built in :func:`run_ticks`).
    Returns False (nothing changed) otherwise.
    """
    path, coef, rate, solved, usage, capacity, demand, count, cls_bld, dist_k, bu, quota, q_on = fp
    x = demand[c]
    if not x < np.inf or (count[c] > 0.0 and rate[c] < x):
        return False
    b = cls_bld[c]
    for j in range(path.shape[1]):
        r = path[c, j]
        if r < 0:
            break
        used, cap, _q = _used_cap(r, b, usage, capacity, dist_k, bu, quota, q_on, bu, False)
        if used + x * coef[c, j] > cap * SAT:
            return False
    rate[c] = x
    solved[c] += 1.0
    _shift_usage(c, x, path, coef, usage, cls_bld, dist_k, bu)
    return True


@njit(cache=True)
def _fast_remove(c, fp):  # type: ignore[no-untyped-def]
    """End one stream of class ``c`` without a re-solve, if that is exact.

    A stream at its whole demand on resources none of which is saturated is nobody's
    bottleneck, so the capacity it frees changes no other rate. Returns False (nothing
    changed) otherwise.
    """
    path, coef, rate, solved, usage, capacity, demand, _n, cls_bld, dist_k, bu, quota, q_on = fp
    x = rate[c]
    if x < demand[c] or solved[c] < 1.0:
        return False
    b = cls_bld[c]
    for j in range(path.shape[1]):
        r = path[c, j]
        if r < 0:
            break
        used, cap, _q = _used_cap(r, b, usage, capacity, dist_k, bu, quota, q_on, bu, False)
        if used >= cap * SAT:
            return False
    solved[c] -= 1.0
    _shift_usage(c, -x, path, coef, usage, cls_bld, dist_k, bu)
    return True


@njit(cache=True)
def _act_add(c, act_bits, d, head, dom_next, dom_prev):  # type: ignore[no-untyped-def]
    """Mark class ``c`` as having open flows (bit ``c`` of ``act_bits``) and put it on its
    domain's list of live classes (open flows or a solved rate; the chain starting at
    ``head[d]``), if not there yet."""
    if dom_prev[c] == -2:
        h = head[d]
        dom_next[c] = h
        dom_prev[c] = -1
        if h >= 0:
            dom_prev[h] = c
        head[d] = c
    act_bits[c >> 6] |= np.uint64(1) << np.uint64(c & 63)


@njit(cache=True)
def _act_remove(c, act_bits):  # type: ignore[no-untyped-def]
    """Unmark class ``c`` as having open flows."""
    act_bits[c >> 6] &= ~(np.uint64(1) << np.uint64(c & 63))


@njit(cache=True)
def advance(  # type: ignore[no-untyped-def]
    t0,
    t1,
    count,
    rate,
    v_att,
    d_deg,
    carried,
    offered,
    open_rate,
    is_stream,
    min_rate,
    demand,
    domain,
    dirty,
    oe_fid,
    oe_cls,
    oe_mark,
    n_oe,
    os_fid,
    os_cls,
    os_end,
    n_os,
    l_end,
    l_del,
    l_deg,
    l_size,
    l_v0,
    l_d0,
    act_bits,
    fast,
    fp,
    hs,
):
    """Move time from ``t0`` to ``t1`` at constant rates, ending the flows due.

    Bit ``c`` of ``act_bits`` is set when class ``c`` has open flows; they are visited in
    class order, so neighbouring classes share cache lines.
    With ``fast``, a stream that was nobody's bottleneck ends without dirtying its domain
    (:func:`_fast_remove`); the others go on their domain's list of changed streams
    (``hs``).

    Returns ``(n_oe, n_os, ended)``: open elastic flows, open streams, flows ended.
    """
    dt = t1 - t0
    if dt > 0.0:
        for w in range(len(act_bits)):
            bits = act_bits[w]
            while bits:
                c = (w << 6) + np.int64(trailing_zeros(bits))  # type: ignore[call-arg]
                bits &= bits - np.uint64(1)
                x = rate[c]
                v_att[c] += x * dt
                carried[c] += count[c] * x * dt
                if is_stream[c]:
                    offered[c] += open_rate[c] * dt
                    if x < min_rate[c] * (1.0 - DEG_TOL):
                        d_deg[c] += dt
    else:
        dt = 0.0
    ended = 0
    m = 0
    for i in range(n_oe):
        c = oe_cls[i]
        mark = oe_mark[i]
        vc = v_att[c]
        if mark <= vc + 1e-9 * (1.0 + abs(vc)):
            x = rate[c]
            te = t1
            if x > 0.0:
                te = t0 + (mark - (vc - x * dt)) / x
                if te < t0:
                    te = t0
                elif te > t1:
                    te = t1
            fid = oe_fid[i]
            l_end[fid] = te
            l_del[fid] = l_size[fid]
            carried[c] -= x * (t1 - te)
            count[c] -= 1.0
            if count[c] < 0.5:
                _act_remove(c, act_bits)
            dirty[domain[c]] = True
            ended += 1
        else:
            oe_fid[m] = oe_fid[i]
            oe_cls[m] = c
            oe_mark[m] = mark
            m += 1
    n_oe = m
    m = 0
    for i in range(n_os):
        e = os_end[i]
        if e <= t1 + 1e-12:
            c = os_cls[i]
            fid = os_fid[i]
            te = e if e > t0 else t0
            x = rate[c]
            deg = x < min_rate[c] * (1.0 - DEG_TOL)
            v_end = v_att[c] - x * (t1 - te)
            d_end = d_deg[c] - ((t1 - te) if deg else 0.0)
            l_del[fid] = v_end - l_v0[fid]
            l_deg[fid] = d_end - l_d0[fid]
            carried[c] -= x * (t1 - te)
            offered[c] -= demand[c] * (t1 - te)
            d = domain[c]
            if not (fast and not dirty[d] and _fast_remove(c, fp)):
                dirty[d] = True
                _touch(c, d, hs)
            count[c] -= 1.0
            if count[c] < 0.5:
                _act_remove(c, act_bits)
            open_rate[c] -= demand[c]
            ended += 1
        else:
            os_fid[m] = os_fid[i]
            os_cls[m] = os_cls[i]
            os_end[m] = e
            m += 1
    return n_oe, m, ended


@njit(cache=True)
def admit(  # type: ignore[no-untyped-def]
    t,
    a_time,
    a_cls,
    a_amt,
    a_stream,
    a_app,
    i0,
    i1,
    log_n,
    l_cls,
    l_app,
    l_stream,
    l_start,
    l_size,
    l_end,
    count,
    open_rate,
    demand,
    domain,
    dirty,
    act_bits,
    dom_head,
    dom_next,
    dom_prev,
    fast,
    fp,
    hs,
):
    """Count arrivals ``i0:i1`` in their classes and log them (before a re-solve).

    A flow asked for at ``a_time`` is served from ``max(a_time, t)``. With ``fast``, a
    stream that fits without moving any bottleneck (:func:`_fast_add`) gets its demand
    at once and leaves its domain clean; other streams go on their domain's list of
    changed streams (``hs``, see :func:`reallocate`). Returns the new number of logged
    flows.
    """
    for i in range(i0, i1):
        fid = log_n + (i - i0)
        c = a_cls[i]
        ta = a_time[i]
        amt = a_amt[i]
        s = a_stream[i]
        l_cls[fid] = c
        l_app[fid] = a_app[i]
        l_stream[fid] = s
        l_start[fid] = ta
        if s:
            l_size[fid] = demand[c] * amt
            e = ta + amt
            l_end[fid] = e if e > t else t
            open_rate[c] += demand[c]
        else:
            l_size[fid] = amt
            l_end[fid] = np.nan
        d = domain[c]
        is_s = demand[c] < np.inf
        _act_add(c, act_bits, d, hs[0] if is_s else dom_head, dom_next, dom_prev)
        if not (s and fast and not dirty[d] and _fast_add(c, fp)):
            dirty[d] = True
            if is_s:
                _touch(c, d, hs)
        count[c] += 1.0
    return log_n + (i1 - i0)


@njit(cache=True)
def start(  # type: ignore[no-untyped-def]
    t,
    lo,
    hi,
    l_cls,
    l_stream,
    l_start,
    l_size,
    l_end,
    l_v0,
    l_d0,
    rate,
    v_att,
    d_deg,
    min_rate,
    demand,
    carried,
    offered,
    oe_fid,
    oe_cls,
    oe_mark,
    n_oe,
    os_fid,
    os_cls,
    os_end,
    n_os,
):
    """Start the flows logged as ``lo:hi`` at the rates just solved.

    The class integrals count a flow from ``t``; a flow arriving later has the part before
    its arrival taken back, and one asked for before ``t`` counts its wait (a stream's as
    degraded seconds, an elastic flow's in its completion time). Returns ``(n_oe, n_os)``.
    """
    for fid in range(lo, hi):
        c = l_cls[fid]
        ta = l_start[fid]
        dt = ta - t if ta > t else 0.0
        wait = t - ta if ta < t else 0.0
        x = rate[c]
        v0 = v_att[c] + x * dt
        l_v0[fid] = v0
        carried[c] -= x * dt
        if l_stream[fid]:
            deg = x < min_rate[c] * (1.0 - DEG_TOL)
            l_d0[fid] = d_deg[c] + (dt if deg else 0.0) - wait
            offered[c] += demand[c] * (wait - dt)
            os_fid[n_os] = fid
            os_cls[n_os] = c
            os_end[n_os] = l_end[fid]
            n_os += 1
        else:
            l_d0[fid] = np.nan
            size = l_size[fid]
            offered[c] += size
            oe_fid[n_oe] = fid
            oe_cls[n_oe] = c
            oe_mark[n_oe] = v0 + size
            n_oe += 1
    return n_oe, n_os


@njit(cache=True)
def next_completion(t, n_oe, oe_cls, oe_mark, v_att, rate, n_os, os_end):  # type: ignore[no-untyped-def]
    """Time of the next flow end at current rates (``inf`` if none)."""
    best = np.inf
    for i in range(n_os):
        if os_end[i] < best:
            best = os_end[i]
    for i in range(n_oe):
        c = oe_cls[i]
        x = rate[c]
        if x > 0.0:
            dt = (oe_mark[i] - v_att[c]) / x
            if dt < 0.0:
                dt = 0.0
            if t + dt < best:
                best = t + dt
    return best


@njit(cache=True, nogil=True)
def run_ticks(  # type: ignore[no-untyped-def]
    grid0,
    tick,
    k0,
    k1,
    a_time,
    a_cls,
    a_amt,
    a_stream,
    a_app,
    i0,
    n_arr,
    log_n,
    l_cls,
    l_app,
    l_stream,
    l_start,
    l_size,
    l_end,
    l_del,
    l_deg,
    l_v0,
    l_d0,
    n,
    path,
    coef,
    weight,
    demand,
    min_rate,
    is_stream,
    domain,
    count,
    rate,
    solved,
    v_att,
    d_deg,
    carried,
    offered,
    open_rate,
    capacity,
    district,
    usage,
    dirty,
    dist_sat,
    loc,
    glob,
    oe_fid,
    oe_cls,
    oe_mark,
    n_oe,
    os_fid,
    os_cls,
    os_end,
    n_os,
    cls_bld,
    dist_k,
    bu,
    quota,
    q_on,
    n_bld,
    res_shared,
    rebalance,
    since,
    dom_head,
    dom_next,
    dom_prev,
    dist_res,
    member,
    sat,
    q_res,
    res_bld,
    bld_head,
    bld_next,
    act_bits,
    fast,
    lev,
    smax,
    dres,
    walk,
    hs,
):
    """Run ticks ``k0 .. k1 - 1`` (tick ``k`` starts at ``grid0 + k * tick``).

    Each tick admits the arrivals before its end (:func:`admit`), re-solves the dirty
    domains (:func:`reallocate`), starts the new flows at their own arrival times
    (:func:`start`) and advances to the tick's end (:func:`advance`). With
    ``rebalance > 0`` full district resources are shared in quotas and re-balanced by a
    global solve every ``rebalance`` ticks (``since`` ticks have passed since the last).
    Returns ``(i0, log_n, n_oe, n_os, dist_sat, reallocations, global_solves, ended,
    since)``.
    """
    quotas = rebalance > 0
    fp = (
        path, coef, rate, solved, usage, capacity, demand, count, cls_bld, dist_k, bu, quota,
        q_on,
    )  # fmt: skip
    n_realloc = 0
    n_global = 0
    ended = 0
    for k in range(k0, k1):
        t = grid0 + k * tick
        horizon = grid0 + (k + 1) * tick
        i1 = i0
        while i1 < n_arr and a_time[i1] < horizon:
            i1 += 1
        lo = log_n
        log_n = admit(
            t, a_time, a_cls, a_amt, a_stream, a_app, i0, i1, log_n, l_cls, l_app, l_stream,
            l_start, l_size, l_end, count, open_rate, demand, domain, dirty, act_bits,
            dom_head, dom_next, dom_prev, fast, fp, hs,
        )  # fmt: skip
        i0 = i1
        any_dirty = False
        for d in range(len(dirty)):
            if dirty[d]:
                any_dirty = True
                break
        since += 1
        # (one building: its quotas are the capacities, nothing to re-balance)
        force = quotas and dist_sat and since >= rebalance and n_bld > 1
        if any_dirty or force:
            g, dist_sat = reallocate(
                n, count, domain, dirty, path, coef, weight, demand, capacity, district,
                usage, rate, solved, force, dist_sat, loc, glob, cls_bld, dist_k, bu, quota,
                q_on, n_bld, res_shared, quotas, dom_head, dom_next, dom_prev, dist_res,
                member, sat, q_res, res_bld, bld_head, bld_next, lev, smax, dres, walk, hs,
            )  # fmt: skip
            n_realloc += 1
            if g:
                n_global += 1
                since = 0
        n_oe, n_os = start(
            t, lo, log_n, l_cls, l_stream, l_start, l_size, l_end, l_v0, l_d0, rate, v_att, d_deg,
            min_rate, demand, carried, offered, oe_fid, oe_cls, oe_mark, n_oe, os_fid,
            os_cls, os_end, n_os,
        )  # fmt: skip
        n_oe, n_os, e = advance(
            t, horizon, count, rate, v_att, d_deg, carried, offered, open_rate, is_stream,
            min_rate, demand, domain, dirty, oe_fid, oe_cls, oe_mark, n_oe, os_fid, os_cls,
            os_end, n_os, l_end, l_del, l_deg, l_size, l_v0, l_d0, act_bits, fast,
            fp, hs,
        )  # fmt: skip
        ended += e
    return i0, log_n, n_oe, n_os, dist_sat, n_realloc, n_global, ended, since


@njit(cache=True, nogil=True)
def flush(n, path, coef, carried, offered, n_res):  # type: ignore[no-untyped-def]
    """Carried, used and offered megabits per resource since the last flush (resets)."""
    car = np.zeros(n_res)
    used = np.zeros(n_res)
    off = np.zeros(n_res)
    width = path.shape[1]
    for c in range(n):
        a = carried[c]
        b = offered[c]
        if a == 0.0 and b == 0.0:
            continue
        for j in range(width):
            r = path[c, j]
            if r < 0:
                break
            car[r] += a
            used[r] += a * coef[c, j]
            off[r] += b
        carried[c] = 0.0
        offered[c] = 0.0
    return car, used, off
