"""Co-channel contention: which AP radios hear each other, and how they share airtime.

Path loss between two APs is a log-distance model with explicit wall and floor losses::

    PL(d) = 20 log10(f_MHz) - 28 + 10 n log10(d / 1 m) + sum(walls) + L_floor(k)

(the ITU-R P.1238 indoor form). ``d`` is the 3-D distance (floor height from the
survey), the exponent ``n`` defaults to 3.0 (P.1238 gives a distance power loss coefficient
N = 10 n of about 28-31 for offices at 2-5 GHz), walls crossed on the same floor add their
survey attenuation, and ``k`` floors add ``L_floor = 15/16/16 dB`` for the first floor
(2.4/5/6 GHz; P.1238 office values for ~2 GHz and 5.2 GHz, 6 GHz assumed equal to 5 GHz) plus
4 dB per further floor. The P.1238 figures are as recalled and not checked against the
current edition.

Two radios contend when they are in the same band, their channels overlap and the
stronger direction of ``EIRP - PL`` reaches the CCA threshold (default -82 dBm, the
preamble-detect level; docs/references.md gives -82 to -85 dBm as the design range). An AP's
explicit ``neighbors`` list replaces path loss for that AP.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import networkx as nx
import numpy as np
import shapely

from netplan.radio.channels import center_frequency_mhz, channel_problem, channels_overlap
from netplan.radio.config import ApPlacement, RadioConfig, WallSegment, placements, walls

__all__ = [
    "DEFAULT_CCA_THRESHOLD_DBM",
    "PathLossModel",
    "RadioKey",
    "airtime_shares",
    "building_graph",
    "contention_domains",
    "interference_graph",
]

#: A radio is named by its AP id and its index in the AP's radio list.
RadioKey = tuple[str, int]

#: Co-channel (CCA preamble-detect) threshold, dBm (docs/references.md: -82 to -85 dBm).
DEFAULT_CCA_THRESHOLD_DBM: Final[float] = -82.0

#: Band centre used for the frequency term when a radio has no channel (MHz).
_BAND_CENTER_MHZ: Final[dict[str, float]] = {"2.4": 2437.0, "5": 5500.0, "6": 6475.0}


def _default_floor_loss() -> dict[str, float]:
    return {"2.4": 15.0, "5": 16.0, "6": 16.0}


def _default_tx_power() -> dict[str, float]:
    # Typical enterprise EIRP per band (not confirmed; used only when a radio has none).
    return {"2.4": 17.0, "5": 20.0, "6": 18.0}


@dataclass(frozen=True)
class PathLossModel:
    """Indoor path loss parameters.

    Attributes
    ----------
    exponent
        Distance exponent ``n`` (10 n dB per decade of distance).
    floor_loss_db
        Loss through the first floor, per band.
    extra_floor_loss_db
        Loss added for each further floor.
    default_tx_power_dbm
        EIRP per band for radios that give none.
    min_distance_m
        Distances are clamped to at least this.
    """

    exponent: float = 3.0
    floor_loss_db: Mapping[str, float] = field(default_factory=_default_floor_loss)
    extra_floor_loss_db: float = 4.0
    default_tx_power_dbm: Mapping[str, float] = field(default_factory=_default_tx_power)
    min_distance_m: float = 1.0

    def loss_db(
        self, frequency_mhz: float, distance_m: float, floors: int = 0, walls_db: float = 0.0
    ) -> float:
        """Path loss (dB) over a distance, through ``floors`` floors and walls."""
        d = max(distance_m, self.min_distance_m)
        loss = 20.0 * math.log10(frequency_mhz) - 28.0 + 10.0 * self.exponent * math.log10(d)
        return loss + self.floors_db(frequency_mhz, floors) + walls_db

    def floors_db(self, frequency_mhz: float, floors: int) -> float:
        """Loss through ``floors`` floors at a frequency."""
        if floors <= 0:
            return 0.0
        band = "2.4" if frequency_mhz < 3000 else ("5" if frequency_mhz < 5925 else "6")
        return self.floor_loss_db[band] + self.extra_floor_loss_db * (floors - 1)

    def tx_power(self, radio: RadioConfig) -> float:
        """The radio's EIRP, or the band default."""
        if radio.tx_power_dbm is not None:
            return radio.tx_power_dbm
        return self.default_tx_power_dbm[radio.band]


