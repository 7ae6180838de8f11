"""The district network as a graph, from each access point to the internet.

Nodes are ``ap:<id>``, ``switch:<id>``, ``router:<building>``, ``core``, ``filter`` and
``internet``. Every edge is a capacity-limited :class:`Resource`: the AP's switch port, each
switch uplink, WAN links, the content filter and the ISP circuits (summed); the core's
switching capacity is a resource on the node ``core``. The simulator shares these resources
among flows; AP airtime is modelled separately by :mod:`netplan.radio`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import pandas as pd

from netplan.errors import InputError
from netplan.goals import INTERNET_MBPS_PER_STUDENT, WAN_MBPS_PER_USER
from netplan.survey.loader import Survey

__all__ = [
    "Resource",
    "ResourceKind",
    "Topology",
    "build_topology",
    "capacity_summary",
    "district_capacity",
]

ResourceKind = Literal["ap-uplink", "switch-uplink", "wan", "core", "filter", "isp"]


@dataclass(frozen=True)
class Resource:
    """A capacity-limited part of the network.

    Attributes
    ----------
    id
        Unique name, e.g. ``isp``, ``filter``, ``core``, ``wan:wan-chs``, ``uplink:chs-mdf``,
        ``port:chs-ap-101``.
    kind
        The resource class reports rank bottlenecks by.
    building
        Building the resource belongs to (``None`` for district-wide ones).
    down_mbps, up_mbps
        Capacity towards the clients and towards the internet.
    shared
        ``True`` where one capacity serves both directions together (the content filter's
        inspected throughput); then ``down_mbps == up_mbps`` is that one capacity.
    """

    id: str
    kind: ResourceKind
    building: str | None
    down_mbps: float
    up_mbps: float
    shared: bool = False


@dataclass(frozen=True)
class Topology:
    """The graph and its resources.

    Attributes
    ----------
    graph
        Undirected networkx graph; each edge's ``resource`` attribute names its resource.
    resources
        Every resource by id.
    ap_paths
        For each AP id, the resource ids from the AP's port up to the ISP, in order.
    building_paths
        For each building id, the resource ids from the building router up to the ISP.
    """

    graph: nx.Graph
    resources: dict[str, Resource]
    ap_paths: dict[str, tuple[str, ...]]
    building_paths: dict[str, tuple[str, ...]]

    def path(self, ap_id: str) -> list[Resource]:
        """Resources a flow of ``ap_id`` crosses, from the AP port to the ISP."""
        return [self.resources[r] for r in self.ap_paths[ap_id]]

    def bottleneck(self, building_id: str, direction: str = "down") -> Resource:
        """The smallest-capacity resource between a building's router and the internet."""
        res = [self.resources[r] for r in self.building_paths[building_id]]
        key = "down_mbps" if direction == "down" else "up_mbps"
        return min(res, key=lambda r: (getattr(r, key), r.id))


