"""Predicted AP coverage of zones: which APs serve a zone, with what signal and share.

Clients are spread evenly over each zone (a grid of sample points inside its polygon) and
each point associates with the AP whose signal there is strongest, as design tools do for
capacity areas. For every (AP, zone) pair where the AP is the best server somewhere, the
result holds the share of the zone's points it serves and the median received power over
them. Received power is ``EIRP - PL``, with ``PL`` the radio model's indoor path loss
(:class:`netplan.radio.cochannel.PathLossModel`: log-distance plus the loss of every wall
the straight line crosses) over the 3-D distance from the antenna height to a client
height of :data:`CLIENT_HEIGHT_M`. Only APs on the zone's floor are considered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from netplan.radio.cochannel import PathLossModel

__all__ = [
    "CLIENT_HEIGHT_M",
    "MAX_POINTS_PER_ZONE",
    "CoverageResult",
    "Transmitter",
    "WallLine",
    "ZoneShape",
    "predict_coverage",
    "received_power_dbm",
    "sample_points",
]

#: Height of a client device above the floor (a laptop on a desk), metres.
CLIENT_HEIGHT_M = 1.0
#: Grid points per zone at most (the grid spacing grows with the zone's area).
MAX_POINTS_PER_ZONE = 400
#: Smallest grid spacing, metres.
MIN_SPACING_M = 0.25


@dataclass(frozen=True)
class Transmitter:
    """An AP as the coverage prediction sees it: one radio's EIRP at a point.

    Attributes
    ----------
    key
        AP id.
    x_m, y_m
        Position on the floor, metres.
    height_m
        Antenna height above the floor, metres.
    eirp_dbm
        Transmit power plus antenna gain, dBm.
    frequency_mhz
        Channel centre frequency.
    band
        ``"2.4"``, ``"5"`` or ``"6"`` (selects the wall losses).
    competes
        False for APs whose radios are all disabled: they serve no point, but still get a
        predicted signal in the zones of their floor.
    """

    key: str
    x_m: float
    y_m: float
    height_m: float
    eirp_dbm: float
    frequency_mhz: float
    band: str
    competes: bool = True


@dataclass(frozen=True)
class WallLine:
    """A wall segment on the floor, metres, with its loss per band (dB)."""

    x1_m: float
    y1_m: float
    x2_m: float
    y2_m: float
    attenuation_db: dict[str, float]

    def loss_db(self, band: str) -> float:
        """Loss at ``band``; 0 if the wall type gives none for it."""
        return float(self.attenuation_db.get(band, 0.0))


@dataclass(frozen=True)
class ZoneShape:
    """A zone's outline on the floor, metres (a polygon or multipolygon)."""

    key: str
    polygon: BaseGeometry


@dataclass(frozen=True)
class CoverageResult:
    """Predicted coverage of one zone by one AP.

    Attributes
    ----------
    rssi_dbm
        Median received power over the points the AP serves (over the whole zone if it
        serves none).
    share
        Share of the zone's points for which the AP is the strongest.
    """

    rssi_dbm: float
    share: float


def sample_points(
    polygon: BaseGeometry,
    *,
    max_points: int = MAX_POINTS_PER_ZONE,
    min_spacing_m: float = MIN_SPACING_M,
) -> NDArray[np.float64]:
    """Points of a square grid inside a polygon (cell centres), at most about ``max_points``.

    A polygon too small or thin to hold a grid point gets its representative point.

    Returns
    -------
    numpy.ndarray
        Shape ``(k, 2)``, k >= 1.
    """
    area = float(polygon.area)
    spacing = max(min_spacing_m, math.sqrt(area / max_points)) if area > 0 else min_spacing_m
    minx, miny, maxx, maxy = polygon.bounds
    xs = np.arange(minx + spacing / 2, maxx, spacing)
    ys = np.arange(miny + spacing / 2, maxy, spacing)
    if xs.size and ys.size:
        gx, gy = np.meshgrid(xs, ys)
        px, py = gx.ravel(), gy.ravel()
        inside = shapely.contains_xy(polygon, px, py)
        if inside.any():
            return np.column_stack([px[inside], py[inside]])
    rp = polygon.representative_point()
    return np.array([[rp.x, rp.y]], dtype=np.float64)


