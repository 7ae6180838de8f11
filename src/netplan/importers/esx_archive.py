"""Reading an Ekahau project archive (``.esx``): a ZIP of JSON members.

Only the JSON members the importer uses are read (floor-plan images are never decompressed),
each at most :data:`MAX_MEMBER_BYTES` uncompressed. Every failure is an
:class:`~netplan.errors.InputError` whose problem names the ``.esx`` file and the member
(``accessPoints.json``) or member and field (``simulatedRadios.json:simulatedRadios[3].channel``).
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from netplan.errors import InputError, Problem

__all__ = [
    "MAX_MEMBER_BYTES",
    "OPTIONAL_MEMBERS",
    "REQUIRED_MEMBERS",
    "SUPPORTED_FORMAT_MAJOR",
    "SUPPORTED_SCHEMA_MAJOR",
    "EsxArchive",
    "read_esx",
]

M = TypeVar("M", bound=BaseModel)

#: Largest uncompressed JSON member read (guards against ZIP bombs).
MAX_MEMBER_BYTES = 256 * 1024 * 1024

#: Major version of the ``version`` member this importer reads (Ekahau Pro / AI Pro write "2.0").
SUPPORTED_FORMAT_MAJOR = 2
#: Major version of ``project.json``'s ``schemaVersion`` (the fixtures have 1.4.0 and 1.5.0).
SUPPORTED_SCHEMA_MAJOR = 1

#: Members without which there is nothing to import.
REQUIRED_MEMBERS: tuple[str, ...] = (
    "version",
    "project.json",
    "floorPlans.json",
    "accessPoints.json",
)
#: Radio members: at least one of them must be present.
RADIO_MEMBERS: tuple[str, ...] = ("simulatedRadios.json", "measuredRadios.json")
#: Members read when present.
OPTIONAL_MEMBERS: tuple[str, ...] = (
    "simulatedRadios.json",
    "measuredRadios.json",
    "accessPointMeasurements.json",
    "antennaTypes.json",
    "wallTypes.json",
    "wallSegments.json",
    "wallPoints.json",
    "areas.json",
    "deviceProfiles.json",
    "usageProfiles.json",
    "applicationProfiles.json",
    "networkCapacitySettings.json",
    "buildings.json",
    "buildingFloors.json",
    "floorTypes.json",
    "tagKeys.json",
    "attenuationAreas.json",
    "exclusionAreas.json",
    "notes.json",
    "pictureNotes.json",
    "requirements.json",
)

_VERSION_RE = re.compile(r"^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$")


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "-"


def _message(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind == "missing":
        return "required field is missing"
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    value = err.get("input")
    if isinstance(value, str | int | float | bool) and kind not in {"missing"}:
        text = repr(value)
        msg += f" (got {text if len(text) <= 60 else text[:57] + '...'})"
    return msg


@dataclass
class EsxArchive:
    """The JSON members of an ``.esx`` archive, parsed.

    Attributes
    ----------
    path
        The archive, as the user named it (used in every message).
    members
        Every member name in the archive.
    data
        Parsed JSON of the members read (required ones and optional ones present).
    format_version
        Text of the ``version`` member.
    """

    path: Path
    members: frozenset[str]
    data: dict[str, Any] = field(default_factory=dict)
    format_version: str = ""

    def has(self, member: str) -> bool:
        """True if the member was present and read."""
        return member in self.data

    def problem(self, member: str, where: str, message: str) -> Problem:
        """A problem located at ``member`` (and a field path inside it, or ``-``)."""
        field_path = member if where in ("", "-") else f"{member}:{where}"
        return Problem(str(self.path), field_path, message)

    def error(self, member: str, where: str, message: str) -> InputError:
        """An :class:`InputError` located at ``member`` and ``where``."""
        return InputError(self.problem(member, where, message))

    def parse(self, member: str, model: type[M]) -> M:
        """Validate a member's JSON against ``model``.

        Raises
        ------
        InputError
            One problem per wrong field, each naming the archive, member and field path.
        """
        try:
            return model.model_validate(self.data[member])
        except ValidationError as exc:
            problems = [
                self.problem(member, _loc(err["loc"]), _message(err))
                for err in exc.errors(include_url=False)
            ]
            raise InputError(problems) from None


def _read_member(zf: zipfile.ZipFile, path: Path, name: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputError.at(
            path,
            name,
            f"member is {info.file_size / 2**20:.0f} MiB uncompressed; the importer reads "
            f"JSON members of at most {MAX_MEMBER_BYTES / 2**20:.0f} MiB",
        )
    try:
        with zf.open(info) as fh:
            data = fh.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError.at(path, name, f"member is corrupt: {exc}") from None
    except RuntimeError as exc:  # encrypted members
        raise InputError.at(path, name, f"member cannot be read: {exc}") from None
    except NotImplementedError as exc:  # unsupported compression
        raise InputError.at(path, name, f"member cannot be read: {exc}") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise InputError.at(path, name, "member is larger than its directory entry says")
    return data


def _decode_json(path: Path, name: str, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.at(path, name, f"member is not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.at(
            path, name, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def _check_versions(arc: EsxArchive) -> None:
    m = _VERSION_RE.match(arc.format_version)
    if m is None or int(m.group(1)) != SUPPORTED_FORMAT_MAJOR:
        raise arc.error(
            "version",
            "-",
            f"unsupported .esx format version {arc.format_version.strip()[:40]!r}; this "
            f"importer reads version {SUPPORTED_FORMAT_MAJOR}.x archives (Ekahau Pro / AI Pro)",
        )
    project = arc.data["project.json"]
    if not isinstance(project, dict) or not isinstance(project.get("project"), dict):
        raise arc.error("project.json", "project", "expected an object named 'project'")
    schema = project["project"].get("schemaVersion")
    if not isinstance(schema, str):
        raise arc.error(
            "project.json",
            "project.schemaVersion",
            "required field is missing" if schema is None else "expected a version string",
        )
    m = _VERSION_RE.match(schema)
    if m is None or int(m.group(1)) != SUPPORTED_SCHEMA_MAJOR:
        raise arc.error(
            "project.json",
            "project.schemaVersion",
            f"unknown project schema version {schema[:40]!r}; this importer reads schema "
            f"{SUPPORTED_SCHEMA_MAJOR}.x",
        )


def read_esx(path: str | Path, members: Iterable[str] | None = None) -> EsxArchive:
    """Open an ``.esx`` archive and parse its JSON members.

    Parameters
    ----------
    path
        The archive.
    members
        Optional members to read when present (default :data:`OPTIONAL_MEMBERS`); the
        required members are always read.

    Returns
    -------
    EsxArchive
        The parsed members.

    Raises
    ------
    InputError
        If the file is missing, not a ZIP archive, not an Ekahau project, lacks a required
        member, has an unsupported version, or a member is corrupt or not JSON.
    """
    p = Path(path)
    if not p.exists():
        raise InputError.at(p, "-", "file not found")
    if p.is_dir():
        raise InputError.at(p, "-", "is a directory, not an .esx file")
    wanted = tuple(OPTIONAL_MEMBERS if members is None else members)
    try:
        zf = zipfile.ZipFile(p)
    except zipfile.BadZipFile:
        raise InputError.at(
            p, "-", "not a ZIP archive; an Ekahau .esx project is a ZIP of JSON files"
        ) from None
    except OSError as exc:
        raise InputError.at(p, "-", f"cannot read file: {exc.strerror or exc}") from None
    with zf:
        names = frozenset(i.filename for i in zf.infolist() if not i.is_dir())
        arc = EsxArchive(p, names)
        if "project.json" not in names:
            shown = ", ".join(sorted(names)[:8]) or "none"
            more = f" and {len(names) - 8} more" if len(names) > 8 else ""
            raise arc.error(
                "project.json",
                "-",
                f"not an Ekahau project: the archive has no project.json (members: {shown}{more})",
            )
        missing = [m for m in REQUIRED_MEMBERS if m not in names]
        if not any(m in names for m in RADIO_MEMBERS):
            missing.append(" or ".join(RADIO_MEMBERS))
        if missing:
            raise InputError([arc.problem(m, "-", "required member is missing") for m in missing])
        raw_version = _read_member(zf, p, "version")
        try:
            arc.format_version = raw_version.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise arc.error("version", "-", "member is not UTF-8 text") from None
        for name in REQUIRED_MEMBERS[1:] + tuple(m for m in wanted if m in names):
            if name not in arc.data:
                arc.data[name] = _decode_json(p, name, _read_member(zf, p, name))
    _check_versions(arc)
    return arc
