"""The hotspot plan catalogue (TOML): carriers, programme caps and expected data use.

Defaults and the demo catalogue use docs/references.md, "Hotspot programmes" and "Application
demand". Unknown keys are errors (``extra="forbid"``) so a misspelt cap is never ignored.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from netplan.errors import InputError, Problem

__all__ = [
    "Activity",
    "Carrier",
    "PlanCatalogue",
    "Programme",
    "Usage",
    "load_plans",
]

Environment = Literal["outdoor_stationary", "in_vehicle"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Activity(_Strict):
    """One kind of home use with its bit rate and daily duration.

    Parameters
    ----------
    name
        What the student does.
    down_mbps, up_mbps
        Bit rate while doing it.
    hours_per_school_day
        Hours a student spends on it per school day at home.
    """

    name: str
    down_mbps: float = Field(ge=0)
    up_mbps: float = Field(default=0.0, ge=0)
    hours_per_school_day: float = Field(ge=0, le=24)

    def gb_per_day(self) -> float:
        """Data volume per school day in GB (10^9 bytes), both directions."""
        return (self.down_mbps + self.up_mbps) * self.hours_per_school_day * 3600.0 / 8.0 / 1000.0


def _default_activities() -> tuple[Activity, ...]:
    # docs/references.md "Application demand": YouTube 480p 1.1 Mbps (hotspot plans such as
    # T-Mobile Project 10Million hold video to 480p); Zoom 1:1 720p 1.2 Mbps each way;
    # web/LMS has no vendor figure, 0.5 Mbps as Linksys' "web" rate.
    return (
        Activity(name="instructional video 480p", down_mbps=1.1, hours_per_school_day=0.5),
        Activity(name="video call 1:1 720p", down_mbps=1.2, up_mbps=1.2, hours_per_school_day=0.25),
        Activity(name="web, LMS and documents", down_mbps=0.5, hours_per_school_day=1.0),
    )


class Usage(_Strict):
    """Expected home data use per student.

    Parameters
    ----------
    school_days_per_month
        School days in a month of the programme.
    device_updates_gb_per_month
        OS updates per device per month. Default: a ~400 MB full ChromeOS update every ~5
        weeks (docs/references.md, "ChromeOS update").
    activity
        The activities that make up a school day's home use.
    """

    school_days_per_month: float = Field(default=20.0, gt=0, le=31)
    device_updates_gb_per_month: float = Field(default=0.35, ge=0)
    activity: tuple[Activity, ...] = Field(default_factory=_default_activities)

    def gb_per_student_month(self) -> float:
        """Expected GB per student per month."""
        per_day = sum(a.gb_per_day() for a in self.activity)
        return per_day * self.school_days_per_month + self.device_updates_gb_per_month


class Programme(_Strict):
    """Programme rules.

    Parameters
    ----------
    name
        Programme name for reports.
    months_per_year
        Months of service paid per year.
    max_hotspots_per_100_students
        Cap on hotspots per 100 enrolled students; FCC 24-76 allowed at most 20
        (docs/references.md, "E-rate hotspot order"). ``None`` for no cap.
    enrolment
        Students the cap is counted against; default: the valid students in the roster.
    include_underserved
        Offer hotspots to underserved homes too, not only unserved ones.
    ineligible_grades
        Grades that do not qualify a household on their own (FCC 24-76: pre-K/K ineligible).
    max_carriers
        Most carriers the programme contracts with; ``None`` for any number.
    allowance_policy
        ``"flag"``: count households whose expected use exceeds a plan's allowance;
        ``"exclude"``: never assign a plan whose allowance the household would exceed.
    coverage_environment
        Coverage a carrier needs at the home: ``"in_vehicle"`` (stricter signal, the closer
        proxy for indoor use) or ``"outdoor_stationary"``.
    budget_year1
        Optional year-1 budget; reported against, not enforced.
    """

    name: str = "Hotspot programme"
    months_per_year: int = Field(default=12, ge=1, le=12)
    max_hotspots_per_100_students: float | None = Field(default=None, ge=0, le=100)
    enrolment: int | None = Field(default=None, ge=1)
    include_underserved: bool = False
    ineligible_grades: tuple[str, ...] = ()
    max_carriers: int | None = Field(default=None, ge=1)
    allowance_policy: Literal["flag", "exclude"] = "flag"
    coverage_environment: Environment = "in_vehicle"
    budget_year1: float | None = Field(default=None, ge=0)


class Carrier(_Strict):
    """One carrier's hotspot plan.

    Parameters
    ----------
    name
        Carrier or plan name.
    provider_id
        BDC provider id whose mobile coverage layers describe this carrier.
    device_cost
        Hotspot device price (ECF reimbursed up to $250; FCC 24-76 used $90).
    monthly_cost
        Service per month (ECF "generally $10-$25"; FCC 24-76 used $15).
    data_allowance_gb_per_month
        Full-speed data per month; omitted for unlimited.
    overage_per_gb
        Price per GB beyond the allowance (0: throttled, not billed).
    technologies
        BDC mobile technology codes accepted (400 4G LTE, 500 5G-NR).
    min_down_mbps, min_up_mbps
        Lowest coverage tier accepted (4G LTE tier is 5/1).
    environment
        Override of the programme's coverage environment for this carrier.
    frl_only
        Plan only for free/reduced-lunch households (like T-Mobile Project 10Million, NSLP).
    contract_fixed_cost
        One-off cost of contracting with this carrier at all (year 1).
    """

    name: str = Field(min_length=1)
    provider_id: str = Field(pattern=r"^\d+$")
    device_cost: float = Field(ge=0)
    monthly_cost: float = Field(ge=0)
    data_allowance_gb_per_month: float | None = Field(default=None, gt=0)
    overage_per_gb: float = Field(default=0.0, ge=0)
    technologies: tuple[int, ...] = (400, 500)
    min_down_mbps: float = Field(default=5.0, ge=0)
    min_up_mbps: float = Field(default=1.0, ge=0)
    environment: Environment | None = None
    frl_only: bool = False
    contract_fixed_cost: float = Field(default=0.0, ge=0)

    @field_validator("technologies")
    @classmethod
    def _known_technologies(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        bad = [t for t in value if t not in (300, 400, 500)]
        if bad or not value:
            raise ValueError("technologies must be BDC mobile codes 300, 400 or 500")
        return value

    def monthly_overage(self, gb_per_month: float) -> float:
        """Expected overage charge per month for a household using ``gb_per_month``."""
        if self.data_allowance_gb_per_month is None:
            return 0.0
        return max(0.0, gb_per_month - self.data_allowance_gb_per_month) * self.overage_per_gb

    def allowance(self) -> float:
        """Allowance in GB per month (infinite when unlimited)."""
        if self.data_allowance_gb_per_month is None:
            return math.inf
        return self.data_allowance_gb_per_month


class PlanCatalogue(_Strict):
    """The whole plans file."""

    programme: Programme = Field(default_factory=Programme)
    usage: Usage = Field(default_factory=Usage)
    carrier: tuple[Carrier, ...] = Field(default=(), validate_default=True)

    @field_validator("carrier")
    @classmethod
    def _some_carrier(cls, value: tuple[Carrier, ...]) -> tuple[Carrier, ...]:
        if not value:
            raise ValueError("at least one [[carrier]] is needed")
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> PlanCatalogue:
        names = [c.name for c in self.carrier]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"carrier names must be unique; repeated: {', '.join(dup)}")
        return self

    def environment_of(self, carrier: Carrier) -> str:
        """Coverage environment required for ``carrier``."""
        return carrier.environment or self.programme.coverage_environment


def _loc_to_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "-"


def load_plans(path: str | Path) -> PlanCatalogue:
    """Read and validate a hotspot plan catalogue.

    Parameters
    ----------
    path
        TOML file.

    Returns
    -------
    PlanCatalogue
        The validated catalogue.

    Raises
    ------
    InputError
        Unreadable file, TOML syntax errors, unknown keys or bad values.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError.at(p, "-", f"cannot read plans file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError.at(p, "-", "plans file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError.at(p, "-", f"TOML syntax error: {exc}") from exc
    try:
        return PlanCatalogue.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(str(p), _loc_to_path(tuple(err["loc"])), err["msg"]) for err in exc.errors()
        ]
        raise InputError(problems) from exc
