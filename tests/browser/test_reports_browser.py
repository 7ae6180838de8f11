"""Simulation and comparison reports in headless Chromium with the network blocked.

The reports are made from real simulation runs of one demo building (Elm Creek Elementary,
08:00-11:00): today's demand and twice that.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from netplan.report.comparison import write_comparison_report
from netplan.report.simulation import write_simulation_report

pytestmark = pytest.mark.browser

DEMO_SURVEY = Path(__file__).resolve().parents[2] / "site_surveys" / "cedar_valley"


@pytest.fixture(scope="module")
def runs() -> tuple[Any, Any]:
    from netplan.sim import SimConfig, run_simulation
    from netplan.survey import load_survey

    survey = load_survey(DEMO_SURVEY)
    cfg = SimConfig(buildings=("elm",), end_s=11 * 3600.0)
    base = run_simulation(survey, seed=1, config=cfg)
    busy = run_simulation(
        survey, seed=1, config=SimConfig(buildings=("elm",), end_s=11 * 3600.0, demand_scale=2.0)
    )
    return base, busy


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
    # One airtime heat map (one building), WAN/ISP, satisfaction and associations.
    _check_figures(visit, 4)
    heat = visit.page.locator("#fig-airtime-01-elm svg")
    assert "airtime utilization" in heat.inner_html()
    # Every AP of the building is a row of the heat map (ticks every other row at most).
    n_aps = base.flows["ap"].astype(str).nunique()
    labels = heat.locator("text").evaluate_all("els => els.map(e => e.textContent || '')")
    assert sum(t.startswith("elm-ap") for t in labels) >= n_aps // 2
    wan = visit.page.locator("#fig-wan-isp-utilization svg").inner_html()
    for text in ("carried down", "capacity down", "wan:wan-elm", "isp"):
        assert text in wan
    toc = visit.page.eval_on_selector_all("nav.toc a", "els => els.map(e => e.textContent)")
    assert toc == [
        "District overview",
        "Bottlenecks",
        "Wi-Fi airtime by access point",
        "WAN and ISP over the day",
        "Satisfaction and failures",
        "K-12 bandwidth goals",
    ]
    for section, n_tables in (
        ("district-overview", 1),
        ("satisfaction-and-failures", 2),
        ("k-12-bandwidth-goals", 1),
    ):
        assert visit.page.locator(f"#{section} table.data").count() == n_tables
    # The simulation's ranked bottlenecks are all listed; with none the page says so.
    ranked = base.summary["bottlenecks"]
    section = visit.page.locator("#bottlenecks")
    if ranked:
        first = section.locator("table.data").first
        assert first.locator("tbody tr").count() == len(ranked)
        assert ranked[0]["cause"] in first.inner_text()
    else:
        assert "No resource reached 95" in section.inner_text()
    goals = visit.page.locator("#k-12-bandwidth-goals table.data tbody tr")
    assert goals.count() == 2  # the district's internet goal and Elm's WAN goal
    for name in ("airtime-01-elm", "wan-isp-utilization", "satisfaction", "associations"):
        assert (tmp_path / "figures" / f"{name}.png").stat().st_size > 20_000
    shot = visit.save_screenshot(tmp_path / "report.png", full_page=True)
    print(f"screenshot: {shot}")


def test_comparison_report_offline(
    open_offline: Callable[..., Any], runs: tuple[Any, Any], tmp_path: Path
) -> None:
    base, busy = runs
    rows = []
    for name, key in (
        ("bits delivered", "bits_delivered_share"),
        ("video seconds ok", "video_seconds_ok_share"),
    ):
        b, p = base.summary["satisfaction"][key], busy.summary["satisfaction"][key]
        rows.append(
            {"metric": name, "baseline": b, "proposed": p, "delta": p - b, "passed": p >= 0.999}
        )
    delta = pd.DataFrame(rows)
    page = write_comparison_report(base, busy, delta, tmp_path, names=("today", "double demand"))
    visit = open_offline(page)
    assert visit.blocked == [] and visit.console_errors == [] and visit.failed == []
    _check_figures(visit, 3)
    facts = visit.page.locator(".fact").all_inner_texts()
    failed = int((~delta["passed"]).sum())
    assert any(f.startswith(f"{failed}\n") and "newly over their limit" in f for f in facts)
    rows_shown = visit.page.locator("#verdict-and-deltas table.data tbody tr")
    assert rows_shown.count() == len(delta)
    assert "double demand" in visit.page.locator("#fig-compare-wan-isp svg").inner_html()
    shot = visit.save_screenshot(tmp_path / "comparison.png", full_page=True)
    print(f"screenshot: {shot}")
