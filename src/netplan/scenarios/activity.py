"""Activity-mix overrides: more (or fewer) sessions of single applications.

A video-heavy day is ``{ video-720p = 2.0 }``: every rate at which a device starts
``video-720p`` sessions (in each activity, in the background load and in the per-day extras of
special days) is doubled. Sessions started once per tester (an assessment's ``once`` list)
are not rates and keep their count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from netplan.survey.loader import Survey

__all__ = ["with_app_scale"]


def _scaled(rates: Mapping[str, float], scale: Mapping[str, float]) -> dict[str, float]:
    return {app: r * scale.get(app, 1.0) for app, r in rates.items()}


def _scaled_by_who(
    table: Mapping[Any, Mapping[str, float]], scale: Mapping[str, float]
) -> dict[Any, dict[str, float]]:
    return {who: _scaled(rates, scale) for who, rates in table.items()}


def with_app_scale(survey: Survey, scale: Mapping[str, float]) -> Survey:
    """Multiply the session rates of applications in the survey's activity plan.

    Parameters
    ----------
    survey
        The survey.
    scale
        Application id -> multiplier (0 removes the application's rate-driven sessions).

    Returns
    -------
    Survey
        A copy with the changed activity plan.
    """
    plan = survey.activities
    activities = {
        aid: a.model_copy(update={"sessions_per_hour": _scaled(a.sessions_per_hour, scale)})
        for aid, a in plan.activities.items()
    }
    days = {
        name: d.model_copy(
            update={
                "background": _scaled_by_who(d.background, scale),
                "per_day": _scaled_by_who(d.per_day, scale),
            }
        )
        for name, d in plan.days.items()
    }
    new = plan.model_copy(
        update={
            "activities": activities,
            "background": _scaled_by_who(plan.background, scale),
            "days": days,
        }
    )
    return dataclasses.replace(survey, activities=new)
