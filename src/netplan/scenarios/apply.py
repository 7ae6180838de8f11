"""From a scenario to what is simulated: the changed survey and the run's settings."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from netplan.scenarios.models import Scenario, Window
from netplan.scenarios.overrides import (
    with_ap_upgrade,
    with_caches,
    with_content_filter,
    with_dhcp_addresses,
    with_enrollment_growth,
    with_extra_aps,
    with_isp,
    with_start_offsets,
    with_uplink_rates,
    with_wan_rates,
)
from netplan.survey.loader import Survey

__all__ = ["RunSpec", "apply_scenario", "run_spec", "survey_digest"]


def apply_scenario(survey: Survey, sc: Scenario) -> Survey:
    """Apply every survey override of a scenario, in a fixed order.

    Order: enrollment, AP upgrades, extra APs (copies of upgraded APs are upgraded too), WAN,
    uplinks, ISP, content filter, caches, DHCP scopes, application mix, start offsets of
    the bell schedules. Demand growth, the bell schedule, the day type and the building
    subset are run settings, not survey changes (see :func:`run_spec`).

    Parameters
    ----------
    survey
        The base survey (unchanged).
    sc
        The scenario.

    Returns
    -------
    Survey
        The changed copy.
    """
    out = survey
    growth = sc.enrollment_growth_pct
    if isinstance(growth, Mapping) or growth != 0.0:
        out = with_enrollment_growth(out, growth)
    for up in sc.ap_upgrades:
        out = with_ap_upgrade(out, up)
    for extra in sc.extra_aps:
        out = with_extra_aps(out, extra)
    if sc.wan:
        out = with_wan_rates(out, sc.wan)
    if sc.uplinks:
        out = with_uplink_rates(out, sc.uplinks)
    if sc.isp:
        out = with_isp(out, sc.isp)
    if sc.content_filter_mbps is not None:
        out = with_content_filter(out, sc.content_filter_mbps)
    if sc.caches:
        out = with_caches(out, sc.caches)
    if sc.dhcp_addresses:
        out = with_dhcp_addresses(out, sc.dhcp_addresses)
    if sc.app_scale:
        from netplan.scenarios.activity import with_app_scale

        out = with_app_scale(out, sc.app_scale)
    if sc.start_offset_min:
        out = with_start_offsets(out, sc.start_offset_min, sc.schedule)
    return out


def _canonical(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _canonical(value.model_dump(mode="json"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        # "file" entries are where a part was read from (a master schedule's CSV), not content.
        return {
            str(k): _canonical(v)
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
            if k != "file"
        }
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    if hasattr(value, "tolist"):  # numpy arrays
        return _canonical(value.tolist())
    return repr(value)


def survey_digest(survey: Survey) -> str:
    """SHA-256 of everything a survey holds that a simulation can see.

    The root directory, source file names (``files``, ``schedule_files``, a part's
    ``file``) and warnings are left out, so the same survey copied elsewhere has the same
    digest.
    """
    data = {
        f.name: _canonical(getattr(survey, f.name))
        for f in dataclasses.fields(survey)
        if f.name not in {"root", "warnings"} and not f.name.endswith("files")
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """Everything one scenario's simulations need, ready to send to a worker.

    Attributes
    ----------
    scenario
        The scenario name.
    survey
        The survey with the scenario's overrides applied.
    schedule
        Bell schedule name (``None``: each building's own).
    day
        Day type.
    demand_scale
        Multiplier on every arrival rate (growth over the years ahead x ``demand_scale``).
    buildings
        Buildings simulated (``None``: all).
    start_s, end_s
        Simulated window, seconds after midnight (``None``: the schedule's whole day).
    fingerprint
        Digest of all of the above and the netplan version: a result file is reused by a
        resumed batch only when its fingerprint matches.
    survey_key
        Digest of the changed survey (:func:`survey_digest`): a process that receives many
        runs of the same survey rebuilds it from the pickle once.
    """

    scenario: str
    survey: Survey
    schedule: str | None
    day: str
    demand_scale: float
    buildings: tuple[str, ...] | None
    start_s: float | None
    end_s: float | None
    fingerprint: str
    survey_key: str = ""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Rebuilding a survey's pydantic models costs more than a short simulation's
        # bookkeeping; a worker that already holds this survey (same digest) reuses it.
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        survey = fields.pop("survey")
        key = self.survey_key
        return (_rebuild_spec, (fields, key, _survey_blob(key, survey)))


#: Surveys a process has rebuilt from a pickle, by digest (most recent last).
_SURVEYS: OrderedDict[str, Survey] = OrderedDict()
#: Pickled surveys by digest, so the same survey is pickled once per process.
_BLOBS: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 16


def _remember(cache: OrderedDict[str, Any], key: str, value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def _survey_blob(key: str, survey: Survey) -> bytes:
    blob = _BLOBS.get(key) if key else None
    if blob is None:
        blob = pickle.dumps(survey, protocol=pickle.HIGHEST_PROTOCOL)
        if key:
            _remember(_BLOBS, key, blob)
    return blob


def _rebuild_spec(fields: dict[str, Any], key: str, blob: bytes) -> RunSpec:
    survey = _SURVEYS.get(key) if key else None
    if survey is None:
        survey = pickle.loads(blob)
        if key:
            _remember(_SURVEYS, key, survey)
    return RunSpec(survey=survey, **fields)


def run_spec(
    name: str,
    sc: Scenario,
    survey: Survey,
    *,
    day: str = "regular",
    window: Window | None = None,
    demand_scale: float | None = None,
) -> RunSpec:
    """Build the run settings of a scenario.

    Parameters
    ----------
    name
        Scenario name.
    sc
        The scenario.
    survey
        The base survey.
    day
        Day type used when the scenario does not name one.
    window
        Part of the day simulated when the scenario does not name one.
    demand_scale
        Demand multiplier replacing the scenario's own growth factor (the capacity runway
        sets it year by year).

    Returns
    -------
    RunSpec
        The changed survey and settings, with their fingerprint.
    """
    from netplan import __version__

    changed = apply_scenario(survey, sc)
    scale = sc.growth_factor if demand_scale is None else demand_scale
    buildings = tuple(sc.buildings) if sc.buildings else None
    the_day = sc.day or day
    win = sc.window or window
    start_s, end_s = win.seconds if win is not None else (None, None)
    digest = survey_digest(changed)
    settings = {
        "survey": digest,
        "schedule": sc.schedule,
        "day": the_day,
        "demand_scale": repr(float(scale)),
        "buildings": buildings,
        "window": [start_s, end_s],
        "version": __version__,
    }
    fp = hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8")).hexdigest()
    return RunSpec(
        name,
        changed,
        sc.schedule,
        the_day,
        float(scale),
        buildings,
        start_s,
        end_s,
        fp[:16],
        survey_key=digest,
    )
