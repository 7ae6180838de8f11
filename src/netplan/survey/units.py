"""Units in survey files.

Rates are stored in Mbps. A rate field (its name ends in ``_mbps``) takes either a number,
read as Mbps, or a string with a unit such as ``"10 Gbps"`` or ``"500 Mbps"``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

__all__ = ["RATE_UNITS", "Mbps", "PositiveMbps", "parse_rate_mbps"]

#: Multipliers from a unit to Mbps. Decimal prefixes, as network rates are quoted.
RATE_UNITS: dict[str, float] = {
    "bps": 1e-6,
    "kbps": 1e-3,
    "mbps": 1.0,
    "gbps": 1e3,
    "tbps": 1e6,
}

_RATE_RE = re.compile(r"^\s*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*([A-Za-z/]+)\s*$")


def parse_rate_mbps(value: Any) -> Any:
    """Turn ``"2.5 Gbps"`` into ``2500.0``; leave numbers alone (they are Mbps).

    Parameters
    ----------
    value
        A number (Mbps) or a string ``"<number> <unit>"`` with unit bps, kbps, Mbps, Gbps or
        Tbps (case-insensitive).

    Returns
    -------
    Any
        The rate in Mbps, or ``value`` unchanged when it is neither a number nor a string, so
        that pydantic reports the type error.

    Raises
    ------
    ValueError
        For a string whose unit is unknown or that has no number.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        m = _RATE_RE.match(value)
        if not m:
            raise ValueError(
                f"cannot read rate {value!r}; write a number of Mbps or a string like '10 Gbps'"
            )
        unit = m.group(2).lower().replace("/s", "ps").replace("bit", "b")
        if unit not in RATE_UNITS:
            raise ValueError(
                f"unknown unit {m.group(2)!r} in {value!r}; use bps, kbps, Mbps, Gbps or Tbps"
            )
        return float(m.group(1)) * RATE_UNITS[unit]
    return value


#: A rate in Mbps (zero allowed).
Mbps = Annotated[float, BeforeValidator(parse_rate_mbps), Field(ge=0)]
#: A rate in Mbps that must be above zero (capacities).
PositiveMbps = Annotated[float, BeforeValidator(parse_rate_mbps), Field(gt=0)]