def _frequency(radio: RadioConfig) -> float:
    if radio.channel is not None and channel_problem(radio.band, radio.channel, 20) is None:
        return center_frequency_mhz(radio.band, radio.channel)
    return _BAND_CENTER_MHZ[radio.band]


def _wall_losses(
    aps: Sequence[ApPlacement], wall_list: Sequence[WallSegment]
) -> dict[tuple[int, int], list[int]]:
    """Walls crossed by the straight line between each same-floor pair of located APs."""
    out: dict[tuple[int, int], list[int]] = {}
    if not wall_list:
        return out
    lines = shapely.linestrings([[(w.x1_m, w.y1_m), (w.x2_m, w.y2_m)] for w in wall_list])
    tree = shapely.STRtree(lines)
    pairs = [
        (i, j)
        for i, j in itertools.combinations(range(len(aps)), 2)
        if aps[i].located and aps[j].located and aps[i].floor == aps[j].floor
    ]
    if not pairs:
        return out
    segs = shapely.linestrings(
        [[(aps[i].x_m, aps[i].y_m), (aps[j].x_m, aps[j].y_m)] for i, j in pairs]
    )
    seg_idx, wall_idx = tree.query(segs, predicate="intersects")
    for s, w in zip(seg_idx.tolist(), wall_idx.tolist(), strict=True):
        i, j = pairs[s]
        if wall_list[w].floor == aps[i].floor:
            out.setdefault((i, j), []).append(w)
    return out


def interference_graph(
    aps: Iterable[Any],
    *,
    wall_segments: Sequence[Any] = (),
    floor_height_m: float = 4.0,
    threshold_dbm: float = DEFAULT_CCA_THRESHOLD_DBM,
    model: PathLossModel | None = None,
    same_channel_only: bool = True,
) -> nx.Graph:
    """Graph of AP radios that would defer to each other.

    Parameters
    ----------
    aps
        :class:`~netplan.radio.config.ApPlacement` objects or survey ``AccessPoint``
        models.
    wall_segments
        :class:`~netplan.radio.config.WallSegment` objects or survey ``Wall`` models.
    floor_height_m
        Floor-to-floor height for 3-D distances.
    threshold_dbm
        Received power at or above which two radios contend.
    model
        Path loss parameters.
    same_channel_only
        True: link only radios whose channels overlap (the co-channel graph). False: link
        every pair of same-band radios above the threshold whatever their channels (the
        conflict graph a channel planner colours).

    Returns
    -------
    networkx.Graph
        Nodes are :data:`RadioKey` ``(ap_id, radio_index)`` for every enabled radio, with
        attributes ``ap``, ``band``, ``channel``, ``width_mhz``, ``floor``, ``x_m``,
        ``y_m``. Edges carry ``rssi_dbm`` (the stronger direction; ``None`` for edges from
        neighbour lists) and ``source`` (``"path-loss"`` or ``"neighbors"``).
    """
    m = model or PathLossModel()
    ap_list = list(placements(aps))
    wall_list = list(walls(wall_segments))
    crossed = _wall_losses(ap_list, wall_list)
    g = nx.Graph()
    for a in ap_list:
        for k, r in enumerate(a.radios):
            if r.enabled:
                g.add_node(
                    (a.id, k),
                    ap=a.id,
                    band=r.band,
                    channel=r.channel,
                    width_mhz=r.width_mhz,
                    floor=a.floor,
                    x_m=a.x_m,
                    y_m=a.y_m,
                )
    for i, j in itertools.combinations(range(len(ap_list)), 2):
        a, b = ap_list[i], ap_list[j]
        listed = b.id in a.neighbors or a.id in b.neighbors
        explicit = bool(a.neighbors) or bool(b.neighbors)
        use_path_loss = not explicit and a.located and b.located
        if not listed and not use_path_loss:
            continue
        if use_path_loss:
            assert a.x_m is not None and a.y_m is not None
            assert b.x_m is not None and b.y_m is not None
            floors = abs(a.floor - b.floor)
            dist = math.sqrt(
                (a.x_m - b.x_m) ** 2 + (a.y_m - b.y_m) ** 2 + (floors * floor_height_m) ** 2
            )
            wall_idx = crossed.get((i, j), [])
        for ka, ra in enumerate(a.radios):
            for kb, rb in enumerate(b.radios):
                if not (ra.enabled and rb.enabled) or ra.band != rb.band:
                    continue
                if same_channel_only and not _overlap(ra, rb):
                    continue
                if listed:
                    g.add_edge((a.id, ka), (b.id, kb), rssi_dbm=None, source="neighbors")
                    continue
                walls_db = sum(wall_list[w].loss_db(ra.band) for w in wall_idx)
                loss = m.loss_db(_frequency(ra), dist, floors, walls_db)
                rssi = max(m.tx_power(ra), m.tx_power(rb)) - loss
                if rssi >= threshold_dbm:
                    g.add_edge((a.id, ka), (b.id, kb), rssi_dbm=round(rssi, 2), source="path-loss")
    return g


