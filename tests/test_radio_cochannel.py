"""Co-channel graph, airtime shares and the channel planner."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netplan.radio.channels import channels_overlap, is_dfs
from netplan.radio.cochannel import (
    PathLossModel,
    airtime_shares,
    building_graph,
    contention_domains,
    interference_graph,
)
from netplan.radio.config import ApPlacement, RadioConfig, WallSegment
from netplan.radio.planner import plan_channels


def _ap(
    ap_id: str,
    x: float | None,
    y: float | None = 0.0,
    *,
    floor: int = 1,
    band: str = "5",
    channel: int = 36,
    width: int = 20,
    power: float = 20.0,
    neighbors: tuple[str, ...] = (),
) -> ApPlacement:
    radio = RadioConfig(
        band=band, standard="ax", width_mhz=width, channel=channel, tx_power_dbm=power
    )
    return ApPlacement(ap_id, (radio,), floor=floor, x_m=x, y_m=y, neighbors=neighbors)


def _expected_rssi(power: float, freq_mhz: float, d: float, extra_db: float = 0.0) -> float:
    # ITU-R P.1238 form with n = 3, written out independently of the module.
    return power - (20 * math.log10(freq_mhz) - 28 + 30 * math.log10(d) + extra_db)


def test_path_loss_edge_and_rssi() -> None:
    g = interference_graph([_ap("a", 0.0), _ap("b", 10.0)])
    assert g.has_edge(("a", 0), ("b", 0))
    rssi = g.edges[("a", 0), ("b", 0)]["rssi_dbm"]
    assert rssi == pytest.approx(_expected_rssi(20.0, 5180.0, 10.0), abs=0.01)
    far = interference_graph([_ap("a", 0.0), _ap("b", 200.0)])
    assert far.number_of_edges() == 0  # ~ -95 dBm, below -82 dBm


def test_walls_and_floors_attenuate() -> None:
    wall = WallSegment(1, 5.0, -5.0, 5.0, 5.0, {"5": 12.0})
    other_floor_wall = WallSegment(2, 5.0, -5.0, 5.0, 5.0, {"5": 12.0})
    beside = WallSegment(1, 20.0, -5.0, 20.0, 5.0, {"5": 12.0})
    aps = [_ap("a", 0.0), _ap("b", 10.0)]
    g = interference_graph(aps, wall_segments=[wall, other_floor_wall, beside])
    rssi = g.edges[("a", 0), ("b", 0)]["rssi_dbm"]
    assert rssi == pytest.approx(_expected_rssi(20.0, 5180.0, 10.0, 12.0), abs=0.01)
    up = interference_graph([_ap("a", 0.0), _ap("b", 0.0, floor=2)], floor_height_m=4.0)
    rssi_up = up.edges[("a", 0), ("b", 0)]["rssi_dbm"]
    assert rssi_up == pytest.approx(_expected_rssi(20.0, 5180.0, 4.0, 16.0), abs=0.01)
    # A wall whose loss is not given for the band uses the smallest loss it lists.
    assert WallSegment(1, 0, 0, 1, 1, {"2.4": 4.0, "5": 9.0}).loss_db("6") == 4.0


def test_threshold_moves_the_edge() -> None:
    aps = [_ap("a", 0.0), _ap("b", 30.0)]
    rssi = _expected_rssi(20.0, 5180.0, 30.0)
    assert interference_graph(aps, threshold_dbm=rssi - 1).number_of_edges() == 1
    assert interference_graph(aps, threshold_dbm=rssi + 1).number_of_edges() == 0


def test_only_overlapping_channels_contend() -> None:
    pairs = [
        (("5", 36, 20), ("5", 44, 20), False),
        (("5", 36, 80), ("5", 44, 20), True),
        (("2.4", 1, 20), ("2.4", 3, 20), True),
        (("2.4", 1, 20), ("2.4", 6, 20), False),
    ]
    for (b1, c1, w1), (b2, c2, w2), expect in pairs:
        g = interference_graph(
            [
                _ap("a", 0.0, band=b1, channel=c1, width=w1),
                _ap("b", 10.0, band=b2, channel=c2, width=w2),
            ]
        )
        assert g.has_edge(("a", 0), ("b", 0)) == expect
        conflicts = interference_graph(
            [
                _ap("a", 0.0, band=b1, channel=c1, width=w1),
                _ap("b", 10.0, band=b2, channel=c2, width=w2),
            ],
            same_channel_only=False,
        )
        assert conflicts.has_edge(("a", 0), ("b", 0))


def test_neighbor_lists_replace_path_loss() -> None:
    listed = interference_graph([_ap("a", None, None, neighbors=("b",)), _ap("b", None, None)])
    assert listed.edges[("a", 0), ("b", 0)]["source"] == "neighbors"
    # a lists only c, so the path-loss edge to nearby b is not used.
    g = interference_graph([_ap("a", 0.0, neighbors=("c",)), _ap("b", 5.0), _ap("c", None, None)])
    assert not g.has_edge(("a", 0), ("b", 0))
    assert g.has_edge(("a", 0), ("c", 0))


def test_airtime_shares_on_known_graphs() -> None:
    tri = nx.complete_graph(3)
    assert all(v == pytest.approx(1 / 3) for v in airtime_shares(tri).values())
    chain = nx.path_graph(3)
    assert airtime_shares(chain) == {0: 0.5, 1: 0.5, 2: 0.5}
    star = nx.star_graph(3)
    assert all(v == pytest.approx(0.5) for v in airtime_shares(star).values())
    # Triangle with a pendant: the pendant gets what its neighbour leaves.
    g = nx.complete_graph(3)
    g.add_edge(2, 3)
    shares = airtime_shares(g)
    assert shares[0] == pytest.approx(1 / 3) and shares[3] == pytest.approx(2 / 3)
    assert airtime_shares(tri, active=[0]) == {0: 1.0, 1: 0.0, 2: 0.0}
    iso = nx.Graph()
    iso.add_node("x")
    assert airtime_shares(iso) == {"x": 1.0}


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.floats(0.0, 1.0), st.integers(0, 10_000))
def test_airtime_shares_are_feasible_and_maximal(n: int, p: float, seed: int) -> None:
    g = nx.gnp_random_graph(n, p, seed=seed)
    shares = airtime_shares(g)
    for clique in nx.find_cliques(g):
        assert sum(shares[v] for v in clique) <= 1 + 1e-9
    # Max-min fairness: every radio sits in at least one full clique.
    for v in g.nodes:
        assert any(v in c and sum(shares[u] for u in c) >= 1 - 1e-9 for c in nx.find_cliques(g))


def test_contention_domains_are_components() -> None:
    aps = [_ap("a", 0.0), _ap("b", 10.0), _ap("c", 500.0), _ap("d", 510.0), _ap("e", 2000.0)]
    domains = contention_domains(interference_graph(aps))
    assert [len(d) for d in domains] == [2, 2, 1]
    assert frozenset({("a", 0), ("b", 0)}) in domains


def test_planner_separates_three_aps_at_24ghz() -> None:
    aps = [_ap(k, float(i * 8), band="2.4", channel=1) for i, k in enumerate("abc")]
    plan = plan_channels(aps)
    assert len(plan.before) == 3
    assert plan.after == ()
    assert sorted(ch for ch, _ in plan.planned.values()) == [1, 6, 11]


def test_planner_reports_what_cannot_be_separated() -> None:
    aps = [_ap(k, float(i * 5), band="2.4", channel=1) for i, k in enumerate("abcd")]
    plan = plan_channels(aps)
    assert len(plan.after) == 1  # four mutual neighbours, three channels
    a, b = plan.after[0].a, plan.after[0].b
    assert channels_overlap(("2.4", *plan.planned[a]), ("2.4", *plan.planned[b]))


def test_planner_respects_dfs_and_width() -> None:
    aps = [_ap(f"ap{i}", float(i * 6), channel=36, width=40) for i in range(6)]
    no_dfs = plan_channels(aps, allow_dfs=False)
    assert all(not is_dfs("5", ch) and w == 40 for ch, w in no_dfs.planned.values())
    with_dfs = plan_channels(aps, allow_dfs=True)
    assert with_dfs.after == ()
    assert len(no_dfs.after) > 0  # only 4 non-DFS 40 MHz channels for 6 neighbours


def _cost(plan_pairs: tuple[object, ...]) -> float:
    # The planner's objective: 1 + (dB over the -82 dBm threshold) / 30 per co-channel pair.
    return sum(1 + (p.rssi_dbm + 82) / 30 for p in plan_pairs)  # type: ignore[attr-defined]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 60), st.floats(0, 40), st.sampled_from([1, 6, 11, 3])),
        min_size=2,
        max_size=9,
    )
)
def test_plan_is_never_worse_than_current(spots: list[tuple[float, float, int]]) -> None:
    aps = [_ap(f"ap{i}", x, y, band="2.4", channel=ch) for i, (x, y, ch) in enumerate(spots)]
    plan = plan_channels(aps)
    assert _cost(plan.after) <= _cost(plan.before) + 1e-9
    again = plan_channels(aps)
    assert again.planned == plan.planned


def test_building_graph_from_survey_models() -> None:
    from netplan.survey.models import AccessPoint, Coverage, Radio, Wall

    def ap(i: int, x: float) -> AccessPoint:
        return AccessPoint(
            id=f"ap{i}",
            switch="sw1",
            x_m=x,
            y_m=0.0,
            serves=[Coverage(zone="z1", snr_db=30.0)],
            radios=[
                Radio(band="2.4", standard="ax", channel=1),
                Radio(band="5", standard="ax", channel=36, enabled=i != 2),
            ],
        )

    building = type(
        "B",
        (),
        {
            "access_points": [ap(0, 0.0), ap(1, 10.0), ap(2, 20.0)],
            "walls": [Wall(x1_m=5, y1_m=-1, x2_m=5, y2_m=1, attenuation_db={"5": 10.0})],
            "building": type("I", (), {"floor_height_m": 4.0})(),
        },
    )()
    g = building_graph(building)
    assert g.number_of_nodes() == 5  # one 5 GHz radio is disabled
    for u, v in itertools.combinations(g.nodes, 2):
        same = g.nodes[u]["band"] == g.nodes[v]["band"]
        if not same:
            assert not g.has_edge(u, v)
    assert g.has_edge(("ap0", 0), ("ap1", 0)) and g.has_edge(("ap0", 1), ("ap1", 1))
    assert g.edges[("ap0", 1), ("ap1", 1)]["rssi_dbm"] == pytest.approx(
        _expected_rssi(20.0, 5180.0, 10.0, 10.0), abs=0.01
    )


def test_default_tx_power_used_when_missing() -> None:
    radio = RadioConfig(band="2.4", standard="ax", channel=1)
    assert PathLossModel().tx_power(radio) == 17.0
