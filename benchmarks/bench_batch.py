"""Batch throughput: N small scenarios run serially and on a pool of worker processes.

Each scenario simulates one building of the demo district over its whole school day (or a
window: ``--window 10:30-11:30``). The serial run works
in this process, one scenario after another; the parallel run goes through the same
``run_batch`` code on a ``ProcessPoolExecutor`` (spawn), pool start-up included. Both runs
must give identical results.

    python benchmarks/bench_batch.py [--scenarios 40] [--workers 2] [--repeats 3]

Prints the median wall time of each mode, the speed-up against the 1.8x target, simulation
events per second and peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from netplan.scenarios.apply import RunSpec, run_spec
from netplan.scenarios.batch import make_tasks, open_executor, read_results, run_batch
from netplan.scenarios.models import Scenario, Window
from netplan.survey import load_survey

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "site_surveys" / "cedar_valley"
TARGET = 1.8
BUILDINGS = ("oak", "pine", "elm", "cms", "chs")


def scenarios(n: int, window: Window | None) -> list[RunSpec]:
    """``n`` one-building scenarios: each building under growing demand and enrollment."""
    survey = load_survey(DEMO)
    specs = []
    for i in range(n):
        b = BUILDINGS[i % len(BUILDINGS)]
        k = i // len(BUILDINGS)
        sc = Scenario(buildings=[b], demand_scale=1.0 + 0.1 * k, enrollment_growth_pct=float(k % 4))
        specs.append(run_spec(f"{b}-{k}", sc, survey, window=window))
    return specs


def _spin(n: int) -> float:
    """Pure-Python CPU work (no I/O, little memory) for the machine's own scaling figure."""
    t0 = time.process_time()
    x = 0
    for i in range(n):
        x += i * i % 7
    return time.process_time() - t0 + 0.0 * x


def machine_ceiling(workers: int, units: int = 12, n: int = 4_000_000) -> float:
    """Speed-up this machine gives plain CPU work on ``workers`` processes.

    The pool is started before timing, so this is the ceiling a batch could reach with no
    overhead of its own (shared caches, memory bandwidth, other load, turbo clocks).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    for _ in range(units):
        _spin(n)
    serial = time.perf_counter() - t0
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        list(pool.map(_spin, [1000] * workers))
        t0 = time.perf_counter()
        list(pool.map(_spin, [n] * units))
        parallel = time.perf_counter() - t0
    return serial / parallel


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child, MB."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--window", default="day", help="HH:MM-HH:MM simulated (default: whole day)")
    args = ap.parse_args()
    window = None
    if args.window != "day":
        start, _, end = args.window.partition("-")
        window = Window(start=start, end=end)
    specs = scenarios(args.scenarios, window)
    tasks = make_tasks(specs, replications=1, seed=1)
    # Warm this process (imports, caches) so the serial figure is not charged for them.
    run_batch(tasks[:1], tempfile.mkdtemp(prefix="bench-warm-"))

    serial_s: list[float] = []
    parallel_s: list[float] = []
    events = 0
    for rep in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
            t0 = time.perf_counter()
            s = run_batch(tasks, Path(tmp) / "serial")
            serial_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            with open_executor(args.workers) as (pool, slots):
                p = run_batch(tasks, Path(tmp) / "parallel", executor=pool, slots=slots)
            parallel_s.append(time.perf_counter() - t0)
            if not (s.complete and p.complete):
                print(f"failed runs: serial {s.failed} parallel {p.failed}", file=sys.stderr)
                return 1
            a = read_results(Path(tmp) / "serial", tasks)
            b = read_results(Path(tmp) / "parallel", tasks)
            pd.testing.assert_frame_equal(a, b, check_exact=True)
            events = s.events
        print(
            f"repeat {rep + 1}: serial {serial_s[-1]:.1f} s, {args.workers} workers "
            f"{parallel_s[-1]:.1f} s, speed-up {serial_s[-1] / parallel_s[-1]:.2f}x",
            flush=True,
        )
    ser = statistics.median(serial_s)
    par = statistics.median(parallel_s)
    ratio = ser / par
    me, kids = peak_rss_mb()
    load = os.getloadavg()
    ceiling = machine_ceiling(args.workers)
    span = "whole day" if window is None else args.window
    print(f"scenarios: {args.scenarios} (one building each, {span}), 1 replication")
    print(f"events per batch: {events:,}")
    print(
        f"serial wall time (median of {args.repeats}):    {ser:8.1f} s  "
        f"({events / ser:,.0f} events/s, {args.scenarios / ser:.2f} scenarios/s)"
    )
    print(
        f"{args.workers} workers wall time (median of {args.repeats}): {par:8.1f} s  "
        f"({events / par:,.0f} events/s, {args.scenarios / par:.2f} scenarios/s)"
    )
    print(
        f"speed-up: {ratio:.2f}x   target: >= {TARGET}x   {'MET' if ratio >= TARGET else 'NOT MET'}"
    )
    print(
        f"this machine's own ceiling for {args.workers} processes (plain CPU work, pool "
        f"already started): {ceiling:.2f}x; the batch reaches {ratio / ceiling:.0%} of it"
    )
    print(f"peak memory: coordinating process {me:.0f} MB, largest worker {kids:.0f} MB")
    print(
        f"CPUs: {os.cpu_count()}, load average at the end {load[0]:.2f} / {load[1]:.2f} "
        "(1 / 5 min; other work on the machine lowers the speed-up)"
    )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
