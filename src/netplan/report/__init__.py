"""Self-contained HTML reports with inline plots, and the offline check they pass.

* :func:`write_simulation_report`: ``report.html`` of a ``netplan simulate`` run.
* :func:`write_comparison_report`: baseline vs proposed for ``netplan compare``.
* :mod:`netplan.report.offline`: static check that a page loads nothing from outside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netplan.report.comparison import write_comparison_report
    from netplan.report.simulation import write_simulation_report

__all__ = ["write_comparison_report", "write_simulation_report"]


def __getattr__(name: str) -> Any:
    # Lazy: matplotlib is only imported when a report is written.
    if name == "write_simulation_report":
        from netplan.report.simulation import write_simulation_report

        return write_simulation_report
    if name == "write_comparison_report":
        from netplan.report.comparison import write_comparison_report

        return write_comparison_report
    raise AttributeError(f"module 'netplan.report' has no attribute {name!r}")
