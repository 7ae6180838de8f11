"""H3 helpers: home cells and cell polygons."""

from __future__ import annotations

from collections.abc import Sequence

import h3
import numpy as np
import numpy.typing as npt
import shapely

__all__ = ["cell_polygons", "cells_of_points", "parents"]


def cells_of_points(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], res: int
) -> npt.NDArray[np.object_]:
    """H3 cell id (text) of each WGS84 point."""
    to_cell = h3.latlng_to_cell
    return np.array(
        [to_cell(a, b, res) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)],
        dtype=object,
    )


def parents(cells: npt.NDArray[np.object_], res: int) -> npt.NDArray[np.object_]:
    """Parent cell at ``res`` of each cell (computed once per distinct cell)."""
    uniq, inv = np.unique(cells.astype(str), return_inverse=True)
    up = np.array([h3.cell_to_parent(c, res) for c in uniq.tolist()], dtype=object)
    return up[inv]


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
