"""Fluid flows on shared resources: classes of identical flows, their rates and completions.

Flows with the same path, coefficients, weights and demand are interchangeable, so the
state is kept per *flow class*: ``count`` active flows, each at the class's per-flow rate.
Within a class elastic flows share like a processor-sharing queue, so one number per class
tracks every flow's progress: the *attained service* ``V`` (megabits one flow of the class
has received since the start). A flow that arrives when the class is at ``V0`` with ``s``
megabits to move finishes when ``V`` reaches ``V0 + s``. Streams end at a fixed time; their
delivered bits are ``V(end) - V0`` and their degraded seconds ``D(end) - D0``, where ``D``
integrates the time the class's rate is below the stream's minimum.

Rates are max-min fair (:mod:`netplan.sim.allocator`; the per-tick work runs compiled in
:mod:`netplan.sim.kernels`). ``exact=True`` recomputes the whole network after every change
(a classical event-driven fluid model); otherwise the owner calls
:meth:`FluidNetwork.reallocate` (or :meth:`FluidNetwork.run_ticks`) on a tick, which
re-solves only the classes a change can affect: the classes of every dirty contention
domain, grown through every building resource they share that is saturated after the
change or was before it, with the capacity the other classes leave. Buildings only meet
at district-wide resources (core, content filter, ISP): while none of those is full a
change in one building cannot move another's rates, so the local re-solve is exact; when
one is (or becomes) full, every class is re-solved together.
A stream that gets its whole demand on resources that all stay below saturation is nobody's
bottleneck, so (unless ``exact``) it starts and ends without any re-solve: only its
class's usage changes. A re-solve holds the streams at their demand first and visits only
the ones whose count changed (see :func:`netplan.sim.kernels.reallocate`). The buildings
of a tick are re-solved side by side on numba's threads; each sees the district resources
as the tick began, so the result does not depend on how many threads there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from netplan.sim import kernels

__all__ = ["FlowLog", "FluidNetwork"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_SAT = kernels.SAT  # usage/capacity above which a resource counts as saturated
_GROW = 1.5
_MAX_THREADS = 8  # at most this many buildings re-solved side by side
_PAR_MIN_DOMAINS = 128  # fewer dirty domains in a tick are re-solved in one thread


def _solver_threads() -> int:
    """How many buildings may be re-solved side by side: one per numba thread, at most
    :data:`_MAX_THREADS` (``NUMBA_NUM_THREADS`` sets the threads)."""
    return max(1, min(_MAX_THREADS, numba.get_num_threads()))


@contextmanager
def _solver_pool(walk: tuple[IntArray, IntArray, int]) -> Iterator[None]:
    """While the kernels run in this thread: as many numba threads as ``walk`` has rows,
    and the buildings' re-solves handed to them one at a time (chunks of one)."""
    old = numba.get_num_threads()
    numba.set_num_threads(min(old, len(walk[0])))
    try:
        with numba.parallel_chunksize(1):
            yield
    finally:
        numba.set_num_threads(old)


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

    def ensure(self, k: int) -> None:
        """Make room for ``k`` more flows (the kernels log them)."""
        need = self.n + k
        if need > len(self._cls):
            cap = max(need, 2 * len(self._cls))
            self._cls = np.resize(self._cls, cap)
            self._app = np.resize(self._app, cap)
            self._stream = np.resize(self._stream, cap)
            for key, arr in self._f.items():
                new = np.full(cap, np.nan)
                new[: self.n] = arr[: self.n]
                self._f[key] = new

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
    rebalance_ticks
        0 (default): while a district resource is full every re-solve covers every class.
        ``k > 0``: a full district resource is shared out among the buildings in quotas
        (what each used at the last global solve); re-solves between stay local and
        within the quotas, and a global solve re-balances every ``k`` ticks.
    """

    demand: FloatArray
    min_rate: FloatArray
    is_stream: NDArray[np.bool_]
    domain: IntArray
    count: FloatArray
    rate: FloatArray
    solved: FloatArray
    V: FloatArray
    D: FloatArray
    carried: FloatArray
    offered: FloatArray
    _open_rate: FloatArray
    cls_bld: IntArray
    _dom_next: IntArray
    _dom_prev: IntArray
    _bld_next: IntArray
    _act_bits: NDArray[np.uint64]
    _member: NDArray[np.bool_]
    _t_next: IntArray

    _CLASS_ARRAYS: tuple[tuple[str, Any, float | int | bool], ...] = (
        ("demand", np.float64, 0.0),
        ("min_rate", np.float64, 0.0),
        ("is_stream", np.bool_, False),
        ("domain", np.int64, 0),
        ("count", np.float64, 0.0),
        ("rate", np.float64, 0.0),
        ("solved", np.float64, 0.0),  # flows per class when its rate was last solved
        ("V", np.float64, 0.0),  # attained service per flow (Mb)
        ("D", np.float64, 0.0),  # degraded seconds per flow (streams)
        ("carried", np.float64, 0.0),  # integral of count*rate (Mb) since last flush
        ("offered", np.float64, 0.0),  # Mb offered since last flush
        ("_open_rate", np.float64, 0.0),  # demand of open streams per class
        ("cls_bld", np.int64, 0),  # building (group) of the class
        ("_dom_next", np.int64, -1),  # next live class of the same domain (-1: last)
        ("_dom_prev", np.int64, -2),  # previous one (-1: first; -2: not on the chain)
        ("_bld_next", np.int64, -1),  # next class of the same building
        ("_member", np.bool_, False),  # solver scratch
        ("_t_next", np.int64, -2),  # next changed stream of the domain (-2: not listed)
    )

    def __init__(
        self,
        capacity: FloatArray,
        district: NDArray[np.bool_] | None = None,
        *,
        max_path: int = 12,
        exact: bool = True,
        rebalance_ticks: int = 0,
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
        for name, dtype, fill in self._CLASS_ARRAYS:
            setattr(self, name, np.full(cap, fill, dtype=dtype))
        self._act_bits = np.zeros(cap // 64, dtype=np.uint64)  # bit c: class c has open flows
        # buildings are re-solved side by side on numba's threads (one scratch row per
        # thread, see kernels._solve_buildings); the results do not depend on how many
        self.solver_threads = rows = _solver_threads()
        self._walk = np.zeros((2, rows, cap), dtype=np.int64)  # a thread's walk's classes
        self._keys: dict[object, int] = {}
        # deferred class creation (see :meth:`defer_classes`): ids handed out, specs waiting
        self._deferred = False
        self._n_ids = 0
        self._pending: list[tuple[Any, ...]] = []
        self._dirty = np.zeros(16, dtype=bool)  # per contention domain
        self.usage = np.zeros(n_res)  # capacity used (resource units)
        self._loc = np.full((rows, n_res), -1, dtype=np.int64)  # solver scratch
        self._glob = np.zeros((rows, n_res), dtype=np.int64)
        # district resources: index k of each (-1 elsewhere), usage and quota per building
        self.rebalance_ticks = int(rebalance_ticks)
        self._since = 0
        self._dist_k = np.full(n_res, -1, dtype=np.int64)
        self._dist_k[self.district] = np.arange(int(self.district.sum()))
        n_dk = max(1, int(self.district.sum()))
        self._bu = np.zeros((4, n_dk))
        self._quota = np.zeros((4, n_dk))
        self._q_on = np.zeros(n_dk, dtype=bool)
        self._n_bld = 1
        # resources crossed by classes of more than one contention domain
        self._res_dom = np.full(n_res, -1, dtype=np.int64)
        self._res_shared = np.zeros(n_res, dtype=bool)
        self._res_bld = np.full(n_res, -1, dtype=np.int64)  # building; -2 if several
        self._dist_res = np.flatnonzero(self.district).astype(np.int64)
        self._sat = np.zeros((rows, n_res), dtype=bool)  # solver scratch
        self._was_full = np.zeros(n_res, dtype=bool)  # solver scratch
        self._dom_mark = np.zeros(16, dtype=bool)  # solver scratch: marked a full resource
        self._q_res = np.full((rows, n_res), np.nan)
        self._lev = np.full((rows, n_res), -1.0)  # scratch of the stream check (kernels)
        self._smax = np.zeros(n_res)  # largest demand / weight of a stream class crossing
        # chains of the classes of each domain and building (first, last; -1: none)
        self._dom_head = np.full(16, -1, dtype=np.int64)  # first live elastic class of a domain
        self._sdom_head = np.full(16, -1, dtype=np.int64)  # first live stream class
        self._held = np.ones(16, dtype=bool)  # all its (unchanged) streams have their demand
        self._t_head = np.full(16, -1, dtype=np.int64)  # first changed stream class
        # building resources of each domain's classes (-1 after the last), the largest
        # weighted demand of its stream classes on each (0: none crosses it) and the usage
        # at which each counts as saturated; the same largest demand on each district
        # resource (column: its index in _dist_res)
        self._dom_res = np.full((16, 8), -1, dtype=np.int64)
        self._dom_smax = np.zeros((16, 8))
        self._dom_thr = np.zeros((16, 8))
        self._dom_dsmax = np.zeros((16, n_dk))
        self._dom_slot: dict[tuple[int, int], int] = {}  # (domain, resource) -> column
        # (domain, building, resource) -> largest weighted stream demand noted (0: elastic)
        self._seen: dict[tuple[int, int, int], float] = {}
        self._bld_head = np.full(4, -1, dtype=np.int64)
        self._bld_tail = np.full(4, -1, dtype=np.int64)
        # open flows: elastic (flow id, class, finishing mark) and streams (id, class, end)
        self._oe_fid = np.zeros(cap, dtype=np.int64)
        self._oe_cls = np.zeros(cap, dtype=np.int64)
        self._oe_mark = np.zeros(cap)
        self._n_oe = 0
        self._os_fid = np.zeros(cap, dtype=np.int64)
        self._os_cls = np.zeros(cap, dtype=np.int64)
        self._os_end = np.zeros(cap)
        self._n_os = 0
        self.log = FlowLog.empty()
        self.reallocations = 0
        self.retired = 0  # finished flows removed from the log by retire()
        self.ended_total = 0  # flows ended so far
        self.global_solves = 0
        self._district_saturated = False

    # ------------------------------------------------------------------ classes
    @property
    def n_classes(self) -> int:
        """Number of flow classes created so far."""
        return self._n_ids

    def defer_classes(self) -> None:
        """From now on :meth:`class_id` only hands out ids; the classes' arrays are
        written by :meth:`add_classes` with the specs :meth:`take_pending` returns.

        This lets one thread name classes (drawing sessions) while another runs the
        flows: the flow arrays are then touched by that second thread only.
        """
        self._deferred = True

    def take_pending(self) -> list[tuple[Any, ...]]:
        """The classes named since the last call, in id order (deferred mode)."""
        out, self._pending = self._pending, []
        return out

    def add_classes(self, specs: list[tuple[Any, ...]]) -> None:
        """Write the arrays of classes named in deferred mode (:meth:`take_pending`)."""
        for spec in specs:
            self._materialize(*spec)

    def _grow(self) -> None:
        cap = int(len(self.demand) * _GROW) + 16
        old = len(self.demand)

        def ext(a: NDArray[Any], fill: float | int | bool) -> NDArray[Any]:
            shape = (cap, *a.shape[1:])
            out = np.full(shape, fill, dtype=a.dtype)
            out[:old] = a
            return out

        self.path = ext(self.path, -1)
        self.coef = ext(self.coef, 0.0)
        self.weight = ext(self.weight, 1.0)
        for name, _dtype, fill in self._CLASS_ARRAYS:
            setattr(self, name, ext(getattr(self, name), fill))
        walk = np.zeros((2, self.solver_threads, cap), dtype=np.int64)
        walk[:, :, :old] = self._walk
        self._walk = walk
        bits = np.zeros(-(-cap // 64), dtype=np.uint64)
        bits[: len(self._act_bits)] = self._act_bits
        self._act_bits = bits

    def class_id(
        self,
        key: object,
        path: tuple[int, ...] | list[int],
        coef: tuple[float, ...],
        *,
        weight: tuple[float, ...] | None = None,
        demand: float = np.inf,
        min_rate: float = 0.0,
        stream: bool = False,
        domain: int = 0,
        group: int = 0,
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
        group
            Building (numbered from 0) the class belongs to, for district quotas.
        """
        c = self._keys.get(key)
        if c is not None:
            return c
        if len(path) > self.max_path:
            raise ValueError(f"path longer than {self.max_path} resources")
        c = self._n_ids
        self._n_ids += 1
        self._keys[key] = c
        spec = (path, coef, weight, demand, min_rate, stream, domain, group)
        if self._deferred:
            self._pending.append(spec)
        else:
            self._materialize(*spec)
        return c

    def _materialize(
        self,
        path: tuple[int, ...] | list[int],
        coef: tuple[float, ...],
        weight: tuple[float, ...] | None,
        demand: float,
        min_rate: float,
        stream: bool,
        domain: int,
        group: int,
    ) -> None:
        """Write the next class's arrays (see :meth:`class_id`)."""
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
        self.cls_bld[c] = group
        if group >= self._n_bld:
            self._n_bld = group + 1
            if group >= len(self._bu):
                rows = max(group + 1, 2 * len(self._bu))
                self._bu = np.vstack(
                    [self._bu, np.zeros((rows - len(self._bu), self._bu.shape[1]))]
                )
                self._quota = np.vstack(
                    [self._quota, np.zeros((rows - len(self._quota), self._quota.shape[1]))]
                )
        if domain >= len(self._dirty):  # per-domain arrays
            extra = max(domain + 1, 2 * len(self._dirty)) - len(self._dirty)
            self._dirty = np.concatenate([self._dirty, np.zeros(extra, dtype=bool)])
            self._dom_head = np.concatenate([self._dom_head, np.full(extra, -1, dtype=np.int64)])
            self._sdom_head = np.concatenate([self._sdom_head, np.full(extra, -1, np.int64)])
            self._t_head = np.concatenate([self._t_head, np.full(extra, -1, dtype=np.int64)])
            self._held = np.concatenate([self._held, np.ones(extra, dtype=bool)])
            self._dom_mark = np.concatenate([self._dom_mark, np.zeros(extra, dtype=bool)])
            width = self._dom_res.shape[1]
            self._dom_res = np.vstack([self._dom_res, np.full((extra, width), -1, np.int64)])
            self._dom_smax = np.vstack([self._dom_smax, np.zeros((extra, width))])
            self._dom_thr = np.vstack([self._dom_thr, np.zeros((extra, width))])
            self._dom_dsmax = np.vstack(
                [self._dom_dsmax, np.zeros((extra, self._dom_dsmax.shape[1]))]
            )
        seen = self._seen
        for j, r in enumerate(path):
            wd = 0.0  # weighted demand of a stream on r
            if stream:
                w = 1.0 if weight is None else float(weight[j])
                wd = demand / w
            # a resource already noted for this domain and building, with a demand at
            # least as large, changes none of what follows
            key = (domain, group, r)
            noted = seen.get(key)
            if noted is not None and wd <= noted:
                continue
            seen[key] = wd
            if stream:
                self._smax[r] = max(self._smax[r], wd)
            self._dom_resource(domain, int(r), wd)
            if self._res_bld[r] == -1:
                self._res_bld[r] = group
            elif self._res_bld[r] != group:
                self._res_bld[r] = -2
            if self._res_dom[r] == -1:
                self._res_dom[r] = domain
            elif self._res_dom[r] != domain:
                self._res_shared[r] = True
        self._bld_head, self._bld_tail = self._chain(
            self._bld_head, self._bld_tail, self._bld_next, group, c
        )

    def _dom_resource(self, domain: int, r: int, smax: float) -> None:
        """Note that a class of ``domain`` crosses resource ``r`` (a stream with weighted
        demand ``smax``; 0 for an elastic class)."""
        if self.district[r]:
            k = self._dist_k[r]
            self._dom_dsmax[domain, k] = max(self._dom_dsmax[domain, k], smax)
            return
        j = self._dom_slot.get((domain, r))
        if j is None:
            row = self._dom_res[domain]
            j = int(np.argmax(row < 0)) if row[-1] < 0 else len(row)
            if j == len(row):  # widen
                extra = len(row)
                self._dom_res = np.hstack(
                    [self._dom_res, np.full((len(self._dom_res), extra), -1, np.int64)]
                )
                self._dom_smax = np.hstack([self._dom_smax, np.zeros((len(self._dom_smax), extra))])
                self._dom_thr = np.hstack([self._dom_thr, np.zeros((len(self._dom_thr), extra))])
            self._dom_res[domain, j] = r
            self._dom_thr[domain, j] = self.capacity[r] * _SAT
            self._dom_slot[(domain, r)] = j
        if smax > self._dom_smax[domain, j]:
            self._dom_smax[domain, j] = smax

    @staticmethod
    def _chain(
        head: IntArray, tail: IntArray, nxt: IntArray, key: int, c: int
    ) -> tuple[IntArray, IntArray]:
        """Append class ``c`` to the chain of ``key`` (growing the head/tail arrays)."""
        if key >= len(head):
            size = max(key + 1, 2 * len(head))
            head = np.concatenate([head, np.full(size - len(head), -1, dtype=np.int64)])
            tail = np.concatenate([tail, np.full(size - len(tail), -1, dtype=np.int64)])
        if tail[key] < 0:
            head[key] = c
        else:
            nxt[tail[key]] = c
        tail[key] = c
        return head, tail

    # ------------------------------------------------------------------ flows
    def _room(self, k: int) -> None:
        """Room for ``k`` more logged and open flows."""
        self.log.ensure(k)
        need = max(self._n_oe, self._n_os) + k
        if need > len(self._oe_fid):
            cap = max(need, int(len(self._oe_fid) * 1.6))
            for name in ("_oe_fid", "_oe_cls", "_oe_mark", "_os_fid", "_os_cls", "_os_end"):
                setattr(self, name, np.resize(getattr(self, name), cap))

    def _log_arrays(self) -> dict[str, NDArray[Any]]:
        lg = self.log
        f = lg._f
        return {
            "l_cls": lg._cls,
            "l_app": lg._app,
            "l_stream": lg._stream,
            "l_start": f["start_s"],
            "l_size": f["size_mb"],
            "l_end": f["end_s"],
            "l_del": f["delivered_mb"],
            "l_deg": f["degraded_s"],
            "l_v0": f["v0"],
            "l_d0": f["d0"],
        }

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
        self._room(k)
        t = self.t
        a_time = np.minimum(np.asarray(start_s, dtype=np.float64), t)
        a_cls = np.asarray(cls, dtype=np.int64)
        a_amt = np.asarray(amount, dtype=np.float64)
        a_stream = np.asarray(stream, dtype=bool)
        a_app = np.asarray(app, dtype=np.int32)
        la = self._log_arrays()
        lo = self.log.n
        hi = kernels.admit(
            t, a_time, a_cls, a_amt, a_stream, a_app, 0, k, lo, la["l_cls"], la["l_app"],
            la["l_stream"], la["l_start"], la["l_size"], la["l_end"], self.count,
            self._open_rate, self.demand, self.domain, self._dirty, self._act_bits,
            self._dom_head, self._dom_next, self._dom_prev, not self.exact,
            self._fast_state(), self._streams_state(),
        )  # fmt: skip
        self.log.n = hi
        self._n_oe, self._n_os = kernels.start(
            t, lo, hi, la["l_cls"], la["l_stream"], la["l_start"], la["l_size"], la["l_end"],
            la["l_v0"], la["l_d0"], self.rate, self.V, self.D, self.min_rate, self.demand,
            self.carried, self.offered, self._oe_fid, self._oe_cls, self._oe_mark, self._n_oe,
            self._os_fid, self._os_cls, self._os_end, self._n_os,
        )  # fmt: skip

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

    def run_ticks(
        self,
        grid0: float,
        tick: float,
        k0: int,
        k1: int,
        arrivals: tuple[FloatArray, IntArray, FloatArray, NDArray[np.bool_], NDArray[np.int32]],
        i0: int,
    ) -> int:
        """Run ticks ``k0 .. k1 - 1`` (tick ``k`` starts at ``grid0 + k * tick``).

        Each tick admits the flows of ``arrivals`` (sorted ``times, classes, amounts,
        stream flags, apps``, from index ``i0``) asked for before the tick's end, re-solves
        what changed, starts each new flow at its own arrival time (a flow asked for
        before the tick waits until it) and advances to the tick's end.

        Returns
        -------
        int
            Index of the first arrival not yet admitted.
        """
        if k1 <= k0:
            return i0
        a_time, a_cls, a_amt, a_stream, a_app = arrivals
        t_stop = grid0 + k1 * tick
        n_new = int(np.searchsorted(a_time, t_stop, side="left")) - i0
        self._room(max(n_new, 0))
        la = self._log_arrays()
        walk = self._walk_rows()
        with _solver_pool(walk):
            out = kernels.run_ticks(
                float(grid0), float(tick), int(k0), int(k1), a_time, a_cls, a_amt, a_stream,
                a_app, int(i0), len(a_time), self.log.n, la["l_cls"], la["l_app"], la["l_stream"],
                la["l_start"], la["l_size"], la["l_end"], la["l_del"], la["l_deg"], la["l_v0"],
                la["l_d0"], self._n_cls, self.path, self.coef, self.weight, self.demand,
                self.min_rate, self.is_stream, self.domain, self.count, self.rate, self.solved,
                self.V, self.D, self.carried, self.offered, self._open_rate, self.capacity,
                self.district, self.usage, self._dirty, self._district_saturated, self._loc,
                self._glob, self._oe_fid, self._oe_cls, self._oe_mark, self._n_oe, self._os_fid,
                self._os_cls, self._os_end, self._n_os, self.cls_bld, self._dist_k, self._bu,
                self._quota, self._q_on, self._n_bld, self._res_shared, self.rebalance_ticks,
                self._since, self._dom_head, self._dom_next, self._dom_prev, self._dist_res,
                self._member,
                self._sat, self._q_res, self._res_bld, self._bld_head, self._bld_next,
                self._act_bits, not self.exact, self._lev, self._smax,
                self._dom_state(), walk, self._streams_state(),
            )  # fmt: skip
        i0, log_n, n_oe, n_os, dist_sat, n_re, n_gl, ended, since = out
        self._since = int(since)
        self.log.n = int(log_n)
        self._n_oe, self._n_os = int(n_oe), int(n_os)
        self._district_saturated = bool(dist_sat)
        self.reallocations += int(n_re)
        self.global_solves += int(n_gl)
        self.ended_total += int(ended)
        self.t = grid0 + k1 * tick
        return int(i0)

    def _walk_rows(self) -> tuple[IntArray, IntArray, int]:
        """The threads' walk scratch, one row per thread the buildings' re-solves may use
        (see :func:`netplan.sim.kernels._solve_buildings`): one thread only while a
        resource other than a district one is crossed by classes of several buildings,
        since a re-solve may then grow into another building's classes."""
        rows = min(self.solver_threads, numba.get_num_threads())
        if bool(np.any((self._res_bld == -2) & ~self.district)):
            rows = 1
        return self._walk[0, :rows], self._walk[1, :rows], _PAR_MIN_DOMAINS

    def _fast_state(self) -> tuple[Any, ...]:
        """The arrays the kernels' no-re-solve path for streams reads and updates."""
        return (
            self.path, self.coef, self.rate, self.solved, self.usage, self.capacity,
            self.demand, self.count, self.cls_bld, self._dist_k, self._bu, self._quota,
            self._q_on,
        )  # fmt: skip

    def _dom_state(
        self,
    ) -> tuple[IntArray, FloatArray, NDArray[np.bool_], FloatArray, NDArray[np.bool_], FloatArray]:
        """Each domain's building resources, its streams' largest weighted demand on each,
        their saturation thresholds, the re-solves' scratch flags and the streams' largest
        weighted demand on each district resource (see
        :func:`netplan.sim.kernels._bound_holds`)."""
        return (
            self._dom_res, self._dom_smax, self._was_full, self._dom_thr, self._dom_mark,
            self._dom_dsmax,
        )  # fmt: skip

    def _streams_state(self) -> tuple[IntArray, NDArray[np.bool_], IntArray, IntArray]:
        """The domains' stream chains, held flags and lists of changed streams (see
        :func:`netplan.sim.kernels.reallocate`)."""
        return self._sdom_head, self._held, self._t_head, self._t_next

    # ------------------------------------------------------------------ time
    def next_completion(self) -> float:
        """Time of the next flow end at current rates (``inf`` if none)."""
        return float(
            kernels.next_completion(
                self.t,
                self._n_oe,
                self._oe_cls,
                self._oe_mark,
                self.V,
                self.rate,
                self._n_os,
                self._os_end,
            )
        )

    def advance(self, t1: float) -> int:
        """Move time to ``t1`` at current rates, ending every flow due by then.

        Flows end at their exact time within the step (rates are constant over it); the
        capacity they free is shared out at the next :meth:`reallocate`.

        Returns
        -------
        int
            Flows ended.
        """
        if t1 < self.t:
            return 0
        la = self._log_arrays()
        n_oe, n_os, ended = kernels.advance(
            self.t, float(t1), self.count, self.rate, self.V, self.D,
            self.carried, self.offered, self._open_rate, self.is_stream, self.min_rate,
            self.demand, self.domain, self._dirty, self._oe_fid, self._oe_cls, self._oe_mark,
            self._n_oe, self._os_fid, self._os_cls, self._os_end, self._n_os, la["l_end"],
            la["l_del"], la["l_deg"], la["l_size"], la["l_v0"], la["l_d0"], self._act_bits,
            not self.exact, self._fast_state(),
            self._streams_state(),
        )  # fmt: skip
        self._n_oe, self._n_os = int(n_oe), int(n_os)
        self.t = float(t1)
        self.ended_total += int(ended)
        return int(ended)

    # ------------------------------------------------------------------ rates
    @property
    def changed(self) -> bool:
        """True when flows arrived or ended since the last re-solve."""
        return bool(self._dirty.any())

    def reallocate(self, *, force_global: bool = False) -> None:
        """Recompute rates after changes (all classes if exact or ``force_global``)."""
        if not self.changed and not force_global:
            return
        self.reallocations += 1
        walk = self._walk_rows()
        with _solver_pool(walk):
            did_global, sat = kernels.reallocate(
                self._n_cls, self.count, self.domain, self._dirty, self.path, self.coef,
                self.weight, self.demand, self.capacity, self.district, self.usage, self.rate,
                self.solved, bool(self.exact or force_global), self._district_saturated,
                self._loc, self._glob, self.cls_bld, self._dist_k, self._bu, self._quota,
                self._q_on, self._n_bld, self._res_shared,
                self.rebalance_ticks > 0 and not self.exact,
                self._dom_head, self._dom_next, self._dom_prev, self._dist_res, self._member,
                self._sat, self._q_res, self._res_bld, self._bld_head, self._bld_next, self._lev,
                self._smax, self._dom_state(), walk,
                self._streams_state(),
            )  # fmt: skip
        self._district_saturated = bool(sat)
        if did_global:
            self.global_solves += 1
            self._since = 0

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
        carried, used, offered = kernels.flush(
            self._n_cls, self.path, self.coef, self.carried, self.offered, len(self.capacity)
        )
        return carried, used, offered

    @property
    def flows_total(self) -> int:
        """Flows admitted so far (retired ones included)."""
        return self.retired + len(self.log)

    def retire(self) -> dict[str, NDArray[Any]]:
        """Remove the finished flows from the log and return them.

        Open flows stay (their ids are renumbered). For long runs without per-flow
        records: the caller folds the returned flows into summary sums, so the log holds
        only the flows open or finished since the last call.

        Returns
        -------
        dict
            Columns ``cls, app, stream, start_s, size_mb, end_s, delivered_mb,
            degraded_s`` of the finished flows.
        """
        lg = self.log
        n = lg.n
        is_open = np.zeros(n, dtype=bool)
        oe = self._oe_fid[: self._n_oe]
        os_ = self._os_fid[: self._n_os]
        is_open[oe] = True
        is_open[os_] = True
        done = ~is_open
        f = lg._f
        rows: dict[str, NDArray[Any]] = {
            "cls": lg._cls[:n][done],
            "app": lg._app[:n][done],
            "stream": lg._stream[:n][done],
        }
        for key in ("start_s", "size_mb", "end_s", "delivered_mb", "degraded_s"):
            rows[key] = f[key][:n][done]
        new_id = np.cumsum(is_open) - 1
        k = int(is_open.sum())
        lg._cls[:k] = lg._cls[:n][is_open]
        lg._app[:k] = lg._app[:n][is_open]
        lg._stream[:k] = lg._stream[:n][is_open]
        for arr in f.values():
            arr[:k] = arr[:n][is_open]
            arr[k:n] = np.nan
        self._oe_fid[: self._n_oe] = new_id[oe]
        self._os_fid[: self._n_os] = new_id[os_]
        lg.n = k
        self.retired += n - k
        return rows

    def open_flows(self) -> int:
        """Flows still active."""
        return int(self.count[: self._n_cls].sum())

    def close_open(self) -> None:
        """Record what open flows delivered so far (their end stays ``nan``)."""
        f = self.log._f
        fid = self._oe_fid[: self._n_oe]
        f["delivered_mb"][fid] = self.V[self._oe_cls[: self._n_oe]] - f["v0"][fid]
        fid = self._os_fid[: self._n_os]
        cls = self._os_cls[: self._n_os]
        f["delivered_mb"][fid] = self.V[cls] - f["v0"][fid]
        f["degraded_s"][fid] = self.D[cls] - f["d0"][fid]
