"""The simulated network: resources as arrays, radios, airtime budgets and flow paths.

Built once per run from a survey:

* every wired resource of :func:`netplan.topology.build_topology` becomes two resources, one
  per direction, except the content filter, whose inspected throughput is one capacity
  for both directions;
* every maximal clique of co-channel radios (:mod:`netplan.radio.cochannel`) is an
  *airtime* resource of capacity 1 second per second: radios that all hear one another
  cannot send at once, so the airtime their flows use together is at most 1. A radio
  with no co-channel neighbour is a clique of its own. Both directions use airtime;
* a flow of rate ``x`` to a client whose link would carry ``r`` Mbps with the whole
  airtime (:func:`netplan.radio.cell.effective_rates`) uses ``x / r`` of each airtime
  budget its radio is in.

Caches (``survey.district.caches``) serve their hit ratio of one kind of traffic: a hit on
a cache at the core crosses the building's resources, its WAN link and the core but not
the content filter or the ISP; a hit on a cache in a building stays inside that building.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from netplan.radio.cell import effective_rates
from netplan.radio.cochannel import building_graph
from netplan.radio.config import ClientCapability, RadioConfig, radio_config
from netplan.survey.loader import Survey
from netplan.topology import Topology, build_topology

__all__ = ["CAUSES", "NetworkModel", "RadioInfo", "ResourceInfo", "build_network"]

FloatArray = NDArray[np.float64]

#: Bottleneck cause named after each resource kind.
CAUSES: dict[str, str] = {
    "airtime": "airtime-bound",
    "ap-uplink": "uplink-bound",
    "switch-uplink": "uplink-bound",
    "wan": "WAN-bound",
    "core": "WAN-bound",
    "filter": "filter-bound",
    "isp": "ISP-bound",
}

#: Band preference of band steering (most preferred first).
_BAND_ORDER = {"6": 0, "5": 1, "2.4": 2}


@dataclass(frozen=True)
class ResourceInfo:
    """One simulated resource (a row of the resource x minute table)."""

    id: str
    kind: str
    building: str | None
    direction: str  # "down", "up" or "both"
    capacity: float  # Mbps; 1.0 (s/s) for airtime


@dataclass
class RadioInfo:
    """An enabled AP radio."""

    index: int
    ap: str
    slot: int
    building: str
    config: RadioConfig
    max_clients: int
    domain: int
    airtime: tuple[int, ...]  # airtime resources (cliques) the radio is in


@dataclass
class NetworkModel:
    """Everything the engine needs to know about the network, as indices and arrays."""

    resources: list[ResourceInfo]
    capacity: FloatArray
    district: NDArray[np.bool_]
    radios: list[RadioInfo]
    #: wired path per AP and direction, resource indices from the AP port upwards
    wired: dict[tuple[str, str], tuple[int, ...]]
    #: building of each AP
    ap_building: dict[str, str]
    #: per (building, zone): candidate (radio index, snr_db) pairs
    zone_radios: dict[tuple[str, str], list[tuple[int, float]]]
    #: cache per kind: (hit ratio, location)
    caches: dict[str, tuple[float, str]]
    topology: Topology
    index: dict[str, int] = field(default_factory=dict)

    def path(self, radio: int, direction: str, via: str) -> tuple[int, ...]:
        """Resources a flow crosses: airtime budgets then the wired path.

        Parameters
        ----------
        radio
            Radio index.
        direction
            ``"down"`` or ``"up"``.
        via
            ``"internet"``, ``"core-cache"`` (a hit on a cache at the core) or
            ``"local-cache"`` (a hit on a cache in the flow's building).
        """
        r = self.radios[radio]
        wired = self.wired[(r.ap, direction)]
        if via == "core-cache":
            wired = tuple(i for i in wired if self.resources[i].kind not in ("filter", "isp"))
        elif via == "local-cache":
            wired = tuple(
                i
                for i in wired
                if self.resources[i].building is not None and self.resources[i].kind != "wan"
            )
        return r.airtime + wired


@lru_cache(maxsize=65536)
def _eff_rate(radio: RadioConfig, client: ClientCapability, contenders: int) -> float:
    return float(effective_rates(radio, [client], n_active=contenders)[0])


def effective_rate(radio: RadioConfig, device: Any, snr_db: float, contenders: int) -> float:
    """Payload rate (Mbps) a device gets from a radio with all its airtime (cached).

    The SNR is rounded to 0.5 dB so clients at nearly the same signal share one class.
    """
    bands = getattr(device, "bands", None)
    client = ClientCapability(
        standard=str(device.standard),
        spatial_streams=int(device.spatial_streams),
        max_width_mhz=int(device.max_width_mhz),
        snr_db=round(float(snr_db) * 2.0) / 2.0,
        bands=None if bands is None else frozenset(str(b) for b in bands),
    )
    # Only what sets the link rate goes into the cache key (not channel, power or limits).
    key = RadioConfig(
        band=radio.band,
        standard=radio.standard,
        width_mhz=radio.width_mhz,
        spatial_streams=radio.spatial_streams,
        gi_us=radio.gi_us,
    )
    return _eff_rate(key, client, contenders)


def can_use(radio: RadioConfig, device: Any) -> bool:
    """True when a device model can associate to a radio (band and standard allow it)."""
    bands = getattr(device, "bands", None)
    if bands is not None and radio.band not in bands:
        return False
    return not (radio.band == "6" and str(device.standard) not in ("ax", "be"))


def band_rank(radio: RadioConfig) -> int:
    """Band steering preference (0 is most preferred)."""
    return _BAND_ORDER.get(radio.band, 3)


def build_network(survey: Survey, buildings: tuple[str, ...] | None = None) -> NetworkModel:
    """Turn a survey into the arrays the engine runs on.

    Parameters
    ----------
    survey
        The survey.
    buildings
        Only these buildings (default: all); district resources are always included.

    Returns
    -------
    NetworkModel
        Resources, radios, airtime budgets and paths.
    """
    topo = build_topology(survey)
    keep = set(survey.buildings) if buildings is None else set(buildings)
    resources: list[ResourceInfo] = []
    index: dict[str, int] = {}

    def add(rid: str, kind: str, building: str | None, direction: str, cap: float) -> int:
        index[rid] = len(resources)
        resources.append(ResourceInfo(rid, kind, building, direction, cap))
        return index[rid]

    for res in topo.resources.values():
        if res.building is not None and res.building not in keep:
            continue
        if res.shared:
            add(res.id, res.kind, res.building, "both", res.down_mbps)
        else:
            add(f"{res.id}/down", res.kind, res.building, "down", res.down_mbps)
            add(f"{res.id}/up", res.kind, res.building, "up", res.up_mbps)

    def wired_index(rid: str, direction: str) -> int:
        return index[rid] if rid in index else index[f"{rid}/{direction}"]

    radios: list[RadioInfo] = []
    wired: dict[tuple[str, str], tuple[int, ...]] = {}
    ap_building: dict[str, str] = {}
    zone_radios: dict[tuple[str, str], list[tuple[int, float]]] = {}
    domain_base = 0
    for bid, b in survey.buildings.items():
        if bid not in keep:
            continue
        graph = building_graph(b)
        comp_of: dict[tuple[str, int], int] = {}
        for k, comp in enumerate(nx.connected_components(graph)):
            for node in comp:
                comp_of[node] = domain_base + k
        domain_base += max(1, nx.number_connected_components(graph))
        cliques: dict[tuple[str, int], list[int]] = {}
        for clique in sorted(sorted(c) for c in nx.find_cliques(graph)):
            rid = "air:" + ",".join(f"{ap}/{slot}" for ap, slot in clique)
            ridx = add(rid, "airtime", bid, "both", 1.0)
            for node in clique:
                cliques.setdefault(node, []).append(ridx)
        radio_of: dict[tuple[str, int], int] = {}
        for ap in b.access_points:
            ap_building[ap.id] = bid
            for d in ("down", "up"):
                wired[(ap.id, d)] = tuple(wired_index(r, d) for r in topo.ap_paths[ap.id])
            for slot, radio in enumerate(ap.radios):
                if not radio.enabled:
                    continue
                key = (ap.id, slot)
                if key not in cliques:  # not in the graph (should not happen): own budget
                    cliques[key] = [add(f"air:{ap.id}/{slot}", "airtime", bid, "both", 1.0)]
                    comp_of[key] = domain_base
                    domain_base += 1
                radio_of[key] = len(radios)
                radios.append(
                    RadioInfo(
                        index=len(radios),
                        ap=ap.id,
                        slot=slot,
                        building=bid,
                        config=radio_config(radio),
                        max_clients=int(radio.max_clients),
                        domain=comp_of[key],
                        airtime=tuple(sorted(cliques[key])),
                    )
                )
            for cov in ap.serves:
                for slot, radio in enumerate(ap.radios):
                    if radio.enabled:
                        zone_radios.setdefault((bid, cov.zone), []).append(
                            (radio_of[(ap.id, slot)], float(cov.snr))
                        )
    capacity = np.array([r.capacity for r in resources], dtype=np.float64)
    district = np.array([r.building is None for r in resources], dtype=bool)
    caches: dict[str, tuple[float, str]] = {}
    for c in survey.district.caches:
        caches[c.kind] = (float(c.hit_ratio), c.location)
    return NetworkModel(
        resources=resources,
        capacity=capacity,
        district=district,
        radios=radios,
        wired=wired,
        ap_building=ap_building,
        zone_radios=zone_radios,
        caches=caches,
        topology=topo,
        index=index,
    )
