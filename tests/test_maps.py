"""Map layers, styles and the offline Leaflet page (static checks; the browser tests open it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from netplan.errors import InputError
from netplan.maps.layers import MapLayer, geojson_features, prepare_geometries
from netplan.maps.leaflet import Basemap, PanelTable, render_map_html, write_map_html
from netplan.maps.style import Binned, Categorical, Single, format_count
from netplan.report.offline import network_references


def _grid(n: int = 3, size: float = 0.01) -> gpd.GeoDataFrame:
    """n x n adjacent squares (a valid coverage) with a wiggly shared edge detail."""
    polys = []
    for i in range(n):
        for j in range(n):
            x0, y0 = -104.7 + i * size, 40.3 + j * size
            # Many vertices along each edge so there is something to simplify.
            xs = np.linspace(x0, x0 + size, 40)
            ys = np.linspace(y0, y0 + size, 40)
            ring = (
                [(x, y0) for x in xs]
                + [(x0 + size, y) for y in ys[1:]]
                + [(x, y0 + size) for x in xs[::-1][1:]]
                + [(x0, y) for y in ys[::-1][1:]]
            )
            polys.append(shapely.Polygon(ring))
    return gpd.GeoDataFrame(
        {
            "cls": (["served", "underserved", "unserved"] * n * n)[: n * n],
            "n": np.arange(n * n) * 7.0,
        },
        geometry=polys,
        crs="EPSG:4326",
    )


# --- styles -------------------------------------------------------------------------------


def test_binned_classes_follow_the_edges() -> None:
    style = Binned("v", [0, 10, 25, 50], ["#a", "#b", "#c"])
    frame = pd.DataFrame({"v": [0, 9.99, 10, 24, 25, 49, 50, 500, -3, None]})
    assert style.classes(frame).tolist() == [0, 0, 1, 1, 2, 2, 2, 2, 0, -1]
    assert style.colours(frame)[-1] == style.missing
    labels = [e.label for e in style.legend()]
    assert labels == ["0-9", "10-24", "25 or more", "suppressed"]


def test_binned_rejects_inconsistent_edges() -> None:
    with pytest.raises(ValueError, match="one more edge"):
        Binned("v", [0, 1], ["#a", "#b"])
    with pytest.raises(ValueError, match="increase"):
        Binned("v", [0, 5, 5], ["#a", "#b"])


def test_categorical_colours_and_other() -> None:
    style = Categorical("c", {"a": "#111111", "b": "#222222"}, other="#999999", other_label="?")
    assert style.colours(pd.DataFrame({"c": ["a", "b", "z", None]})) == [
        "#111111",
        "#222222",
        "#999999",
        "#999999",
    ]
    assert [e.label for e in style.legend()] == ["a", "b", "?"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "suppressed"),
        (float("nan"), "suppressed"),
        (pd.NA, "suppressed"),
        (12, "12"),
        (1234.0, "1,234"),
        (0.5, "0.5"),
        ("x", "x"),
    ],
)
def test_format_count(value: object, text: str) -> None:
    assert format_count(value) == text


# --- geometry preparation -----------------------------------------------------------------


def test_coverage_simplification_keeps_neighbours_together() -> None:
    grid = _grid()
    out = prepare_geometries(grid, tolerance_m=30.0)
    before = shapely.get_num_coordinates(grid.geometry.to_numpy()).sum()
    after = shapely.get_num_coordinates(out.geometry.to_numpy()).sum()
    assert after < before / 5  # the straight-edge vertices are gone
    # No gaps or overlaps appear between neighbours: the pieces still tile the same area.
    metric = out.estimate_utm_crs()
    pieces = out.to_crs(metric)
    union = shapely.union_all(pieces.geometry.to_numpy())
    assert union.area == pytest.approx(pieces.area.sum(), rel=1e-6)
    assert union.area == pytest.approx(grid.to_crs(metric).union_all().area, rel=1e-3)
    assert shapely.coverage_is_valid(pieces.geometry.to_numpy())


def test_coordinates_are_rounded_to_five_decimals() -> None:
    frame = gpd.GeoDataFrame(geometry=[box(-104.123456789, 40.1, -104.1, 40.123456789)], crs=4326)
    out = prepare_geometries(frame, tolerance_m=0.0)
    coords = shapely.get_coordinates(out.geometry.to_numpy())
    assert np.allclose(coords, np.round(coords, 5), atol=1e-12)


def test_geojson_carries_only_colour_and_tooltip_text() -> None:
    grid = _grid(2)
    grid["secret"] = "do-not-publish"
    layer = MapLayer(
        "grid",
        "Grid",
        grid,
        Binned("n", [0, 10, 100], ["#aaaaaa", "#bbbbbb"]),
        tooltip=[("n", "Count")],
    )
    fc = geojson_features(layer, tolerance_m=5.0)
    assert len(fc["features"]) == 4
    for feature in fc["features"]:
        assert set(feature["properties"]) == {"f", "t"}
    assert "do-not-publish" not in json.dumps(fc)
    assert [f["properties"]["t"] for f in fc["features"]] == [["0"], ["7"], ["14"], ["21"]]


def test_map_layer_validates_its_inputs() -> None:
    grid = _grid(1)
    with pytest.raises(ValueError, match="must match"):
        MapLayer("Bad Id", "x", grid, Single("#000", "x"))
    with pytest.raises(ValueError, match="tooltip columns missing"):
        MapLayer("ok", "x", grid, Single("#000", "x"), tooltip=[("nope", "Nope")])
    with pytest.raises(ValueError, match="no CRS"):
        MapLayer("ok", "x", gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]), Single("#000", "x"))


# --- the page -----------------------------------------------------------------------------


def _layers() -> list[MapLayer]:
    grid = _grid()
    schools = gpd.GeoDataFrame({"name": ["A <b>&</b>"]}, geometry=[Point(-104.69, 40.31)], crs=4326)
    return [
        MapLayer(
            "grid",
            "Grid <classes>",
            grid,
            Categorical("cls", {"served": "#4575b4", "unserved": "#d73027"}),
            tooltip=[("cls", "Class")],
        ),
        MapLayer(
            "schools",
            "Schools",
            schools,
            Single("#111111", "school"),
            tooltip=[("name", "School")],
            kind="context",
        ),
    ]


def _payload(page: str) -> dict[str, object]:
    m = re.search(
        r'<script type="application/json" id="netplan-map-data">(.*?)</script>', page, re.S
    )
    assert m is not None
    return json.loads(m.group(1).replace("<\\/", "</"))  # type: ignore[no-any-return]


def test_page_is_self_contained_and_embeds_every_feature() -> None:
    page = render_map_html(_layers(), title="T", panel=[PanelTable("P", ["a"], [["1"]])])
    assert network_references(page) == []
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None and "default-src &#x27;none&#x27;" in csp.group(1)
    payload = _payload(page)
    layers = payload["layers"]
    assert isinstance(layers, list)
    assert [len(la["geojson"]["features"]) for la in layers] == [9, 1]
    assert payload["basemap"] is None
    # Titles and values are escaped where they become markup.
    assert "Grid &lt;classes&gt;" in page
    assert "A <b>" not in page.split('id="netplan-map-data"')[0]


def test_basemap_is_opt_in_and_checked() -> None:
    with pytest.raises(InputError, match="https"):
        Basemap.parse("http://tile.example.org/{z}/{x}/{y}.png")
    with pytest.raises(InputError, match=r"\{x\}"):
        Basemap.parse("https://tile.example.org/{z}/{y}.png")
    bm = Basemap.parse("https://{s}.tile.example.org/{z}/{x}/{y}.png", "© Example")
    assert bm.origin == "https://*.tile.example.org"
    page = render_map_html(_layers(), title="T", basemap=bm)
    assert _payload(page)["basemap"] == {
        "url": "https://{s}.tile.example.org/{z}/{x}/{y}.png",
        "attribution": "© Example",
        "maxZoom": 19,
    }
    assert "img-src data: https://*.tile.example.org" in page


def test_write_map_html_refuses_a_page_that_would_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netplan.maps.leaflet as leaflet

    real = leaflet.render_map_html

    def leaky(*args: object, **kwargs: object) -> str:
        return real(*args, **kwargs).replace(  # type: ignore[arg-type]
            "</head>", '<link rel="stylesheet" href="https://cdn.example.org/x.css"></head>'
        )

    monkeypatch.setattr(leaflet, "render_map_html", leaky)
    target = tmp_path / "m.html"
    with pytest.raises(RuntimeError, match=r"cdn\.example\.org"):
        leaflet.write_map_html(target, _layers(), title="T")
    assert not target.exists()


def test_write_map_html_writes_the_file(tmp_path: Path) -> None:
    target = write_map_html(tmp_path / "m.html", _layers(), title="T")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert 150_000 < len(text) < 400_000  # Leaflet (~165 kB) + a small data set


def test_pages_and_pngs_are_deterministic(tmp_path: Path) -> None:
    from netplan.maps.printable import render_printable_map

    assert render_map_html(_layers(), title="T") == render_map_html(_layers(), title="T")
    a = render_printable_map(_layers(), tmp_path / "a.png", title="T", size="slide")
    b = render_printable_map(_layers(), tmp_path / "b.png", title="T", size="slide")
    assert a.read_bytes() == b.read_bytes()
