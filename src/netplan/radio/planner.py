"""Channel planning by weighted graph colouring.

The conflict graph links every pair of same-band radios that would hear each other above
the CCA threshold whatever their channels (:func:`netplan.radio.cochannel.interference_graph`
with ``same_channel_only=False``). Each radio keeps its band and width; its colours are the
non-overlapping US channel blocks of that width (:mod:`netplan.radio.channels`), without DFS
blocks when DFS is not allowed. Radios are coloured in DSATUR order (most distinct
neighbour channels first, then strongest total coupling), each taking the block with the
least coupling to already-coloured neighbours it would overlap; then local sweeps move any
radio to a better block until none improves. The plan is also grown from the current
channels, and the better of the two is kept (ties: fewer changes), so a plan is never worse
than what is configured. A co-channel pair costs ``1 + (rssi - threshold) / 30 dB`` (1 for
pairs from neighbour lists): the number of co-channel pairs counts first, their strength
breaks ties. Whatever cannot be separated is reported as remaining co-channel neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from netplan.radio.channels import ChannelBlock, blocks, channel_problem, channels_overlap
from netplan.radio.cochannel import (
    DEFAULT_CCA_THRESHOLD_DBM,
    PathLossModel,
    RadioKey,
    interference_graph,
)

__all__ = [
    "ChannelPlan",
    "CoChannelPair",
    "cochannel_graph_for",
    "cochannel_pairs",
    "palette",
    "plan_channels",
]

Channel = tuple[int, int]  # (primary channel, width MHz)


@dataclass(frozen=True)
class CoChannelPair:
    """Two radios on overlapping channels that hear each other.

    Attributes
    ----------
    a, b
        The radios (``(ap_id, radio_index)``), ``a < b``.
    band
        Their band.
    channel_a, channel_b
        Their ``(primary channel, width)``.
    rssi_dbm
        Received power of the stronger direction; ``None`` for neighbour-list pairs.
    source
        ``"path-loss"`` or ``"neighbors"``.
    """

    a: RadioKey
    b: RadioKey
    band: str
    channel_a: Channel
    channel_b: Channel
    rssi_dbm: float | None
    source: str


@dataclass(frozen=True)
class ChannelPlan:
    """A channel assignment and its remaining co-channel neighbours.

    Attributes
    ----------
    current
        Each radio's configured ``(channel, width)`` (``None`` if invalid or missing).
    planned
        Each radio's planned ``(channel, width)``.
    before, after
        Co-channel pairs under the current and the planned channels.
    conflict_graph
        The conflict graph that was coloured.
    allow_dfs
        Whether DFS channels were used.
    """

    current: dict[RadioKey, Channel | None]
    planned: dict[RadioKey, Channel]
    before: tuple[CoChannelPair, ...]
    after: tuple[CoChannelPair, ...]
    conflict_graph: nx.Graph
    allow_dfs: bool

    def changes(self) -> dict[RadioKey, tuple[Channel | None, Channel]]:
        """Radios whose channel or width the plan changes."""
        return {
            k: (self.current.get(k), ch)
            for k, ch in self.planned.items()
            if self.current.get(k) != ch
        }


def palette(
    band: str, width_mhz: int, *, allow_dfs: bool = True, include_tdwr: bool = True
) -> list[ChannelBlock]:
    """Mutually non-overlapping channel blocks of a width to colour with.

    At 2.4 GHz 20 MHz this is channels 1, 6 and 11; at 6 GHz 320 MHz the 320-1 blocks.
    """
    chosen: list[ChannelBlock] = []
    for blk in blocks(band, width_mhz, include_dfs=allow_dfs, include_tdwr=include_tdwr):
        ch = _primary(blk)
        if all(
            not channels_overlap((band, ch, width_mhz), (band, _primary(c), width_mhz))
            for c in chosen
        ):
            chosen.append(blk)
    return chosen


def _primary(blk: ChannelBlock) -> int:
    # 6 GHz: prefer a preferred scanning channel (5, 21, 37, ...) as the primary.
    if blk.band == "6":
        for c in blk.channels:
            if c % 16 == 5:
                return c
    return blk.channels[0]


def _weight(data: dict[str, Any], threshold_dbm: float) -> float:
    rssi = data.get("rssi_dbm")
    if rssi is None:
        return 1.0
    return 1.0 + max(0.0, float(rssi) - threshold_dbm) / 30.0


def cochannel_pairs(
    conflicts: nx.Graph, channels: dict[RadioKey, Channel | None]
) -> tuple[CoChannelPair, ...]:
    """Pairs of the conflict graph whose channels overlap, strongest first."""
    out = []
    for u, v, data in conflicts.edges(data=True):
        a, b = (u, v) if u < v else (v, u)
        ca, cb = channels.get(a), channels.get(b)
        if ca is None or cb is None:
            continue
        band = conflicts.nodes[a]["band"]
        if channels_overlap((band, *ca), (band, *cb)):
            out.append(
                CoChannelPair(
                    a=a,
                    b=b,
                    band=band,
                    channel_a=ca,
                    channel_b=cb,
                    rssi_dbm=data.get("rssi_dbm"),
                    source=str(data.get("source", "")),
                )
            )
    inf = float("inf")
    return tuple(
        sorted(out, key=lambda p: (-(p.rssi_dbm if p.rssi_dbm is not None else inf), p.a, p.b))
    )


def cochannel_graph_for(conflicts: nx.Graph, channels: dict[RadioKey, Channel | None]) -> nx.Graph:
    """The co-channel graph a channel assignment would give (edges of ``conflicts`` whose
    channels overlap), e.g. to compute airtime shares after a plan."""
    g = nx.Graph()
    g.add_nodes_from(conflicts.nodes(data=True))
    for p in cochannel_pairs(conflicts, channels):
        g.add_edge(p.a, p.b, **conflicts.edges[p.a, p.b])
    return g


def plan_channels(
    aps: Iterable[Any],
    *,
    wall_segments: Sequence[Any] = (),
    floor_height_m: float = 4.0,
    threshold_dbm: float = DEFAULT_CCA_THRESHOLD_DBM,
    model: PathLossModel | None = None,
    allow_dfs: bool = True,
    include_tdwr: bool = True,
    max_sweeps: int = 20,
) -> ChannelPlan:
    """Assign channels to every enabled radio, keeping each radio's band and width.

    Parameters
    ----------
    aps
        Survey ``AccessPoint`` models or :class:`~netplan.radio.config.ApPlacement`.
    wall_segments, floor_height_m, threshold_dbm, model
        As in :func:`netplan.radio.cochannel.interference_graph`.
    allow_dfs
        Use 5 GHz DFS channels (U-NII-2A/2C).
    include_tdwr
        Use channels 120-128 (weather radar band).
    max_sweeps
        Local improvement sweeps after the greedy colouring.

    Returns
    -------
    ChannelPlan
        Deterministic: the same inputs give the same plan.
    """
    g = interference_graph(
        aps,
        wall_segments=wall_segments,
        floor_height_m=floor_height_m,
        threshold_dbm=threshold_dbm,
        model=model,
        same_channel_only=False,
    )
    current: dict[RadioKey, Channel | None] = {}
    for node, d in g.nodes(data=True):
        ch = d["channel"]
        ok = ch is not None and channel_problem(d["band"], ch, d["width_mhz"]) is None
        current[node] = (int(ch), int(d["width_mhz"])) if ok else None

    colours: dict[RadioKey, list[Channel]] = {}
    for node, d in g.nodes(data=True):
        width = int(d["width_mhz"])
        pal = palette(d["band"], width, allow_dfs=allow_dfs, include_tdwr=include_tdwr)
        if not pal:  # e.g. 160 MHz without DFS: fall back to the next narrower width
            w = width
            while not pal and w > 20:
                w //= 2
                pal = palette(d["band"], w, allow_dfs=allow_dfs, include_tdwr=include_tdwr)
            width = w
        colours[node] = [(_primary(b), width) for b in pal]

    weight = {(u, v): _weight(data, threshold_dbm) for u, v, data in g.edges(data=True)}
    weight.update({(v, u): w for (u, v), w in list(weight.items())})
    band_of = {n: d["band"] for n, d in g.nodes(data=True)}

    def cost(node: RadioKey, ch: Channel, assign: dict[RadioKey, Channel]) -> float:
        total = 0.0
        for nb in g.neighbors(node):
            other = assign.get(nb)
            if other is not None and channels_overlap((band_of[node], *ch), (band_of[nb], *other)):
                total += weight[(node, nb)]
        return total

    def total(assign: dict[RadioKey, Channel]) -> float:
        return 0.5 * sum(cost(n, assign[n], assign) for n in assign)

    def improve(assign: dict[RadioKey, Channel]) -> None:
        for _ in range(max_sweeps):
            improved = False
            for node in sorted(g.nodes):
                here = cost(node, assign[node], assign)
                if here == 0.0:
                    continue
                best = min(colours[node], key=lambda ch: cost(node, ch, assign))
                if cost(node, best, assign) < here - 1e-12:
                    assign[node] = best
                    improved = True
            if not improved:
                break

    # Candidate 1: DSATUR-ordered greedy colouring, keeping a radio's current channel
    # when it is as good as any other.
    greedy: dict[RadioKey, Channel] = {}
    usage: dict[tuple[str, Channel], int] = {}
    order_key = {n: i for i, n in enumerate(sorted(g.nodes))}
    strength = {n: sum(weight[(n, nb)] for nb in g.neighbors(n)) for n in g.nodes}
    remaining = set(g.nodes)
    while remaining:
        node = max(
            remaining,
            key=lambda n: (
                len({greedy[nb] for nb in g.neighbors(n) if nb in greedy}),
                strength[n],
                -order_key[n],
            ),
        )
        best = min(
            colours[node],
            key=lambda ch: (
                cost(node, ch, greedy),
                ch != current[node],
                usage.get((band_of[node], ch), 0),
            ),
        )
        greedy[node] = best
        usage[(band_of[node], best)] = usage.get((band_of[node], best), 0) + 1
        remaining.discard(node)
    improve(greedy)
    # Candidate 2: the current channels (where valid and in the palette), improved locally.
    local = {n: ch if (ch := current[n]) in colours[n] else greedy[n] for n in g.nodes}
    improve(local)

    def changes(assign: dict[RadioKey, Channel]) -> int:
        return sum(1 for n, ch in assign.items() if ch != current[n])

    assign = min((greedy, local), key=lambda a: (round(total(a), 9), changes(a)))

    return ChannelPlan(
        current=current,
        planned=dict(sorted(assign.items())),
        before=cochannel_pairs(g, current),
        after=cochannel_pairs(g, dict(assign)),
        conflict_graph=g,
        allow_dfs=allow_dfs,
    )
