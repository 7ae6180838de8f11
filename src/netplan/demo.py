"""The demo: every capability on the bundled fictional district, offline."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from netplan.demo_paths import demo_survey_dir
from netplan.outputs import staged_output

__all__ = ["run_demo"]


def run_demo(out: Path, *, seed: int = 1, console: Console | None = None) -> dict[str, Path]:
    """Run the pipeline on the demo district and write its outputs to ``out``.

    Parameters
    ----------
    out
        Output folder (created).
    seed
        Random seed for the simulation stages.
    console
        Where to print progress and summaries.

    Returns
    -------
    dict
        Name -> path of each output written.
    """
    from netplan.survey_summary import jsonable, print_survey_summary

    con = console or Console()
    survey_dir = demo_survey_dir()
    written: dict[str, Path] = {}
    with staged_output(out) as stage:
        con.rule("Site survey and topology")
        summary = print_survey_summary(survey_dir, con)
        (stage / "survey_summary.json").write_text(json.dumps(jsonable(summary), indent=2))
        written["survey summary"] = out / "survey_summary.json"

        # --- School-day simulation (netplan.sim) --------------------------------------
        con.rule("School-day simulation (regular day)")
        from netplan.cli.simulate import print_sim_summary
        from netplan.report.simulation import install_report_hook
        from netplan.sim import run_simulation, write_results
        from netplan.survey import load_survey

        install_report_hook()  # write_results then adds report.html and figures/
        sim = run_simulation(load_survey(survey_dir), day="regular", seed=seed)
        write_results(sim, stage / "simulation")
        print_sim_summary(sim.summary, con)
        written["simulation"] = out / "simulation"
        written["simulation report"] = out / "simulation" / "report.html"
        # --- end of school-day simulation ----------------------------------------------

        # --- Home connectivity (netplan.equity) and its maps (netplan.maps) ------------
        con.rule("Home connectivity and hotspots (synthetic roster)")
        from netplan.equity.demo import demo_config, demo_inputs_dir
        from netplan.equity.pipeline import run_equity, write_equity_outputs
        from netplan.equity.report import print_equity_summary
        from netplan.maps.coverage import carrier_coverage_areas
        from netplan.maps.equity import write_equity_maps

        cfg = demo_config()
        equity = run_equity(cfg)
        write_equity_outputs(equity, stage / "equity", restricted=False)
        print_equity_summary(equity.summary, con)
        write_equity_maps(
            equity,
            stage / "equity" / "maps",
            schools=demo_inputs_dir() / "schools.csv",
            coverage=carrier_coverage_areas(cfg, equity),
        )
        written["equity outputs"] = out / "equity"
        written["equity map"] = out / "equity" / "maps" / "equity_map.html"
        written["printable maps and GeoPackage"] = out / "equity" / "maps"
        # --- end of home connectivity ---------------------------------------------------
    con.rule("Outputs")
    for name, path in written.items():
        con.print(f"{name}: {path}")
    return written
