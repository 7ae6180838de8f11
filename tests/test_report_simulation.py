"""The simulation and comparison reports: derived tables worked by hand, loading, writing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from netplan.errors import InputError
from netplan.report.comparison import delta_display, write_comparison_report
from netplan.report.document import ReportDocument
from netplan.report.figures import new_figure, render_figure, report_style
from netplan.report.offline import network_references
from netplan.report.simulation import (
    ap_airtime,
    app_satisfaction,
    bottleneck_table,
    install_report_hook,
    load_simulation_tables,
    report_hook,
    write_simulation_report,
)

SAMPLES = Path(__file__).resolve().parent / "browser"


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    import sys

    sys.path.insert(0, str(SAMPLES))
    try:
        import samples
    finally:
        sys.path.remove(str(SAMPLES))
    return samples.sim_tables(seed=3)


def _rows(*rows: tuple[Any, ...]) -> pd.DataFrame:
    cols = [
        "resource",
        "kind",
        "building",
        "direction",
        "minute",
        "offered_mbps",
        "carried_mbps",
        "capacity_mbps",
        "utilization",
        "clients",
    ]
    return pd.DataFrame(rows, columns=cols)


# --- derived tables -----------------------------------------------------------------------


def test_ap_airtime_takes_each_aps_busiest_channel_group() -> None:
    res = _rows(
        ("air:a-ap1/0,a-ap2/0", "airtime", "a", "both", 480, 0, 0, np.nan, 0.30, 5),
        ("air:a-ap2/0,a-ap3/1", "airtime", "a", "both", 480, 0, 0, np.nan, 0.80, 9),
        ("air:a-ap1/1", "airtime", "a", "both", 480, 0, 0, np.nan, 0.10, 1),
        ("air:a-ap1/0,a-ap2/0", "airtime", "a", "both", 481, 0, 0, np.nan, 0.50, 5),
        ("wan:wan-a/down", "wan", "a", "down", 480, 10, 10, 100.0, 0.1, 0),
    )
    out = ap_airtime(res).set_index(["ap", "minute"])["utilization"]
    # ap1: max(0.30 group, 0.10 own radio) = 0.30; ap2: max(0.30, 0.80) = 0.80; ap3: 0.80.
    assert out.to_dict() == {
        ("a-ap1", 480): 0.30,
        ("a-ap1", 481): 0.50,
        ("a-ap2", 480): 0.80,
        ("a-ap2", 481): 0.50,
        ("a-ap3", 480): 0.80,
    }


def test_bottleneck_ranking_by_flagged_minutes() -> None:
    # isp: 3 minutes at >= 95 %; airtime group: 4 minutes >= 70 % but never 95 %; wan: peak
    # 60 %, never flagged; uplink never reaches 50 % and is left out.
    rows = []
    for m, (isp, air, wan, up) in enumerate(
        [
            (0.96, 0.75, 0.6, 0.1),
            (0.97, 0.71, 0.5, 0.1),
            (0.99, 0.72, 0.4, 0.2),
            (0.50, 0.90, 0.3, 0.3),
            (0.20, 0.10, 0.2, 0.4),
        ]
    ):
        minute = 480 + m
        rows += [
            ("isp/down", "isp", "district", "down", minute, isp * 1200, isp * 1000, 1000, isp, 0),
            ("air:a-ap1/0,a-ap2/0,a-ap3/0", "airtime", "a", "both", minute, 0, 0, np.nan, air, 30),
            ("wan:wan-a/down", "wan", "a", "down", minute, wan * 100, wan * 100, 100, wan, 0),
            ("port:a-ap1/down", "ap-uplink", "a", "down", minute, 1, 1, 1000, up, 3),
        ]
    ranked = bottleneck_table(_rows(*rows))
    assert ranked["resource"].tolist() == [
        "channel group a-ap1/0, a-ap2/0 +1 more",
        "isp/down",
        "wan:wan-a/down",
    ]
    assert ranked["minutes_flagged"].tolist() == [4, 3, 0]
    assert ranked["minutes_saturated"].tolist() == [0, 3, 0]
    assert ranked["worst_time"].tolist() == ["08:03", "08:02", "08:00"]
    # Delayed demand on the ISP: (1.2 - 1) x 1000 Mbps x u over the minutes, in GB.
    expected_gb = sum(0.2 * 1000 * u for u in (0.96, 0.97, 0.99, 0.50, 0.20)) * 60 / 8e3
    assert ranked.loc[1, "unmet_gb"] == pytest.approx(expected_gb)
    assert "ISP-bound" in ranked.loc[1, "cause"] and "saturated 3 min" in ranked.loc[1, "cause"]
    assert "above 70% for 4 min" in ranked.loc[0, "cause"]


def test_app_satisfaction_worked_by_hand() -> None:
    flows = pd.DataFrame(
        {
            "app": ["video", "video", "web", "web"],
            "kind": ["stream", "stream", "elastic", "elastic"],
            "start_s": [0.0, 100.0, 0.0, 10.0],
            # The second stream is still running at the end of the window (1000 s).
            "end_s": [200.0, np.inf, 4.0, np.nan],
            "asked_mb": [50.0, 100.0, 10.0, 30.0],
            "delivered_mb": [50.0, 90.0, 10.0, 12.0],
            "degraded_s": [20.0, 45.0, np.nan, np.nan],
            "completion_s": [np.nan, np.nan, 4.0, np.nan],
        }
    )
    t = app_satisfaction(flows, end_s=1000.0).set_index("application")
    # video: seconds 200 + 900 = 1100, degraded 65 -> 1 - 65/1100.
    assert t.loc["video", "ok_seconds_share"] == pytest.approx(1 - 65 / 1100)
    assert t.loc["video", "delivered_share"] == pytest.approx(140 / 150)
    assert t.loc["web", "delivered_share"] == pytest.approx(22 / 40)
    assert t.loc["web", "completion_p95_s"] == pytest.approx(4.0)
    assert t.loc["web", "kind"] == "transfer" and t.loc["video", "kind"] == "stream"
    assert list(t.index) == ["web", "video"]  # worst first


# --- loading ------------------------------------------------------------------------------


def _write_dir(sample: dict[str, Any], root: Path, *, replications: int = 1) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in ("resources", "flows", "associations", "bells"):
        df = sample[name]
        if replications > 1:
            df = pd.concat([df.assign(replication=k) for k in range(replications)])
            if name == "resources":
                # A second replication with other numbers must not leak into the plots.
                df.loc[df["replication"] == 1, "utilization"] = 7.0  # impossible on purpose
        df.to_parquet(root / f"{name}.parquet", index=False)
    (root / "summary.json").write_text(json.dumps(sample["summary"]), encoding="utf-8")
    return root


def test_load_from_directory_keeps_the_first_replication(
    sample: dict[str, Any], tmp_path: Path
) -> None:
    root = _write_dir(sample, tmp_path / "run", replications=2)
    tables = load_simulation_tables(root)
    assert len(tables.resources) == len(sample["resources"])
    assert tables.resources["utilization"].max() <= 1.0
    assert "replication" not in tables.resources.columns
    assert tables.bells_for("elm")[0] == 8 * 60


def test_load_reports_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"resources\.parquet"):
        load_simulation_tables(tmp_path)
    pd.DataFrame({"resource": ["x"]}).to_parquet(tmp_path / "resources.parquet")
    with pytest.raises(InputError, match="summary"):
        load_simulation_tables(tmp_path)
    (tmp_path / "summary.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="missing kind"):
        load_simulation_tables(tmp_path)


# --- writing ------------------------------------------------------------------------------


def _png_ok(path: Path) -> None:
    img = mpimg.imread(path)
    assert img.shape[0] > 200 and img.shape[1] > 800
    assert float((img[..., :3].min(axis=2) < 0.95).mean()) > 0.02


def test_report_from_directory_and_from_object_match(
    sample: dict[str, Any], tmp_path: Path
) -> None:
    root = _write_dir(sample, tmp_path / "run")
    from_dir = write_simulation_report(root)
    from_obj = write_simulation_report(SimpleNamespace(**sample), tmp_path / "obj")
    a = from_dir.read_text(encoding="utf-8")
    b = from_obj.read_text(encoding="utf-8")
    assert network_references(a) == []
    assert a == b  # deterministic, whichever way the tables come in
    figures = sorted(p.name for p in (root / "figures").glob("*.png"))
    assert figures == [
        "airtime-01-chs.png",
        "airtime-02-elm.png",
        "associations.png",
        "satisfaction.png",
        "wan-isp-utilization.png",
    ]
    for png in (root / "figures").glob("*.png"):
        _png_ok(png)
    # Every figure in the page is inline SVG, and every PNG it names exists.
    for name in re.findall(r'data-png="figures/([^"]+)"', a):
        assert (root / "figures" / name).exists()
    assert a.count("<svg") >= 5


def test_report_hook_writes_into_the_staged_folder(sample: dict[str, Any], tmp_path: Path) -> None:
    written = report_hook(SimpleNamespace(**sample), tmp_path)
    assert written["report"] == tmp_path / "report.html"
    assert written["report figures"].is_dir()


def test_inline_svg_ids_do_not_collide() -> None:
    with report_style():
        figs = []
        for name in ("one", "two"):
            fig = new_figure(4, 3)
            ax = fig.add_subplot()
            ax.plot([0, 1], [0, 1], marker="o")
            figs.append(render_figure(fig, name=name, caption=name))
    ids = [set(re.findall(r'\bid="([^"]+)"', f.svg)) for f in figs]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    for f in figs:
        # Every in-figure reference points at an id of the same figure.
        refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', f.svg))
        assert refs <= set(re.findall(r'\bid="([^"]+)"', f.svg))


def test_document_escapes_text_and_refuses_external_loads(tmp_path: Path) -> None:
    doc = ReportDocument("A <b>title</b>")
    sec = doc.section("S & T")
    sec.paragraph("<script>alert(1)</script>")
    sec.table(pd.DataFrame({"x": ["<img src=https://x.example.org/a.png>"]}))
    page = doc.render()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert network_references(page) == []
    sec.parts.append('<img src="https://x.example.org/a.png">')
    with pytest.raises(RuntimeError, match=r"x\.example\.org"):
        doc.write(tmp_path)
    assert not (tmp_path / "report.html").exists()


# --- comparison ---------------------------------------------------------------------------


def test_delta_display_puts_failures_first() -> None:
    delta = pd.DataFrame(
        {
            "metric": ["a", "b", "c", "d"],
            "baseline_mean": [0.5, 0.9, 0.2, 0.3],
            "baseline_low": [0.4, 0.8, 0.1, 0.2],
            "baseline_high": [0.6, 1.0, 0.3, 0.4],
            "proposed_mean": [0.6, 0.97, 0.1, 0.9],
            "proposed_low": [0.5, 0.96, 0.0, 0.8],
            "proposed_high": [0.7, 0.98, 0.2, 1.0],
            "delta_mean": [0.1, 0.07, -0.1, 0.6],
            "delta_low": [0.05, 0.06, -0.2, 0.5],
            "delta_high": [0.15, 0.08, 0.0, 0.7],
            "threshold": [0.95] * 4,
            "baseline_over": [False, False, False, False],
            "proposed_over": [False, True, False, False],
            "new_crossing": [False, True, False, False],
            "worse": [True, True, False, True],
            "better": [False, False, False, False],
        }
    )
    verdicts = ~delta["new_crossing"]
    shown, _ = delta_display(delta, verdicts)
    assert shown["metric"].tolist() == ["b", "d", "a", "c"]
    assert shown["status"].tolist() == ["NEW CROSSING", "worse", "worse", ""]
    assert shown.loc[0, "proposed"] == "0.97 [0.96, 0.98]"


def test_comparison_report_writes_a_self_contained_page(
    sample: dict[str, Any], tmp_path: Path
) -> None:
    base = SimpleNamespace(**sample)
    delta = pd.DataFrame({"metric": ["x"], "delta": [0.1], "passed": [True]})
    page = write_comparison_report(base, base, delta, tmp_path)
    html = page.read_text(encoding="utf-8")
    assert network_references(html) == []
    assert page.name == "comparison.html"
    for png in (tmp_path / "figures").glob("compare-*.png"):
        _png_ok(png)
    assert len(list((tmp_path / "figures").glob("compare-*.png"))) == 3


def test_simulation_results_folder_gets_the_report(tmp_path: Path) -> None:
    # A real, short run of one demo building, written the way ``netplan simulate`` does.
    from netplan.sim import SimConfig, report_hooks, run_simulation, write_results
    from netplan.survey import load_survey

    survey = load_survey(Path(__file__).resolve().parents[1] / "site_surveys" / "cedar_valley")
    result = run_simulation(survey, config=SimConfig(buildings=("elm",), end_s=9 * 3600.0), seed=2)
    install_report_hook()
    install_report_hook()
    assert report_hooks.count(report_hook) == 1
    try:
        written = write_results(result, tmp_path / "out")
    finally:
        report_hooks.remove(report_hook)
    assert written["report"] == tmp_path / "out" / "report.html"
    html = written["report"].read_text(encoding="utf-8")
    assert network_references(html) == []
    assert (tmp_path / "out" / "figures" / "airtime-01-elm.png").exists()
    # Rebuilding from the written folder gives the same page.
    again = write_simulation_report(tmp_path / "out", tmp_path / "again")
    assert again.read_text(encoding="utf-8") == html
