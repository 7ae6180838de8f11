"""Driving a :class:`~netplan.sim.fluid.FluidNetwork` from a SimPy environment.

Two modes:

* ``tick_s == 0`` (exact): every arrival advances the fluid state to the arrival time,
  adds the flow and re-solves the rates; a timer wakes the driver at the next flow end.
  This is the classical event-driven fluid model the theory tests check.
* ``tick_s > 0``: arrivals are handed over as sorted arrays (:meth:`FluidDriver.enqueue`).
  Each tick ends the flows due, counts the flows arriving before the next tick
  (:meth:`FluidNetwork.admit_ahead`), re-solves what changed
  (:meth:`FluidNetwork.reallocate`) and starts each new flow at its own arrival time
  (:meth:`FluidNetwork.finish_ahead`). One SimPy event per tick instead of two per flow
  keeps a district-sized day fast.

Every ``minute_s`` the driver hands the carried/offered megabits per resource to
``on_minute``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from netplan.sim.fluid import FluidNetwork

__all__ = ["FluidDriver", "MinuteSink"]

FloatArray = NDArray[np.float64]
MinuteSink = Callable[[int, FloatArray, FloatArray, FloatArray], None]


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
        Called with ``(bucket, carried_mb, used, offered_mb)`` at each bucket's end.
    """

    def __init__(
        self,
        env: simpy.Environment,
        fluid: FluidNetwork,
        *,
        tick_s: float = 0.0,
        minute_s: float = 60.0,
        on_minute: MinuteSink | None = None,
    ) -> None:
        self.env = env
        self.fluid = fluid
        self.tick_s = float(tick_s)
        self.minute_s = float(minute_s)
        self.on_minute = on_minute
        self._gen = 0
        self._pending: list[tuple[bool, int, float, int, float]] = []
        self._batches: list[list[Any]] = []  # [times, cls, amount, stream, app, next index]
        self.events = 0
        self.admitted = 0
        fluid.t = float(env.now)
        self._bucket0 = float(env.now)
        if self.tick_s > 0:
            env.process(self._ticker())
        else:
            env.process(self._minutes())

    # ------------------------------------------------------------------ arrivals
    def start_elastic(self, cls: int, size_mb: float, app: int = 0) -> None:
        """A transfer of ``size_mb`` megabits in class ``cls`` arrives now."""
        if self.tick_s > 0:
            self._pending.append((False, cls, size_mb, app, float(self.env.now)))
            return
        self.fluid.advance(float(self.env.now))
        self.fluid.add_elastic(cls, size_mb, app)
        self._changed()

    def start_stream(self, cls: int, duration_s: float, app: int = 0) -> None:
        """A stream of class ``cls`` lasting ``duration_s`` seconds arrives now."""
        if self.tick_s > 0:
            self._pending.append((True, cls, duration_s, app, float(self.env.now)))
            return
        self.fluid.advance(float(self.env.now))
        self.fluid.add_stream(cls, duration_s, app)
        self._changed()

    def enqueue(
        self,
        times: FloatArray,
        cls: NDArray[np.int64],
        amount: FloatArray,
        stream: NDArray[np.bool_],
        app: NDArray[np.int64],
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
            self._emit(k)
            k += 1
            # Advancing may have ended flows exactly at the boundary.
            if self.fluid._dirty_domains:
                self._changed()

    # ------------------------------------------------------------------ tick mode
    def _ticker(self) -> Any:
        per_minute = max(1, round(self.minute_s / self.tick_s))
        k = 0
        i = 0
        while True:
            self.flush_pending(float(self.env.now))
            yield self.env.timeout(self.tick_s)
            self.events += 1
            self.fluid.advance(float(self.env.now))
            i += 1
            if i % per_minute == 0:
                self._emit(k)
                k += 1

    def flush_pending(self, now: float) -> None:
        """Admit the flows arriving until the next tick and re-solve (tick mode).

        The fluid state must already be advanced to ``now``.
        """
        fl = self.fluid
        horizon = now + self.tick_s
        for is_stream, cls, amount, app, t_arr in self._pending:
            if is_stream:
                fl.add_stream(cls, amount, app, start_s=t_arr)
            else:
                fl.add_elastic(cls, amount, app, start_s=t_arr)
        self._pending.clear()
        if self._batches:
            parts = []
            keep = []
            for b in self._batches:
                times, i0 = b[0], b[5]
                i1 = int(np.searchsorted(times, horizon, side="left"))
                if i1 > i0:
                    parts.append((times[i0:i1], b[1][i0:i1], b[2][i0:i1], b[3][i0:i1], b[4][i0:i1]))
                    b[5] = i1
                if i1 < len(times):
                    keep.append(b)
            self._batches = keep
            if parts:
                t_a = np.concatenate([p[0] for p in parts])
                c_a = np.concatenate([p[1] for p in parts])
                m_a = np.concatenate([p[2] for p in parts])
                s_a = np.concatenate([p[3] for p in parts])
                a_a = np.concatenate([p[4] for p in parts])
                late = t_a < now
                if late.any():  # asked for before this tick (e.g. enqueued at a bell)
                    fl.add_batch(c_a[late], m_a[late], s_a[late], a_a[late], t_a[late])
                ok = ~late
                fl.admit_ahead(c_a[ok], m_a[ok], s_a[ok], a_a[ok], t_a[ok])
                self.admitted += len(t_a)
        fl.reallocate()
        fl.finish_ahead()

    def _emit(self, k: int) -> None:
        carried, used, offered = self.fluid.flush()
        if self.on_minute is not None:
            self.on_minute(k, carried, used, offered)
