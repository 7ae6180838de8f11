"""Wi-Fi radio model: channels, PHY rates, link adaptation, DCF contention and cell capacity.

Modules
-------
channels
    US channel tables (2.4/5/6 GHz), :func:`~netplan.radio.channels.channel_problem`.
params
    Timing parameters as data, with units and sources.
phy
    PHY rates and PPDU durations from the OFDM parameters.
link
    SNR -> highest sustainable MCS.
dcf
    Bianchi's DCF saturation throughput with A-MPDU aggregation.
cell
    Per-client effective rates and airtime sharing in one cell (what the simulator calls).
cochannel
    AP interference graph, contention domains, airtime shares among co-channel APs.
planner
    Channel planning by weighted graph colouring.
config
    The small records the model works on, and converters from survey models.

The names below are importable from ``netplan.radio`` directly; submodules load on first
use so that ``netplan wifi capacity`` does not pay for networkx and shapely.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netplan.radio.cell import cell_throughputs, effective_rates, link_for
    from netplan.radio.channels import channel_problem
    from netplan.radio.cochannel import (
        airtime_shares,
        building_graph,
        contention_domains,
        interference_graph,
    )
    from netplan.radio.config import ClientCapability, RadioConfig
    from netplan.radio.dcf import dcf_throughput
    from netplan.radio.phy import phy_rate_mbps
    from netplan.radio.planner import plan_channels

__all__ = [
    "ClientCapability",
    "RadioConfig",
    "airtime_shares",
    "building_graph",
    "cell_throughputs",
    "channel_problem",
    "contention_domains",
    "dcf_throughput",
    "effective_rates",
    "interference_graph",
    "link_for",
    "phy_rate_mbps",
    "plan_channels",
]

_WHERE = {
    "ClientCapability": "config",
    "RadioConfig": "config",
    "airtime_shares": "cochannel",
    "building_graph": "cochannel",
    "cell_throughputs": "cell",
    "channel_problem": "channels",
    "contention_domains": "cochannel",
    "dcf_throughput": "dcf",
    "effective_rates": "cell",
    "interference_graph": "cochannel",
    "link_for": "cell",
    "phy_rate_mbps": "phy",
    "plan_channels": "planner",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"netplan.radio.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'netplan.radio' has no attribute {name!r}")
