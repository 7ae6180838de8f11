"""Typed models of a scenario file.

A scenario file (TOML) names a base survey and any number of scenarios, each a set of
overrides applied to that survey before it is simulated::

    survey = "."                 # survey directory, relative to this file
    baseline = "today"           # what the other scenarios are compared with
    replications = 5             # seeds 1..5 shared by every scenario (common random numbers)

    [thresholds]                 # optional; these are the defaults
    airtime = 0.70
    link_p95 = 0.80
    video_degraded = 0.01
    dhcp_failures = 0

    [scenarios.today]
    description = "Today's bell schedules"

    [scenarios.merged-lunch]
    schedule = "hs-merged-lunch"
    buildings = ["chs"]

Every model rejects unknown keys, like the survey models, so a misspelt override is an
error rather than a silently ignored setting.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from netplan.goals import DEMAND_GROWTH_PER_YEAR
from netplan.survey.models import Cache, Id, Standard
from netplan.survey.schedule_models import Clock, clock_s
from netplan.survey.units import PositiveMbps

__all__ = [
    "ApUpgrade",
    "ExtraAps",
    "IspChange",
    "Scenario",
    "ScenarioFile",
    "Thresholds",
    "Window",
]

Percent = Annotated[float, Field(ge=-100.0, le=1000.0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Window(_Model):
    """Part of the day to simulate (default: the whole schedule)."""

    start: Clock = Field(description="Start, HH:MM local time.")
    end: Clock = Field(description="End, HH:MM local time.")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if clock_s(self.end) <= clock_s(self.start):
            raise ValueError(f"end {self.end} is not after start {self.start}")
        return self

    @property
    def seconds(self) -> tuple[float, float]:
        """Start and end in seconds after midnight."""
        return clock_s(self.start), clock_s(self.end)


class Thresholds(_Model):
    """Limits a scenario is flagged for crossing.

    Defaults: airtime above 70 % (Ekahau's design guideline for data networks), a link's
    95th-percentile utilization above 80 %, video degraded in more than 1 % of its seconds,
    and any DHCP request refused because a scope ran out of addresses.
    """

    airtime: float = Field(
        default=0.70,
        gt=0.0,
        le=1.0,
        description="Busiest 5-minute mean airtime utilization of an AP radio (0-1).",
    )
    link_p95: float = Field(
        default=0.80,
        gt=0.0,
        le=1.0,
        description="95th percentile of minute utilization of a wired link (0-1).",
    )
    video_degraded: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="Share of video-seconds in a building below the stream's rate (0-1).",
    )
    dhcp_failures: float = Field(
        default=0.0,
        ge=0.0,
        description="DHCP requests refused for lack of addresses, per scope and day.",
    )


class ApUpgrade(_Model):
    """Replace the radios of some access points by newer ones (e.g. Wi-Fi 5 -> Wi-Fi 6).

    The AP keeps its place, cabling, channels and coverage; its radios get the new
    standard (and, if given, spatial streams, channel width and port speed).
    """

    buildings: list[Id] = Field(default=[], description="Buildings; empty means all.")
    zones: list[Id] = Field(
        default=[], description="Only APs serving one of these zones; empty means all."
    )
    aps: list[Id] = Field(default=[], description="Only these APs; empty means all.")
    only_standard: Standard | None = Field(
        default=None,
        description="Only radios of this standard (e.g. 'ac' to upgrade just the Wi-Fi 5 APs).",
    )
    standard: Standard = Field(default="ax", description="New radio standard.")
    spatial_streams: int | None = Field(default=None, ge=1, le=16)
    width_mhz: Literal[20, 40, 80, 160, 320] | None = Field(
        default=None, description="New 5/6 GHz channel width (2.4 GHz radios keep theirs)."
    )
    uplink_mbps: PositiveMbps | None = Field(default=None, description="New AP port speed.")
    model: str | None = Field(default=None, description="New AP model name, for reports.")


class ExtraAps(_Model):
    """Add access points in a named zone (a copy of the AP that serves it best)."""

    zone: Id = Field(description="The zone to add APs in.")
    count: int = Field(default=1, ge=1, le=64)
    standard: Standard | None = Field(
        default=None, description="Radio standard of the new APs (default: the template's)."
    )


class IspChange(_Model):
    """New committed rates of an ISP circuit (a new id adds a circuit)."""

    down_mbps: PositiveMbps
    up_mbps: PositiveMbps
    provider: str = ""


class Scenario(_Model):
    """One scenario: overrides applied to the base survey, and how to simulate it."""

    description: str = ""
    extends: Id | None = Field(
        default=None,
        description="Another scenario of the file whose overrides this one starts from.",
    )
    # -------- what is simulated
    schedule: str | None = Field(
        default=None,
        description="Bell schedule name (survey schedules/); default: each building's own.",
    )
    day: str | None = Field(
        default=None,
        description="Day type of the activity plan, e.g. 'regular', 'testing'; default: the "
        "file's day.",
    )
    buildings: list[Id] | None = Field(
        default=None, description="Simulate only these buildings (default: all)."
    )
    window: Window | None = Field(
        default=None, description="Part of the day to simulate (default: the file's)."
    )
    start_offset_min: dict[Id, Annotated[float, Field(ge=-180.0, le=180.0)]] = Field(
        default={},
        description="Staggered starts: minutes added to every bell of a building's schedule "
        "(the one it follows in this scenario), by building id.",
    )
    # -------- people and demand
    enrollment_growth_pct: Percent | dict[Id, Percent] = Field(
        default=0.0,
        description="Enrollment change in percent, for every building or per building id.",
    )
    demand_growth_pct_per_year: Percent | None = Field(
        default=None,
        description="Yearly growth of every application's demand, percent (default for the "
        f"capacity runway: {DEMAND_GROWTH_PER_YEAR * 100:g} %, EducationSuperHighway's lower "
        "end).",
    )
    years_ahead: int = Field(default=0, ge=0, le=30, description="Years of demand growth to apply.")
    demand_scale: float = Field(
        default=1.0, gt=0.0, le=1000.0, description="Extra multiplier on every arrival rate."
    )
    app_scale: dict[str, Annotated[float, Field(ge=0.0, le=1000.0)]] = Field(
        default={},
        description="Multiplier on the sessions of single applications, e.g. "
        "{ video-720p = 2.0 } for a video-heavy day.",
    )
    # -------- network changes
    ap_upgrades: list[ApUpgrade] = []
    extra_aps: list[ExtraAps] = []
    wan: dict[Id, PositiveMbps] = Field(default={}, description="New WAN link rates by link id.")
    uplinks: dict[Id, PositiveMbps] = Field(
        default={}, description="New switch uplink rates by switch id."
    )
    isp: dict[Id, IspChange] = Field(default={}, description="ISP circuits changed or added.")
    content_filter_mbps: PositiveMbps | None = None
    caches: list[Cache] = Field(default=[], description="Caches added (same id: replaced).")
    dhcp_addresses: dict[Id, Annotated[int, Field(gt=0)]] = Field(
        default={}, description="New size of DHCP scopes, by scope id."
    )

    @property
    def growth_factor(self) -> float:
        """Demand multiplier from growth over ``years_ahead`` years times ``demand_scale``."""
        g = (self.demand_growth_pct_per_year or 0.0) / 100.0
        return self.demand_scale * (1.0 + g) ** self.years_ahead


class ScenarioFile(_Model):
    """Contents of a scenario file."""

    survey: str = Field(
        default=".",
        description="Survey directory, relative to the scenario file.",
    )
    baseline: Id | None = Field(
        default=None,
        description="Scenario the others are compared with (default: the first).",
    )
    replications: int = Field(default=5, ge=1, le=1000)
    seed: int = Field(default=1, ge=0, description="Seed of replication 1 (then seed + 1...).")
    day: str = Field(default="regular", description="Day type simulated by default.")
    window: Window | None = Field(
        default=None,
        description="Part of the day every scenario simulates, e.g. { start = '10:45', end = "
        "'12:15' } for the lunch block (default: the whole day).",
    )
    year: int | None = Field(
        default=None,
        ge=1900,
        le=2200,
        description="Calendar year of the survey, for the capacity runway (default: this year).",
    )
    thresholds: Thresholds = Thresholds()
    scenarios: dict[Id, Scenario] = Field(min_length=1)

    @model_validator(mode="after")
    def _baseline_known(self) -> ScenarioFile:
        if self.baseline is not None and self.baseline not in self.scenarios:
            raise ValueError(
                f"baseline {self.baseline!r} is not a scenario of this file "
                f"(scenarios: {', '.join(self.scenarios)})"
            )
        return self
