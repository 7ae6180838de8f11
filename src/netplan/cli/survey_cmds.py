"""``netplan check``, ``netplan schema`` and ``netplan demo``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from netplan.cli import app, make_console
from netplan.errors import UsageError

console = make_console()


@app.command()
def check(
    survey_dir: Annotated[Path, typer.Argument(help="Survey directory (district.toml, ...).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON instead of tables.")
    ] = False,
) -> None:
    """Validate a survey and print its capacity summary.

    Exit 0 if valid; exit 2 with one `FILE: FIELD_PATH: message` line per problem otherwise.
    """
    from netplan.survey_summary import jsonable, print_survey_summary

    if as_json:
        quiet = Console(file=open("/dev/null", "w"), highlight=False)  # noqa: SIM115
        data = print_survey_summary(survey_dir, quiet)
        typer.echo(json.dumps(jsonable(data), indent=2))
        return
    print_survey_summary(survey_dir, console)
    console.print("[green]Survey is valid.[/green]")


@app.command()
def schema(
    kind: Annotated[
        str, typer.Argument(help="Which file: district, devices, building, schedule or activities.")
    ] = "building",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write every schema into this folder.")
    ] = None,
) -> None:
    """Print the JSON Schema of a survey file (for editor validation and autocompletion)."""
    from netplan.survey.schema import SCHEMA_MODELS, survey_json_schema

    if out is not None:
        from netplan.outputs import atomic_write_text

        for name in SCHEMA_MODELS:
            atomic_write_text(
                out / f"netplan-{name}.schema.json", json.dumps(survey_json_schema(name), indent=2)
            )
        console.print(f"Wrote {len(SCHEMA_MODELS)} schemas to {out}")
        return
    if kind not in SCHEMA_MODELS:
        raise UsageError.at(
            "netplan schema", "KIND", f"unknown kind {kind!r}; use " + ", ".join(SCHEMA_MODELS)
        )
    typer.echo(json.dumps(survey_json_schema(kind), indent=2))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's outputs.")] = Path(
        "netplan-demo"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
) -> None:
    """Run the whole pipeline on the bundled demo district, offline."""
    from netplan.demo import run_demo

    run_demo(out, seed=seed, console=console)
