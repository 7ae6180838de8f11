"""Home-connectivity equity: student homes against public broadband coverage.

Entry points: :func:`run_equity` (returns :class:`EquityResult` with public and restricted
outputs kept apart), :func:`write_equity_outputs`, and :func:`run_demo_equity` for the
bundled synthetic district.
"""

from __future__ import annotations

from netplan.equity.config import EquityConfig, RosterColumns
from netplan.equity.demo import run_demo_equity, run_demo_equity_result
from netplan.equity.pipeline import (
    EquityResult,
    PublicOutputs,
    RestrictedOutputs,
    run_equity,
    write_equity_outputs,
)
from netplan.equity.plans import PlanCatalogue, load_plans

__all__ = [
    "EquityConfig",
    "EquityResult",
    "PlanCatalogue",
    "PublicOutputs",
    "RestrictedOutputs",
    "RosterColumns",
    "load_plans",
    "run_demo_equity",
    "run_demo_equity_result",
    "run_equity",
    "write_equity_outputs",
]
