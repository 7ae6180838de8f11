"""``netplan import-ekahau``: Ekahau ``.esx`` projects to building survey files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from netplan.cli import app, make_console
from netplan.importers import ImportOptions, import_ekahau

console = make_console()

_LEVELS = ("elementary", "middle", "high", "k8", "k12", "office")


@app.command("import-ekahau")
def import_ekahau_cmd(
    esx: Annotated[Path, typer.Argument(help="Ekahau project file (.esx).")],
    out: Annotated[
        Path,
        typer.Option("--out", help="The survey's buildings/ directory to write into."),
    ],
    building_id: Annotated[
        str | None,
        typer.Option(
            "--building-id",
            help="Building id (an id prefix when the project has several buildings).",
        ),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Building name.")] = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="School level: " + ", ".join(_LEVELS) + "."),
    ] = None,
    lat: Annotated[
        float | None, typer.Option("--lat", min=-90, max=90, help="Latitude, degrees.")
    ] = None,
    lon: Annotated[
        float | None, typer.Option("--lon", min=-180, max=180, help="Longitude, degrees.")
    ] = None,
    enrollment: Annotated[
        int | None, typer.Option("--enrollment", min=0, help="Students enrolled.")
    ] = None,
    staff: Annotated[int | None, typer.Option("--staff", min=0, help="Staff.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace building files that already exist.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the import report as JSON.")
    ] = False,
) -> None:
    """Import an Ekahau project as building survey files.

    Takes floors, access points and radios, walls and capacity areas; writes what the
    project lacks (switches, WAN link, location, enrollment) as placeholders that
    `netplan check` reports, and prints what it took and what it ignored.
    """
    if level is not None and level not in _LEVELS:
        raise typer.BadParameter(
            f"{level!r} is not one of {', '.join(_LEVELS)}", param_hint="--level"
        )
    options = ImportOptions(
        building_id=building_id,
        name=name,
        level=level,
        lat=lat,
        lon=lon,
        enrollment=enrollment,
        staff=staff,
    )
    report = import_ekahau(esx, out, options, force=force)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    for line in report.lines():
        console.print(line, markup=False, highlight=False, soft_wrap=True)
