"""Builders for the equity tests: a tiny county cut in the real public formats.

Four 0.01-degree blocks in a row (west to east) in fictional county 999 of Colorado (state
FIPS 08, so every GEOID starts with a zero), BDC fixed rows with the exact public columns,
a roster, BDC mobile coverage as CSV of h3_res9_id and a plans TOML. Expected results in the
tests are worked out by hand from the values written here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import h3
import shapely

from netplan.equity.config import EquityConfig
from netplan.equity.constants import BDC_FIXED_COLUMNS

#: Block GEOIDs, west to east; block i spans longitudes -104.70 + 0.01 i ... + 0.01.
GEOIDS = ("089990001001000", "089990001001001", "089990001001002", "089990001002000")
SOUTH, NORTH = 40.30, 40.31


def block_box(i: int) -> shapely.Polygon:
    """Block ``i`` as a polygon (lon, lat)."""
    west = -104.70 + 0.01 * i
    return shapely.box(west, SOUTH, west + 0.01, NORTH)


def write_blocks(path: Path, *, crs: str | None = "EPSG:4269") -> Path:
    """A tabblock20 layer of the four blocks (NAD83, as TIGER/Line)."""
    rows = []
    for i, g in enumerate(GEOIDS):
        c = block_box(i).centroid
        rows.append(
            {
                "STATEFP20": g[:2],
                "COUNTYFP20": g[2:5],
                "TRACTCE20": g[5:11],
                "BLOCKCE20": g[11:],
                "GEOID20": g,
                "ALAND20": 950_000,
                "AWATER20": 0,
                "INTPTLAT20": f"{c.y:+011.7f}",
                "INTPTLON20": f"{c.x:+012.7f}",
                "HOUSING20": 10,
                "POP20": 25,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry=[block_box(i) for i in range(4)], crs=crs)
    if path.suffix == ".shp":
        gdf.to_file(path, engine="pyogrio")
        if crs is None:
            path.with_suffix(".prj").unlink(missing_ok=True)
    else:
        gdf.to_file(path, driver="GPKG", engine="pyogrio")
    return path


def bdc_row(
    block: int,
    tech: int,
    down: str,
    up: str,
    *,
    brc: str = "R",
    low_latency: str = "1",
    location: str = "1000000001",
    frn: str = "0001234567",
    provider: str = "890011",
    geoid: str | None = None,
) -> dict[str, str]:
    """One BDC fixed row with the public columns."""
    lat, lon = (SOUTH + NORTH) / 2, -104.695 + 0.01 * block
    return {
        "frn": frn,
        "provider_id": provider,
        "brand_name": "Test ISP",
        "location_id": location,
        "technology": str(tech),
        "max_advertised_download_speed": down,
        "max_advertised_upload_speed": up,
        "low_latency": low_latency,
        "business_residential_code": brc,
        "state_usps": "CO",
        "block_geoid": geoid if geoid is not None else GEOIDS[block],
        "h3_res8_id": h3.latlng_to_cell(lat, lon, 8),
    }


def default_bdc_rows() -> list[dict[str, str]]:
    """Block 0 served (cable 1000/35); block 1 underserved (DSL 25/3; NGSO satellite and an
    empty-upload cable offer do not lift it); block 2 unserved (DSL 25 with no upload, unlicensed
    wireless 100/20, business-only fibre); block 3 unserved (GSO satellite only)."""
    return [
        bdc_row(0, 40, "1000", "35", brc="X", location="1000000001"),
        bdc_row(1, 10, "25", "3", location="1000000002"),
        bdc_row(1, 61, "100", "20", brc="X", location="1000000002", provider="890016"),
        bdc_row(1, 40, "300", "", location="1000000003"),
        bdc_row(2, 10, "25", "", location="1000000004"),
        bdc_row(2, 70, "100", "20", location="1000000004", provider="890015"),
        bdc_row(2, 50, "1000", "1000", brc="B", location="1000000005", provider="890012"),
        bdc_row(
            3, 60, "25", "3", brc="X", low_latency="0", location="1000000006", provider="890017"
        ),
    ]


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | tuple[str, ...]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns))
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


ROSTER_COLUMNS = (
    "student_id",
    "school",
    "grade",
    "household_id",
    "address",
    "latitude",
    "longitude",
    "frl",
    "home_internet",
)

#: Homes: (lat, lon) per household, block index in the comment.
HOMES = {
    "H1": (40.305, -104.695),  # block 0: served
    "H2": (40.305, -104.685),  # block 1: underserved by coverage, survey says no internet
    "ELM": (40.305, -104.675),  # block 2: unserved (no household id: grouped by address)
    "H4": (40.305, -104.665),  # block 3: unserved, kindergarten only
    "H5": (40.306, -104.664),  # block 3: unserved, free/reduced lunch
    "H6": (40.306, -104.674),  # block 2: unserved
}


def default_roster() -> list[dict[str, str]]:
    """8 valid students in 6 households, then 3 bad rows (rows 10-12)."""

    def s(
        sid: str,
        school: str,
        grade: str,
        hh: str,
        home: str,
        *,
        addr: str = "",
        frl: str = "N",
        survey: str = "",
    ) -> dict[str, str]:
        lat, lon = HOMES[home]
        return {
            "student_id": sid,
            "school": school,
            "grade": grade,
            "household_id": hh,
            "address": addr,
            "latitude": f"{lat}",
            "longitude": f"{lon}",
            "frl": frl,
            "home_internet": survey,
        }

    rows = [
        s("0001", "oak", "K", "H1", "H1"),  # row 2
        s("0002", "oak", "3", "H1", "H1"),  # row 3
        s("0003", "cms", "7", "H2", "H2", survey="No"),  # row 4
        s("0004", "chs", "10", "", "ELM", addr="12 Elm Street Apt 4"),  # row 5
        s("0005", "oak", "2", "", "ELM", addr="12 ELM ST. #4"),  # row 6
        s("0006", "oak", "K", "H4", "H4", frl="Y"),  # row 7
        s("0007", "oak", "5", "H5", "H5", frl="Y"),  # row 8
        s("0008", "chs", "9", "H6", "H6"),  # row 9
    ]
    missing = dict(rows[0], student_id="0009", latitude="", longitude="")  # row 10
    swapped = dict(rows[0], student_id="0010", latitude="-104.695", longitude="40.305")  # row 11
    exact_dup = dict(rows[2])  # row 12: same as row 4
    return [*rows, missing, swapped, exact_dup]


def home_cell(home: str) -> str:
    lat, lon = HOMES[home]
    return h3.latlng_to_cell(lat, lon, 9)


def default_mobile(dir_: Path) -> list[Path]:
    """Carrier 990001 (in-vehicle) at H2, ELM, H5 and outdoor-only at H6; carrier 990002
    (in-vehicle) at ELM, H5, H6."""
    cols = ("h3_res9_id", "technology", "mindown", "minup", "environment")

    def rows(spec: list[tuple[str, int]]) -> list[dict[str, str]]:
        return [
            {
                "h3_res9_id": home_cell(h),
                "technology": "400",
                "mindown": "5",
                "minup": "1",
                "environment": str(env),
            }
            for h, env in spec
        ]

    a = write_csv(
        dir_ / "bdc_08_990001_4GLTE_5_1_mobile_broadband_h3_J25_01dec2025.csv",
        rows([("H2", 1), ("ELM", 1), ("H5", 1), ("H6", 0)]),
        cols,
    )
    b = write_csv(
        dir_ / "bdc_08_990002_4GLTE_5_1_mobile_broadband_h3_J25_01dec2025.csv",
        rows([("ELM", 1), ("H5", 1), ("H6", 1)]),
        cols,
    )
    return [a, b]


PLANS = """
[programme]
name = "Test programme"
months_per_year = 10
ineligible_grades = ["PK", "K"]
{extra}

