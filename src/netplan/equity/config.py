"""Settings of one equity run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from netplan.equity.constants import (
    DEFAULT_MIN_CELL,
    DEFAULT_PUBLIC_H3_RES,
    DEFAULT_RELIABLE_TECHNOLOGIES,
    SERVED_DOWN_MBPS,
    SERVED_UP_MBPS,
    UNDERSERVED_DOWN_MBPS,
    UNDERSERVED_UP_MBPS,
    WGS84,
)

__all__ = ["ROSTER_FIELDS", "EquityConfig", "RosterColumns"]

#: Roster fields netplan knows, with their default column names.
ROSTER_FIELDS = (
    "student_id",
    "school",
    "grade",
    "household_id",
    "address",
    "latitude",
    "longitude",
    "frl",
    "home_internet",
)


@dataclass(frozen=True)
class RosterColumns:
    """Column names of the student roster export.

    ``household_id`` and ``address`` are each optional, but at least one must be present;
    ``frl`` (free/reduced-lunch flag) and ``home_internet`` (survey answer) are optional.
    """

    student_id: str = "student_id"
    school: str = "school"
    grade: str = "grade"
    household_id: str = "household_id"
    address: str = "address"
    latitude: str = "latitude"
    longitude: str = "longitude"
    frl: str = "frl"
    home_internet: str = "home_internet"

    @classmethod
    def from_mapping(cls, mapping: dict[str, str]) -> RosterColumns:
        """Build from ``{field: column}`` overrides; unknown fields raise ``KeyError``."""
        unknown = sorted(set(mapping) - set(ROSTER_FIELDS))
        if unknown:
            raise KeyError(
                f"unknown roster field(s) {', '.join(unknown)}; known: {', '.join(ROSTER_FIELDS)}"
            )
        return cls(**mapping)


@dataclass(frozen=True)
class EquityConfig:
    """Inputs and settings of an equity run.

    Parameters
    ----------
    students
        Student roster CSV with geocoded homes.
    plans
        Hotspot plan catalogue (TOML).
    fixed
        BDC fixed availability CSVs (one per technology, as the FCC publishes them).
    blocks
        TIGER/Line 2020 blocks (shapefile, GeoPackage or GeoParquet); required when
        ``fixed_join="block"``.
    mobile
        BDC mobile H3 coverage layers (GeoPackage, shapefile or CSV/Parquet of h3_res9_id).
        A provider id may be given as ``(provider_id, path)``; else it is read from a
        ``provider_id`` column or the ``bdc_SS_PROVIDERID_...`` file name.
    ookla
        Optional Ookla open-data tiles (GeoParquet/Parquet with WKT ``tile``, or a layer).
    district
        Optional district boundary polygon layer; homes outside it are rejected.
    columns
        Roster column names.
    roster_crs
        CRS of the roster's latitude/longitude.
    fixed_join
        Join homes to BDC rows by 2020 census block (``"block"``) or H3 res-8 cell (``"h3"``).
    reliable_technologies
        BDC fixed technology codes that count as reliable.
    residential_only
        Ignore business-only (``B``) BDC rows.
    require_low_latency
        Only count BDC rows with ``low_latency`` = 1 (BEAD's 100 ms latency criterion; not in
        docs/references.md, so configurable).
    served, underserved
        (down, up) Mbps thresholds.
    public_level
        Aggregate public outputs to H3 cells (``"h3"``) or block groups (``"block_group"``).
    public_h3_res
        H3 resolution of the public layer.
    min_cell
        Suppress public counts below this.
    ookla_min_tests
        Tiles with fewer tests are not used to flag disagreement.
    sibling_distance_m
        Siblings whose geocodes differ by more are noted in the rejects file.
    """

    students: Path
    plans: Path
    fixed: tuple[Path, ...]
    blocks: Path | None = None
    mobile: tuple[str | Path | tuple[str, Path], ...] = ()
    ookla: Path | None = None
    district: Path | None = None
    columns: RosterColumns = field(default_factory=RosterColumns)
    roster_crs: str = WGS84
    fixed_join: Literal["block", "h3"] = "block"
    reliable_technologies: frozenset[int] = DEFAULT_RELIABLE_TECHNOLOGIES
    residential_only: bool = True
    require_low_latency: bool = True
    served: tuple[float, float] = (SERVED_DOWN_MBPS, SERVED_UP_MBPS)
    underserved: tuple[float, float] = (UNDERSERVED_DOWN_MBPS, UNDERSERVED_UP_MBPS)
    public_level: Literal["h3", "block_group"] = "h3"
    public_h3_res: int = DEFAULT_PUBLIC_H3_RES
    min_cell: int = DEFAULT_MIN_CELL
    ookla_min_tests: int = 3
    sibling_distance_m: float = 150.0