def _overlap(a: RadioConfig, b: RadioConfig) -> bool:
    return _channels_meet((a.band, a.channel, a.width_mhz), (b.band, b.channel, b.width_mhz))


@functools.lru_cache(maxsize=4096)
def _channels_meet(a: tuple[str, int | None, int], b: tuple[str, int | None, int]) -> bool:
    """Whether two valid (band, channel, width) settings overlap (cached: a district has
    few distinct settings but many radio pairs)."""
    if a[1] is None or b[1] is None:
        return False
    if channel_problem(a[0], a[1], a[2]) or channel_problem(b[0], b[1], b[2]):
        return False
    return channels_overlap((a[0], a[1], a[2]), (b[0], b[1], b[2]))


def building_graph(
    building: Any,
    *,
    threshold_dbm: float = DEFAULT_CCA_THRESHOLD_DBM,
    model: PathLossModel | None = None,
    same_channel_only: bool = True,
) -> nx.Graph:
    """Co-channel graph of one survey building (a ``BuildingFile``).

    Uses the building's access points, walls and floor height; see
    :func:`interference_graph`.
    """
    info = getattr(building, "building", None)
    height = float(getattr(info, "floor_height_m", 4.0)) if info is not None else 4.0
    return interference_graph(
        building.access_points,
        wall_segments=list(getattr(building, "walls", [])),
        floor_height_m=height,
        threshold_dbm=threshold_dbm,
        model=model,
        same_channel_only=same_channel_only,
    )


def contention_domains(graph: nx.Graph) -> list[frozenset[RadioKey]]:
    """Connected groups of co-channel radios, largest first (ties by first key).

    Radios in one domain share the channel's airtime; use :func:`airtime_shares` for
    each radio's share.
    """
    comps = [frozenset(c) for c in nx.connected_components(graph)]
    return sorted(comps, key=lambda c: (-len(c), min(c)))


def airtime_shares(graph: nx.Graph, active: Iterable[Any] | None = None) -> dict[Any, float]:
    """Max-min fair share of channel time for each radio of a co-channel graph.

    Radios that all hear one another (a clique) cannot transmit at once, so within every
    maximal clique the shares sum to at most 1. Shares are raised together (progressive
    filling) and each radio stops rising when a clique it belongs to is full: a radio with
    no active neighbour gets 1, three mutual neighbours get 1/3 each, and the middle of a
    chain A-B-C gets 1/2 while A and C each get 1/2.

    Parameters
    ----------
    graph
        A co-channel graph from :func:`interference_graph`.
    active
        Radios with traffic; others neither use nor receive airtime (share 0). Default:
        every node.

    Returns
    -------
    dict
        Share in [0, 1] per node of the graph.
    """
    nodes = set(graph.nodes) if active is None else set(active) & set(graph.nodes)
    shares: dict[Any, float] = {n: 0.0 for n in graph.nodes}
    if not nodes:
        return shares
    sub = graph.subgraph(nodes)
    cliques = [frozenset(c) for c in nx.find_cliques(sub)]
    frozen: dict[Any, float] = {}
    level = 0.0
    while len(frozen) < len(nodes):
        best = math.inf
        for c in cliques:
            free = [v for v in c if v not in frozen]
            if not free:
                continue
            used = sum(frozen[v] for v in c if v in frozen)
            best = min(best, (1.0 - used) / len(free))
        level = best
        newly: set[Any] = set()
        for c in cliques:
            free = [v for v in c if v not in frozen]
            if not free:
                continue
            used = sum(frozen[v] for v in c if v in frozen)
            if (1.0 - used) / len(free) <= level + 1e-12:
                newly.update(free)
        for v in newly:
            frozen[v] = level
    for v, s in frozen.items():
        shares[v] = float(np.clip(s, 0.0, 1.0))
    return shares
