"""Equity maps: derived counts, the privacy guard, the GeoPackage, and the demo district's maps.

The privacy scan at the end reads the demo roster and checks that no student id, no home
coordinate and no small count reaches any published map file.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point, box

from netplan.equity import run_demo_equity_result
from netplan.equity.demo import demo_inputs_dir
from netplan.errors import InputError
from netplan.maps.equity import (
    check_public_layers,
    derived_count,
    equity_layers,
    read_schools,
    write_equity_maps,
)
from netplan.maps.gpkg import write_geopackage
from netplan.maps.layers import MapLayer
from netplan.maps.style import Single
from netplan.report.offline import network_references

CATS = ["served", "underserved", "unserved_carrier_coverage", "unserved_no_carrier_coverage"]


# --- derived counts (worked by hand) ------------------------------------------------------


def _frame(rows: list[list[int | None]]) -> pd.DataFrame:
    cols = [*CATS, "students"]
    return pd.DataFrame(rows, columns=cols).astype("Int64")


def test_derived_count_from_parts_or_from_the_total() -> None:
    frame = _frame(
        [
            [50, 20, 12, 11, 93],  # all published: need = 12 + 11 = 23
            [50, 20, None, None, 93],  # total - served - underserved = 23
            [None, 20, 12, None, 93],  # neither route: hidden
            [60, 20, None, None, 85],  # 85 - 80 = 5: small, hidden like a published 5
            [80, 20, 0, 0, 100],  # zero is shown
            [None, None, None, None, None],  # all hidden
        ]
    )
    need = derived_count(frame, CATS[2:], categories=CATS, total="students", min_cell=10)
    assert need.tolist() == [23, 23, pd.NA, pd.NA, 0, pd.NA]


def test_derived_count_of_a_single_published_category_is_itself() -> None:
    frame = _frame([[50, 20, 12, 11, 93], [50, None, 12, None, 93]])
    out = derived_count(frame, ["served"], categories=CATS, total="students", min_cell=10)
    assert out.tolist() == [50, 50]


# --- privacy guard ------------------------------------------------------------------------


def _areas(**extra: Any) -> gpd.GeoDataFrame:
    data = {"area_id": ["a", "b"], "students": pd.array([20, None], dtype="Int64"), **extra}
    return gpd.GeoDataFrame(data, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_areas(student_id=["1", "2"]), "student_id"),
        (_areas(home_lat=[1.0, 2.0]), "home_lat"),
        (_areas(address=["x", "y"]), "address"),
        (_areas(household_key=["x", "y"]), "household_key"),
        (_areas(need=pd.array([3, 40], dtype="Int64")), "below 10"),
    ],
)
def test_privacy_guard_rejects_identifying_columns_and_small_counts(
    frame: gpd.GeoDataFrame, message: str
) -> None:
    layer = MapLayer("areas", "Areas", frame, Single("#000", "x"))
    with pytest.raises(ValueError, match=message):
        check_public_layers([layer], min_cell=10)


def test_privacy_guard_allows_points_only_for_schools() -> None:
    pts = gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(0, 0)], crs=4326)
    check_public_layers([MapLayer("schools", "S", pts, Single("#000", "s"))], min_cell=10)
    with pytest.raises(ValueError, match="point features"):
        check_public_layers([MapLayer("homes", "H", pts, Single("#000", "h"))], min_cell=10)


def test_privacy_guard_passes_suppressed_and_large_counts() -> None:
    frame = _areas(need=pd.array([0, None], dtype="Int64"), share=[0.04, 0.5])
    check_public_layers([MapLayer("areas", "A", frame, Single("#000", "x"))], min_cell=10)


# --- schools file -------------------------------------------------------------------------


def test_read_schools_reports_bad_rows(tmp_path: Path) -> None:
    p = tmp_path / "schools.csv"
    p.write_text(
        "building_id,name,latitude,longitude\na,A,40.1,-104.1\nb,B,north,-104\nc,C,95,-104\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_schools(p)
    assert [pr.field for pr in info.value.problems] == ["row 3", "row 4"]
    p.write_text("name,lat,lon\nA,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="latitude"):
        read_schools(p)


# --- GeoPackage ---------------------------------------------------------------------------


def test_geopackage_has_every_layer_in_wgs84_with_a_dictionary(tmp_path: Path) -> None:
    areas = _areas(served=pd.array([12, None], dtype="Int64")).to_crs(3857)
    pts = gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(-104.7, 40.3)], crs=4326)
    layers = [
        MapLayer("fixed-service", "Fixed", areas, Single("#000", "x"), description="Fixed."),
        MapLayer("schools", "Schools", pts, Single("#000", "s"), kind="context"),
    ]
    out = write_geopackage(
        layers,
        tmp_path / "x.gpkg",
        field_descriptions={"fixed-service": {"served": "served students"}},
    )
    listed = {name: geom for name, geom in pyogrio.list_layers(out)}
    assert listed == {"fixed_service": "Polygon", "schools": "Point", "layer_fields": None}
    for name in ("fixed_service", "schools"):
        assert pyogrio.read_info(out, layer=name)["crs"] == "EPSG:4326"
    back = pyogrio.read_dataframe(out, layer="fixed_service")
    assert back["served"].isna().tolist() == [False, True]  # suppressed stays missing, not 0
    assert back.geometry.iloc[0].bounds == pytest.approx((0, 0, 1, 1), abs=1e-6)
    fields = pyogrio.read_dataframe(out, layer="layer_fields")
    row = fields[(fields["layer"] == "fixed_service") & (fields["field"] == "served")]
    assert row["description"].tolist() == ["served students"]


def test_geopackage_rejects_unstyled_field_names(tmp_path: Path) -> None:
    frame = _areas(**{"Households Unserved": [1, 2]})
    with pytest.raises(ValueError, match="snake_case"):
        write_geopackage([MapLayer("a", "A", frame, Single("#000", "x"))], tmp_path / "x.gpkg")
    assert not (tmp_path / "x.gpkg").exists()


# --- the demo district --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_result() -> Any:
    return run_demo_equity_result()


@pytest.fixture(scope="module")
def demo_maps(demo_result: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # Only the public part and the summary are handed over: the maps cannot read more.
    public_only = SimpleNamespace(public=demo_result.public, summary=demo_result.summary)
    out = tmp_path_factory.mktemp("equity_maps")
    return write_equity_maps(public_only, out, schools=demo_inputs_dir() / "schools.csv")


def test_demo_layers_and_files(demo_maps: dict[str, Path], demo_result: Any) -> None:
    names = {p.name for p in demo_maps.values()}
    assert {"equity_map.html", "equity_layers.gpkg"} <= names
    pngs = [p for p in demo_maps.values() if p.suffix == ".png"]
    assert len(pngs) >= 4 and len(pngs) % 2 == 0  # slide + letter per thematic layer
    for png in pngs:
        img = mpimg.imread(png)
        assert img.shape[:2] in ((1125, 2000), (2200, 1700))
        assert float((img[..., :3].min(axis=2) < 0.95).mean()) > 0.05
    layers = dict(pyogrio.list_layers(next(p for p in demo_maps.values() if p.suffix == ".gpkg")))
    assert {"fixed_service", "hotspot_need", "uncovered", "district", "schools"} <= set(layers)
    # The areas layer holds one feature per public area, with the published counts.
    gpkg = next(p for p in demo_maps.values() if p.suffix == ".gpkg")
    fixed = pyogrio.read_dataframe(gpkg, layer="fixed_service")
    assert len(fixed) == len(demo_result.public.areas)
    pub = demo_result.public.areas
    assert (
        fixed["served"].fillna(-1).astype(int).tolist()
        == pub["served"].fillna(-1).astype(int).tolist()
    )


def test_demo_map_page_is_offline(demo_maps: dict[str, Path]) -> None:
    html = demo_maps["equity map (HTML)"].read_text(encoding="utf-8")
    assert network_references(html) == []
    assert not re.search(
        r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["']?https?:""", html, re.I
    )


