"""Reading a survey directory into typed models.

Every file is read and validated before anything is reported, so a user sees every problem
at once, each as ``FILE: FIELD_PATH: message``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from netplan.errors import InputError, Problem
from netplan.survey.models import BuildingFile, DeviceCatalog, DistrictFile
from netplan.survey.schedule_loader import (
    default_activity_plan,
    load_activities,
    load_master_schedules,
    load_schedules,
)
from netplan.survey.schedule_models import ActivityPlanFile, BellScheduleFile, MasterSchedule

__all__ = [
    "Survey",
    "format_loc",
    "load_survey",
    "read_toml",
    "validate_model",
]

M = TypeVar("M", bound=BaseModel)

DISTRICT_FILE = "district.toml"
DEVICES_FILE = "devices.toml"
BUILDINGS_DIR = "buildings"


@dataclass(frozen=True)
class Survey:
    """A validated district survey.

    Attributes
    ----------
    root
        The survey directory.
    district
        Contents of ``district.toml``.
    devices
        Contents of ``devices.toml``.
    buildings
        Building files by building id, in file-name order.
    files
        Source file of each part: ``"district"``, ``"devices"`` and each building id.
    warnings
        Problems that do not stop a run (printed by ``netplan check``).
    schedules
        Bell schedules by schedule id (``schedules/*.toml``); empty when the survey has none
        (the built-in schedule of each building level is used then).
    activities
        The activity plan (``activities.toml``, else the built-in plan).
    master_schedules
        Master schedules by building id (``master_schedule/<building>.csv``).
    schedule_files
        Source file of each schedule id, and ``"activities"`` for ``activities.toml``.
    """

    root: Path
    district: DistrictFile
    devices: DeviceCatalog
    buildings: dict[str, BuildingFile]
    files: dict[str, Path]
    warnings: tuple[Problem, ...] = field(default=())
    schedules: dict[str, BellScheduleFile] = field(default_factory=dict)
    activities: ActivityPlanFile = field(default_factory=default_activity_plan)
    master_schedules: dict[str, MasterSchedule] = field(default_factory=dict)
    schedule_files: dict[str, Path] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The district's name."""
        return self.district.district.name

    @property
    def enrollment(self) -> int:
        """Students enrolled across all buildings."""
        return sum(b.building.enrollment for b in self.buildings.values())

    @property
    def staff(self) -> int:
        """Staff across all buildings."""
        return sum(b.building.staff for b in self.buildings.values())


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into an :class:`InputError`.

    Parameters
    ----------
    path
        File to read.

    Returns
    -------
    dict
        The parsed document.

    Raises
    ------
    InputError
        If the file is missing, unreadable, not UTF-8 or not valid TOML.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError.at(path, "-", "file not found") from None
    except OSError as exc:
        raise InputError.at(path, "-", f"cannot read file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.at(path, f"byte {exc.start}", "file is not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        where = "-"
        # tomllib: "Expected '=' after a key in a key/value pair (at line 3, column 5)"
        if "(at line " in msg:
            msg, _, pos = msg.rpartition(" (at ")
            where = pos.rstrip(")")
        elif msg.endswith("(at end of document)"):
            msg = msg.removesuffix(" (at end of document)")
            where = "end of document"
        raise InputError.at(path, where, f"invalid TOML: {msg}") from None


def format_loc(loc: Sequence[int | str], data: Any) -> str:
    """Render a pydantic error location as a readable field path.

    List items that carry an ``id`` are named by it (``access_points[chs-ap-101]``), others by
    their 0-based index (``radios[0]``).

    Parameters
    ----------
    loc
        The location tuple from a pydantic error.
    data
        The raw document the location points into.

    Returns
    -------
    str
        A path such as ``access_points[chs-ap-101].radios[0].channel``.
    """
    out = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            label = str(part)
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(item, Mapping) and isinstance(item.get("id"), str) and item["id"]:
                label = str(item["id"])
            out += f"[{label}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return out or "-"


_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown key",
}


def _message(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind in _MESSAGES:
        msg = _MESSAGES[kind]
        if kind == "extra_forbidden":
            msg += f" {err['loc'][-1]!r} (check the spelling; see `netplan schema`)"
        return msg
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    if "input" in err and kind not in {"model_type", "dict_type", "list_type"}:
        value = err["input"]
        if isinstance(value, str | int | float | bool) and repr(value) not in msg:
            msg += f" (got {value!r})"
    return msg


def validate_model(model: type[M], data: Any, file: Path) -> tuple[M | None, list[Problem]]:
    """Validate ``data`` against ``model``, returning problems instead of raising.

    Parameters
    ----------
    model
        A pydantic model class.
    data
        The parsed TOML document.
    file
        The file ``data`` came from, for messages.

    Returns
    -------
    tuple
        The model (``None`` if invalid) and the list of problems.
    """
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [
            Problem(str(file), format_loc(err["loc"], data), _message(err))
            for err in exc.errors(include_url=False)
        ]
        return None, problems


def _load_file(model: type[M], path: Path, problems: list[Problem]) -> M | None:
    try:
        data = read_toml(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    obj, found = validate_model(model, data, path)
    problems.extend(found)
    return obj


def load_survey(root: str | Path, *, strict: bool = True) -> Survey:
    """Load and validate a survey directory.

    Parameters
    ----------
    root
        The survey directory (holding ``district.toml``, ``devices.toml`` and ``buildings/``).
    strict
        Raise on cross-reference errors too (default). With ``False`` only unreadable or
        mistyped files raise, and cross-reference problems are returned as warnings; this is
        for importers that write partial surveys.

    Returns
    -------
    Survey
        The validated survey.

    Raises
    ------
    InputError
        With every problem found, if any file is invalid or references do not resolve.
    """
    from netplan.survey.checks import check_schedules, cross_check

    root = Path(root)
    if not root.is_dir():
        raise InputError.at(root, "-", "survey directory not found")
    problems: list[Problem] = []
    district = _load_file(DistrictFile, root / DISTRICT_FILE, problems)
    devices = _load_file(DeviceCatalog, root / DEVICES_FILE, problems)
    bdir = root / BUILDINGS_DIR
    paths = sorted(bdir.glob("*.toml")) if bdir.is_dir() else []
    if not paths:
        problems.append(Problem(str(bdir), "-", "no building files (*.toml) found"))
    buildings: dict[str, BuildingFile] = {}
    files: dict[str, Path] = {"district": root / DISTRICT_FILE, "devices": root / DEVICES_FILE}
    unchecked: set[str] = set()  # ids of building files that failed validation
    for path in paths:
        try:
            raw = read_toml(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        b, found_here = validate_model(BuildingFile, raw, path)
        problems.extend(found_here)
        if b is None:
            info = raw.get("building")
            raw_id = info.get("id") if isinstance(info, dict) else None
            if isinstance(raw_id, str):
                unchecked.add(raw_id)
            continue
        bid = b.building.id
        if bid in buildings or bid in ("district", "devices", "core"):
            problems.append(
                Problem(
                    str(path),
                    "building.id",
                    f"building id {bid!r} is already used by {files.get(bid, 'the district')}",
                )
            )
            continue
        buildings[bid] = b
        files[bid] = path
    before = len(problems)
    schedules, schedule_files = load_schedules(root, problems)
    schedules_complete = len(problems) == before
    activities, activities_file = load_activities(root, problems)
    if activities_file is not None:
        schedule_files["activities"] = activities_file
    masters = load_master_schedules(root, buildings, problems)
    found = cross_check(district, devices, buildings, files, unchecked_sites=unchecked)
    found += check_schedules(
        buildings, schedules, activities, masters, schedule_files, complete=schedules_complete
    )
    if district is None or devices is None or any(p.severity == "error" for p in problems):
        # Report the cross-file problems of the parts that did validate, too.
        both = problems + [p for p in found if p.severity == "error"]
        raise InputError(sorted(both, key=lambda p: p.file))
    assert district is not None and devices is not None
    errors = [p for p in found if p.severity == "error"]
    warnings = [p for p in found if p.severity != "error"]
    if errors and strict:
        raise InputError(sorted(errors, key=lambda p: p.file))
    if not strict:
        warnings = [Problem(p.file, p.field, p.message, "warning") for p in found]
    return Survey(
        root,
        district,
        devices,
        buildings,
        files,
        tuple(warnings),
        schedules=schedules,
        activities=activities,
        master_schedules=masters,
        schedule_files=schedule_files,
    )
