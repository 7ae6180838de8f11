"""H3 helpers: home cells and cell polygons."""

from __future__ import annotations

from collections.abc import Sequence

import h3
import numpy as np
import numpy.typing as npt
import shapely
from h3.api import basic_int as h3_int

__all__ = ["cell_ints", "cell_polygons", "ints_to_text", "parent_ints", "text_to_ints"]


def cell_ints(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], res: int
) -> npt.NDArray[np.uint64]:
    """H3 cell (64-bit integer form) of each WGS84 point."""
    to_cell = h3_int.latlng_to_cell
    return np.fromiter(
        (to_cell(a, b, res) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)),
        dtype=np.uint64,
        count=len(lat),
    )


def parent_ints(cells: npt.NDArray[np.uint64], res: int) -> npt.NDArray[np.uint64]:
    """Parent at ``res`` of each cell (computed once per distinct cell)."""
    uniq, inv = np.unique(cells, return_inverse=True)
    up = np.fromiter(
        (h3_int.cell_to_parent(int(c), res) for c in uniq.tolist()),
        dtype=np.uint64,
        count=uniq.size,
    )
    return up[inv.reshape(-1)]


def ints_to_text(cells: npt.NDArray[np.uint64]) -> npt.NDArray[np.object_]:
    """Text ids (``89...fff``) of integer cells."""
    uniq, inv = np.unique(cells, return_inverse=True)
    text = np.array([h3.int_to_str(int(c)) for c in uniq.tolist()], dtype=object)
    return text[inv.reshape(-1)]


def text_to_ints(cells: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """Integer form of text cell ids."""
    arr = np.asarray(cells, dtype=object)
    uniq, inv = np.unique(arr.astype(str), return_inverse=True)
    ints = np.fromiter((h3.str_to_int(c) for c in uniq.tolist()), dtype=np.uint64, count=uniq.size)
    return ints[inv.reshape(-1)]


def cell_polygons(cells: Sequence[str]) -> npt.NDArray[np.object_]:
    """Shapely polygons (lon, lat) of H3 cells."""
    if len(cells) == 0:
        return np.empty(0, dtype=object)
    coords: list[tuple[float, float]] = []
    index: list[int] = []
    for i, c in enumerate(cells):
        boundary = h3.cell_to_boundary(c)
        coords.extend((lng, lat) for lat, lng in boundary)
        index.extend([i] * len(boundary))
    rings = shapely.linearrings(np.asarray(coords), indices=np.asarray(index))
    return shapely.polygons(rings)  # type: ignore[no-any-return]
