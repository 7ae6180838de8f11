"""Driving a :class:`~netplan.sim.fluid.FluidNetwork` from a SimPy environment.

Two modes:

* ``tick_s == 0`` (exact): every arrival advances the fluid state to the arrival time,
  adds the flow and re-solves the rates; a timer wakes the driver at the next flow end.
  This is the classical event-driven fluid model the theory tests check.
* ``tick_s > 0``: arrivals are handed over as sorted arrays (:meth:`FluidDriver.enqueue`,
  at the bells registered with :meth:`FluidDriver.add_stops`). Each tick admits the flows
  asked for before its end, re-solves what changed and starts each new flow at its own
  arrival time, then ends the flows due (:meth:`FluidNetwork.run_ticks`). The ticks
  between two stops (a bell or a minute boundary) run in one compiled call, so a tick
  costs microseconds and a district-sized day stays fast.

Every ``minute_s`` the driver hands the carried/offered megabits per resource to
``on_minute``.

With ``pipeline=True`` (tick mode) the compiled ticks run in a second thread: at each
stop SimPy hands the segment's arrivals, the classes named since the last stop and the
minute's ``snapshot`` to that thread and goes on drawing the next sessions while the
flows run (the kernels release the GIL). The flow state is touched by that thread only;
the segments run in the same order on the same inputs, so the results are identical.
"""

from __future__ import annotations

import bisect
import math
import queue
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from netplan.sim.fluid import FluidNetwork

__all__ = ["FluidDriver", "MinuteSink"]

_NO_ARRIVALS = (
    np.zeros(0),
    np.zeros(0, dtype=np.int64),
    np.zeros(0),
    np.zeros(0, dtype=np.bool_),
    np.zeros(0, dtype=np.int32),
)

FloatArray = NDArray[np.float64]
MinuteSink = Callable[[int, FloatArray, FloatArray, FloatArray, Any], None]
_QUEUE_SEGMENTS = 8  # segments SimPy may run ahead of the flows (pipeline mode)


