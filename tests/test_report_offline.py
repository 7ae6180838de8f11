"""The static self-containment check: it must flag what loads, and only that."""

from __future__ import annotations

import pytest

from netplan.maps.leaflet import leaflet_assets
from netplan.report.offline import assert_self_contained, network_references


def _urls(html: str) -> list[str]:
    return [r.url for r in network_references(html)]


@pytest.mark.parametrize(
    ("snippet", "url"),
    [
        (
            '<script src="https://cdn.example.org/leaflet.js"></script>',
            "https://cdn.example.org/leaflet.js",
        ),
        (
            '<link rel="stylesheet" href="http://cdn.example.org/a.css">',
            "http://cdn.example.org/a.css",
        ),
        ('<img src="https://tile.example.org/1/2/3.png">', "https://tile.example.org/1/2/3.png"),
        ('<img srcset="a.png 1x, https://x.example.org/b.png 2x">', "a.png"),
        ('<iframe src="//evil.example.org/"></iframe>', "//evil.example.org/"),
        (
            "<style>@import url('https://fonts.example.org/css');</style>",
            "https://fonts.example.org/css",
        ),
        (
            '<style>@import "https://fonts.example.org/x.css";</style>',
            "https://fonts.example.org/x.css",
        ),
        (
            "<style>.a { background: url(https://x.example.org/bg.png) }</style>",
            "https://x.example.org/bg.png",
        ),
        ("<style>@font-face { src: url('font.woff2') }</style>", "font.woff2"),
        (
            '<div style="background-image: url(&quot;http://x.example.org/i.png&quot;)"></div>',
            "http://x.example.org/i.png",
        ),
        ('<svg><image href="https://x.example.org/i.png"/></svg>', "https://x.example.org/i.png"),
        (
            '<svg><use xlink:href="http://x.example.org/s.svg#a"/></svg>',
            "http://x.example.org/s.svg#a",
        ),
        ('<object data="https://x.example.org/o.swf"></object>', "https://x.example.org/o.swf"),
        ('<video poster="https://x.example.org/p.jpg"></video>', "https://x.example.org/p.jpg"),
        (
            '<meta http-equiv="refresh" content="0; url=https://x.example.org/">',
            "https://x.example.org/",
        ),
        ('<base href="https://x.example.org/">', "https://x.example.org/"),
        ('<script src="leaflet.js"></script>', "leaflet.js"),
    ],
)
def test_loading_references_are_flagged(snippet: str, url: str) -> None:
    assert url in _urls(f"<!DOCTYPE html><html><body>{snippet}</body></html>")


def test_srcset_flags_every_candidate() -> None:
    urls = _urls('<img srcset="a.png 1x, https://x.example.org/b.png 2x">')
    assert urls == ["a.png", "https://x.example.org/b.png"]


@pytest.mark.parametrize(
    "snippet",
    [
        # Links the reader may follow are not loads.
        '<a href="https://leafletjs.com">Leaflet</a>',
        # XML namespaces in inline SVG are not loads.
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use xlink:href="#m1"/><path clip-path="url(#p1)"/></svg>',
        # Strings in scripts (Leaflet's own source has such) are not markup.
        '<script>var ns = "http://www.w3.org/2000/svg"; var s = "<img src=\'http://a.b/c\'>";'
        "</script>",
        '<script type="application/json">{"u": "https://example.org/x.png"}</script>',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
        "<style>.x { background: url(data:image/png;base64,AAAA) }"
        " .y { behavior: url(#default#VML) }</style>",
        "<p>Data from https://broadbandmap.fcc.gov/ (text, not a load)</p>",
    ],
)
def test_non_loading_text_passes(snippet: str) -> None:
    assert network_references(f"<html><body>{snippet}</body></html>") == []


def test_line_numbers_point_at_the_reference() -> None:
    html = "<html>\n<head>\n<style>\n.a{}\n.b{background:url(https://x.example.org/i.png)}\n"
    html += "</style>\n</head>\n<body><img src='http://x.example.org/a.png'></body></html>"
    refs = network_references(html)
    assert [(r.line, r.url) for r in refs] == [
        (5, "https://x.example.org/i.png"),
        (8, "http://x.example.org/a.png"),
    ]


def test_allowed_prefix_only_allows_that_server() -> None:
    html = (
        '<img src="https://tile.example.org/1/2/3.png"><img src="https://other.example.org/1.png">'
    )
    urls = [r.url for r in network_references(html, allowed_prefixes=["https://tile.example.org/"])]
    assert urls == ["https://other.example.org/1.png"]


def test_assert_self_contained_raises_with_the_url() -> None:
    with pytest.raises(RuntimeError, match=r"cdn\.example\.org"):
        assert_self_contained('<script src="https://cdn.example.org/x.js"></script>', what="t")


def test_inlined_leaflet_assets_load_nothing() -> None:
    js, css = leaflet_assets()
    page = f"<html><head><style>{css}</style></head><body><script>{js}</script></body></html>"
    assert network_references(page) == []
    # The CSS images became data: URIs and the source-map comment is gone.
    assert "url(images/" not in css
    assert css.count("url(data:image/png;base64,") >= 3
    assert "sourceMappingURL" not in js
    # The check is not vacuous on this input: Leaflet's JS really contains URL strings.
    assert "http://www.w3.org/2000/svg" in js
