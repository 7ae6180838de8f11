"""Reading a scenario file, checking it against its survey, and naming scenarios.

A scenario file is validated like a survey: every problem is collected and reported as
``FILE: FIELD_PATH: message``, first the file's own structure, then its references into the
survey (buildings, zones, APs, WAN links, switches, DHCP scopes, bell schedules, day types,
applications), then the survey each scenario produces (the survey's cross-checks on the
changed copy).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from netplan.errors import InputError, Problem, UsageError
from netplan.scenarios.models import Scenario, ScenarioFile
from netplan.scenarios.overrides import zone_building
from netplan.survey.loader import Survey, read_toml, validate_model

__all__ = [
    "DEFAULT_SCENARIO",
    "SCENARIOS_FILE",
    "ScenarioSet",
    "check_scenarios",
    "find_scenario_file",
    "load_scenario_file",
    "resolve_scenario",
]

#: Name of the scenario file `netplan compare` looks for in a survey directory.
SCENARIOS_FILE = "scenarios.toml"

#: Name that always means "the survey as it is" (each building's own bell schedule).
DEFAULT_SCENARIO = "current"

#: Keys whose values (lists) a scenario adds to those of the scenario it extends.
_ADDITIVE_LISTS = ("ap_upgrades", "extra_aps", "caches")


@dataclasses.dataclass(frozen=True)
class ScenarioSet:
    """A validated scenario file.

    Attributes
    ----------
    path
        The file (``None`` for scenarios made on the command line).
    file
        Its contents.
    """

    path: Path | None
    file: ScenarioFile

    @property
    def names(self) -> list[str]:
        """Scenario names in file order."""
        return list(self.file.scenarios)

    @property
    def baseline(self) -> str:
        """The scenario the others are compared with (the file's ``baseline`` or the first)."""
        return self.file.baseline or self.names[0]

    @property
    def survey_dir(self) -> Path:
        """The survey directory, resolved against the file's folder."""
        base = self.path.parent if self.path is not None else Path.cwd()
        return (base / self.file.survey).resolve()

    @property
    def year(self) -> int:
        """Calendar year the survey describes (the file's ``year`` or the current year)."""
        return self.file.year or datetime.date.today().year

    @property
    def where(self) -> str:
        """The file as named in messages."""
        return str(self.path) if self.path is not None else "<command line>"


def _merge(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(parent))
    for key, value in child.items():
        old = out.get(key)
        if key in _ADDITIVE_LISTS and isinstance(old, list) and isinstance(value, list):
            out[key] = old + copy.deepcopy(value)
        elif isinstance(old, dict) and isinstance(value, dict):
            out[key] = {**old, **copy.deepcopy(value)}
        else:
            out[key] = copy.deepcopy(value)
    return out


def _resolve_extends(raw: dict[str, Any], file: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Replace each scenario that ``extends`` another by the merge of both."""
    scenarios = raw.get("scenarios")
    if not isinstance(scenarios, dict):
        return raw, []
    problems: list[Problem] = []
    done: dict[str, Any] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> Any:
        if name in done:
            return done[name]
        body = scenarios[name]
        parent = body.get("extends") if isinstance(body, dict) else None
        if not isinstance(parent, str):
            done[name] = body
            return body
        where = f"scenarios.{name}.extends"
        if parent not in scenarios:
            problems.append(
                Problem(str(file), where, f"no scenario {parent!r} in this file to extend")
            )
            done[name] = body
            return body
        if parent in chain:
            cycle = " -> ".join((*chain, parent))
            problems.append(Problem(str(file), where, f"scenarios extend in a cycle: {cycle}"))
            done[name] = body
            return body
        base = resolve(parent, (*chain, parent))
        merged = _merge(base, body) if isinstance(base, dict) else body
        done[name] = merged
        return merged

    for name in scenarios:
        resolve(name, (name,))
    return {**raw, "scenarios": done}, problems


def load_scenario_file(path: str | Path) -> ScenarioSet:
    """Read and validate a scenario file (structure only; see :func:`check_scenarios`).

    Parameters
    ----------
    path
        The TOML file.

    Returns
    -------
    ScenarioSet
        The validated file. A scenario that ``extends`` another holds the merged overrides:
        its own values win, tables (``wan``, ``isp``...) merge key by key, and the lists
        ``ap_upgrades``, ``extra_aps`` and ``caches`` add to the parent's.

    Raises
    ------
    InputError
        With every problem found.
    """
    file = Path(path)
    raw = read_toml(file)
    resolved, problems = _resolve_extends(raw, file)
    model, found = validate_model(ScenarioFile, resolved, file)
    problems += found
    if problems or model is None:
        raise InputError(problems)
    return ScenarioSet(file, model)


def find_scenario_file(survey_dir: str | Path) -> Path | None:
    """The ``scenarios.toml`` of a survey directory, if it has one."""
    path = Path(survey_dir) / SCENARIOS_FILE
    return path if path.is_file() else None


# --------------------------------------------------------------------------- references


def _known(kind: str, name: str, options: Iterable[str]) -> str:
    opts = sorted(set(options))
    shown = ", ".join(opts[:12]) + (", ..." if len(opts) > 12 else "")
    return f"unknown {kind} {name!r} (known: {shown or 'none'})"


def survey_schedules(survey: Survey) -> list[str]:
    """Bell schedule names the survey defines (empty for a survey without schedules)."""
    schedules = getattr(survey, "schedules", None)
    return list(schedules) if isinstance(schedules, Mapping) else []


def _reference_problems(
    name: str, sc: Scenario, survey: Survey, file: str, default_day: str
) -> list[Problem]:
    out: list[Problem] = []
    at = f"scenarios.{name}"

    def bad(field: str, message: str) -> None:
        out.append(Problem(file, f"{at}.{field}", message))

    bids = list(survey.buildings)
    for i, bid in enumerate(sc.buildings or []):
        if bid not in survey.buildings:
            bad(f"buildings[{i}]", _known("building", bid, bids))
    if isinstance(sc.enrollment_growth_pct, Mapping):
        for bid in sc.enrollment_growth_pct:
            if bid not in survey.buildings:
                bad(f"enrollment_growth_pct.{bid}", _known("building", bid, bids))
    zones = [z.id for b in survey.buildings.values() for z in b.zones]
    aps = {ap.id: ap for b in survey.buildings.values() for ap in b.access_points}
    for i, up in enumerate(sc.ap_upgrades):
        for j, bid in enumerate(up.buildings):
            if bid not in survey.buildings:
                bad(f"ap_upgrades[{i}].buildings[{j}]", _known("building", bid, bids))
        for j, z in enumerate(up.zones):
            if z not in zones:
                bad(f"ap_upgrades[{i}].zones[{j}]", _known("zone", z, zones))
        for j, a in enumerate(up.aps):
            if a not in aps:
                bad(f"ap_upgrades[{i}].aps[{j}]", _known("access point", a, aps))
    for i, extra in enumerate(sc.extra_aps):
        if zone_building(survey, extra.zone) is None:
            bad(f"extra_aps[{i}].zone", _known("zone", extra.zone, zones))
        elif not any(c.zone == extra.zone for ap in aps.values() for c in ap.serves):
            bad(f"extra_aps[{i}].zone", f"no access point serves zone {extra.zone!r} to copy")
    links = [w.id for w in survey.district.wan.links]
    for lid in sc.wan:
        if lid not in links:
            bad(f"wan.{lid}", _known("WAN link", lid, links))
    switches = [s.id for b in survey.buildings.values() for s in b.switches]
    for sid in sc.uplinks:
        if sid not in switches:
            bad(f"uplinks.{sid}", _known("switch", sid, switches))
    scopes = [s.id for b in survey.buildings.values() for s in b.dhcp_scopes]
    for sid in sc.dhcp_addresses:
        if sid not in scopes:
            bad(f"dhcp_addresses.{sid}", _known("DHCP scope", sid, scopes))
    schedules = survey_schedules(survey)
    if sc.schedule is not None and sc.schedule not in schedules:
        bad("schedule", _known("bell schedule", sc.schedule, schedules))
    elif sc.start_offset_min:
        from netplan.schedule import building_schedule

        for bid in sc.start_offset_min:
            if bid not in survey.buildings:
                bad(f"start_offset_min.{bid}", _known("building", bid, bids))
                continue
            sched = building_schedule(survey, bid, sc.schedule)
            if sched.id not in schedules:
                bad(
                    f"start_offset_min.{bid}",
                    f"building {bid!r} follows the built-in schedule {sched.id!r}; add a "
                    "schedule file to stagger it",
                )
    if sc.app_scale:
        from netplan.demand import catalogue

        apps = list(catalogue())
        for app in sc.app_scale:
            if app not in apps:
                bad(f"app_scale.{app}", _known("application", app, apps))
    day = sc.day or default_day
    if not out:
        out += _day_problems(sc, survey, day, file, f"{at}.day" if sc.day else "day")
    return out


def _day_problems(sc: Scenario, survey: Survey, day: str, file: str, field: str) -> list[Problem]:
    from netplan.schedule import day_types

    bids = sc.buildings or list(survey.buildings)
    for bid in bids:
        try:
            known = day_types(survey, bid, sc.schedule)
        except InputError as exc:
            return [
                Problem(file, field.rsplit(".", 1)[0] + ".schedule", p.message)
                for p in exc.problems
            ]
        if day not in known:
            return [Problem(file, field, _known(f"day type for {bid}", day, known))]
    return []


def check_scenarios(sset: ScenarioSet, survey: Survey, names: Iterable[str] = ()) -> None:
    """Check scenarios against the survey they change.

    Parameters
    ----------
    sset
        The scenario file.
    survey
        Its base survey.
    names
        Scenarios to check (default: all).

    Raises
    ------
    InputError
        With every reference that does not resolve, and every problem the survey's own
        cross-checks find in a changed survey.
    """
    from netplan.scenarios.apply import apply_scenario
    from netplan.survey.checks import cross_check

    wanted = list(names) or sset.names
    problems: list[Problem] = []
    for name in wanted:
        sc = sset.file.scenarios[name]
        found = _reference_problems(name, sc, survey, sset.where, sset.file.day)
        if found:
            problems += found
            continue
        changed = apply_scenario(survey, sc)
        for p in cross_check(changed.district, changed.devices, changed.buildings, changed.files):
            if p.severity == "error":
                problems.append(
                    Problem(
                        sset.where,
                        f"scenarios.{name}",
                        f"the changed survey is not valid: {p.field}: {p.message}",
                    )
                )
    if problems:
        raise InputError(problems)


def resolve_scenario(name: str, sset: ScenarioSet | None, survey: Survey) -> Scenario:
    """Find what a name given on the command line means.

    The rule: a scenario of the scenario file first; else a bell schedule of the survey
    (simulated with nothing else changed); ``current`` is the survey as it is.

    Parameters
    ----------
    name
        The name the user gave.
    sset
        The scenario file, if there is one.
    survey
        The base survey.

    Returns
    -------
    Scenario
        The scenario.

    Raises
    ------
    UsageError
        If the name is none of those.
    """
    if sset is not None and name in sset.file.scenarios:
        return sset.file.scenarios[name]
    if name in survey_schedules(survey):
        return Scenario(description=f"bell schedule {name}", schedule=name)
    if name == DEFAULT_SCENARIO:
        return Scenario(description="the survey as it is")
    scen = sset.names if sset is not None else []
    where = sset.where if sset is not None else "scenarios"
    raise UsageError(
        Problem(
            where,
            "-",
            f"{name!r} is neither a scenario ({', '.join(scen) or 'no scenario file'}) nor a "
            f"bell schedule of the survey ({', '.join(survey_schedules(survey)) or 'none'}), "
            f"nor {DEFAULT_SCENARIO!r}",
        )
    )