[[carrier]]
name = "A"
provider_id = "990001"
device_cost = 90.0
monthly_cost = 15.0

[[carrier]]
name = "B"
provider_id = "990002"
device_cost = 250.0
monthly_cost = 25.0
"""


def write_world(
    d: Path,
    *,
    plans_extra: str = "",
    bdc_rows: list[dict[str, str]] | None = None,
    roster: list[dict[str, str]] | None = None,
) -> EquityConfig:
    """Write every input of the tiny world into ``d`` and return its configuration."""
    d.mkdir(parents=True, exist_ok=True)
    blocks = write_blocks(d / "tl_2020_08999_tabblock20.gpkg")
    fixed = write_csv(
        d / "bdc_08_Cable_fixed_broadband_J25_01dec2025.csv",
        bdc_rows if bdc_rows is not None else default_bdc_rows(),
        BDC_FIXED_COLUMNS,
    )
    students = write_csv(
        d / "students.csv", roster if roster is not None else default_roster(), ROSTER_COLUMNS
    )
    district = d / "district.geojson"
    gpd.GeoDataFrame(
        {"name": ["test"]}, geometry=[shapely.box(-104.70, SOUTH, -104.66, NORTH)], crs="EPSG:4326"
    ).to_file(district, driver="GeoJSON", engine="pyogrio")
    plans = d / "plans.toml"
    plans.write_text(PLANS.format(extra=plans_extra), encoding="utf-8")
    return EquityConfig(
        students=students,
        plans=plans,
        fixed=(fixed,),
        blocks=blocks,
        mobile=tuple(default_mobile(d)),
        district=district,
        min_cell=3,
    )
