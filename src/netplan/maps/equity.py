"""Maps of the equity analysis: one offline HTML map, printable PNGs and a GeoPackage.

Only the analysis' *public* results are used: the suppressed area counts, the district
boundary, the per-school tables, the carrier plan and the summary's district totals (plus
school locations and carrier coverage polygons, both public data). Household-level results
are never read. Every count a map shows is either published by the analysis or a sum of
published counts, and derived sums between 1 and ``min_cell - 1`` are hidden like the
published ones, so a map never shows a small count.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from netplan.errors import InputError, Problem
from netplan.maps.gpkg import write_geopackage
from netplan.maps.layers import WGS84, MapLayer
from netplan.maps.leaflet import Basemap, PanelTable, write_map_html
from netplan.maps.printable import render_printable_map
from netplan.maps.style import Binned, Single
from netplan.outputs import staged_output

__all__ = [
    "FORBIDDEN_COLUMNS",
    "check_public_layers",
    "derived_count",
    "equity_layers",
    "read_schools",
    "write_equity_maps",
]

#: Column-name fragments that must never appear in a public map layer.
FORBIDDEN_COLUMNS = (
    "student",
    "household_id",
    "household_key",
    "address",
    "latitude",
    "longitude",
    "lat",
    "lon",
    "first_name",
    "last_name",
    "birth",
    "frl",
)
#: Columns allowed although they contain a forbidden fragment (counts of students).
_ALLOWED = {"students"}

#: Okabe-Ito colours for carriers (distinguishable with colour-vision deficiency).
CARRIER_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
SUPPRESSED_GREY = "#d9d9d9"
SOURCES = (
    "Sources: FCC Broadband Data Collection (fixed and mobile availability), US Census "
    "TIGER/Line 2020; student counts aggregated by the district."
)


# --- inputs -------------------------------------------------------------------------------


def read_schools(path: str | Path) -> gpd.GeoDataFrame:
    """Read school locations from a CSV (``name``, ``latitude``, ``longitude``; optional
    ``building_id`` or ``school`` used to join per-school counts).

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    GeoDataFrame
        Columns ``school`` (key), ``name`` and point geometry in EPSG:4326.

    Raises
    ------
    InputError
        Missing columns or coordinates that are not numbers in range.
    """
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError.at(p, "-", f"cannot read schools file: {exc.strerror or exc}") from exc
    header = set(rows[0]) if rows else set()
    missing = [c for c in ("name", "latitude", "longitude") if c not in header]
    if missing:
        raise InputError([Problem(str(p), "header", f"missing column {c!r}") for c in missing])
    problems: list[Problem] = []
    keys, names, xs, ys = [], [], [], []
    for i, row in enumerate(rows, start=2):
        try:
            lat, lon = float(row["latitude"]), float(row["longitude"])
        except ValueError:
            problems.append(Problem(str(p), f"row {i}", "latitude/longitude must be numbers"))
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append(Problem(str(p), f"row {i}", "latitude/longitude out of range"))
            continue
        keys.append(row.get("building_id") or row.get("school") or row["name"])
        names.append(row["name"])
        xs.append(lon)
        ys.append(lat)
    err = InputError.collect(problems)
    if err:
        raise err
    return gpd.GeoDataFrame(
        {"school": keys, "name": names}, geometry=gpd.points_from_xy(xs, ys), crs=WGS84
    )


# --- derived counts -----------------------------------------------------------------------


def derived_count(
    frame: pd.DataFrame,
    parts: Sequence[str],
    *,
    categories: Sequence[str],
    total: str,
    min_cell: int,
) -> pd.Series:
    """Sum of ``parts`` per row where the published values determine it, else ``<NA>``.

    The sum is known when every part is published, or when the row total and every other
    category are. A known sum from 1 to ``min_cell - 1`` is hidden, as a published count
    would be.

    Parameters
    ----------
    frame
        Suppressed counts (``<NA>`` = hidden).
    parts
        Categories to add up.
    categories
        All categories of the row (they add up to ``total``).
    total
        Row-total column.
    min_cell
        Suppression threshold.

    Returns
    -------
    pandas.Series
        Nullable integers.
    """
    parts = list(parts)
    rest = [c for c in categories if c not in parts]
    direct_known = frame[parts].notna().all(axis=1)
    direct = frame[parts].astype("Float64").sum(axis=1, skipna=True)
    via_known = frame[total].notna() & (frame[rest].notna().all(axis=1) if rest else True)
    via = frame[total].astype("Float64") - (
        frame[rest].astype("Float64").sum(axis=1, skipna=True) if rest else 0.0
    )
    value = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    value[via_known] = via[via_known]
    value[direct_known] = direct[direct_known]
    small = value.notna() & (value > 0) & (value < min_cell)
    value[small] = pd.NA
    return value.round().astype("Int64")


def _area_column(areas: pd.DataFrame) -> str:
    for col in areas.columns:
        if str(col).startswith("h3_res") or col in ("block_group_geoid", "area_id"):
            return str(col)
    raise ValueError("public areas carry no H3 cell or block group column")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def public_areas(public: Any, min_cell: int) -> gpd.GeoDataFrame:
    """The public area table with map columns added (all counts suppressed).

    Columns: ``area_id``, ``area_level``, the analysis' categories, ``students``,
    ``not_served`` (students without served fixed broadband), ``share_not_served``,
    ``need`` (students in homes that qualify for a hotspot), ``need_no_coverage`` (of those,
    where no plan carrier covers the home), ``suppressed``.
    """
    areas = public.areas
    cats = list(public.categories)
    key = _area_column(areas)
    out = gpd.GeoDataFrame(
        {"area_id": areas[key].astype(str), "area_level": key},
        geometry=areas.geometry.to_numpy(),
        crs=areas.crs,
        index=areas.index,
    )
    for c in [*cats, "students"]:
        out[c] = pd.array(areas[c], dtype="Int64")
    need = [c for c in cats if c.endswith("carrier_coverage")]
    no_cov = [c for c in cats if c.endswith("_no_carrier_coverage")]
    not_served = [c for c in cats if c != "served"]
    kw = {"categories": cats, "total": "students", "min_cell": min_cell}
    out["not_served"] = derived_count(out, not_served, **kw)  # type: ignore[arg-type]
    out["need"] = derived_count(out, need, **kw)  # type: ignore[arg-type]
    out["need_no_coverage"] = derived_count(out, no_cov, **kw)  # type: ignore[arg-type]
    students = out["students"].astype("Float64")
    share = out["not_served"].astype("Float64") / students.where(students > 0)
    out["share_not_served"] = share.round(3)
    out["suppressed"] = areas["suppressed"].astype(bool).to_numpy()
    return out.to_crs(WGS84)


# --- privacy guard ------------------------------------------------------------------------


def check_public_layers(layers: Sequence[MapLayer], *, min_cell: int) -> None:
    """Refuse layers that could expose a student.

    Raises ``ValueError`` when a layer has a column named like a student identifier, name,
    address or coordinate; when a layer other than ``schools`` holds points; or when a
    count column (integer) holds a value from 1 to ``min_cell - 1``.
    """
    problems: list[str] = []
    for layer in layers:
        for col in layer.frame.columns:
            if col == layer.frame.geometry.name or col in _ALLOWED:
                continue
            name = str(col).lower()
            parts = set(name.split("_"))
            if any(f in parts or (len(f) > 4 and f in name) for f in FORBIDDEN_COLUMNS):
                problems.append(f"{layer.id}: column {col!r} is not allowed in a public map")
        if layer.id != "schools" and (layer.frame.geom_type.isin(["Point", "MultiPoint"])).any():
            problems.append(f"{layer.id}: point features are only allowed for schools")
        for col in layer.frame.columns:
            series = layer.frame[col]
            if col == layer.frame.geometry.name or not pd.api.types.is_integer_dtype(series):
                continue
            values = pd.to_numeric(series, errors="coerce")
            small = values[(values > 0) & (values < min_cell)]
            if len(small):
                problems.append(
                    f"{layer.id}: column {col!r} shows {len(small)} count(s) below {min_cell}"
                )
    if problems:
        raise ValueError("public map layers fail the privacy check: " + "; ".join(problems))


# --- layers -------------------------------------------------------------------------------


def _coverage_frame(public: Any, coverage: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    cov = coverage if coverage is not None else getattr(public, "coverage", None)
    if cov is None or len(cov) == 0:
        return None
    if "carrier" not in cov.columns:
        raise ValueError("carrier coverage needs a 'carrier' column")
    cov = cov.to_crs(WGS84)
    dissolved = cov[["carrier", cov.geometry.name]].dissolve(by="carrier", sort=True)
    dissolved = dissolved.reset_index()
    district = getattr(public, "district", None)
    if district is not None and len(district):
        boundary = district.to_crs(WGS84).union_all()
        dissolved = dissolved.set_geometry(dissolved.geometry.intersection(boundary))
    metric = dissolved.estimate_utm_crs()
    dissolved["area_km2"] = (dissolved.to_crs(metric).area / 1e6).round(2)
    # The plan's carrier order (its table), then any others by name.
    plan = getattr(public, "carriers", None)
    order = list(plan["carrier"].astype(str)) if plan is not None and "carrier" in plan else []
    rank = {c: i for i, c in enumerate(order)}
    dissolved["_rank"] = [rank.get(str(c), len(order)) for c in dissolved["carrier"]]
    dissolved = dissolved.sort_values(["_rank", "carrier"], kind="stable").drop(columns="_rank")
    return dissolved[~dissolved.geometry.is_empty].reset_index(drop=True)


def equity_layers(
    result: Any,
    *,
    schools: gpd.GeoDataFrame | None = None,
    coverage: gpd.GeoDataFrame | None = None,
) -> list[MapLayer]:
    """The map layers of an equity result, bottom to top.

    Parameters
    ----------
    result
        An equity result: ``result.public`` (areas, categories, district, by_school,
        hotspots_by_school, carriers) and ``result.summary``; nothing else is read.
    schools
        School points (see :func:`read_schools`).
    coverage
        Carrier coverage polygons with a ``carrier`` column (one or more rows per carrier);
        default: ``result.public.coverage`` when the result has it.

    Returns
    -------
    list of MapLayer
        Fixed service, hotspot need, one layer per carrier, uncovered areas, district, schools.
    """
    public = result.public
    min_cell = int(result.summary.get("privacy", {}).get("min_cell", 10))
    areas = public_areas(public, min_cell)
    level = str(areas["area_level"].iloc[0]) if len(areas) else "area"
    level_text = (
        f"H3 resolution {level.removeprefix('h3_res')} cells"
        if level.startswith("h3_res")
        else "census block groups"
    )
    suppressed_label = f"suppressed (counts under {min_cell} hidden)"
    tip = [
        ("area_id", "Area"),
        ("students", "Students"),
        ("served", "Served (100/20)"),
        ("underserved", "Underserved"),
        ("not_served", "Not served"),
        ("need", "Hotspot need (students)"),
        ("need_no_coverage", "Need, no carrier coverage"),
    ]
    tip = [t for t in tip if t[0] in areas.columns]
    layers: list[MapLayer] = []
    fixed_cols = [
        "area_id",
        "area_level",
        "students",
        "served",
        "underserved",
        "not_served",
        "share_not_served",
        "suppressed",
    ]
    fixed_cols = [c for c in fixed_cols if c in areas.columns]
    layers.append(
        MapLayer(
            "fixed-service",
            "Fixed broadband service",
            areas[[*fixed_cols, "geometry"]],
            Binned(
                "share_not_served",
                [0.0, 0.10, 0.25, 0.50, 1.0001],
                ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"],
                missing=SUPPRESSED_GREY,
                missing_label=suppressed_label,
                integer=False,
                labels=[
                    "under 10 % not served",
                    "10-25 % not served",
                    "25-50 % not served",
                    "50 % or more not served",
                ],
            ),
            tooltip=[*tip[:5], ("share_not_served", "Share not served")],
            description=f"Share of students whose home has no reliable 100/20 Mbps fixed "
            f"service, by {level_text}.",
        )
    )
    need_cols = [
        c
        for c in ("area_id", "area_level", "students", "need", "need_no_coverage", "suppressed")
        if c in areas.columns
    ]
    layers.append(
        MapLayer(
            "hotspot-need",
            "Hotspot need",
            areas[[*need_cols, "geometry"]],
            Binned(
                "need",
                [0, 1, 25, 50, 100, 1e9],
                ["#f7f7f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
                missing=SUPPRESSED_GREY,
                missing_label=suppressed_label,
                labels=[
                    "none",
                    f"{min_cell}-24 students",
                    "25-49 students",
                    "50-99 students",
                    "100 or more students",
                ],
            ),
            tooltip=[t for t in tip if t[0] in ("area_id", "students", "need", "need_no_coverage")],
            visible=False,
            description="Students in homes that qualify for a hotspot, by " + level_text + ".",
        )
    )
    cov = _coverage_frame(public, coverage)
    if cov is not None:
        for i, row in enumerate(cov.itertuples(index=False)):
            carrier = str(row.carrier)
            colour = CARRIER_COLOURS[i % len(CARRIER_COLOURS)]
            frame = cov[cov["carrier"] == carrier]
            layers.append(
                MapLayer(
                    f"coverage-{_slug(carrier)}",
                    f"{carrier} coverage",
                    frame,
                    Single(colour, f"{carrier}: meets the plan's coverage requirement"),
                    tooltip=[("carrier", "Carrier"), ("area_km2", "Area (km²)")],
                    stroke=colour,
                    weight=1.0,
                    fill_opacity=0.35,
                    visible=False,
                    description="Mobile coverage reported to the FCC (BDC) at the plan's "
                    "technology, speed and environment.",
                )
            )
    uncovered = (
        areas[areas["need_no_coverage"].fillna(0) > 0]
        if "need_no_coverage" in areas
        else areas.iloc[0:0]
    )
    un_cols = [c for c in ("area_id", "area_level", "need", "need_no_coverage") if c in areas]
    layers.append(
        MapLayer(
            "uncovered",
            "Need without carrier coverage",
            uncovered[[*un_cols, "geometry"]],
            Single("#252525", "students in need, no plan carrier covers their home", shape="hatch"),
            tooltip=[t for t in tip if t[0] in ("area_id", "need", "need_no_coverage")],
            stroke="#252525",
            weight=1.5,
            fill_opacity=0.25,
            hatch="////",
            description=f"Areas with at least {min_cell} such students (smaller counts are "
            "suppressed and not shown).",
        )
    )
    district = getattr(public, "district", None)
    if district is not None and len(district):
        d = district.to_crs(WGS84)
        d = gpd.GeoDataFrame(
            {"name": d["name"].astype(str) if "name" in d else "District"},
            geometry=d.geometry.to_numpy(),
            crs=WGS84,
        )
        layers.append(
            MapLayer(
                "district",
                "District boundary",
                d,
                Single(None, "district boundary"),
                stroke="#222222",
                weight=2.5,
                fill_opacity=0.0,
                kind="context",
            )
        )
    if schools is not None and len(schools):
        layers.append(_schools_layer(public, schools))
    check_public_layers(layers, min_cell=min_cell)
    return layers


def _schools_layer(public: Any, schools: gpd.GeoDataFrame) -> MapLayer:
    pts = schools.to_crs(WGS84)
    key = pts["school"] if "school" in pts.columns else pts["name"]
    frame = gpd.GeoDataFrame(
        {"school": key.astype(str), "name": pts["name"].astype(str)},
        geometry=pts.geometry.to_numpy(),
        crs=WGS84,
    )
    tooltip = [("name", "School")]
    by_school = getattr(public, "by_school", None)
    if by_school is not None and "students" in by_school.columns:
        s = by_school.set_index(by_school["school"].astype(str))["students"]
        frame["students"] = pd.array(s.reindex(frame["school"]).to_numpy(), dtype="Int64")
        tooltip.append(("students", "Students"))
    hs = getattr(public, "hotspots_by_school", None)
    if hs is not None and "households_needing_hotspot" in hs.columns:
        s = hs.set_index(hs["school"].astype(str))["households_needing_hotspot"]
        frame["households_needing_hotspot"] = pd.array(
            s.reindex(frame["school"]).to_numpy(), dtype="Int64"
        )
        tooltip.append(("households_needing_hotspot", "Households needing a hotspot"))
    return MapLayer(
        "schools",
        "Schools",
        frame,
        Single("#111111", "school"),
        tooltip=tooltip,
        stroke="#ffffff",
        weight=2.0,
        fill_opacity=1.0,
        point_radius=7.0,
        kind="context",
        description="Counts per school are suppressed like the area counts.",
    )


# --- summary panel ------------------------------------------------------------------------


def _money(v: object) -> str:
    try:
        return f"${float(v):,.0f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"


def _int(v: object) -> str:
    try:
        return f"{int(v):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "–"


def summary_panel(summary: Mapping[str, Any]) -> list[PanelTable]:
    """Tables for the map's side panel from the run's district totals."""
    tables: list[PanelTable] = []
    hh = summary.get("households", {})
    st = summary.get("students", {})
    if "by_class" in hh:
        rows = [
            [c, _int(hh["by_class"].get(c)), _int(st.get("by_class", {}).get(c))]
            for c in ("served", "underserved", "unserved")
        ]
        rows.append(["total", _int(hh.get("total")), _int(st.get("valid"))])
        tables.append(
            PanelTable(
                "Households by fixed service",
                ["class", "households", "students"],
                rows,
                "Served: reliable 100/20 Mbps; underserved: 25/3 but not 100/20 (FCC/BEAD).",
            )
        )
    hs = summary.get("hotspots", {})
    cost = summary.get("cost", {})
    if "by_carrier" in hs:
        by_cost = cost.get("by_carrier", {})
        rows = [
            [
                name,
                _int(n),
                _money(by_cost.get(name, {}).get("year1")),
                _money(by_cost.get(name, {}).get("yearly")),
            ]
            for name, n in hs["by_carrier"].items()
        ]
        rows.append(
            [
                "total",
                _int(hs.get("assigned")),
                _money(cost.get("year1")),
                _money(cost.get("yearly")),
            ]
        )
        note = f"{_int(hs.get('households_needing'))} households need a hotspot"
        status = hs.get("by_status", {})
        if status.get("no_coverage"):
            note += f"; {_int(status['no_coverage'])} have no carrier coverage"
        if cost.get("budget_year1") is not None:
            note += f"; year-1 budget {_money(cost['budget_year1'])}"
        tables.append(
            PanelTable(
                "Hotspots by carrier",
                ["carrier", "hotspots", "year 1", "later years"],
                rows,
                note + ".",
            )
        )
    return tables


# --- writer -------------------------------------------------------------------------------


def write_equity_maps(
    result: Any,
    out_dir: str | Path,
    *,
    basemap: Basemap | str | None = None,
    schools: gpd.GeoDataFrame | str | Path | None = None,
    coverage: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    png: bool = True,
) -> dict[str, Path]:
    """Write the equity maps: ``equity_map.html``, ``equity_layers.gpkg`` and PNGs.

    Parameters
    ----------
    result
        The equity result (only its public part and summary are read).
    out_dir
        Output folder (created); other files in it are left alone.
    basemap
        Opt-in tile URL (``https://.../{z}/{x}/{y}.png``) or :class:`Basemap`; without it the
        HTML map loads nothing from the network.
    schools
        School points or a schools CSV (see :func:`read_schools`).
    coverage
        Carrier coverage polygons (``carrier`` column); default ``result.public.coverage``.
    title
        Map title (default: the programme name from the summary).
    png
        Also draw the printable PNGs (slide and letter) of each thematic layer.

    Returns
    -------
    dict
        Name -> path of each file written.
    """
    if isinstance(schools, (str, Path)):
        schools = read_schools(schools)
    if isinstance(basemap, str):
        basemap = Basemap.parse(basemap)
    layers = equity_layers(result, schools=schools, coverage=coverage)
    summary = result.summary
    min_cell = int(summary.get("privacy", {}).get("min_cell", 10))
    name = title or str(summary.get("programme") or "Home connectivity")
    notes = [
        f"Counts below {min_cell} students are suppressed (grey), with complementary "
        "suppression so hidden values cannot be worked out from totals. No student, home or "
        "address appears on this map; points are schools.",
        SOURCES,
    ]
    out = Path(out_dir)
    written: dict[str, Path] = {}
    context = [la for la in layers if la.kind == "context"]
    with staged_output(out) as stage:
        write_map_html(
            stage / "equity_map.html",
            layers,
            title=name,
            subtitle="Home broadband and hotspot need",
            panel=summary_panel(summary),
            notes=notes,
            basemap=basemap,
        )
        written["equity map (HTML)"] = out / "equity_map.html"
        descriptions = {
            "fixed-service": {
                "area_id": "H3 cell id or census block group GEOID",
                "area_level": "aggregation level (h3_resN or block_group_geoid)",
                "students": "students with a valid home in the area (suppressed below the "
                "threshold)",
                "served": "students whose home has reliable 100/20 Mbps fixed service",
                "underserved": "students whose home has reliable 25/3 but not 100/20",
                "not_served": "students without served fixed service",
                "share_not_served": "not_served / students",
                "suppressed": "true when any count of the area is hidden",
            },
        }
        write_geopackage(layers, stage / "equity_layers.gpkg", field_descriptions=descriptions)
        written["equity map layers (GeoPackage)"] = out / "equity_layers.gpkg"
        if png:
            need = next((la for la in layers if la.id == "hotspot-need"), None)
            for layer in layers:
                if layer.kind == "context" or len(layer.frame) == 0:
                    continue
                # Uncovered areas are few; they read better over the need they come from.
                base = [need] if layer.id == "uncovered" and need is not None else []
                for size in ("slide", "letter"):
                    fname = f"equity_{layer.id}_{size}.png"
                    render_printable_map(
                        [*base, layer, *context],
                        stage / fname,
                        title=layer.title,
                        subtitle=f"{name}. {layer.description}",
                        credits=notes[0].split(";")[0] + ". " + SOURCES,
                        size=size,
                    )
                    written[f"{layer.title} ({size} PNG)"] = out / fname
    return written
