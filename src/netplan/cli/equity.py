"""``netplan equity``: student homes against broadband coverage, and a hotspot plan."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from netplan.cli import app, make_console
from netplan.equity.config import EquityConfig, RosterColumns
from netplan.equity.constants import DEFAULT_MIN_CELL, DEFAULT_PUBLIC_H3_RES, WGS84
from netplan.equity.pipeline import run_equity, write_equity_outputs
from netplan.equity.report import print_equity_summary
from netplan.errors import UsageError

console = make_console()


class JoinBy(StrEnum):
    """How homes join BDC fixed rows."""

    block = "block"
    h3 = "h3"


class PublicLevel(StrEnum):
    """Aggregation of the public layer."""

    h3 = "h3"
    block_group = "block-group"


def _parse_columns(items: list[str]) -> RosterColumns:
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, name = item.partition("=")
        if not sep or not field.strip() or not name.strip():
            raise UsageError.at(
                "--column", item, "expected FIELD=COLUMN, e.g. student_id=StudentNumber"
            )
        mapping[field.strip()] = name.strip()
    try:
        return RosterColumns.from_mapping(mapping)
    except KeyError as exc:
        raise UsageError.at("--column", "-", str(exc.args[0])) from exc


def _parse_tech(text: str) -> frozenset[int]:
    try:
        codes = frozenset(int(t) for t in text.split(",") if t.strip())
    except ValueError as exc:
        raise UsageError.at(
            "--reliable-tech", text, "expected BDC technology codes such as 10,40,50,71,72"
        ) from exc
    if not codes:
        raise UsageError.at("--reliable-tech", text, "at least one technology code is needed")
    return codes


@app.command("equity")
def equity_cmd(
    students: Annotated[Path, typer.Option(help="Student roster CSV with geocoded homes.")],
    fixed: Annotated[
        list[Path], typer.Option(help="BDC fixed availability CSV (repeat for each file).")
    ],
    plans: Annotated[Path, typer.Option(help="Hotspot plan catalogue (TOML).")],
    out: Annotated[Path, typer.Option(help="Output folder.")],
    blocks: Annotated[
        Path | None,
        typer.Option(help="TIGER/Line 2020 blocks (shapefile, GeoPackage or GeoParquet)."),
    ] = None,
    mobile: Annotated[
        list[str] | None,
        typer.Option(help="BDC mobile H3 coverage layer: PATH or PROVIDER_ID=PATH (repeat)."),
    ] = None,
    ookla: Annotated[Path | None, typer.Option(help="Ookla open-data tiles (optional).")] = None,
    district: Annotated[Path | None, typer.Option(help="District boundary polygon layer.")] = None,
    restricted: Annotated[
        bool,
        typer.Option(
            "--restricted",
            help="Also write household-level lists (student records) to OUT/restricted/.",
        ),
    ] = False,
    column: Annotated[
        list[str] | None, typer.Option(help="Roster column name: FIELD=COLUMN (repeat).")
    ] = None,
    roster_crs: Annotated[
        str, typer.Option(help="CRS of the roster's latitude/longitude.")
    ] = WGS84,
    join: Annotated[
        JoinBy, typer.Option(help="Join homes to BDC rows by census block or H3 res-8 cell.")
    ] = JoinBy.block,
    public_level: Annotated[
        PublicLevel, typer.Option(help="Aggregate public outputs to H3 cells or block groups.")
    ] = PublicLevel.h3,
    h3_res: Annotated[
        int, typer.Option(help="H3 resolution of the public layer (at most 8).")
    ] = DEFAULT_PUBLIC_H3_RES,
    min_cell: Annotated[
        int, typer.Option(help="Suppress public counts below this.")
    ] = DEFAULT_MIN_CELL,
    reliable_tech: Annotated[
        str, typer.Option(help="BDC technology codes counted as reliable.")
    ] = "10,40,50,71,72",
    ignore_latency: Annotated[
        bool,
        typer.Option(
            "--ignore-latency", help="Count offers without low_latency=1 as reliable too."
        ),
    ] = False,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON instead of tables.")
    ] = False,
    # Maps (netplan.maps): OUT/maps/ holds the offline HTML map, PNGs and a GeoPackage.
    schools: Annotated[
        Path | None, typer.Option(help="School locations CSV (name, latitude, longitude).")
    ] = None,
    basemap: Annotated[
        str | None,
        typer.Option(
            help="Opt in to basemap tiles in the HTML map: an https URL with {z}/{x}/{y}. "
            "Without it the map loads nothing from the network."
        ),
    ] = None,
) -> None:
    """Find students without usable home internet and size a hotspot programme.

    Public outputs are aggregated and small counts suppressed; household lists need --restricted.

    Bad input exits 2 and writes nothing.
    """
    config = EquityConfig(
        students=students,
        plans=plans,
        fixed=tuple(fixed),
        blocks=blocks,
        mobile=tuple(mobile or ()),
        ookla=ookla,
        district=district,
        columns=_parse_columns(column or []),
        roster_crs=roster_crs,
        fixed_join="block" if join is JoinBy.block else "h3",
        reliable_technologies=_parse_tech(reliable_tech),
        require_low_latency=not ignore_latency,
        public_level="h3" if public_level is PublicLevel.h3 else "block_group",
        public_h3_res=h3_res,
        min_cell=min_cell,
    )
    from netplan.maps.coverage import carrier_coverage_areas  # maps (netplan.maps)
    from netplan.maps.equity import write_equity_maps
    from netplan.maps.leaflet import Basemap

    map_basemap = Basemap.parse(basemap) if basemap else None  # maps: fail before the run
    result = run_equity(config)
    written = write_equity_outputs(result, out, restricted=restricted)
    # Maps (netplan.maps): public results, and carrier coverage from the public BDC layers.
    coverage = carrier_coverage_areas(config, result)
    maps = write_equity_maps(
        result, out / "maps", basemap=map_basemap, schools=schools, coverage=coverage
    )
    written.update(maps)
    if json_out:
        typer.echo(
            json.dumps(
                {**result.summary, "outputs": {k: str(v) for k, v in written.items()}}, indent=2
            )
        )
        return
    print_equity_summary(result.summary, console, written=written)
    stale = out / "restricted"
    if not restricted and stale.exists():
        console.print(
            f"[yellow]warning:[/] {stale} holds restricted files from an earlier run; "
            "delete it if this folder is to be shared."
        )
