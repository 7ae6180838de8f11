"""Topology: paths, bottlenecks and K-12 ratios, checked by hand on tiny surveys."""

from __future__ import annotations

from pathlib import Path

import pytest

from netplan.survey import load_survey
from netplan.topology import build_topology, capacity_summary, district_capacity
from survey_factory import write_survey


def test_ap_path_runs_port_to_isp(tmp_path: Path) -> None:
    survey = load_survey(write_survey(tmp_path))
    topo = build_topology(survey)
    assert topo.ap_paths["a-ap1"] == (
        "port:a-ap1",
        "uplink:a-idf",
        "uplink:a-mdf",
        "wan:wan-a",
        "core",
        "filter",
        "isp",
    )
    caps = [r.down_mbps for r in topo.path("a-ap2")]
    # 2.5 Gbps port, 2 Gbps IDF, 10 Gbps MDF, 1 Gbps WAN, 100 Gbps core, 400 filter, 300+200 ISP.
    assert caps == [2500.0, 2000.0, 10000.0, 1000.0, 100000.0, 400.0, 500.0]


def test_isp_circuits_are_summed_and_filter_shared(tmp_path: Path) -> None:
    topo = build_topology(load_survey(write_survey(tmp_path)))
    isp = topo.resources["isp"]
    assert (isp.down_mbps, isp.up_mbps) == (500.0, 200.0)
    assert topo.resources["filter"].shared


def test_bottleneck_is_the_filter(tmp_path: Path) -> None:
    survey = load_survey(write_survey(tmp_path))
    topo = build_topology(survey)
    assert topo.bottleneck("a").id == "filter"
    # Upstream the ISP's 100+100 Mbps is smaller than the 400 Mbps filter.
    assert topo.bottleneck("a", "up").id == "isp"


def test_k12_ratios_by_hand(tmp_path: Path) -> None:
    survey = load_survey(write_survey(tmp_path))
    dist = district_capacity(survey)
    assert dist["students"] == 300
    # Effective internet = min(ISP 500, filter 400) = 400 Mbps for 300 students.
    assert dist["internet_mbps"] == 400.0
    assert dist["internet_bound_by"] == "filter"
    assert dist["internet_mbps_per_student"] == pytest.approx(400 / 300)
    assert dist["internet_meets_goal"] is True
    row = capacity_summary(survey).iloc[0]
    # WAN 1 Gbps over 300 students + 20 staff = 3.125 Mbps per user, below the 10 Mbps goal.
    assert row["wan_mbps_per_user"] == pytest.approx(1000 / 320)
    assert not row["wan_meets_goal"]
    assert row["client_slots"] == 3 * 50  # three enabled radios at the default 50 clients
    assert row["bottleneck"] == "filter"


def test_district_goal_failure(tmp_path: Path) -> None:
    survey = load_survey(write_survey(tmp_path, ["a", "b"]))
    dist = district_capacity(survey)
    assert dist["students"] == 600
    assert dist["internet_mbps_per_student"] == pytest.approx(400 / 600)
    assert dist["internet_meets_goal"] is False


def test_chain_paths_cross_upstream_links(tmp_path: Path) -> None:
    topo = build_topology(load_survey(write_survey(tmp_path, ["a", "b", "c"], topology="chain")))
    assert topo.building_paths["c"][:4] == ("wan:wan-c", "wan:wan-b", "wan:wan-a", "core")
    assert topo.building_paths["a"][:2] == ("wan:wan-a", "core")


def test_ring_paths_take_the_shorter_way(tmp_path: Path) -> None:
    # Ring core-a-b-c-d-core: a and d are one hop from the core, b and c two.
    survey = load_survey(write_survey(tmp_path, ["a", "b", "c", "d"], topology="ring"))
    topo = build_topology(survey)
    assert topo.building_paths["a"][0:2] == ("wan:wan-0", "core")
    assert topo.building_paths["d"][0:2] == ("wan:wan-4", "core")
    assert topo.building_paths["b"][0:3] == ("wan:wan-1", "wan:wan-0", "core")
    assert topo.building_paths["c"][0:3] == ("wan:wan-3", "wan:wan-4", "core")


def test_demo_district_loads_and_every_ap_reaches_the_internet() -> None:
    from support import DEMO_SURVEY

    survey = load_survey(DEMO_SURVEY)
    topo = build_topology(survey)
    n_aps = sum(len(b.access_points) for b in survey.buildings.values())
    assert len(topo.ap_paths) == n_aps
    assert all(p[-1] == "isp" and "filter" in p for p in topo.ap_paths.values())
    levels = sorted(b.building.level for b in survey.buildings.values())
    assert levels == ["elementary"] * 3 + ["high", "middle"]