def _resource_path(g: nx.Graph, nodes: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for u, v in itertools.pairwise(nodes):
        if u == "core":
            out.append("core")
        out.append(str(g.edges[u, v]["resource"]))
    return tuple(out)


def build_topology(survey: Survey) -> Topology:
    """Build the network graph of a validated survey.

    Parameters
    ----------
    survey
        A survey from :func:`netplan.survey.load_survey`.

    Returns
    -------
    Topology
        The graph, its resources and each AP's path to the internet.

    Raises
    ------
    InputError
        If an AP or building has no path to the internet (the survey checks catch this first).
    """
    d = survey.district
    g: nx.Graph = nx.Graph()
    resources: dict[str, Resource] = {}

    def link(u: str, v: str, res: Resource) -> None:
        resources[res.id] = res
        g.add_edge(u, v, resource=res.id)

    isp_down = sum(c.down_mbps for c in d.isp_circuits)
    isp_up = sum(c.up_mbps for c in d.isp_circuits)
    link("filter", "internet", Resource("isp", "isp", None, isp_down, isp_up))
    cf = d.content_filter.throughput_mbps
    link("core", "filter", Resource("filter", "filter", None, cf, cf, shared=True))
    core_cap = d.core.capacity_mbps
    resources["core"] = Resource("core", "core", None, core_cap, core_cap)
    for w in d.wan.links:
        ends = ["core" if s == "core" else f"router:{s}" for s in (w.a, w.b)]
        bid = w.b if w.a == "core" else w.a
        cap = w.capacity_mbps
        link(ends[0], ends[1], Resource(f"wan:{w.id}", "wan", bid, cap, cap))
    for bid, b in survey.buildings.items():
        g.add_node(f"router:{bid}", building=bid)
        for s in b.switches:
            parent = f"router:{bid}" if s.uplink_to == "router" else f"switch:{s.uplink_to}"
            link(
                f"switch:{s.id}",
                parent,
                Resource(f"uplink:{s.id}", "switch-uplink", bid, s.uplink_mbps, s.uplink_mbps),
            )
        for ap in b.access_points:
            link(
                f"ap:{ap.id}",
                f"switch:{ap.switch}",
                Resource(f"port:{ap.id}", "ap-uplink", bid, ap.uplink_mbps, ap.uplink_mbps),
            )
    ap_paths: dict[str, tuple[str, ...]] = {}
    building_paths: dict[str, tuple[str, ...]] = {}
    for bid, b in survey.buildings.items():
        try:
            nodes = nx.shortest_path(g, f"router:{bid}", "internet")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            raise InputError.at(
                survey.files[bid], "building", f"building {bid!r} has no path to the internet"
            ) from None
        building_paths[bid] = _resource_path(g, nodes)
        for ap in b.access_points:
            try:
                nodes = nx.shortest_path(g, f"ap:{ap.id}", "internet")
            except (nx.NetworkXNoPath, nx.NodeNotFound):
                raise InputError.at(
                    survey.files[bid],
                    f"access_points[{ap.id}]",
                    "access point has no path to the internet",
                ) from None
            ap_paths[ap.id] = _resource_path(g, nodes)
    return Topology(g, resources, ap_paths, building_paths)


def capacity_summary(survey: Survey, topo: Topology | None = None) -> pd.DataFrame:
    """Per-building capacity figures compared with the K-12 goals.

    Parameters
    ----------
    survey
        The survey.
    topo
        Its topology (built if not given).

    Returns
    -------
    pandas.DataFrame
        One row per building: students, staff, APs, radios, client slots, WAN rate, WAN Mbps
        per user against the 10 Mbps goal (FCC 14-99: 10 Gbps per 1,000), and the bottleneck
        between the building and the internet.
    """
    topo = topo or build_topology(survey)
    rows: list[dict[str, Any]] = []
    for bid, b in survey.buildings.items():
        info = b.building
        users = info.enrollment + info.staff
        wan = next(topo.resources[r] for r in topo.building_paths[bid] if r.startswith("wan:"))
        bn = topo.bottleneck(bid)
        radios = [r for ap in b.access_points for r in ap.radios if r.enabled]
        wan_per_user = wan.down_mbps / users if users else float("inf")
        rows.append(
            {
                "building": bid,
                "name": info.name,
                "level": info.level,
                "students": info.enrollment,
                "staff": info.staff,
                "aps": len(b.access_points),
                "radios": len(radios),
                "client_slots": sum(r.max_clients for r in radios),
                "wan_link": wan.id.removeprefix("wan:"),
                "wan_mbps": wan.down_mbps,
                "wan_mbps_per_user": wan_per_user,
                "wan_goal_mbps_per_user": WAN_MBPS_PER_USER,
                "wan_meets_goal": wan_per_user >= WAN_MBPS_PER_USER,
                "bottleneck": bn.id,
                "bottleneck_mbps": bn.down_mbps,
            }
        )
    return pd.DataFrame(rows)


def district_capacity(survey: Survey, topo: Topology | None = None) -> dict[str, Any]:
    """District-wide internet capacity against the 1 Mbps-per-student goal.

    Parameters
    ----------
    survey
        The survey.
    topo
        Its topology (built if not given).

    Returns
    -------
    dict
        ISP down/up, content-filter throughput, the effective internet capacity (the smaller of
        ISP download and filter), Mbps per student for both, and whether the goal is met
        (EducationSuperHighway / SETDA 2017-18: 1 Mbps per student).
    """
    topo = topo or build_topology(survey)
    isp = topo.resources["isp"]
    filt = topo.resources["filter"]
    students = survey.enrollment
    effective = min(isp.down_mbps, filt.down_mbps)
    per_student = effective / students if students else float("inf")
    return {
        "district": survey.name,
        "buildings": len(survey.buildings),
        "students": students,
        "staff": survey.staff,
        "access_points": sum(len(b.access_points) for b in survey.buildings.values()),
        "isp_down_mbps": isp.down_mbps,
        "isp_up_mbps": isp.up_mbps,
        "filter_mbps": filt.down_mbps,
        "internet_mbps": effective,
        "internet_bound_by": "filter" if filt.down_mbps < isp.down_mbps else "isp",
        "isp_mbps_per_student": isp.down_mbps / students if students else float("inf"),
        "internet_mbps_per_student": per_student,
        "internet_goal_mbps_per_student": INTERNET_MBPS_PER_STUDENT,
        "internet_meets_goal": per_student >= INTERNET_MBPS_PER_STUDENT,
    }
