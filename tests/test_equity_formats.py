"""Synthetic inputs follow the real public schemas; mobile and Ookla readers on each format."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
import shapely

from netplan.equity.constants import BDC_FIXED_COLUMNS, TIGER_BLOCK_COLUMNS
from netplan.equity.demo import demo_inputs_dir
from netplan.equity.hexes import cell_polygons, text_to_ints
from netplan.equity.mobile import MobileSource, carrier_coverage, read_mobile_layer
from netplan.equity.ookla import measured_disagrees
from netplan.equity.pipeline import run_equity
from netplan.equity.plans import load_plans
from netplan.equity.rejects import Rejects
from netplan.equity.synthetic import write_demo_inputs
from netplan.errors import InputError
from test_equity_support import HOMES, home_cell, write_csv, write_world


@pytest.fixture(scope="module")
def demo() -> Path:
    return demo_inputs_dir()


def test_bundled_demo_files_are_what_the_generator_makes(demo: Path, tmp_path: Path) -> None:
    write_demo_inputs(tmp_path)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in demo.iterdir() if p.name != "README.md")
    for name in made:
        if name.endswith(".gpkg"):  # compare content: GDAL versions may lay pages out anew
            a, b = gpd.read_file(tmp_path / name), gpd.read_file(demo / name)
            pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
            assert a.geometry.geom_equals_exact(b.geometry, 1e-12).all()
            assert a.crs == b.crs
        else:
            assert (tmp_path / name).read_bytes() == (demo / name).read_bytes(), name
    assert sum(p.stat().st_size for p in demo.iterdir()) < 5_000_000


def test_tiger_blocks_schema(demo: Path) -> None:
    blocks = gpd.read_file(demo / "tl_2020_08999_tabblock20.gpkg")
    assert list(blocks.columns) == [*TIGER_BLOCK_COLUMNS, "geometry"]
    assert blocks.crs.to_epsg() == 4269  # NAD83, as TIGER/Line
    g = blocks["GEOID20"]
    assert g.str.fullmatch(r"08999\d{10}").all()  # state 08 keeps its leading zero
    assert (
        g == blocks["STATEFP20"] + blocks["COUNTYFP20"] + blocks["TRACTCE20"] + blocks["BLOCKCE20"]
    ).all()
    assert g.is_unique
    assert blocks["INTPTLAT20"].str.fullmatch(r"\+\d{2}\.\d{7}").all()
    assert blocks["INTPTLON20"].str.fullmatch(r"-\d{3}\.\d{7}").all()
    assert (blocks["AWATER20"] > 0).any() and blocks["HOUSING20"].sum() > 0


def test_bdc_fixed_schema(demo: Path) -> None:
    files = sorted(demo.glob("bdc_*_fixed_broadband_*.csv"))
    pat = re.compile(r"bdc_08_[A-Za-z]+_fixed_broadband_(J25|D24)_\d{2}[a-z]{3}\d{4}\.csv")
    assert files and all(pat.fullmatch(f.name) for f in files)
    df = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    assert list(df.columns) == list(BDC_FIXED_COLUMNS)
    assert df["frn"].str.fullmatch(r"0\d{9}").all()
    assert df["block_geoid"].str.fullmatch(r"08999\d{10}").all()
    assert df["h3_res8_id"].map(lambda c: h3.is_valid_cell(c) and h3.get_resolution(c) == 8).all()
    assert (df["max_advertised_upload_speed"] == "").any()  # some empty upload speeds
    assert {"60", "61", "70"} <= set(df["technology"])  # satellite and unlicensed wireless
    assert set(df["business_residential_code"]) == {"R", "B", "X"}


def test_mobile_layers_and_roster(demo: Path) -> None:
    gpkg = sorted(demo.glob("bdc_*_mobile_broadband_h3_*.gpkg"))
    csvs = sorted(demo.glob("bdc_*_mobile_broadband_h3_*.csv"))
    assert gpkg and csvs
    layer = gpd.read_file(gpkg[0])
    assert {"h3_res9_id", "technology", "mindown", "minup", "environment"} <= set(layer.columns)
    assert set(layer["environment"]) == {0, 1}
    # Each hexagon polygon is its cell.
    row = layer.iloc[0]
    assert row.geometry.equals_exact(cell_polygons([row["h3_res9_id"]])[0], 1e-9)
    roster = pd.read_csv(demo / "students.csv", dtype=str, keep_default_na=False)
    assert roster["student_id"].str.startswith("0").any()
    assert 3800 <= len(roster) <= 3900
    counts = roster["school"].value_counts()
    assert counts["chs"] > counts["cms"] > counts["oak"] / 2


def test_mobile_formats_agree(tmp_path: Path) -> None:
    """CSV, GeoPackage and shapefile (``environmnt``) give the same coverage."""
    cells = [home_cell(h) for h in ("H2", "ELM", "H5")]
    df = pd.DataFrame(
        {
            "h3_res9_id": cells,
            "technology": 400,
            "mindown": 5.0,
            "minup": 1.0,
            "environment": [1, 0, 1],
        }
    )
    csv_path = tmp_path / "bdc_08_990001_4GLTE_5_1_mobile_broadband_h3_J25_01dec2025.csv"
    df.astype(str).to_csv(csv_path, index=False)
    gdf = gpd.GeoDataFrame(df, geometry=cell_polygons(cells), crs="EPSG:4326")
    gpkg = tmp_path / "coverage.gpkg"
    gdf.to_file(gpkg, driver="GPKG")
    shp = tmp_path / "coverage.shp"
    gdf.to_file(shp)  # truncates "environment" to "environmnt"
    plans = load_plans(write_world(tmp_path / "w").plans)
    homes = text_to_ints(cells)
    results = []
    for src in (MobileSource(csv_path), MobileSource(gpkg, "990001"), MobileSource(shp, "990001")):
        cov, providers = read_mobile_layer(src, Rejects())
        assert providers == {"990001"}
        covered, _ = carrier_coverage(cov, homes, plans)
        results.append(covered[:, 0].tolist())
    assert results == [[True, False, True]] * 3  # ELM only outdoors: not in-vehicle coverage
    with pytest.raises(InputError, match="cannot tell the provider"):
        read_mobile_layer(MobileSource(gpkg), Rejects())


def test_bad_mobile_rows_are_rejected(tmp_path: Path) -> None:
    rows = [
        {
            "h3_res9_id": home_cell("H2"),
            "technology": "400",
            "mindown": "5",
            "minup": "1",
            "environment": "1",
        },
        {
            "h3_res9_id": "8826aa094bfffff",
            "technology": "400",
            "mindown": "5",
            "minup": "1",
            "environment": "1",
        },  # a res-8 id
        {
            "h3_res9_id": home_cell("H5"),
            "technology": "400",
            "mindown": "5",
            "minup": "1",
            "environment": "2",
        },
    ]
    path = write_csv(
        tmp_path / "bdc_08_990001_x.csv",
        rows,
        ("h3_res9_id", "technology", "mindown", "minup", "environment"),
    )
    rejects = Rejects()
    cov, _ = read_mobile_layer(MobileSource(path), rejects)
    assert len(cov) == 1
    df = rejects.frame()
    assert list(df["row"]) == [3, 4]
    assert list(df["reason"]) == [
        "not an H3 resolution-9 cell id",
        "environment must be 0 (outdoor) or 1 (in-vehicle)",
    ]


def test_ookla_flags_measured_below_advertised(tmp_path: Path) -> None:
    lat, lon = HOMES["H1"]
    tile = shapely.box(lon - 0.003, lat - 0.003, lon + 0.003, lat + 0.003)
    df = pd.DataFrame(
        {
            "quadkey": ["0231"],
            "avg_d_kbps": [40_000],
            "avg_u_kbps": [5_000],
            "tests": [12],
            "devices": [6],
            "tile": [tile.wkt],
        }
    )
    path = tmp_path / "ookla.parquet"
    df.to_parquet(path)
    from dataclasses import replace

    cfg = write_world(tmp_path / "w")
    r = run_equity(replace(cfg, ookla=path))
    hh = r.restricted.households.set_index("household_key")
    # H1 is advertised served (100/20) but measured 40/5: flagged; no other home in the tile.
    assert bool(hh.loc["id:H1", "measured_below_advertised"])
    assert hh.loc["id:H1", "measured_down_mbps"] == pytest.approx(40.0)
    assert r.summary["households"]["measured_below_advertised"] == 1
    flag, _ = measured_disagrees(
        gpd.GeoDataFrame(df, geometry=[tile], crs="EPSG:4326"),
        np.array([lat]),
        np.array([lon]),
        np.array([2], dtype=np.int8),
        served=(100, 20),
        underserved=(25, 3),
        min_tests=20,
    )
    assert not flag[0]  # too few tests to judge
