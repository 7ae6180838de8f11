"""Printable maps: page sizes, real content, scale bar and north arrow geometry."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import matplotlib.image as mpimg
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Point

from netplan.maps.layers import MapLayer
from netplan.maps.printable import PAGE_SIZES, render_printable_map, scale_bar_length, true_north
from netplan.maps.style import Binned, Single


def _layers() -> list[MapLayer]:
    cells = [shapely.box(-104.70 + 0.02 * i, 40.30, -104.68 + 0.02 * i, 40.32) for i in range(5)]
    areas = gpd.GeoDataFrame({"v": [0.0, 12.0, 30.0, 80.0, np.nan]}, geometry=cells, crs=4326)
    district = gpd.GeoDataFrame(geometry=[shapely.union_all(cells).buffer(0.005)], crs=4326)
    schools = gpd.GeoDataFrame(geometry=[Point(-104.67, 40.31)], crs=4326)
    return [
        MapLayer(
            "areas",
            "Areas",
            areas,
            Binned("v", [0, 10, 25, 50, 1000], ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"]),
        ),
        MapLayer(
            "district", "District", district, Single(None, "boundary"), kind="context", weight=2.5
        ),
        MapLayer("schools", "Schools", schools, Single("#111111", "school"), kind="context"),
    ]


def non_white_share(png: Path) -> float:
    """Share of pixels that are not (near) white."""
    img = mpimg.imread(png)[..., :3]
    return float((img.min(axis=2) < 0.95).mean())


def distinct_colours(png: Path) -> int:
    """Number of distinct RGB colours."""
    img = (mpimg.imread(png)[..., :3] * 255).astype(np.uint32).reshape(-1, 3)
    packed = (img[:, 0] << 16) | (img[:, 1] << 8) | img[:, 2]
    return len(np.unique(packed))


@pytest.mark.parametrize("size", ["slide", "letter"])
def test_png_has_the_page_size_and_real_content(tmp_path: Path, size: str) -> None:
    out = render_printable_map(
        _layers(),
        tmp_path / f"m_{size}.png",
        title="Test map",
        subtitle="Sub",
        size=size,  # type: ignore[arg-type]
        credits="Sources: test",
    )
    img = mpimg.imread(out)
    width, height = PAGE_SIZES[size].pixels
    assert img.shape[1] == width and img.shape[0] == height
    # 16:9 slide is 2000 x 1125; letter portrait is 8.5 x 11 in.
    assert (width / height) == pytest.approx(16 / 9 if size == "slide" else 8.5 / 11, rel=1e-3)
    assert out.stat().st_size > 30_000
    assert 0.05 < non_white_share(out) < 0.9  # neither blank nor a solid block
    assert distinct_colours(out) > 20


def test_each_class_colour_is_drawn(tmp_path: Path) -> None:
    out = render_printable_map(_layers(), tmp_path / "m.png", title="T", size="slide")
    img = (mpimg.imread(out)[..., :3] * 255).round().astype(int).reshape(-1, 3)
    for hex_colour in ("#fdcc8a", "#fc8d59", "#d7301f", "#d9d9d9"):
        rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(img - rgb).max(axis=1) <= 3).sum() > 500, hex_colour


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (10_000, 2_000),
        (23_000, 5_000),
        (7_300, 2_000),
        (6_000, 1_000),
        (900, 200),
        (45_000, 10_000),
    ],
)
def test_scale_bar_is_a_round_length_near_a_fifth(span: float, expected: float) -> None:
    assert scale_bar_length(span) == expected


def test_north_arrow_follows_meridian_convergence() -> None:
    # Transverse Mercator grid convergence: gamma = atan(tan(dlon) sin(lat)) (spherical
    # approximation, good to well under 1 % here). East of the central meridian in the
    # northern hemisphere, true north lies west of grid north.
    crs = pyproj.CRS("EPSG:32613")  # UTM 13N, central meridian -105
    for lon, lat in ((-104.0, 40.0), (-102.5, 45.0), (-107.0, 35.0)):
        ux, uy = true_north(crs, lon, lat)
        angle = math.degrees(math.atan2(-ux, uy))
        gamma = math.degrees(
            math.atan(math.tan(math.radians(lon + 105.0)) * math.sin(math.radians(lat)))
        )
        assert angle == pytest.approx(gamma, rel=0.01, abs=1e-4)
        assert math.hypot(ux, uy) == pytest.approx(1.0)