class FluidDriver:
    """Runs the fluid network's clock inside a SimPy environment.

    Parameters
    ----------
    env
        The SimPy environment.
    fluid
        The flow state.
    tick_s
        Re-solve interval (0 for exact event-driven mode).
    minute_s
        Width of the accounting buckets.
    on_minute
        Called with ``(bucket, carried_mb, used, offered_mb, snap)`` at each bucket's end
        (``snap``: what ``snapshot`` returned then).
    end_s
        End of the simulated window (tick mode stops there).
    snapshot
        Called in SimPy's thread when a bucket's last segment is handed over; its result
        goes to ``on_minute`` (state of the SimPy side at that moment).
    pipeline
        Tick mode: run the flows in a second thread (see the module notes); call
        :meth:`finish` after the SimPy run.
    on_idle
        Pipeline mode: called in SimPy's thread before each hand-over, again and again
        while it waits for room, and at :meth:`finish` (work the flow thread leaves to
        SimPy's thread, such as folding finished flows into sums).
    """

    def __init__(
        self,
        env: simpy.Environment,
        fluid: FluidNetwork,
        *,
        tick_s: float = 0.0,
        minute_s: float = 60.0,
        on_minute: MinuteSink | None = None,
        end_s: float = math.inf,
        snapshot: Callable[[], Any] | None = None,
        pipeline: bool = False,
        on_idle: Callable[[], None] | None = None,
    ) -> None:
        self.env = env
        self.fluid = fluid
        self.tick_s = float(tick_s)
        self.minute_s = float(minute_s)
        self.on_minute = on_minute
        self._gen = 0
        self._batches: list[list[Any]] = []  # [times, cls, amount, stream, app, next index]
        self._stops: set[float] = set()
        self._stop_list: list[int] | None = None
        self.end_s = float(end_s)
        self.snapshot = snapshot
        self.on_idle = on_idle
        self.events = 0
        fluid.t = float(env.now)
        self._bucket0 = float(env.now)
        self._jobs: queue.Queue[tuple[Any, ...] | None] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if self.tick_s > 0:
            if pipeline:
                fluid.defer_classes()
                self._jobs = queue.Queue(maxsize=_QUEUE_SEGMENTS)
                self._thread = threading.Thread(
                    target=self._work, name="netplan-flows", daemon=True
                )
                self._thread.start()
            env.process(self._ticker())
        else:
            env.process(self._minutes())

    # ------------------------------------------------------------------ arrivals
    def start_elastic(self, cls: int, size_mb: float, app: int = 0) -> None:
        """A transfer of ``size_mb`` megabits in class ``cls`` arrives now.

        In tick mode it is enqueued; it starts on time only when called at a time
        registered with :meth:`add_stops` (otherwise at the next stop, its wait counted).
        """
        if self.tick_s > 0:
            self._enqueue_one(cls, size_mb, False, app)
            return
        self.fluid.advance(float(self.env.now))
        self.fluid.add_elastic(cls, size_mb, app)
        self._changed()

    def start_stream(self, cls: int, duration_s: float, app: int = 0) -> None:
        """A stream of class ``cls`` lasting ``duration_s`` seconds arrives now (tick mode:
        as :meth:`start_elastic`)."""
        if self.tick_s > 0:
            self._enqueue_one(cls, duration_s, True, app)
            return
        self.fluid.advance(float(self.env.now))
        self.fluid.add_stream(cls, duration_s, app)
        self._changed()

    def _enqueue_one(self, cls: int, amount: float, stream: bool, app: int) -> None:
        self.enqueue(
            np.array([float(self.env.now)]),
            np.array([cls], dtype=np.int64),
            np.array([amount]),
            np.array([stream]),
            np.array([app], dtype=np.int64),
        )

    def enqueue(
        self,
        times: FloatArray,
        cls: NDArray[np.int64],
        amount: FloatArray,
        stream: NDArray[np.bool_],
        app: NDArray[np.integer[Any]],
    ) -> None:
        """Flows asked for at sorted future ``times`` (tick mode: admitted at the ticks
        after their times without one SimPy event each)."""
        if len(times):
            self._batches.append([times, cls, amount, stream, app, 0])

    # ------------------------------------------------------------------ exact mode
    def _changed(self) -> None:
        self.fluid.reallocate()
        self._gen += 1
        t_next = self.fluid.next_completion()
        if math.isfinite(t_next):
            gen = self._gen
            ev = self.env.timeout(max(t_next - float(self.env.now), 0.0))
            ev.callbacks.append(partial(self._on_timer, gen))

    def _on_timer(self, gen: int, _event: object = None) -> None:
        if gen != self._gen:
            return
        self.events += 1
        self.fluid.advance(float(self.env.now))
        self._changed()

    def _minutes(self) -> Any:
        k = 0
        while True:
            yield self.env.timeout(self.minute_s)
            self.fluid.advance(float(self.env.now))
            self._emit(k, self.snapshot() if self.snapshot is not None else None)
            k += 1
            # Advancing may have ended flows exactly at the boundary.
            if self.fluid.changed:
                self._changed()

    # ------------------------------------------------------------------ tick mode
    def add_stops(self, times: list[float] | NDArray[np.float64]) -> None:
        """Times (bells) at which arrivals will be enqueued (tick mode).

        The driver runs the ticks between stops in one compiled call; it stops at the
        first tick at or after each of these times so that the flows enqueued then are
        admitted on time.
        """
        self._stops.update(float(t) for t in times)
        self._stop_list = None

    def _next_stop(self, k: int) -> float:
        """First stop tick after tick ``k`` (``inf`` if none)."""
        if self._stop_list is None:
            g0, tick = self._bucket0, self.tick_s
            self._stop_list = sorted(
                {max(0, math.ceil((t - g0) / tick - 1e-9)) for t in self._stops}
            )
        i = bisect.bisect_right(self._stop_list, k)
        return self._stop_list[i] if i < len(self._stop_list) else math.inf

    def _ticker(self) -> Any:
        per_minute = max(1, round(self.minute_s / self.tick_s))
        g0, tick = self._bucket0, self.tick_s
        end_k = (
            math.floor((self.end_s - g0) / tick + 1e-9) if math.isfinite(self.end_s) else math.inf
        )
        k = 0
        yield self.env.timeout(0)  # the bells at the start enqueue first
        while k < end_k:
            nxt = int(min((k // per_minute + 1) * per_minute, self._next_stop(k), end_k))
            bucket = nxt // per_minute - 1 if nxt % per_minute == 0 else -1
            snap = self.snapshot() if bucket >= 0 and self.snapshot is not None else None
            job = (k, nxt, self._take(g0 + nxt * tick), bucket, snap)
            if self._jobs is not None:
                self._submit((self.fluid.take_pending(), *job))
            else:
                self._segment(*job)
            self.events += nxt - k
            k = nxt
            yield self.env.timeout(g0 + k * tick - self.env.now)
            yield self.env.timeout(0)  # bells at this time enqueue before the next ticks

    def _segment(self, k: int, nxt: int, arrivals: tuple[Any, ...], bucket: int, snap: Any) -> None:
        """Run ticks ``k .. nxt - 1`` on ``arrivals``; close bucket ``bucket`` (if >= 0)."""
        self.fluid.run_ticks(self._bucket0, self.tick_s, k, nxt, arrivals, 0)
        if bucket >= 0:
            self._emit(bucket, snap)

    # ------------------------------------------------------------------ pipeline
    def _submit(self, job: tuple[Any, ...]) -> None:
        assert self._jobs is not None
        wait = 0.5 if self.on_idle is None else 0.02
        while True:
            if self._error is not None:
                raise self._error
            if self.on_idle is not None:
                self.on_idle()
            try:
                self._jobs.put(job, timeout=wait)
                return
            except queue.Full:
                continue

    def _work(self) -> None:
        assert self._jobs is not None
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if self._error is not None:
                continue  # drain after a failure
            try:
                self.fluid.add_classes(job[0])
                self._segment(*job[1:])
            except BaseException as exc:  # handed to SimPy's thread by _submit/finish
                self._error = exc

    def finish(self) -> None:
        """Wait for the flow thread to run every segment handed over (pipeline mode) and
        write the classes named since; re-raises the thread's error, if any."""
        self.stop()
        if self._error is not None:
            raise self._error
        self.fluid.add_classes(self.fluid.take_pending())
        if self.on_idle is not None:
            self.on_idle()

    def stop(self) -> None:
        """Let the flow thread finish the segments handed over and end (pipeline mode;
        also after a failure on the SimPy side, so that no thread is left waiting)."""
        if self._thread is not None and self._jobs is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
            self._jobs = None

    def _take(self, t_stop: float) -> tuple[Any, ...]:
        """The enqueued flows asked for before ``t_stop``, merged in time order."""
        parts = []
        keep = []
        for b in self._batches:
            times, i0 = b[0], b[5]
            i1 = int(np.searchsorted(times, t_stop, side="left"))
            if i1 > i0:
                parts.append([a[i0:i1] for a in b[:5]])
                b[5] = i1
            if i1 < len(times):
                keep.append(b)
        self._batches = keep
        if not parts:
            return _NO_ARRIVALS
        if len(parts) == 1:
            cols = parts[0]
        else:
            cols = [np.concatenate([p[c] for p in parts]) for c in range(5)]
            order = np.argsort(cols[0], kind="stable")
            cols = [c[order] for c in cols]
        return (
            np.ascontiguousarray(cols[0], dtype=np.float64),
            np.ascontiguousarray(cols[1], dtype=np.int64),
            np.ascontiguousarray(cols[2], dtype=np.float64),
            np.ascontiguousarray(cols[3], dtype=np.bool_),
            np.ascontiguousarray(cols[4], dtype=np.int32),
        )

    def _emit(self, k: int, snap: Any = None) -> None:
        carried, used, offered = self.fluid.flush()
        if self.on_minute is not None:
            self.on_minute(k, carried, used, offered, snap)
