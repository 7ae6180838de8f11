"""Speed of the school-day simulation.

Cases (each run in its own process, so peak memory is that case's alone):

* ``bare``: a bare SimPy loop of timeouts, events/s (the yardstick);
* ``hs``: the demo high school (2,680 devices), a full day (target for 2,000: under 2 s);
* ``scale``: generated districts of 1, 10, 100 and 200 buildings, a full day each (target
  for 200 buildings / ~180,000 devices: under 60 s and 2 GB), to show how wall time grows.

Prints wall time (median of ``--repeats``), simulated sessions and engine events per
second, the bare SimPy rate measured in the same run, peak memory and the target beside
each. Usage::

    python benchmarks/bench_sim.py                       # everything
    python benchmarks/bench_sim.py --sizes 1 10 --repeats 3
    python benchmarks/bench_sim.py --hours 1             # a shorter window per day
    python benchmarks/bench_sim.py --tick 5              # a coarser re-solve interval
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _bare_simpy(n: int = 1_000_000) -> dict[str, Any]:
    import simpy

    env = simpy.Environment()

    def proc() -> Any:
        for _ in range(n):
            yield env.timeout(1.0)

    env.process(proc())
    t = time.perf_counter()
    env.run()
    wall = time.perf_counter() - t
    return {"case": "bare", "events": n, "wall_s": wall, "events_per_s": n / wall}


def _district(n_buildings: int, root: Path) -> Path:
    from netplan.survey.synthetic import generate_district, large_district_spec, write_district

    spec = large_district_spec(n_buildings)
    return write_district(generate_district(spec), root / f"d{n_buildings}", spec.name)


def _run_case(
    case: str, size: int, hours: float | None, tick: float = 1.0, skip: float = 0.0
) -> dict[str, Any]:
    from netplan.sim import SimConfig, run_simulation
    from netplan.survey import load_survey
    from netplan.survey.synthetic import cedar_valley_spec, generate_district, write_district

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if case == "hs":
            spec = cedar_valley_spec()
            path = write_district(generate_district(spec), root / "cv", spec.name)
            survey = load_survey(path)
            buildings: tuple[str, ...] | None = ("chs",)
        else:
            survey = load_survey(_district(size, root))
            buildings = None
        cfg = SimConfig(buildings=buildings, flow_records=case == "hs", tick_s=tick)
        if hours is not None:
            from netplan.schedule import building_occupancy

            first = next(iter(buildings or survey.buildings))
            occ = building_occupancy(survey, first)
            start = occ.intervals[0].start_s + 3600.0 * skip
            cfg = SimConfig(
                buildings=buildings,
                flow_records=case == "hs",
                tick_s=tick,
                start_s=start,
                end_s=start + 3600.0 * hours,
            )
        t = time.perf_counter()
        result = run_simulation(survey, seed=1, config=cfg)
        wall = time.perf_counter() - t
        run = result.summary["run"]
        devices = _devices(survey, buildings)
        return {
            "case": case,
            "buildings": len(buildings or survey.buildings),
            "devices": devices,
            "wall_s": wall,
            "engine_s": run["wall_s"],
            "sessions": run["sessions"],
            "flows": run["flows"],
            "events": run["events"],
            "events_per_s": run["events"] / run["wall_s"],
            "sim_hours": (result.resources["time_s"].max() + 60 - result.resources["time_s"].min())
            / 3600.0,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        }


def _devices(survey: Any, buildings: tuple[str, ...] | None) -> int:
    dev = survey.devices
    total = 0.0
    for bid, b in survey.buildings.items():
        if buildings is not None and bid not in buildings:
            continue
        info = b.building
        band = {"elementary": "K-5", "middle": "6-8"}.get(info.level, "9-12")
        personal = dict(dev.personal_devices_per_student).get(band, 0.0)
        total += info.enrollment * (dev.devices_per_student + personal)
        total += info.staff * dev.devices_per_staff
    return int(total)


def _subprocess(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Run the benchmark cases and print a table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1, 10, 100, 200])
    ap.add_argument("--repeats", type=int, default=1, help="Repeats of each case (median).")
    ap.add_argument("--hours", type=float, default=None, help="Simulate only this many hours.")
    ap.add_argument("--skip-hs", action="store_true")
    ap.add_argument("--tick", type=float, default=1.0, help="Re-solve interval (s).")
    ap.add_argument(
        "--skip-hours", type=float, default=0.0, help="With --hours: start this far into the day."
    )
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, default=1, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.case == "bare":
        print(json.dumps(_bare_simpy()))
        return
    if a.case:
        print(json.dumps(_run_case(a.case, a.size, a.hours, a.tick, a.skip_hours)))
        return
    extra = ["--hours", str(a.hours)] if a.hours else []
    extra += ["--tick", str(a.tick), "--skip-hours", str(a.skip_hours)]
    bare = statistics.median(
        _subprocess(["--case", "bare"])["events_per_s"] for _ in range(max(1, a.repeats))
    )
    print(f"bare SimPy loop: {bare:,.0f} events/s")
    rows: list[tuple[str, dict[str, Any], str]] = []
    plan: list[tuple[str, int, str]] = []
    if not a.skip_hs:
        plan.append(("hs", 1, "< 2 s"))
    plan += [("scale", n, "< 60 s, < 2 GB" if n == 200 else "") for n in a.sizes]
    for case, size, target in plan:
        runs = [
            _subprocess(["--case", case, "--size", str(size), *extra])
            for _ in range(max(1, a.repeats))
        ]
        best = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
        rows.append((case, best, target))
        r = best
        print(
            f"{case:5s} {r['buildings']:4d} bldg {r['devices']:7,d} devices "
            f"{r['sim_hours']:.1f} h: wall {r['wall_s']:7.2f} s (engine {r['engine_s']:.2f} s), "
            f"{r['sessions']:,} sessions, {r['events_per_s']:,.0f} events/s "
            f"({r['events_per_s'] / bare:.2f} of bare SimPy), peak {r['peak_rss_mb']:,.0f} MB"
            + (f"   target {target}" if target else ""),
            flush=True,
        )
    scale = [r for c, r, _ in rows if c == "scale"]
    if len(scale) > 1:
        base = scale[0]
        print("growth (wall per building, relative to the smallest district):")
        for r in scale:
            per = r["wall_s"] / r["buildings"]
            print(
                f"  {r['buildings']:4d} buildings: {per:.3f} s/building "
                f"({per / (base['wall_s'] / base['buildings']):.2f}x)"
            )


if __name__ == "__main__":
    main()