def _wall_loss_matrix(
    txs: Sequence[Transmitter], points: NDArray[np.float64], walls: Sequence[WallLine]
) -> NDArray[np.float64]:
    """Loss (dB) of the walls each AP -> point line crosses, shape ``(len(txs), len(points))``."""
    n_tx, n_pt = len(txs), len(points)
    out = np.zeros((n_tx, n_pt))
    if not walls or n_tx == 0 or n_pt == 0:
        return out
    wall_geoms = shapely.linestrings([[(w.x1_m, w.y1_m), (w.x2_m, w.y2_m)] for w in walls])
    tree = shapely.STRtree(wall_geoms)
    starts = np.repeat(np.array([[t.x_m, t.y_m] for t in txs]), n_pt, axis=0)
    ends = np.tile(points, (n_tx, 1))
    coords = np.stack([starts, ends], axis=1)  # (n_tx * n_pt, 2, 2)
    lines = shapely.linestrings(coords)
    line_idx, wall_idx = tree.query(lines, predicate="intersects")
    bands = sorted({t.band for t in txs})
    table = np.array([[w.loss_db(b) for w in walls] for b in bands])  # (bands, walls)
    band_of_tx = np.array([bands.index(t.band) for t in txs])
    flat = out.ravel()
    np.add.at(flat, line_idx, table[band_of_tx[line_idx // n_pt], wall_idx])
    return flat.reshape(n_tx, n_pt)


def received_power_dbm(
    txs: Sequence[Transmitter],
    points: NDArray[np.float64],
    walls: Sequence[WallLine],
    *,
    model: PathLossModel | None = None,
    client_height_m: float = CLIENT_HEIGHT_M,
) -> NDArray[np.float64]:
    """Predicted received power of each transmitter at each point, dBm.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(txs), len(points))``.
    """
    m = model or PathLossModel()
    walls_db = _wall_loss_matrix(txs, points, walls)
    out = np.empty((len(txs), len(points)))
    for i, t in enumerate(txs):
        dh = np.hypot(points[:, 0] - t.x_m, points[:, 1] - t.y_m)
        d = np.sqrt(dh**2 + (t.height_m - client_height_m) ** 2)
        loss = np.array([m.loss_db(t.frequency_mhz, float(x)) for x in d])
        out[i] = t.eirp_dbm - loss - walls_db[i]
    return out


def predict_coverage(
    txs: Sequence[Transmitter],
    zones: Sequence[ZoneShape],
    walls: Sequence[WallLine],
    *,
    model: PathLossModel | None = None,
    client_height_m: float = CLIENT_HEIGHT_M,
    max_points: int = MAX_POINTS_PER_ZONE,
) -> dict[tuple[str, str], CoverageResult]:
    """Best-server coverage of the zones of one floor by the APs on it.

    Parameters
    ----------
    txs
        The APs on the floor.
    zones
        The zones on the floor.
    walls
        The walls on the floor.
    model
        Path loss model (default: the radio model's default).
    client_height_m
        Client height above the floor.
    max_points
        Grid points per zone at most.

    Returns
    -------
    dict
        ``(ap key, zone key) -> CoverageResult`` for every pair where the AP is the best
        server at one point or more. An AP that is best nowhere gets one entry, for the zone
        where its median signal is strongest, with ``share`` 0.
    """
    out: dict[tuple[str, str], CoverageResult] = {}
    if not txs or not zones:
        return out
    pts = [sample_points(z.polygon, max_points=max_points) for z in zones]
    bounds = np.cumsum([0] + [len(p) for p in pts])
    rssi = received_power_dbm(
        txs, np.vstack(pts), walls, model=model, client_height_m=client_height_m
    )
    competing = np.array([t.competes for t in txs], dtype=bool)
    masked = np.where(competing[:, None], rssi, -np.inf)
    best = np.argmax(masked, axis=0) if competing.any() else None
    for zi, z in enumerate(zones):
        lo, hi = int(bounds[zi]), int(bounds[zi + 1])
        n = hi - lo
        if best is None:
            continue
        zone_best = best[lo:hi]
        for ti in np.unique(zone_best).tolist():
            sel = zone_best == ti
            out[(txs[ti].key, z.key)] = CoverageResult(
                rssi_dbm=float(np.median(rssi[ti, lo:hi][sel])),
                share=float(sel.sum()) / n,
            )
    served = {k for k, _ in out}
    for ti, t in enumerate(txs):
        if t.key in served:
            continue
        medians = [
            float(np.median(rssi[ti, int(bounds[zi]) : int(bounds[zi + 1])]))
            for zi in range(len(zones))
        ]
        zi = int(np.argmax(medians))
        out[(t.key, zones[zi].key)] = CoverageResult(rssi_dbm=medians[zi], share=0.0)
    return out
