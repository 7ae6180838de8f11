"""Benchmark: the equity analysis at state scale.

1,000,000 students against 100,000 census blocks and a state-size BDC mobile layer
(3 providers, res-9 hexagons over Colorado's extent, CSV of h3_res9_id), plus ~1.3 M BDC fixed
rows. Target: under 30 s wall for ``run_equity`` (reading every input included). The
overlay's cost (homes in blocks + fixed service + mobile coverage + H3 cells) is printed next
to a bare ``geopandas.sjoin`` of the same home points with the same blocks.

Usage::

    python benchmarks/bench_equity.py [--students N] [--blocks N] [--repeats R] [--data DIR]

The synthetic inputs are generated once (seeded) into ``--data`` and reused.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 30.0


def _generate(data: Path, students: int, blocks: int) -> None:
    from netplan.equity.synthetic import state_spec, write_demo_inputs

    t0 = time.perf_counter()
    write_demo_inputs(
        data, state_spec(students=students, blocks=blocks), bad_rows=True, gpkg_provider=None
    )
    (data / "READY").write_text(json.dumps({"students": students, "blocks": blocks}))
    print(f"generated inputs in {time.perf_counter() - t0:.1f} s -> {data}", flush=True)


def _config(data: Path):  # type: ignore[no-untyped-def]
    from netplan.equity.demo import demo_config

    return demo_config(data, public_h3_res=8)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=1_000_000)
    ap.add_argument("--blocks", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--generate-only", action="store_true")
    args = ap.parse_args()
    data = args.data or Path(f"/tmp/netplan-bench-equity-{args.students}-{args.blocks}")
    if args.generate_only:
        _generate(data, args.students, args.blocks)
        return
    if not (data / "READY").exists():
        # In a child process so the generator's memory does not count as the pipeline's.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate-only",
                "--students",
                str(args.students),
                "--blocks",
                str(args.blocks),
                "--data",
                str(data),
            ],
            check=True,
        )

    import geopandas as gpd

    from netplan.equity.pipeline import run_equity

    sizes = {p.name: p.stat().st_size for p in data.iterdir() if p.is_file()}
    print(f"inputs: {len(sizes)} files, {sum(sizes.values()) / 1e6:,.0f} MB", flush=True)
    config = _config(data)
    walls: list[float] = []
    overlay: list[float] = []
    result = None
    for r in range(args.repeats):
        t0 = time.perf_counter()
        result = run_equity(config)
        walls.append(time.perf_counter() - t0)
        overlay.append(sum(v for k, v in result.timings.items() if k.startswith("overlay")))
        print(f"run {r + 1}: {walls[-1]:.2f} s (overlay {overlay[-1]:.2f} s)", flush=True)
    assert result is not None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # A bare sjoin of the same homes with the same blocks: on ready-made points in the blocks'
    # CRS, and from latitude/longitude (points built and reprojected: the work netplan's own
    # "homes in blocks" step does).
    hh = result.restricted.households
    blocks = gpd.read_file(config.blocks, columns=["GEOID20"], engine="pyogrio", use_arrow=True)
    lon, lat = hh["lon"].to_numpy(), hh["lat"].to_numpy()
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(
        blocks.crs
    )
    sj: list[float] = []
    sj_full: list[float] = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        joined = gpd.sjoin(pts, blocks, how="left", predicate="within")
        sj.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        p2 = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
        gpd.sjoin(p2.to_crs(blocks.crs), blocks, how="left", predicate="within")
        sj_full.append(time.perf_counter() - t0)
    homes_in_blocks = result.timings["overlay: homes in blocks"]

    s = result.summary
    wall = statistics.median(walls)
    print()
    print(f"students (roster rows)     {s['students']['roster_rows']:>12,}")
    print(f"households                 {s['households']['total']:>12,}")
    print(f"blocks                     {args.blocks:>12,}")
    print(
        f"run_equity wall (median)   {wall:>12.2f} s   target < {TARGET_S:.0f} s   "
        f"{'OK' if wall < TARGET_S else 'MISSED'}"
    )
    print(f"students per second        {s['students']['roster_rows'] / wall:>12,.0f}")
    print(f"overlay (median)           {statistics.median(overlay):>12.2f} s")
    for k, v in result.timings.items():
        print(f"  {k:<28}{v:>8.2f} s")
    print(f"netplan homes in blocks    {homes_in_blocks:>12.2f} s   (last run)")
    print(f"bare sjoin, ready points   {statistics.median(sj):>12.2f} s   ({len(joined):,} homes)")
    print(f"bare sjoin, from lat/lon   {statistics.median(sj_full):>12.2f} s")
    print(f"peak RSS                   {peak_mb:>12,.0f} MB")


if __name__ == "__main__":
    main()
