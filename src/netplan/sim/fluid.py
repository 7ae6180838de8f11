"""Fluid flows on shared resources: classes of identical flows, their rates and completions.

Flows with the same path, coefficients, weights and demand are interchangeable, so the
state is kept per *flow class*: ``count`` active flows, each at the class's per-flow rate.
Within a class elastic flows share like a processor-sharing queue, so one number per class
tracks every flow's progress: the *attained service* ``V`` (megabits one flow of the class
has received since the start). A flow that arrives when the class is at ``V0`` with ``s``
megabits to move finishes when ``V`` reaches ``V0 + s``; a heap per class orders those
finishing marks. Streams end at a fixed time; their delivered bits are ``V(end) - V0`` and
their degraded seconds ``D(end) - D0``, where ``D`` integrates the time the class's rate is
below the stream's minimum.

Rates are recomputed by :func:`netplan.sim.allocator.max_min_allocation`. ``exact=True``
recomputes the whole network after every change (a classical event-driven fluid model);
otherwise the owner calls :meth:`FluidNetwork.reallocate` on a tick, which re-solves only
the classes a change can affect: the classes of every dirty contention domain, grown
through every saturated building resource they cross, with the capacity the other classes
leave. Buildings only meet at district-wide resources (core, content filter, ISP): while
none of those is full a change in one building cannot move another's rates, so the local
re-solve is exact; when one is (or becomes) full, every class is re-solved together.
"""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np
from numpy.typing import NDArray

from netplan.sim.allocator import max_min_allocation

