"""Speed of the radio model: what the simulator and the calculator pay per call.

Prints wall time (median of repeats), calls per second, peak memory and the target beside
each figure. Run: ``python benchmarks/bench_radio.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "site_surveys" / "cedar_valley"


def _median_time(fn: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    from netplan.radio.cell import cell_throughputs
    from netplan.radio.config import RadioConfig
    from netplan.radio.dcf import bianchi_fixed_point, dcf_throughput

    radio = RadioConfig(band="5", standard="ax", width_mhz=80, spatial_streams=4)
    kinds = [("ac", 2, 80, 20.0 + k) for k in range(0, 25, 3)] + [
        ("ax", 2, 160, 18.0 + k) for k in range(0, 30, 3)
    ]
    cell = [kinds[i % len(kinds)] for i in range(30)]

    # 1. Uncached Bianchi fixed point.
    def fixed_points() -> None:
        bianchi_fixed_point.cache_clear()
        for n in range(1, 201):
            bianchi_fixed_point(n)

    t = _median_time(fixed_points)
    print(f"Bianchi fixed point (uncached)   {t / 200 * 1e6:8.1f} us/solve   target < 200 us")

    # 2. A 30-client mixed cell, cold caches (first call for a new configuration).
    def cold_cell() -> None:
        dcf_throughput.cache_clear()
        bianchi_fixed_point.cache_clear()
        cell_throughputs(radio, cell)

    t = _median_time(cold_cell)
    print(f"cell_throughputs, 30 clients, cold {t * 1e3:7.2f} ms/call   target < 50 ms")

    # 3. The same call warm: the simulator's steady state at each reallocation.
    cell_throughputs(radio, cell)
    n_calls = 2000

    def warm_cells() -> None:
        for i in range(n_calls):
            cell_throughputs(radio, cell[: 1 + i % 30], fairness="airtime")

    t = _median_time(warm_cells, repeats=3)
    rate = n_calls / t
    print(
        f"cell_throughputs, warm           {t / n_calls * 1e6:8.1f} us/call "
        f"({rate:,.0f} calls/s)   target > 2,000 calls/s"
    )
    print(f"  peak memory, 2000 warm calls   {_peak_mb(warm_cells):8.2f} MB")

    # 4. Co-channel graph and channel plan for the largest demo building.
    if DEMO.is_dir():
        from netplan.radio.cochannel import airtime_shares, building_graph
        from netplan.radio.planner import plan_channels
        from netplan.survey import load_survey

        survey = load_survey(DEMO)
        bid, b = max(survey.buildings.items(), key=lambda kv: len(kv[1].access_points))

        t = _median_time(lambda: airtime_shares(building_graph(b)), repeats=3)
        print(
            f"co-channel graph + shares, {bid} ({len(b.access_points)} APs) "
            f"{t * 1e3:7.1f} ms   target < 1 s"
        )

        def plan() -> None:
            plan_channels(
                b.access_points,
                wall_segments=b.walls,
                floor_height_m=b.building.floor_height_m,
            )

        t = _median_time(plan, repeats=3)
        print(
            f"channel plan, {bid} ({len(b.access_points)} APs)          "
            f"{t * 1e3:7.1f} ms   target < 2 s"
        )
        print(f"  peak memory, plan              {_peak_mb(plan):8.2f} MB")
    else:
        print(f"(demo survey not found at {DEMO}; skipped graph and plan timings)")

    # 5. The calculator end to end, in a fresh interpreter (includes imports).
    cmd = [
        sys.executable,
        "-m",
        "netplan.cli",
        "wifi",
        "capacity",
        "--standard",
        "ax",
        "--band",
        "5",
        "--width",
        "20",
        "--mcs",
        "7",
        "--nss",
        "1",
        "--stations",
        "5",
        "--json",
    ]
    probe = subprocess.run(cmd, capture_output=True, check=False)
    if probe.returncode != 0:
        cmd = ["netplan", *cmd[3:]]
    t = _median_time(lambda: subprocess.run(cmd, capture_output=True, check=True), repeats=5)
    print(f"netplan wifi capacity (process)  {t * 1e3:8.0f} ms        target < 1000 ms")
    # The same with only the wifi commands registered: the radio model's own share.
    own = (
        "import typer; from netplan.cli import app; import netplan.cli.wifi; "
        "typer.main.get_command(app).main(args="
        + repr(cmd[cmd.index("wifi") :])
        + ", prog_name='netplan', standalone_mode=False)"
    )
    t = _median_time(
        lambda: subprocess.run([sys.executable, "-c", own], capture_output=True, check=True),
        repeats=5,
    )
    print(f"  wifi commands alone (process)  {t * 1e3:8.0f} ms        target < 1000 ms")


if __name__ == "__main__":
    main()