def _payload(html: str) -> dict[str, Any]:
    m = re.search(r'id="netplan-map-data">(.*?)</script>', html, re.S)
    assert m is not None
    return json.loads(m.group(1).replace("<\\/", "</"))  # type: ignore[no-any-return]


def _roster() -> tuple[set[str], list[tuple[float, float]]]:
    ids: set[str] = set()
    homes: list[tuple[float, float]] = []
    with (demo_inputs_dir() / "students.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            ids.add(row["student_id"])
            try:
                homes.append((float(row["longitude"]), float(row["latitude"])))
            except ValueError:
                continue
    return ids, homes


def test_privacy_scan_of_published_maps(demo_maps: dict[str, Path], demo_result: Any) -> None:
    ids, homes = _roster()
    assert len(ids) > 1000 and len(homes) > 1000
    min_cell = int(demo_result.summary["privacy"]["min_cell"])

    # 1. No student id anywhere in any published file (text or binary). Ids are digit
    # strings; every digit run in a file is compared with the roster's ids.
    assert all(i.isdigit() for i in ids)
    for path in demo_maps.values():
        runs = set(re.findall(rb"\d+", path.read_bytes()))
        hits = {r.decode() for r in runs} & ids
        assert not hits, f"student ids {sorted(hits)[:3]} in {path.name}"

    # 2. Points only for schools, and every point is a school from the schools file.
    html = demo_maps["equity map (HTML)"].read_text(encoding="utf-8")
    payload = _payload(html)
    school_pts = {
        (round(g.x, 5), round(g.y, 5))
        for g in read_schools(demo_inputs_dir() / "schools.csv").geometry
    }
    for layer in payload["layers"]:
        for feature in layer["geojson"]["features"]:
            kind = feature["geometry"]["type"]
            if kind in ("Point", "MultiPoint"):
                assert layer["id"] == "schools"
                assert tuple(feature["geometry"]["coordinates"]) in school_pts

    # 3. No home coordinate is a vertex of any published geometry (GeoPackage and page).
    gpkg = demo_maps["equity map layers (GeoPackage)"]
    vertices: set[tuple[float, float]] = set()
    for name, _geom in pyogrio.list_layers(gpkg):
        if name == "layer_fields":
            continue
        frame = pyogrio.read_dataframe(gpkg, layer=name)
        for x, y in shapely.get_coordinates(frame.geometry.to_numpy()):
            vertices.add((round(float(x), 5), round(float(y), 5)))
    home_set = {(round(x, 5), round(y, 5)) for x, y in homes}
    assert not (home_set & vertices) - school_pts

    # 4. Every count shown in a tooltip is suppressed, zero, or at least min_cell.
    for layer in payload["layers"]:
        labels = layer["tooltip"]
        for feature in layer["geojson"]["features"]:
            for label, value in zip(labels, feature["properties"]["t"], strict=True):
                if label in ("Area", "School", "Carrier", "Share not served") or "km" in label:
                    continue
                if value == "suppressed":
                    continue
                n = int(value.replace(",", ""))
                assert n == 0 or n >= min_cell, (layer["id"], label, value)

    # 5. The GeoPackage carries no restricted column.
    con = sqlite3.connect(gpkg)
    try:
        columns = {
            row[1].lower()
            for (table,) in con.execute("select table_name from gpkg_contents")
            for row in con.execute(f'pragma table_info("{table}")')
        }
    finally:
        con.close()
    for bad in (
        "student_id",
        "student_ids",
        "household_id",
        "address",
        "latitude",
        "longitude",
        "lat",
        "lon",
        "carrier_status",
        "hotspot_status",
    ):
        assert bad not in columns


def test_carrier_coverage_layers_when_given(demo_result: Any, tmp_path: Path) -> None:
    district = demo_result.public.district.geometry.iloc[0]
    minx, miny, maxx, maxy = district.bounds
    west = box(minx - 0.1, miny - 0.1, (minx + maxx) / 2, maxy + 0.1)
    coverage = gpd.GeoDataFrame(
        {"carrier": ["Summit Wireless", "Summit Wireless", "Prairie Mobile"]},
        geometry=[west, box(minx, miny, minx + 0.01, miny + 0.01), district.buffer(-0.01)],
        crs=4326,
    )
    layers = equity_layers(demo_result, coverage=coverage)
    cov = {la.id: la for la in layers if la.id.startswith("coverage-")}
    assert set(cov) == {"coverage-prairie-mobile", "coverage-summit-wireless"}
    summit = cov["coverage-summit-wireless"].frame
    assert len(summit) == 1  # dissolved per carrier
    # Clipped to the district: the western half of it, not the box that overhangs.
    assert summit.geometry.iloc[0].area == pytest.approx(district.intersection(west).area, rel=1e-6)
    assert float(summit["area_km2"].iloc[0]) > 0


def test_uncovered_layer_only_shows_published_need(demo_result: Any) -> None:
    layers = {la.id: la for la in equity_layers(demo_result)}
    un = layers["uncovered"].frame
    # Worked out row by row from the published table: the no-coverage count is published, or
    # follows from the total and every other category; shown when at least min_cell.
    pub = demo_result.public.areas
    cats = list(demo_result.public.categories)
    expected = set()
    for _, row in pub.iterrows():
        value = row["unserved_no_carrier_coverage"]
        if pd.isna(value):
            others = [row[c] for c in cats if c != "unserved_no_carrier_coverage"]
            if pd.isna(row["students"]) or any(pd.isna(o) for o in others):
                continue
            value = int(row["students"]) - sum(int(o) for o in others)
        if int(value) >= 10:
            expected.add(row["h3_res7"])
    assert set(un["area_id"]) == expected
    assert len(expected) > 0  # the demo has such areas, so the check is not vacuous


def _readable(path: Path) -> str:
    """Everything readable in a map file: the page text, or every GeoPackage table's rows."""
    if path.suffix == ".gpkg":
        con = sqlite3.connect(path)
        try:
            rows = []
            for (name,) in con.execute("select name from sqlite_master where type='table'"):
                rows += [repr(r) for r in con.execute(f'select * from "{name}"')]
        finally:
            con.close()
        return "\n".join(rows)
    return path.read_text(encoding="utf-8")


def test_equity_privacy_scan_covers_the_maps(tmp_path: Path) -> None:
    # The equity tests' tiny world (hand-made roster, homes at known points, min_cell 3),
    # scanned the same way as the equity outputs: no ids, addresses or home coordinates.
    from netplan.equity import run_equity
    from test_equity_support import HOMES, default_roster, write_world

    result = run_equity(write_world(tmp_path / "world"))
    public_only = SimpleNamespace(public=result.public, summary=result.summary)
    written = write_equity_maps(public_only, tmp_path / "maps", png=False)
    roster = default_roster()
    ids = {r["student_id"] for r in roster} | {
        r["household_id"] for r in roster if r["household_id"]
    }
    words = {"Elm Street", "ELM ST"}
    coords = {r["latitude"] for r in roster} | {r["longitude"] for r in roster}
    coords = {c for c in coords if c and re.fullmatch(r"-?\d+\.\d{3,}", c)}
    assert ids and coords
    for path in written.values():
        blob = _readable(path)
        for s in ids:
            assert not re.search(rf"(?<![\w.]){re.escape(s)}(?![\w.])", blob), (path.name, s)
        for w in words:
            assert w not in blob, (path.name, w)
        for c in coords:
            assert not re.search(rf"{re.escape(c)}(?!\d)", blob), (path.name, c)
    gpkg = written["equity map layers (GeoPackage)"]
    homes = {(round(lon, 5), round(lat, 5)) for lat, lon in HOMES.values()}
    for name, _ in pyogrio.list_layers(gpkg):
        if name == "layer_fields":
            continue
        frame = pyogrio.read_dataframe(gpkg, layer=name)
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}  # no school file given
        verts = {(round(x, 5), round(y, 5)) for x, y in shapely.get_coordinates(frame.geometry)}
        assert not verts & homes


