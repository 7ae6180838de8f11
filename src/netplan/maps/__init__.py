"""Maps people can read: offline interactive HTML, printable PNG and GeoPackage.

* :mod:`netplan.maps.layers`: :class:`MapLayer` (a public GeoDataFrame with title, style,
  tooltip and legend) and geometry preparation for the web.
* :mod:`netplan.maps.style`: colouring by one colour, category or value class.
* :mod:`netplan.maps.leaflet`: one-file Leaflet pages that load nothing from the network.
* :mod:`netplan.maps.printable`: matplotlib PNGs for a board slide or a letter page.
* :mod:`netplan.maps.gpkg`: every public layer in one GeoPackage.
* :mod:`netplan.maps.equity`: the equity analysis' public layers as maps
  (:func:`write_equity_maps`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netplan.maps.equity import write_equity_maps

__all__ = ["write_equity_maps"]


def __getattr__(name: str) -> Any:
    # Imported lazily: matplotlib and geopandas are slow to import and the command line
    # should not pay for them unless a map is drawn.
    if name == "write_equity_maps":
        from netplan.maps.equity import write_equity_maps

        return write_equity_maps
    raise AttributeError(f"module 'netplan.maps' has no attribute {name!r}")
