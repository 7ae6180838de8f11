"""netplan: network and home-connectivity planning for 1:1 school device programmes."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
