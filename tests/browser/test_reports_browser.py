"""Simulation and comparison reports in headless Chromium with the network blocked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
import samples

from netplan.report.comparison import write_comparison_report
from netplan.report.simulation import write_simulation_report

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def runs() -> tuple[Any, Any]:
    return SimpleNamespace(**samples.sim_tables(seed=3)), SimpleNamespace(
        **samples.sim_tables(seed=5)
    )


def _check_figures(visit: Any, expected: int) -> None:
    figures = visit.page.locator("figure svg")
    assert figures.count() == expected
    for i in range(expected):
        svg = figures.nth(i)
        box = svg.bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 100
        # Each plot has drawn content (lines, bars, or a heat-map raster), not an empty frame.
        rasters = svg.locator("image").count()
        assert svg.locator("path").count() > 20 or rasters >= 1


def test_simulation_report_offline(
    open_offline: Callable[..., Any], runs: tuple[Any, Any], tmp_path: Path
) -> None:
    base, _ = runs
    report = write_simulation_report(base, tmp_path)
    visit = open_offline(report)
    assert visit.blocked == []
    assert visit.console_errors == []
    assert visit.failed == []
    # One airtime heat map per building with APs, the WAN/ISP plot and the satisfaction plot.
    n_buildings = base.resources.loc[base.resources["kind"] == "ap", "building"].nunique()
    _check_figures(visit, n_buildings + 2)
    # Legends and colour bars are part of the plots.
    wan = visit.page.locator("#fig-wan-isp-utilization svg")
    assert "carried down" in wan.inner_html() and "capacity down" in wan.inner_html()
    assert "airtime utilization" in visit.page.locator("#fig-airtime-01 svg").inner_html()
    # Sections and tables.
    toc = visit.page.eval_on_selector_all("nav.toc a", "els => els.map(e => e.textContent)")
    assert toc == [
        "District overview",
        "Bottlenecks",
        "Wi-Fi airtime by access point",
        "WAN and ISP over the day",
        "Sessions and failures",
        "K-12 bandwidth goals",
    ]
    assert visit.page.locator("table.data").count() >= 5
    ranked = visit.page.locator("#bottlenecks table.data tbody tr")
    assert ranked.count() >= 5
    # PNG versions sit beside the report.
    for name in ("airtime-01", "wan-isp-utilization", "satisfaction"):
        assert (tmp_path / "figures" / f"{name}.png").stat().st_size > 20_000
    shot = visit.save_screenshot(tmp_path / "report.png", full_page=True)
    print(f"screenshot: {shot}")


def test_comparison_report_offline(
    open_offline: Callable[..., Any], runs: tuple[Any, Any], tmp_path: Path
) -> None:
    base, prop = runs
    delta = pd.DataFrame(
        {
            "metric": ["ISP peak utilization", "sessions satisfied"],
            "baseline": [0.91, 0.95],
            "proposed": [0.97, 0.93],
            "limit": [0.95, 0.90],
            "passed": [False, True],
        }
    )
    page = write_comparison_report(base, prop, delta, tmp_path, names=("today", "proposal"))
    visit = open_offline(page)
    assert visit.blocked == [] and visit.console_errors == [] and visit.failed == []
    _check_figures(visit, 3)
    facts = visit.page.locator(".fact").all_inner_texts()
    assert any("1" in f and "over their limit" in f for f in facts)
    rows = visit.page.locator("#verdict-and-deltas table.data tbody tr")
    assert rows.count() == len(delta)
    assert "today" in visit.page.locator("#fig-compare-wan-isp svg").inner_html()
    shot = visit.save_screenshot(tmp_path / "comparison.png", full_page=True)
    print(f"screenshot: {shot}")
