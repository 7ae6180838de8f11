"""School-day simulation: devices, associations, flows and fair sharing from AP to ISP.

Public entry points: :func:`run_simulation`, :func:`run_replications`,
:func:`write_results` and :class:`SimConfig`.
"""

from __future__ import annotations

from netplan.sim.config import SimConfig
from netplan.sim.results import (
    ReplicatedResult,
    SimResult,
    report_hooks,
    run_replications,
    run_simulation,
    write_results,
)

__all__ = [
    "ReplicatedResult",
    "SimConfig",
    "SimResult",
    "report_hooks",
    "run_replications",
    "run_simulation",
    "write_results",
]
