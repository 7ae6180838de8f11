"""Application catalogue, activity plans and session arrival processes.

The public API of the demand side of the simulation (the engine calls these)::

    catalogue() -> dict[str, Application]
    arrival_rates(survey, occupancy, day="regular") -> ndarray (n_intervals, n_zones, n_apps)
    sample_size_mb(app, rng, n) -> ndarray
    sample_duration_s(app, rng, n) -> ndarray

Applications are data (``netplan/workload/applications.toml``, each with its source);
activity plans come from the survey's ``activities.toml`` or the built-in plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from netplan.schedules.occupancy import Occupancy
from netplan.workload.catalogue import Application, catalogue
from netplan.workload.rates import arrival_rates_for, match_mix
from netplan.workload.sizes import draw, median_of, sample_duration_s, sample_size_mb

if TYPE_CHECKING:
    from netplan.survey.loader import Survey

__all__ = [
    "Application",
    "app_ids",
    "arrival_rates",
    "catalogue",
    "draw",
    "match_mix",
    "median_of",
    "sample_duration_s",
    "sample_size_mb",
]


def app_ids() -> list[str]:
    """Application ids in catalogue order (the last axis of :func:`arrival_rates`)."""
    return list(catalogue())


def arrival_rates(
    survey: Survey, occupancy: Occupancy, *, day: str = "regular"
) -> npt.NDArray[np.float64]:
    """Session arrivals per second by interval, zone and application.

    Parameters
    ----------
    survey
        The survey (device fleet and activity plan).
    occupancy
        A building's occupancy from :func:`netplan.schedule.building_occupancy`.
    day
        Day type; the activity plan's changes for that day apply (testing window,
        OS-update day). Defaults to the day the occupancy was computed for.

    Returns
    -------
    numpy.ndarray
        float64 ``(n_intervals, n_zones, n_apps)``: arrivals per second of each application
        in each zone during each interval (students, staff and background together), apps
        in :func:`catalogue` order.
    """
    return arrival_rates_for(
        occupancy,
        survey.buildings[occupancy.building],
        survey.devices,
        survey.activities,
        app_ids(),
        day=day,
    )