def test_carrier_coverage_areas_agree_with_the_analysis_home_by_home() -> None:
    # The analysis decides per home which carriers cover it (restricted output, read here
    # only to check the map); the map's coverage areas must hold exactly those homes.
    from netplan.equity import run_equity
    from netplan.equity.demo import demo_config
    from netplan.maps.coverage import carrier_coverage_areas, region_cells

    config = demo_config()
    result = run_equity(config)
    areas = carrier_coverage_areas(config, result)
    assert set(areas["carrier"]) <= {c for c in result.summary["hotspots"]["by_carrier"]}
    assert len(areas) >= 2
    homes = result.restricted.households
    inside_region = (
        homes["h3_res9"].astype(str).isin(set(region_cells(result.public.district.union_all())))
    )
    homes = homes[inside_region.to_numpy()]
    assert len(homes) > 1000
    for carrier, shape_ in zip(areas["carrier"], areas.geometry, strict=True):
        lists = homes["carriers_covering"].astype(str).str.split(";")
        says = np.array([carrier in c for c in lists], dtype=bool)
        shapely.prepare(shape_)
        within = shapely.contains_xy(shape_, homes["lon"].to_numpy(), homes["lat"].to_numpy())
        agree = float((says == within).mean())
        # Homes sit inside their own cell; the shape is the union of covered cells.
        assert agree == 1.0, (carrier, agree)
        assert 0 < within.sum() < len(homes)  # neither empty nor everything: a real test