__all__ = ["FlowLog", "FluidNetwork"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_SAT = 1.0 - 1e-7  # usage/capacity above which a resource counts as saturated
_GROW = 1.5


class FlowLog:
    """Per-flow records in growable numpy columns (read them through the properties)."""

    _FLOAT = ("start_s", "size_mb", "end_s", "delivered_mb", "degraded_s", "v0", "d0")

    def __init__(self) -> None:
        self.n = 0
        cap = 1024
        self._cls = np.zeros(cap, dtype=np.int64)
        self._app = np.zeros(cap, dtype=np.int32)
        self._stream = np.zeros(cap, dtype=bool)
        self._f = {k: np.full(cap, np.nan) for k in self._FLOAT}

    @classmethod
    def empty(cls) -> FlowLog:
        """A log with no flows."""
        return cls()

    def __len__(self) -> int:
        return self.n

    def reserve(self, k: int) -> tuple[int, int]:
        """Make room for ``k`` more flows; return their id range."""
        need = self.n + k
        if need > len(self._cls):
            cap = max(need, int(len(self._cls) * 1.6))
            self._cls = np.resize(self._cls, cap)
            self._app = np.resize(self._app, cap)
            self._stream = np.resize(self._stream, cap)
            for key, arr in self._f.items():
                new = np.full(cap, np.nan)
                new[: self.n] = arr[: self.n]
                self._f[key] = new
        lo = self.n
        self.n = need
        return lo, need

    @property
    def cls(self) -> IntArray:
        """Class of each flow."""
        return self._cls[: self.n]

    @property
    def app(self) -> NDArray[np.int32]:
        """Application index of each flow."""
        return self._app[: self.n]

    @property
    def stream(self) -> NDArray[np.bool_]:
        """True for streams."""
        return self._stream[: self.n]

    def col(self, name: str) -> FloatArray:
        """A float column (start_s, size_mb, end_s, delivered_mb, degraded_s, v0, d0)."""
        return self._f[name][: self.n]

    @property
    def start_s(self) -> FloatArray:
        """Time each flow was asked for."""
        return self.col("start_s")

    @property
    def size_mb(self) -> FloatArray:
        """Megabits asked (elastic size; stream rate x duration)."""
        return self.col("size_mb")

    @property
    def end_s(self) -> FloatArray:
        """Completion (elastic) or planned end (stream); nan while an elastic flow is open."""
        return self.col("end_s")

    @property
    def delivered_mb(self) -> FloatArray:
        """Megabits delivered."""
        return self.col("delivered_mb")

    @property
    def degraded_s(self) -> FloatArray:
        """Seconds a stream ran below its minimum rate (nan for elastic flows)."""
        return self.col("degraded_s")


class FluidNetwork:
    """Flow classes on capacity-limited resources.

    Parameters
    ----------
    capacity
        Capacity of each resource (Mbps, or 1.0 for an airtime budget in seconds/second).
    district
        Boolean mask of district-wide resources (shared by every building).
    max_path
        Longest path a class may have.
    exact
        Recompute every class after every change.
    """

    def __init__(
        self,
        capacity: FloatArray,
        district: NDArray[np.bool_] | None = None,
        *,
        max_path: int = 12,
        exact: bool = True,
    ) -> None:
        self.capacity = np.asarray(capacity, dtype=np.float64).copy()
        n_res = len(self.capacity)
        self.district = (
            np.zeros(n_res, dtype=bool) if district is None else np.asarray(district, bool)
        )
        self.exact = exact
        self.max_path = max_path
        self.t = 0.0
        cap = 64
        self._n_cls = 0
        self.path = np.full((cap, max_path), -1, dtype=np.int64)
        self.coef = np.zeros((cap, max_path))
        self.weight = np.ones((cap, max_path))
        self.demand = np.zeros(cap)
        self.min_rate = np.zeros(cap)
        self.is_stream = np.zeros(cap, dtype=bool)
        self.domain = np.zeros(cap, dtype=np.int64)
        self.count = np.zeros(cap)
        self.rate = np.zeros(cap)
        self.solved = np.zeros(cap)  # flows per class when its rate was last solved
        self.V = np.zeros(cap)  # attained service per flow (Mb)
        self.D = np.zeros(cap)  # degraded seconds per flow (streams)
        self.carried = np.zeros(cap)  # integral of count*rate (Mb) since last flush
        self.offered = np.zeros(cap)  # Mb offered since last flush
        self.next_mark = np.full(cap, np.inf)  # smallest finishing mark of elastic flows
        self._heaps: list[list[tuple[float, int]]] = []
        self._keys: dict[object, int] = {}
        self._stream_ends: list[tuple[float, int]] = []
        self._dirty_domains: set[int] = set()
        self._ahead: list[tuple[int, int]] = []
        self.usage = np.zeros(n_res)  # capacity used (resource units)
        self.log = FlowLog.empty()
        self._open_rate = np.zeros(cap)  # demand of streams per class (for offered load)
        self.reallocations = 0
        self.ended_total = 0  # flows ended so far
        self.global_solves = 0
        self._district_saturated = False

    # ------------------------------------------------------------------ classes
    @property
    def n_classes(self) -> int:
        """Number of flow classes created so far."""
        return self._n_cls

    def _grow(self) -> None:
        cap = int(len(self.demand) * _GROW) + 16
        old = len(self.demand)

        def ext(a: NDArray[np.generic], fill: float | int | bool) -> NDArray[np.generic]:
            shape = (cap, *a.shape[1:])
            out = np.full(shape, fill, dtype=a.dtype)
            out[:old] = a
            return out

        self.path = ext(self.path, -1)  # type: ignore[assignment]
        self.coef = ext(self.coef, 0.0)  # type: ignore[assignment]
        self.weight = ext(self.weight, 1.0)  # type: ignore[assignment]
        for name, fill in (
            ("demand", 0.0),
            ("min_rate", 0.0),
            ("is_stream", False),
            ("domain", 0),
            ("count", 0.0),
            ("rate", 0.0),
            ("solved", 0.0),
            ("V", 0.0),
            ("D", 0.0),
            ("carried", 0.0),
            ("offered", 0.0),
            ("next_mark", np.inf),
            ("_open_rate", 0.0),
        ):
            setattr(self, name, ext(getattr(self, name), fill))

    def class_id(
        self,
        key: object,
        path: tuple[int, ...],
        coef: tuple[float, ...],
        *,
        weight: tuple[float, ...] | None = None,
        demand: float = np.inf,
        min_rate: float = 0.0,
        stream: bool = False,
        domain: int = 0,
    ) -> int:
        """Index of the class called ``key``, created on first use.

        Parameters
        ----------
        key
            Any hashable naming the class (same key, same class).
        path
            Resource indices the class's flows cross.
        coef
            Capacity one Mbps uses on each of those resources.
        weight
            Fairness weight on each resource (default 1).
        demand
            Per-flow rate asked (``inf`` for elastic flows).
        min_rate
            Streams below this rate count as degraded.
        stream
            True for streams (fixed duration), False for elastic transfers (fixed size).
        domain
            Contention domain the class belongs to (its radio's co-channel group); changes
            are re-solved per domain.
        """
        c = self._keys.get(key)
        if c is not None:
            return c
        if len(path) > self.max_path:
            raise ValueError(f"path longer than {self.max_path} resources")
        if self._n_cls == len(self.demand):
            self._grow()
        c = self._n_cls
        self._n_cls += 1
        k = len(path)
        self.path[c, :k] = path
        self.coef[c, :k] = coef
        if weight is not None:
            self.weight[c, :k] = weight
        self.demand[c] = demand
        self.min_rate[c] = min_rate
        self.is_stream[c] = stream
        self.domain[c] = domain
        self._heaps.append([])
        self._keys[key] = c
        return c

    # ------------------------------------------------------------------ flows
    def add_batch(
        self,
        cls: IntArray,
        amount: FloatArray,
        stream: NDArray[np.bool_],
        app: NDArray[np.integer[Any]],
        start_s: FloatArray,
    ) -> None:
        """Start flows now: elastic ones move ``amount`` megabits, streams last ``amount``
        seconds from ``start_s`` (when they were asked for; a stream's wait before this
        admission counts as degraded, an elastic flow's counts in its completion time)."""
        k = len(cls)
        if not k:
            return
        lg = self.log
        lo, hi = lg.reserve(k)
        t = self.t
        cls = np.asarray(cls, dtype=np.int64)
        amount = np.asarray(amount, dtype=np.float64)
        stream = np.asarray(stream, dtype=bool)
        t0 = np.minimum(np.asarray(start_s, dtype=np.float64), t)
        lg._cls[lo:hi] = cls
        lg._app[lo:hi] = app
        lg._stream[lo:hi] = stream
        f = lg._f
        f["start_s"][lo:hi] = t0
        dem = np.where(stream, self.demand[cls], 0.0)
        f["size_mb"][lo:hi] = np.where(stream, dem * amount, amount)
        f["v0"][lo:hi] = self.V[cls]
        wait = t - t0
        f["d0"][lo:hi] = np.where(stream, self.D[cls] - wait, np.nan)
        end = np.maximum(t0 + amount, t)
        f["end_s"][lo:hi] = np.where(stream, end, np.nan)
        np.add.at(self.count, cls, 1.0)
        np.add.at(self.offered, cls, np.where(stream, dem * wait, amount))
        if stream.any():
            np.add.at(self._open_rate, cls[stream], dem[stream])
        el = ~stream
        marks = self.V[cls] + amount
        if el.any():
            np.minimum.at(self.next_mark, cls[el], marks[el])
        heaps = self._heaps
        ends = self._stream_ends
        push = heapq.heappush
        for fid, c, is_s, mk, e in zip(
            range(lo, hi),
            cls.tolist(),
            stream.tolist(),
            marks.tolist(),
            end.tolist(),
            strict=True,
        ):
            if is_s:
                push(ends, (e, fid))
            else:
                push(heaps[c], (mk, fid))
        self._dirty_domains.update(np.unique(self.domain[cls]).tolist())

    def admit_ahead(
        self,
        cls: IntArray,
        amount: FloatArray,
        stream: NDArray[np.bool_],
        app: NDArray[np.integer[Any]],
        start_s: FloatArray,
    ) -> None:
        """Count flows that will arrive before the next re-solve (at ``start_s >= t``).

        They share in the coming solve as if present from now, which keeps every resource
        within capacity, and :meth:`finish_ahead` (called after :meth:`reallocate`) starts
        each one's service at its own arrival time at the class's new rate: the class
        integrals are corrected for the time before it arrived, so a flow's completion
        time has no admission delay.
        """
        k = len(cls)
        if not k:
            return
        lg = self.log
        lo, hi = lg.reserve(k)
        cls = np.asarray(cls, dtype=np.int64)
        amount = np.asarray(amount, dtype=np.float64)
        stream = np.asarray(stream, dtype=bool)
        a = np.maximum(np.asarray(start_s, dtype=np.float64), self.t)
        lg._cls[lo:hi] = cls
        lg._app[lo:hi] = app
        lg._stream[lo:hi] = stream
        f = lg._f
        f["start_s"][lo:hi] = a
        dem = np.where(stream, self.demand[cls], 0.0)
        f["size_mb"][lo:hi] = np.where(stream, dem * amount, amount)
        f["end_s"][lo:hi] = np.where(stream, a + amount, np.nan)
        np.add.at(self.count, cls, 1.0)
        if stream.any():
            np.add.at(self._open_rate, cls[stream], dem[stream])
        self._dirty_domains.update(np.unique(self.domain[cls]).tolist())
        self._ahead.append((lo, hi))

    def finish_ahead(self) -> None:
        """Start the flows counted by :meth:`admit_ahead` at their arrival times."""
        if not self._ahead:
            return
        lg = self.log
        f = lg._f
        heaps = self._heaps
        ends = self._stream_ends
        push = heapq.heappush
        for lo, hi in self._ahead:
            cls = lg._cls[lo:hi]
            stream = lg._stream[lo:hi]
            a = f["start_s"][lo:hi]
            x = self.rate[cls]
            dt = a - self.t
            v0 = self.V[cls] + x * dt
            f["v0"][lo:hi] = v0
            deg = stream & (x < self.min_rate[cls] * (1 - 1e-9))
            f["d0"][lo:hi] = np.where(stream, self.D[cls] + np.where(deg, dt, 0.0), np.nan)
            size = f["size_mb"][lo:hi]
            dem = np.where(stream, self.demand[cls], 0.0)
            # The class integrals will count these flows from now: take back the part
            # before each arrived; an elastic flow offers its size when it arrives.
            np.add.at(self.carried, cls, -x * dt)
            np.add.at(self.offered, cls, np.where(stream, -dem * dt, size))
            marks = v0 + size
            el = ~stream
            if el.any():
                np.minimum.at(self.next_mark, cls[el], marks[el])
            end = f["end_s"][lo:hi]
            for fid, c, is_s, mk, e in zip(
                range(lo, hi),
                cls.tolist(),
                stream.tolist(),
                marks.tolist(),
                end.tolist(),
                strict=True,
            ):
                if is_s:
                    push(ends, (e, fid))
                else:
                    push(heaps[c], (mk, fid))
        self._ahead.clear()

    def add_elastic(
        self, cls: int, size_mb: float, app: int = 0, start_s: float | None = None
    ) -> None:
        """Start one elastic transfer of ``size_mb`` megabits (see :meth:`add_batch`)."""
        self.add_batch(
            np.array([cls]),
            np.array([size_mb]),
            np.array([False]),
            np.array([app]),
            np.array([self.t if start_s is None else start_s]),
        )

    def add_stream(
        self, cls: int, duration_s: float, app: int = 0, start_s: float | None = None
    ) -> None:
        """Start one stream lasting ``duration_s`` seconds (see :meth:`add_batch`)."""
        self.add_batch(
            np.array([cls]),
            np.array([duration_s]),
            np.array([True]),
            np.array([app]),
            np.array([self.t if start_s is None else start_s]),
        )

    # ------------------------------------------------------------------ time
    def _integrate(self, t1: float) -> None:
        dt = t1 - self.t
        if dt <= 0:
            return
        act = np.flatnonzero(self.count[: self._n_cls] > 0)
        if len(act):
            x = self.rate[act]
            self.V[act] += x * dt
            self.carried[act] += self.count[act] * x * dt
            st = self.is_stream[act]
            self.offered[act] += np.where(st, self._open_rate[act] * dt, 0.0)
            deg = st & (x < self.min_rate[act] * (1 - 1e-9))
            self.D[act[deg]] += dt
        self.t = t1

    def next_completion(self) -> float:
        """Time of the next flow end at current rates (``inf`` if none)."""
        n = self._n_cls
        t = self._stream_ends[0][0] if self._stream_ends else np.inf
        marks = self.next_mark[:n]
        busy = np.isfinite(marks)
        if busy.any():
            idx = np.flatnonzero(busy)
            r = self.rate[idx]
            with np.errstate(divide="ignore"):
                dt = np.where(r > 0, (marks[idx] - self.V[idx]) / r, np.inf)
            t = min(t, self.t + max(float(dt.min()), 0.0))
        return float(t)

    def advance(self, t1: float) -> int:
        """Move time to ``t1`` at current rates, ending every flow due by then.

        Flows end at their exact time within the step (rates are constant over it); the
        capacity they free is shared out at the next :meth:`reallocate`.

        Returns
        -------
        int
            Flows ended.
        """
        t0 = self.t
        n = self._n_cls
        ended = 0
        lg = self.log
        f_end = lg._f["end_s"]
        f_del = lg._f["delivered_mb"]
        f_deg = lg._f["degraded_s"]
        f_size = lg._f["size_mb"]
        f_v0 = lg._f["v0"]
        f_d0 = lg._f["d0"]
        cls_of = lg._cls
        v_start = self.V[:n].copy()
        d_start = self.D[:n].copy()
        rate = self.rate[:n].copy()
        deg_rate = self.is_stream[:n] & (rate < self.min_rate[:n] * (1 - 1e-9))
        self._integrate(t1)
        # elastic completions: marks passed by V
        tol = 1e-9 * (1.0 + np.abs(self.V[:n]))
        due = np.flatnonzero(self.next_mark[:n] <= self.V[:n] + tol)
        if len(due):
            marks: list[float] = []
            fids: list[int] = []
            owners: list[int] = []
            pop = heapq.heappop
            heaps = self._heaps
            limit = (self.V[due] + tol[due]).tolist()
            for c, vc in zip(due.tolist(), limit, strict=True):
                heap = heaps[c]
                while heap and heap[0][0] <= vc:
                    mark, fid = pop(heap)
                    marks.append(mark)
                    fids.append(fid)
                    owners.append(c)
                self.next_mark[c] = heap[0][0] if heap else np.inf
            own = np.asarray(owners, dtype=np.int64)
            fid_a = np.asarray(fids, dtype=np.int64)
            r = rate[own]
            with np.errstate(divide="ignore", invalid="ignore"):
                te = np.where(r > 0, t0 + (np.asarray(marks) - v_start[own]) / r, t1)
            te = np.clip(te, t0, t1)
            f_end[fid_a] = te
            f_del[fid_a] = f_size[fid_a]
            np.add.at(self.carried, own, -r * (t1 - te))
            np.add.at(self.count, own, -1.0)
            ended += len(fids)
            self._dirty_domains.update(np.unique(self.domain[due]).tolist())
        # stream ends
        ends = self._stream_ends
        while ends and ends[0][0] <= t1 + 1e-12:
            t_end, fid = heapq.heappop(ends)
            c = int(cls_of[fid])
            te_c = max(t_end, t0)
            v_end = v_start[c] + rate[c] * (te_c - t0)
            d_end = d_start[c] + (te_c - t0 if deg_rate[c] else 0.0)
            f_del[fid] = v_end - f_v0[fid]
            f_deg[fid] = d_end - f_d0[fid]
            # The class integrals ran the whole step with this flow counted; take back
            # what it did not use after its end.
            self.carried[c] -= rate[c] * (t1 - te_c)
            self.offered[c] -= self.demand[c] * (t1 - te_c)
            self.count[c] -= 1
            self._open_rate[c] -= self.demand[c]
            ended += 1
            self._dirty_domains.add(int(self.domain[c]))
        self.ended_total += ended
        return ended

    # ------------------------------------------------------------------ rates
    def _solve(self, cls: IntArray, cap: FloatArray) -> tuple[FloatArray, FloatArray]:
        p = self.path[cls]
        mask = p >= 0
        lengths = mask.sum(axis=1)
        ptr = np.zeros(len(cls) + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        res = p[mask]
        coef = self.coef[cls][mask]
        w = self.weight[cls][mask]
        a = max_min_allocation(
            ptr, res, coef, cap, self.demand[cls], count=self.count[cls], weight=w
        )
        return a.rates, a.usage

    def _usage_of(
        self, cls: IntArray, rate: FloatArray, count: FloatArray | None = None
    ) -> FloatArray:
        p = self.path[cls]
        mask = p >= 0
        cnt = self.count[cls] if count is None else count
        amount = (cnt * rate)[:, None] * self.coef[cls]
        out: FloatArray = np.bincount(
            p[mask], weights=amount[mask], minlength=len(self.capacity)
        ).astype(np.float64)
        return out

    def reallocate(self, *, force_global: bool = False) -> None:
        """Recompute rates after changes (all classes if exact or ``force_global``)."""
        n = self._n_cls
        if not self._dirty_domains and not force_global:
            return
        self.reallocations += 1
        active = np.flatnonzero(self.count[:n] > 0)
        if self.exact or force_global or self._district_saturated:
            # While a district resource is full, any change moves every building's share.
            self._global(active)
            return
        doms = np.fromiter(self._dirty_domains, dtype=np.int64)
        self._dirty_domains.clear()
        dirty = np.zeros(int(self.domain[:n].max()) + 1 if n else 1, dtype=bool)
        dirty[doms[doms < len(dirty)]] = True
        in_dirty = dirty[self.domain[:n]]
        comp = active[in_dirty[active]]
        old = np.flatnonzero(in_dirty & (self.solved[:n] > 0))
        old_usage = self._usage_of(old, self.rate[old], self.solved[old]) if len(old) else 0.0
        self.rate[old] = 0.0
        self.solved[old] = 0.0
        if not len(comp):
            self.usage = np.maximum(self.usage - old_usage, 0.0)
            return
        base = np.maximum(self.usage - old_usage, 0.0)
        members = np.zeros(n, dtype=bool)
        members[comp] = True
        for _ in range(8):
            rates, new_usage = self._solve(comp, np.maximum(self.capacity - base, 0.0))
            total = base + new_usage
            touched = np.zeros(len(self.capacity), dtype=bool)
            pc = self.path[comp]
            touched[pc[pc >= 0]] = True
            sat = touched & ~self.district & (total >= self.capacity * _SAT)
            # Grow through saturated building resources shared with classes outside.
            outside = active[~members[active]]
            if not sat.any() or not len(outside):
                break
            po = self.path[outside]
            hit = np.zeros(po.shape, dtype=bool)
            ok = po >= 0
            hit[ok] = sat[po[ok]]
            extra = outside[hit.any(axis=1)]
            if not len(extra):
                break
            base = np.maximum(
                base - self._usage_of(extra, self.rate[extra], self.solved[extra]), 0.0
            )
            members[extra] = True
            comp = np.concatenate([comp, extra])
        full = self.district & (base + new_usage >= self.capacity * _SAT)
        if full.any():
            # A district resource filled up: every building's share of it changes.
            self._global(active)
            return
        self.rate[comp] = rates
        self.solved[comp] = self.count[comp]
        self.usage = base + new_usage
        self._district_saturated = False

    def _global(self, active: IntArray) -> None:
        self._dirty_domains.clear()
        self.global_solves += 1
        self.rate[: self._n_cls] = 0.0
        self.solved[: self._n_cls] = 0.0
        if len(active):
            rates, usage = self._solve(active, self.capacity)
            self.rate[active] = rates
            self.solved[active] = self.count[active]
            self.usage = usage
        else:
            self.usage = np.zeros(len(self.capacity))
        self._district_saturated = bool(
            np.any(self.district & (self.usage >= self.capacity * _SAT))
        )

    @property
    def district_saturated(self) -> bool:
        """True when a district-wide resource was full at the last solve."""
        return self._district_saturated

    # ------------------------------------------------------------------ accounting
    def flush(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Carried and offered megabits per resource since the last flush.

        Returns
        -------
        tuple
            ``(carried_mb, used, offered_mb)`` per resource: megabits carried, capacity
            used (resource units x seconds; equals carried megabits on links and airtime
            seconds on an airtime budget) and megabits offered.
        """
        n = self._n_cls
        p = self.path[:n]
        mask = p >= 0
        res = p[mask]
        nr = len(self.capacity)
        car = np.broadcast_to(self.carried[:n, None], p.shape)[mask]
        off = np.broadcast_to(self.offered[:n, None], p.shape)[mask]
        carried: FloatArray = np.bincount(res, weights=car, minlength=nr).astype(np.float64)
        used: FloatArray = np.bincount(res, weights=car * self.coef[:n][mask], minlength=nr).astype(
            np.float64
        )
        offered: FloatArray = np.bincount(res, weights=off, minlength=nr).astype(np.float64)
        self.carried[:n] = 0.0
        self.offered[:n] = 0.0
        return carried, used, offered

    def open_flows(self) -> int:
        """Flows still active."""
        return int(self.count[: self._n_cls].sum())

    def close_open(self) -> None:
        """Record what open flows delivered so far (their end stays ``nan``)."""
        lg = self.log
        f = lg._f
        for c in np.flatnonzero(self.count[: self._n_cls] > 0).tolist():
            for _mark, fid in self._heaps[c]:
                f["delivered_mb"][fid] = float(self.V[c]) - f["v0"][fid]
        for _te, fid in self._stream_ends:
            c = int(lg._cls[fid])
            f["delivered_mb"][fid] = float(self.V[c]) - f["v0"][fid]
            f["degraded_s"][fid] = float(self.D[c]) - f["d0"][fid]
