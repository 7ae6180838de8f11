"""The equity map in headless Chromium with the network blocked.

Built from the demo district's equity run (public results only) plus two carrier coverage
polygons, then opened from disk: nothing may be fetched, nothing logged as an error, every
feature drawn as an SVG path of its layer, the legend present, and layers switch on and off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from netplan.equity import run_equity
from netplan.equity.demo import demo_config, demo_inputs_dir
from netplan.maps.coverage import carrier_coverage_areas
from netplan.maps.equity import read_schools, write_equity_maps

pytestmark = pytest.mark.browser

READY = "body[data-map-ready]"


@pytest.fixture(scope="module")
def demo() -> Any:
    config = demo_config()
    result = run_equity(config)
    # Only the public part and the summary go to the map; the coverage areas come from the
    # public BDC layers through the analysis' own coverage rule.
    return SimpleNamespace(
        public=result.public,
        summary=result.summary,
        coverage=carrier_coverage_areas(config, result),
    )


@pytest.fixture(scope="module")
def equity_map(demo: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("equity_map")
    written = write_equity_maps(
        SimpleNamespace(public=demo.public, summary=demo.summary),
        out,
        schools=demo_inputs_dir() / "schools.csv",
        coverage=demo.coverage,
        png=False,
    )
    return written["equity map (HTML)"]


def _paths(visit: Any, layer_id: str) -> int:
    return int(visit.page.locator(f"path.np-layer-{layer_id}").count())


def _toggle(visit: Any, title: str) -> None:
    label = visit.page.locator(".leaflet-control-layers-overlays label", has_text=title)
    label.locator("input").click()


def _legend_off(visit: Any, layer_id: str) -> bool:
    cls = visit.page.locator(f'.legend-layer[data-layer="{layer_id}"]').get_attribute("class")
    return "off" in (cls or "").split()


def test_equity_map_offline_drawn_and_legend(
    open_offline: Callable[..., Any], equity_map: Path, demo: Any, tmp_path: Path
) -> None:
    visit = open_offline(equity_map, ready=READY)
    assert visit.blocked == [], "the page tried to fetch from the network"
    assert visit.console_errors == []
    assert visit.failed == []

    # Features drawn, counted from the inputs: one path per public area, one per school,
    # the district boundary; layers that start hidden draw nothing.
    n_areas = len(demo.public.areas)
    n_schools = len(read_schools(demo_inputs_dir() / "schools.csv"))
    assert n_areas > 50
    assert _paths(visit, "fixed-service") == n_areas
    assert _paths(visit, "schools") == n_schools
    assert _paths(visit, "district") == 1
    assert _paths(visit, "hotspot-need") == 0
    assert _paths(visit, "coverage-summit-wireless") == 0
    # Drawn paths have real geometry on screen, not empty "d" attributes.
    box_ = visit.page.locator("path.np-layer-district").bounding_box()
    assert box_ is not None and box_["width"] > 300 and box_["height"] > 300

    # Legend: one block per layer, with swatches; hidden layers greyed.
    layer_ids = visit.page.eval_on_selector_all(
        "#legend .legend-layer", "els => els.map(e => e.dataset.layer)"
    )
    carriers = [f"coverage-{c.lower().replace(' ', '-')}" for c in demo.coverage["carrier"]]
    assert len(carriers) == 3
    assert layer_ids == [
        "fixed-service",
        "hotspot-need",
        *carriers,
        "uncovered",
        "district",
        "schools",
    ]
    assert visit.page.locator("#legend .legend-item .swatch").count() >= 12
    assert _legend_off(visit, "hotspot-need") and not _legend_off(visit, "fixed-service")
    # Summary panel: households by class and hotspots by carrier, from the run's summary.
    panel = visit.page.locator("#panel").inner_text()
    assert f"{demo.summary['households']['total']:,}" in panel
    for carrier in demo.summary["hotspots"]["by_carrier"]:
        assert carrier in panel
    # Scale bar and layer switcher are there.
    assert visit.page.locator(".leaflet-control-scale-line").count() == 2
    assert visit.page.locator(".leaflet-control-layers-overlays input").count() == len(layer_ids)
    # No link to anywhere in the attribution.
    assert visit.page.locator(".leaflet-control-attribution a").count() == 0
    shot = visit.save_screenshot(tmp_path / "equity_map.png")
    print(f"screenshot: {shot}")


def test_layers_toggle_and_tooltips(
    open_offline: Callable[..., Any], equity_map: Path, demo: Any, tmp_path: Path
) -> None:
    visit = open_offline(equity_map, ready=READY)
    n_areas = len(demo.public.areas)

    _toggle(visit, "Hotspot need")
    assert _paths(visit, "hotspot-need") == n_areas
    assert not _legend_off(visit, "hotspot-need")
    _toggle(visit, "Fixed broadband service")
    assert _paths(visit, "fixed-service") == 0
    assert _legend_off(visit, "fixed-service")
    _toggle(visit, "Summit Wireless coverage")
    assert _paths(visit, "coverage-summit-wireless") == 1
    # Context layers stay on top of a layer switched on later.
    order = visit.page.eval_on_selector_all(
        "path.np-layer", "els => els.map(e => e.getAttribute('class'))"
    )
    last_theme = max(i for i, c in enumerate(order) if "np-layer-coverage" in c)
    first_school = min(i for i, c in enumerate(order) if "np-layer-schools" in c)
    assert first_school > last_theme

    # Tooltip of a school: its name from the schools file.
    school = visit.page.locator("path.np-layer-schools").first
    school.hover(force=True)
    tip = visit.page.locator(".leaflet-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    names = set(read_schools(demo_inputs_dir() / "schools.csv")["name"])
    assert any(name in tip.inner_text() for name in names)
    assert visit.console_errors == [] and visit.blocked == []
    shot = visit.save_screenshot(tmp_path / "equity_map_toggled.png")
    print(f"screenshot: {shot}")


def test_suppressed_areas_show_as_suppressed(
    open_offline: Callable[..., Any], equity_map: Path, demo: Any
) -> None:
    visit = open_offline(equity_map, ready=READY)
    # Read back the tooltips Leaflet built: every suppressed area says so, none shows a count
    # between 1 and 9.
    html = equity_map.read_text(encoding="utf-8")
    m = re.search(r'id="netplan-map-data">(.*?)</script>', html, re.S)
    assert m is not None
    payload = json.loads(m.group(1).replace("<\\/", "</"))
    fixed = next(la for la in payload["layers"] if la["id"] == "fixed-service")
    students = [f["properties"]["t"][1] for f in fixed["geojson"]["features"]]
    hidden = int(demo.public.areas["students"].isna().sum())
    assert students.count("suppressed") == hidden
    assert all(s == "suppressed" or int(s.replace(",", "")) >= 10 for s in students)
    # The grey of suppressed areas is what the browser filled them with.
    fills = visit.page.eval_on_selector_all(
        "path.np-layer-fixed-service", "els => els.map(e => e.getAttribute('fill'))"
    )
    assert fills.count("#d9d9d9") >= hidden


def test_basemap_requests_only_go_to_the_chosen_server(
    open_offline: Callable[..., Any], demo: Any, tmp_path: Path
) -> None:
    # With the opt-in basemap the page asks for tiles, and only from that server; this also
    # shows that the harness sees and blocks outgoing requests.
    written = write_equity_maps(
        SimpleNamespace(public=demo.public, summary=demo.summary),
        tmp_path,
        schools=demo_inputs_dir() / "schools.csv",
        basemap="https://tiles.example.invalid/{z}/{x}/{y}.png",
        png=False,
    )
    visit = open_offline(written["equity map (HTML)"], ready=READY)
    assert visit.blocked, "tile requests were expected"
    assert all(u.startswith("https://tiles.example.invalid/") for u in visit.blocked)
