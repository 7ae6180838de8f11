"""The equity analysis on the bundled synthetic Cedar Valley inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from netplan.demo_paths import bundled
from netplan.equity.config import EquityConfig
from netplan.equity.pipeline import EquityResult, run_equity, write_equity_outputs
from netplan.equity.report import print_equity_summary

__all__ = ["DEMO_MAPS_FOLDER", "demo_config", "demo_inputs_dir", "run_demo_equity"]

#: Folder of the demo district's inputs under the bundled ``maps/``.
DEMO_MAPS_FOLDER = "cedar_valley"


def demo_inputs_dir() -> Path:
    """Where the synthetic demo roster and coverage files are."""
    return bundled("maps") / DEMO_MAPS_FOLDER


def demo_config(inputs: Path | None = None, **overrides: Any) -> EquityConfig:
    """Configuration for the demo inputs (public layer at H3 res 7: a small district)."""
    d = inputs or demo_inputs_dir()
    settings: dict[str, Any] = {
        "students": d / "students.csv",
        "plans": d / "hotspot_plans.toml",
        "fixed": tuple(sorted(d.glob("bdc_*_fixed_broadband_*.csv"))),
        "blocks": next(iter(sorted(d.glob("tl_2020_*_tabblock20.gpkg")))),
        "mobile": tuple(sorted(d.glob("bdc_*_mobile_broadband_h3_*"))),
        "district": d / "district_boundary.geojson",
        "public_h3_res": 7,
    }
    settings.update(overrides)
    return EquityConfig(**settings)


def run_demo_equity(
    out_dir: str | Path,
    *,
    console: Console | None = None,
    restricted: bool = False,
) -> dict[str, Any]:
    """Run the equity analysis on the demo district and write its outputs.

    Parameters
    ----------
    out_dir
        Output folder (public files; ``restricted/`` too if asked).
    console
        Where to print the summary; ``None`` prints nothing.
    restricted
        Also write the household-level files (the demo roster is synthetic).

    Returns
    -------
    dict
        The run's summary (as in ``equity_summary.json``) plus ``"outputs"``: name -> path.
    """
    result = run_demo_equity_result()
    written = write_equity_outputs(result, out_dir, restricted=restricted)
    if console is not None:
        print_equity_summary(result.summary, console, written=written)
    return {**result.summary, "outputs": {k: str(v) for k, v in written.items()}}


def run_demo_equity_result() -> EquityResult:
    """The demo run's :class:`EquityResult` (for map builders), without writing files."""
    return run_equity(demo_config())
