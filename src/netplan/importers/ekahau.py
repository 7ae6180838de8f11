"""Importing an Ekahau project (``.esx``) as netplan building survey files.

What is taken:

* floors: each floor plan with APs, capacity areas or walls is a floor, numbered from 1 in
  Ekahau's floor-number order (``buildingFloors.json``) or file order; coordinates are image
  units times the plan's ``metersPerUnit``, in metres from the image's top-left corner
  (x right, y down);
* access points (``mine`` only, placed on a floor plan): name, vendor, model, tags, position,
  and their Wi-Fi radios: band (antenna type, then ``defaultAntennas``, then the channel
  number), primary channel and width (20 MHz per channel listed), standard (``technology``),
  spatial streams, EIRP (``transmitPower`` plus the antenna's peak gain), enabled flag, and
  the per-band ``networkCapacitySettings`` (client limit, SSIDs, lowest basic rate). APs with
  no planned radio take their radios from ``measuredRadios.json`` survey data. Bluetooth
  radios are skipped;
* walls with their loss per band (``attenuationFactor`` dB/m times the wall type's
  thickness);
* capacity areas as zones, with their device counts and the applications of their usage
  profiles mapped onto netplan's catalogue (:mod:`netplan.importers.ekahau_apps`); a floor
  without capacity areas becomes one zone covering the floor plan;
* which AP serves which zone, with the predicted signal and share of the zone's clients
  (:mod:`netplan.importers.coverage`).

What an Ekahau project does not have (switches, uplinks, the WAN link, the building's
location, enrollment, staff and level, the bell schedule) is written as marked placeholders
that ``netplan check`` reports until they are filled in.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from netplan.errors import InputError, Problem, UsageError
from netplan.importers import ekahau_schema as ek
from netplan.importers.coverage import (
    Transmitter,
    WallLine,
    ZoneShape,
    predict_coverage,
)
from netplan.importers.ekahau_apps import catalogue_names, map_application
from netplan.importers.esx_archive import EsxArchive, read_esx
from netplan.importers.toml_writer import render_building
from netplan.outputs import staged_output
from netplan.radio.channels import center_frequency_mhz, channel_problem
from netplan.radio.cochannel import PathLossModel
from netplan.survey.loader import format_loc
from netplan.survey.models import BuildingFile

__all__ = [
    "OCCUPANT_AREA_M2",
    "PLACEHOLDER_LEVEL",
    "ImportOptions",
    "ImportReport",
    "ImportedBuilding",
    "convert_esx",
    "import_ekahau",
    "read_ekahau",
    "slug",
]

#: Floor area per occupant used to estimate a zone's capacity when the project gives no
#: device counts and no enrollment is known: the IBC 2018 occupant load factor for
#: educational classroom areas (Table 1004.5: 20 sq ft net = 1.858 m2 per occupant).
OCCUPANT_AREA_M2 = 20 * 0.09290304
#: Building level written (and marked) when no ``--level`` is given.
PLACEHOLDER_LEVEL = "k12"
#: Antenna height when a radio gives none (Ekahau's default), metres.
DEFAULT_ANTENNA_HEIGHT_M = 2.4
#: Band order for the radio that stands for an AP in the coverage prediction.
COVERAGE_BAND_ORDER = ("5", "6", "2.4")
#: Placeholder switch uplink rate, Mbps.
PLACEHOLDER_UPLINK_MBPS = 1000.0

_BANDS = {"TWO": "2.4", "FIVE": "5", "SIX": "6"}
_STANDARDS = {"N": "n", "AC": "ac", "AX": "ax", "BE": "be"}
_LEGACY = {"A", "B", "G"}
_BAND_DEFAULT_STANDARD = {"2.4": "n", "5": "ac", "6": "ax"}
_BAND_CENTRE_MHZ = {"2.4": 2437.0, "5": 5500.0, "6": 6475.0}
_WIDTHS = {1: 20, 2: 40, 4: 80, 8: 160, 16: 320}
_RATE_RE = re.compile(r"^R(\d+)(?:D(\d+))?$")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")

_ZONE_TYPE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"cafeteria|canteen|lunch|dining|commons"), "cafeteria"),
    (re.compile(r"\bgym|gymnasium|sports hall|fieldhouse"), "gym"),
    (re.compile(r"librar|media cent(er|re)|\bimc\b"), "library"),
    (re.compile(r"auditorium|theat(er|re)|\bstage\b|assembly hall|performing"), "auditorium"),
    (re.compile(r"hall(way)?\b|corridor|lobby|foyer|entrance|stair"), "hallway"),
    (re.compile(r"office|admin|staff|reception|principal|nurse|counsel"), "office"),
    (re.compile(r"\blab\b|laborator|science|computer|makerspace|stem\b"), "lab"),
    (re.compile(r"outdoor|courtyard|field|playground|quad\b|stadium|parking"), "outdoor"),
    (re.compile(r"class|room|\brm\b|^\d+[a-z]?$|grade|kinder"), "classroom"),
)


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class ImportOptions:
    """What the user adds on the command line to what the project has.

    Attributes
    ----------
    building_id
        Building id (or id prefix when the project has several buildings).
    name, level, lat, lon, enrollment, staff
        Building information the ``.esx`` lacks; each one left ``None`` is written as a
        marked placeholder.
    """

    building_id: str | None = None
    name: str | None = None
    level: str | None = None
    lat: float | None = None
    lon: float | None = None
    enrollment: int | None = None
    staff: int | None = None


@dataclass(frozen=True)
class ImportedBuilding:
    """One building made from the project.

    Attributes
    ----------
    building
        The validated building file.
    file_name
        Its file name (``<id>.toml``).
    fill_in
        ``[building]`` fields holding placeholders, with a hint each.
    header
        Comment lines for the top of the file.
    """

    building: BuildingFile
    file_name: str
    fill_in: dict[str, str]
    header: tuple[str, ...]

    def to_toml(self) -> str:
        """The building file as TOML, with its placeholders marked."""
        sw = self.building.switches[0]
        return render_building(
            self.building,
            header=self.header,
            fill_in=self.fill_in,
            switch_comment=(
                f"PLACEHOLDER: the project has no switches. Every AP is cabled to '{sw.id}'.",
                "Describe the real switches (id, uplink_to, uplink_mbps), point each AP's",
                "'switch' at its own, and remove 'placeholder'.",
            ),
            walls_comment=(
                "Walls from the project (wallSegments.json), metres, loss per band in dB.",
            ),
        )


@dataclass
class BuildingSummary:
    """Counts of what went into one building, for the report."""

    id: str
    name: str
    file_name: str
    floors: list[tuple[int, str, float]] = field(default_factory=list)
    access_points: int = 0
    radios: Counter[str] = field(default_factory=Counter)
    radios_enabled: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    walls: int = 0
    zones_from_areas: int = 0
    zones_whole_floor: int = 0
    devices: int = 0
    fill_in: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import took, what it ignored, and what it left to fill in."""

    source: str
    project: str = ""
    format_version: str = ""
    schema_version: str = ""
    buildings: list[BuildingSummary] = field(default_factory=list)
    ignored: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    mapped_applications: dict[str, str] = field(default_factory=dict)
    unmapped_applications: dict[str, tuple[float, int]] = field(default_factory=dict)
    device_profiles: Counter[str] = field(default_factory=Counter)
    placeholders: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Add a note once."""
        if text not in self.notes:
            self.notes.append(text)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "source": self.source,
            "project": self.project,
            "format_version": self.format_version,
            "schema_version": self.schema_version,
            "buildings": [
                {
                    "id": b.id,
                    "name": b.name,
                    "file": b.file_name,
                    "floors": [
                        {"floor": f, "floor_plan": n, "meters_per_unit": m} for f, n, m in b.floors
                    ],
                    "access_points": b.access_points,
                    "radios": dict(sorted(b.radios.items())),
                    "radios_enabled": dict(sorted(b.radios_enabled.items())),
                    "channels": dict(sorted(b.channels.items())),
                    "walls": b.walls,
                    "zones_from_areas": b.zones_from_areas,
                    "zones_whole_floor": b.zones_whole_floor,
                    "devices": b.devices,
                    "fill_in": b.fill_in,
                }
                for b in self.buildings
            ],
            "ignored": dict(sorted(self.ignored.items())),
            "notes": self.notes,
            "mapped_applications": self.mapped_applications,
            "unmapped_applications": {
                k: {"ekahau_rate_mbps": r, "devices": n}
                for k, (r, n) in sorted(self.unmapped_applications.items())
            },
            "device_profiles": dict(sorted(self.device_profiles.items())),
            "placeholders": self.placeholders,
            "written": self.written,
        }

    def lines(self) -> list[str]:
        """The report as text lines."""
        out = [
            f"Ekahau project {self.project!r} ({self.source}; format {self.format_version}, "
            f"schema {self.schema_version})"
        ]
        for b in self.buildings:
            bands = ", ".join(
                f"{band} GHz {b.radios_enabled[band]}/{n}"
                for band, n in sorted(b.radios.items(), key=lambda kv: float(kv[0]))
            )
            out.append(f"Building {b.id} ({b.name}) -> {b.file_name}")
            for num, plan, mpu in b.floors:
                out.append(f"  floor {num}: floor plan {plan!r}, {mpu:.5g} m per image unit")
            out.append(
                f"  {b.access_points} access points; radios enabled/total: {bands or 'none'}"
            )
            if b.channels:
                chans = ", ".join(f"{k} x{v}" for k, v in sorted(b.channels.items()))
                out.append(f"  channels: {chans}")
            out.append(
                f"  {b.walls} walls; {b.zones_from_areas} zones from capacity areas, "
                f"{b.zones_whole_floor} whole-floor zones; {b.devices} devices planned"
            )
        if self.mapped_applications:
            out.append("Applications mapped onto the catalogue:")
            for name, app in sorted(self.mapped_applications.items()):
                out.append(f"  {name} -> {app}")
        if self.unmapped_applications:
            out.append("Applications with no catalogue match (not carried over):")
            for name, (rate, n) in sorted(self.unmapped_applications.items()):
                out.append(f"  {name}: {rate:.2f} Mbps in Ekahau, {n} devices")
        if self.device_profiles:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.device_profiles.items()))
            out.append(
                f"Device profiles in capacity areas (describe them in devices.toml): {kinds}"
            )
        if self.ignored:
            out.append("Ignored:")
            for what, n in sorted(self.ignored.items()):
                out.append(f"  {what}: {n}")
        if self.notes:
            out.append("Notes:")
            out += [f"  {n}" for n in self.notes]
        if self.placeholders:
            out.append("To fill in (netplan check reports these):")
            out += [f"  {p}" for p in self.placeholders]
        for w in self.written:
            out.append(f"Wrote {w}")
        return out


# --------------------------------------------------------------------------- helpers


def slug(text: str, *, lower: bool = True) -> str:
    """An identifier made from free text: runs of other characters become ``-``."""
    s = re.sub(r"[^A-Za-z0-9_.:-]+", "-", text.strip())
    s = re.sub(r"-{2,}", "-", s).strip("-_.:")
    return s.lower() if lower else s


def _rate_mbps(rate: str) -> float | None:
    m = _RATE_RE.match(rate.strip().upper())
    if m is None:
        return None
    return float(m.group(1)) + (float(f"0.{m.group(2)}") if m.group(2) else 0.0)


def _channel_band(channel: int) -> str | None:
    if 1 <= channel <= 14:
        return "2.4"
    if 32 <= channel <= 177:
        return "5"
    return None


def _guess_zone_type(name: str) -> str | None:
    low = name.lower()
    for pattern, kind in _ZONE_TYPE_RULES:
        if pattern.search(low):
            return kind
    return None


def _peak_gain(antenna: ek.AntennaType | None) -> float | None:
    if antenna is None:
        return None
    if antenna.max_gain is not None:
        return antenna.max_gain
    gains = [
        g.gain for pattern in (antenna.hplane, antenna.eplane) if pattern for g in pattern.gains
    ]
    return max(gains) if gains else None


def _split(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` (>= len(weights)) in proportion to weights (largest remainder), each
    part at least 1."""
    n = len(weights)
    wsum = sum(weights)
    raw = [total * (w / wsum if wsum > 0 else 1.0 / n) for w in weights]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(n), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    for i in range(n):
        if parts[i] == 0:
            parts[i] = 1
            parts[max(range(n), key=lambda k: parts[k])] -= 1
    return parts


class _Ids:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, base: str) -> str:
        base = base[:60].strip("-_.:") or "x"
        cand, k = base, 2
        while cand in self.used:
            cand = f"{base[: 60 - len(str(k)) - 1]}-{k}"
            k += 1
        self.used.add(cand)
        return cand


@dataclass
class _Floor:
    plan: ek.FloorPlan
    number: int = 0
    height_m: float | None = None
    floor_number: int | None = None


@dataclass
class _Zone:
    id: str
    floor_plan_id: str
    name: str
    type: str | None
    polygon: BaseGeometry
    from_area: bool
    devices: int = 0
    applications: Counter[str] = field(default_factory=Counter)
    capacity: int = 0

    @property
    def placeholder(self) -> bool:
        return self.type is None or self.devices == 0


# --------------------------------------------------------------------------- conversion


class _Converter:
    def __init__(self, arc: EsxArchive, options: ImportOptions) -> None:
        self.arc = arc
        self.opt = options
        self.problems: list[Problem] = []
        self.report = ImportReport(source=str(arc.path), format_version=arc.format_version.strip())
        self.model = PathLossModel()
        self.catalogue = catalogue_names()

    # --- members -----------------------------------------------------------------------

    def _parse_all(self) -> None:
        a = self.arc
        self.project = a.parse("project.json", ek.ProjectFile).project
        self.plans = a.parse("floorPlans.json", ek.FloorPlansFile).floor_plans
        self.aps = a.parse("accessPoints.json", ek.AccessPointsFile).access_points

        def opt(member: str, model: Any, attr: str) -> list[Any]:
            return list(getattr(a.parse(member, model), attr)) if a.has(member) else []

        self.sim_radios: list[ek.SimulatedRadio] = opt(
            "simulatedRadios.json", ek.SimulatedRadiosFile, "simulated_radios"
        )
        self.meas_radios: list[ek.MeasuredRadio] = opt(
            "measuredRadios.json", ek.MeasuredRadiosFile, "measured_radios"
        )
        self.measurements = {
            m.id: m
            for m in opt(
                "accessPointMeasurements.json",
                ek.AccessPointMeasurementsFile,
                "access_point_measurements",
            )
        }
        self.antennas = {
            t.id: t for t in opt("antennaTypes.json", ek.AntennaTypesFile, "antenna_types")
        }
        self.wall_types = {t.id: t for t in opt("wallTypes.json", ek.WallTypesFile, "wall_types")}
        self.wall_segments: list[ek.WallSegment] = opt(
            "wallSegments.json", ek.WallSegmentsFile, "wall_segments"
        )
        self.wall_points = {
            p.id: p for p in opt("wallPoints.json", ek.WallPointsFile, "wall_points")
        }
        self.areas: list[ek.Area] = opt("areas.json", ek.AreasFile, "areas")
        self.usage = {
            u.id: u for u in opt("usageProfiles.json", ek.UsageProfilesFile, "usage_profiles")
        }
        self.apps = {
            p.id: p
            for p in opt(
                "applicationProfiles.json", ek.ApplicationProfilesFile, "application_profiles"
            )
        }
        self.devices = {
            d.id: d for d in opt("deviceProfiles.json", ek.DeviceProfilesFile, "device_profiles")
        }
        self.capacity: dict[str, ek.CapacitySetting] = {}
        for s in opt(
            "networkCapacitySettings.json",
            ek.NetworkCapacitySettingsFile,
            "network_capacity_settings",
        ):
            band = _BANDS.get(s.frequency_band.upper())
            if band is not None:
                self.capacity[band] = s
        self.ek_buildings = {b.id: b for b in opt("buildings.json", ek.BuildingsFile, "buildings")}
        self.building_floors: list[ek.BuildingFloor] = opt(
            "buildingFloors.json", ek.BuildingFloorsFile, "building_floors"
        )
        self.tag_keys = {t.id: t.key for t in opt("tagKeys.json", ek.TagKeysFile, "tag_keys")}
        if self.meas_radios and not self.measurements:
            missing = "accessPointMeasurements.json"
            if missing not in a.members:
                raise a.error(
                    missing, "-", "required member is missing (measuredRadios.json refers to it)"
                )
        if self.wall_segments:
            for member in ("wallPoints.json", "wallTypes.json"):
                if member not in a.members:
                    raise a.error(
                        member, "-", "required member is missing (wallSegments.json refers to it)"
                    )
        self.report.project = self.project.title or self.project.name
        self.report.schema_version = self.project.schema_version
        for member, what in (
            ("attenuationAreas.json", "attenuation areas"),
            ("exclusionAreas.json", "exclusion areas"),
            ("notes.json", "notes"),
            ("pictureNotes.json", "picture notes"),
            ("requirements.json", "coverage requirements"),
        ):
            if a.has(member):
                data = a.data[member]
                items: Any = next(iter(data.values()), []) if isinstance(data, dict) else []
                if isinstance(items, list) and items:
                    self.report.ignored[f"{what} ({member})"] += len(items)

    # --- floors and buildings ----------------------------------------------------------

    def _group_floors(self) -> list[tuple[str | None, list[_Floor]]]:
        plans = {}
        for i, p in enumerate(self.plans):
            if p.id in plans:
                self.problems.append(
                    self.arc.problem(
                        "floorPlans.json", f"floorPlans[{i}].id", f"duplicate id {p.id!r}"
                    )
                )
            plans[p.id] = _Floor(p)
        group_of: dict[str, str] = {}
        for i, bf in enumerate(self.building_floors):
            if bf.floor_plan_id not in plans:
                self.report.ignored["buildingFloors entries for unknown floor plans"] += 1
                continue
            f = plans[bf.floor_plan_id]
            f.floor_number, f.height_m = bf.floor_number, bf.height
            group_of[bf.floor_plan_id] = bf.building_id
            if bf.building_id not in self.ek_buildings:
                self.report.note(
                    f"buildingFloors[{i}] names building {bf.building_id!r}, which "
                    "buildings.json lacks; its floors are imported as an unnamed building"
                )
        used = self._used_plans()
        groups: dict[str | None, list[_Floor]] = defaultdict(list)
        for p in self.plans:
            if p.id not in used:
                self.report.ignored["floor plans with no APs, areas or walls"] += 1
                continue
            groups[group_of.get(p.id)].append(plans[p.id])
        order = [p.id for p in self.plans]
        out: list[tuple[str | None, list[_Floor]]] = []
        for gid, floors in groups.items():
            floors.sort(
                key=lambda f: (
                    f.floor_number if f.floor_number is not None else math.inf,
                    order.index(f.plan.id),
                )
            )
            for k, f in enumerate(floors, start=1):
                f.number = k
            out.append((gid, floors))
        return out

    def _used_plans(self) -> set[str]:
        used = {ap.location.floor_plan_id for ap in self.aps if ap.mine and ap.location is not None}
        used |= {a.floor_plan_id for a in self.areas}
        used |= {p.location.floor_plan_id for p in self.wall_points.values()}
        return used

    # --- radios ------------------------------------------------------------------------

    def _band(self, r: ek.SimulatedRadio, where: str) -> str | None:
        band: str | None = None
        if r.frequency_band:
            band = _BANDS.get(r.frequency_band.upper())
        ant = self.antennas.get(r.antenna_type_id or "")
        if band is None and ant is not None and ant.frequency_band:
            band = _BANDS.get(ant.frequency_band.upper())
        if band is None:
            matches = {
                _BANDS.get(d.frequency_band.upper())
                for d in r.default_antennas
                if d.antenna_type_id == r.antenna_type_id
            } - {None}
            if len(matches) == 1:
                band = matches.pop()
        if band is None and r.access_point_index < len(r.default_antennas):
            band = _BANDS.get(r.default_antennas[r.access_point_index].frequency_band.upper())
        by_channel = _channel_band(r.channel[0]) if r.channel else None
        if band is None:
            band = by_channel
        elif by_channel and band != "6" and band != by_channel:
            self.report.note(
                f"{where}: antenna band {band} GHz does not fit channel {r.channel[0]}; "
                f"{by_channel} GHz used"
            )
            band = by_channel
        return band

    def _standard(self, tech: str | None, band: str, where: str) -> str:
        t = (tech or "").upper()
        if t in _STANDARDS:
            std = _STANDARDS[t]
            if band == "2.4" and std == "ac":
                self.report.note(f"{where}: 802.11ac at 2.4 GHz written as 802.11n")
                return "n"
            if band == "6" and std in ("n", "ac"):
                self.report.note(f"{where}: 802.11{std} at 6 GHz written as 802.11ax")
                return "ax"
            return std
        if t in _LEGACY:
            self.report.ignored["legacy 802.11a/b/g radios written as 802.11n"] += 1
            return "n"
        self.report.ignored[
            "radios without a known technology (written as the band's default)"
        ] += 1
        return _BAND_DEFAULT_STANDARD[band]

    def _capacity_fields(self, band: str) -> dict[str, Any]:
        s = self.capacity.get(band)
        if s is None:
            return {}
        out: dict[str, Any] = {}
        if s.max_associated_clients_amount is not None:
            n = s.max_associated_clients_amount
            out["max_clients"] = min(max(n, 1), 1024)
            if n != out["max_clients"]:
                self.report.note(
                    f"{band} GHz client limit {n} is outside 1-1024; {out['max_clients']} written"
                )
        if s.number_of_ssids:
            out["ssids"] = min(s.number_of_ssids, 32)
        rates = [
            r
            for r in (_rate_mbps(x.rate) for x in s.abg_rates if x.state.upper() == "MANDATORY")
            if r is not None
        ]
        if rates:
            out["basic_rate_mbps"] = min(rates)
        if s.rts_cts_enabled is not None or s.bss_coloring is not None:
            self.report.ignored[
                "capacity settings without a survey field (RTS/CTS, BSS colouring)"
            ] = len(self.capacity)
        return out

    def _simulated_radio(
        self, r: ek.SimulatedRadio, i: int, ap_name: str
    ) -> tuple[dict[str, Any], float] | None:
        member = "simulatedRadios.json"
        where = f"{member}:simulatedRadios[{i}] (AP {ap_name!r})"
        if r.radio_technology.upper() == "BLUETOOTH":
            self.report.ignored["Bluetooth radios"] += 1
            return None
        if r.radio_technology.upper() != "IEEE802_11":
            self.report.ignored[f"{r.radio_technology} radios"] += 1
            return None
        if not r.channel:
            self.report.ignored["Wi-Fi radios without a channel"] += 1
            return None
        width = _WIDTHS.get(len(r.channel))
        if width is None:
            self.problems.append(
                self.arc.problem(
                    member,
                    f"simulatedRadios[{i}].channel",
                    f"{len(r.channel)} channels listed; a radio lists 1, 2, 4, 8 or 16 "
                    "(20-320 MHz)",
                )
            )
            return None
        band = self._band(r, where)
        if band is None:
            self.report.ignored["Wi-Fi radios whose band cannot be told"] += 1
            return None
        ant = self.antennas.get(r.antenna_type_id or "")
        gain = _peak_gain(ant)
        if gain is None:
            gain = 0.0
            self.report.ignored["radios with no antenna gain given (0 dBi used)"] += 1
        eirp = None if r.transmit_power is None else round(r.transmit_power + gain, 2)
        radio: dict[str, Any] = {
            "band": band,
            "standard": self._standard(r.technology, band, where),
            "channel": r.channel[0],
            "width_mhz": width,
            "spatial_streams": r.spatial_stream_count,
            "tx_power_dbm": eirp,
            "enabled": r.enabled,
            **self._capacity_fields(band),
        }
        height = r.antenna_height if r.antenna_height is not None else DEFAULT_ANTENNA_HEIGHT_M
        return radio, height

    def _measured_radios(self, ap: ek.EkAccessPoint) -> list[dict[str, Any]]:
        seen: dict[tuple[int, ...], set[str]] = {}
        for mr in self.meas_radios:
            if mr.access_point_id != ap.id:
                continue
            for mid in mr.access_point_measurement_ids:
                m = self.measurements.get(mid)
                if m is None or not m.channel:
                    continue
                seen.setdefault(tuple(m.channel), set()).update(t.upper() for t in m.technologies)
        out = []
        for chans, techs in sorted(seen.items()):
            band = _channel_band(chans[0])
            width = _WIDTHS.get(len(chans))
            if band is None or width is None:
                self.report.ignored["surveyed radios whose band or width cannot be told"] += 1
                continue
            best = next((t for t in ("BE", "AX", "AC", "N") if t in techs), None)
            out.append(
                {
                    "band": band,
                    "standard": self._standard(best, band, f"AP {ap.name!r} (surveyed)"),
                    "channel": chans[0],
                    "width_mhz": width,
                    "enabled": True,
                    **self._capacity_fields(band),
                }
            )
        if out:
            self.report.note(
                "APs without planned radios take theirs from survey measurements "
                "(no transmit power; 2 spatial streams assumed)"
            )
        return out

    # --- zones -------------------------------------------------------------------------

    def _area_zone(self, area: ek.Area, i: int, bid: str, ids: _Ids, f: _Floor) -> _Zone | None:
        mpu = f.plan.meters_per_unit
        if len(area.area) < 3:
            self.report.ignored["capacity areas with fewer than 3 corners"] += 1
            return None
        poly: BaseGeometry = Polygon([(c.x * mpu, c.y * mpu) for c in area.area])
        if not poly.is_valid:
            poly = poly.buffer(0)
        if poly.is_empty or poly.area <= 0:
            self.report.ignored["capacity areas of zero size"] += 1
            return None
        name = area.name or f"area {i + 1}"
        z = _Zone(
            id=ids.make(f"{bid}-{slug(name) or 'area'}"),
            floor_plan_id=area.floor_plan_id,
            name=name,
            type=_guess_zone_type(name),
            polygon=poly,
            from_area=True,
        )
        for k, item in enumerate(area.capacity_items):
            if item.amount is None:
                self.report.ignored["capacity items without a device count"] += 1
                continue
            z.devices += item.amount
            dev = self.devices.get(item.device_profile_id or "")
            self.report.device_profiles[dev.name if dev else "unknown device profile"] += (
                item.amount
            )
            usage = self.usage.get(item.usage_profile_id or "")
            if usage is None:
                self.report.note(
                    f"areas.json:areas[{i}].capacityItems[{k}]: usage profile "
                    f"{item.usage_profile_id!r} not found; its applications are not mapped"
                )
                continue
            apps: set[str] = set()
            for app_id in usage.application_profile_ids:
                prof = self.apps.get(app_id)
                if prof is None:
                    continue
                mapped = map_application(prof.key, prof.name, self.catalogue)
                if mapped is None:
                    _rate, n = self.report.unmapped_applications.get(prof.name, (0.0, 0))
                    self.report.unmapped_applications[prof.name] = (
                        prof.bit_rate / 1e6,
                        n + item.amount,
                    )
                else:
                    self.report.mapped_applications[prof.name] = mapped
                    apps.add(mapped)
            for app in apps:
                z.applications[app] += item.amount
        return z

    def _floor_zone(self, bid: str, ids: _Ids, f: _Floor) -> _Zone:
        p, mpu = f.plan, f.plan.meters_per_unit
        x0 = p.crop_min_x if p.crop_min_x is not None else 0.0
        y0 = p.crop_min_y if p.crop_min_y is not None else 0.0
        x1 = p.crop_max_x if p.crop_max_x is not None else p.width
        y1 = p.crop_max_y if p.crop_max_y is not None else p.height
        poly = Polygon(
            [(x0 * mpu, y0 * mpu), (x1 * mpu, y0 * mpu), (x1 * mpu, y1 * mpu), (x0 * mpu, y1 * mpu)]
        )
        return _Zone(
            id=ids.make(f"{bid}-floor{f.number}"),
            floor_plan_id=p.id,
            name=f"{p.name or 'floor ' + str(f.number)} (whole floor)",
            type=None,
            polygon=poly,
            from_area=False,
        )

    def _zone_capacities(self, zones: list[_Zone]) -> None:
        for z in zones:
            if z.devices > 0:
                z.capacity = z.devices
        todo = [z for z in zones if z.devices == 0]
        if not todo:
            return
        if self.opt.enrollment is not None:
            people = self.opt.enrollment + (self.opt.staff or 0)
            people -= sum(z.capacity for z in zones if z.devices > 0)
            people = max(people, len(todo))
            for z, n in zip(todo, _split(people, [z.polygon.area for z in todo]), strict=True):
                z.capacity = n
            self.report.note(
                "zones without device counts share the enrollment and staff in proportion to "
                "their floor area"
            )
        else:
            for z in todo:
                z.capacity = max(1, round(z.polygon.area / OCCUPANT_AREA_M2))
            self.report.note(
                "zones without device counts hold their floor area at "
                f"{OCCUPANT_AREA_M2:.2f} m2 per person (IBC 2018 Table 1004.5, educational "
                "classroom areas); give --enrollment to share the enrollment instead"
            )

    # --- one building ------------------------------------------------------------------

    def _building(self, gid: str | None, floors: list[_Floor], bid: str) -> ImportedBuilding | None:
        by_plan = {f.plan.id: f for f in floors}
        ids = _Ids()
        summary = BuildingSummary(
            id=bid,
            name="",
            file_name=f"{bid}.toml",
            floors=[(f.number, f.plan.name, f.plan.meters_per_unit) for f in floors],
        )
        switch_id = ids.make(f"{bid}-switch")
        # Access points and their radios.
        radios_of: dict[str, list[tuple[int, ek.SimulatedRadio]]] = defaultdict(list)
        for i, r in enumerate(self.sim_radios):
            radios_of[r.access_point_id].append((i, r))
        aps: list[dict[str, Any]] = []
        txs: dict[str, list[Transmitter]] = defaultdict(list)
        for ap in self.aps:
            if ap.location is None or ap.location.floor_plan_id not in by_plan or not ap.mine:
                continue
            f = by_plan[ap.location.floor_plan_id]
            mpu = f.plan.meters_per_unit
            radios: list[dict[str, Any]] = []
            heights: list[float] = []
            for i, r in sorted(radios_of.get(ap.id, []), key=lambda t: t[1].access_point_index):
                got = self._simulated_radio(r, i, ap.name)
                if got is not None:
                    radios.append(got[0])
                    heights.append(got[1])
            if not radios_of.get(ap.id):
                radios = self._measured_radios(ap)
                heights = [DEFAULT_ANTENNA_HEIGHT_M] * len(radios)
            if not radios:
                self.report.ignored["APs with no Wi-Fi radio"] += 1
                continue
            ap_id = ids.make(f"{bid}-{slug(ap.name) or 'ap'}")
            tags = {self.tag_keys.get(t.tag_key_id, t.tag_key_id): t.value for t in ap.tags}
            if ap.tags and not self.tag_keys:
                self.report.note("AP tags are keyed by tag-key id: the project has no tagKeys.json")
            x, y = ap.location.coord.x * mpu, ap.location.coord.y * mpu
            aps.append(
                {
                    "id": ap_id,
                    "name": ap.name,
                    "vendor": ap.vendor,
                    "model": ap.model,
                    "tags": tags,
                    "switch": switch_id,
                    "floor": f.number,
                    "x_m": round(x, 2),
                    "y_m": round(y, 2),
                    "radios": radios,
                }
            )
            txs[f.plan.id].append(self._transmitter(ap_id, x, y, radios, heights))
            summary.access_points += 1
            for rd in radios:
                summary.radios[rd["band"]] += 1
                summary.radios_enabled[rd["band"]] += int(rd["enabled"])
                summary.channels[f"{rd['band']} GHz ch {rd['channel']}/{rd['width_mhz']} MHz"] += 1
        if not aps:
            self.report.ignored["buildings with no access points"] += 1
            return None
        for band in sorted(summary.radios_enabled):
            chans = Counter(
                r["channel"] for a in aps for r in a["radios"] if r["band"] == band and r["enabled"]
            )
            if summary.radios_enabled[band] >= 4 and len(chans) == 1:
                self.report.note(
                    f"{bid}: all {summary.radios_enabled[band]} enabled {band} GHz radios are on "
                    f"channel {next(iter(chans))} (the project has no channel plan); plan one "
                    "with `netplan wifi channels` before simulating"
                )
        # Walls.
        walls: list[dict[str, Any]] = []
        wall_lines: dict[str, list[WallLine]] = defaultdict(list)
        for i, seg in enumerate(self.wall_segments):
            placed = self._wall(seg, i)
            if placed is None:
                continue
            plan_id, wall = placed
            if plan_id not in by_plan:
                continue
            f = by_plan[plan_id]
            walls.append({"floor": f.number, **wall})
            wall_lines[plan_id].append(
                WallLine(
                    wall["x1_m"], wall["y1_m"], wall["x2_m"], wall["y2_m"], wall["attenuation_db"]
                )
            )
        summary.walls = len(walls)
        # Zones.
        zones: list[_Zone] = []
        for i, area in enumerate(self.areas):
            if area.floor_plan_id in by_plan:
                z = self._area_zone(area, i, bid, ids, by_plan[area.floor_plan_id])
                if z is not None:
                    zones.append(z)
        for f in floors:
            if not any(z.floor_plan_id == f.plan.id for z in zones):
                zones.append(self._floor_zone(bid, ids, f))
        self._zone_capacities(zones)
        summary.zones_from_areas = sum(z.from_area for z in zones)
        summary.zones_whole_floor = len(zones) - summary.zones_from_areas
        summary.devices = sum(z.devices for z in zones)
        if any(z.type is None for z in zones):
            self.report.note(
                "zones whose name tells no type (and whole-floor zones) are written as "
                "'classroom', so the enrollment has seats; they are marked placeholder"
            )
        # Coverage.
        serves: dict[str, list[dict[str, Any]]] = defaultdict(list)
        clamped = 0
        for f in floors:
            fz = [z for z in zones if z.floor_plan_id == f.plan.id]
            result = predict_coverage(
                txs[f.plan.id],
                [ZoneShape(z.id, z.polygon) for z in fz],
                wall_lines[f.plan.id],
                model=self.model,
            )
            for (ap_id, zone_id), cov in sorted(result.items(), key=lambda kv: -kv[1].share):
                rssi = round(cov.rssi_dbm, 1)
                if not -110.0 <= rssi <= 0.0:
                    clamped += 1
                    rssi = min(max(rssi, -110.0), 0.0)
                serves[ap_id].append(
                    {"zone": zone_id, "rssi_dbm": rssi, "share": round(cov.share, 3)}
                )
        if clamped:
            self.report.note(f"{clamped} predicted signals outside -110..0 dBm were clamped")
        for item in aps:
            item["serves"] = serves[item["id"]]
        # Building information.
        info, fill_in = self._info(gid, bid, floors)
        summary.name = info["name"]
        summary.fill_in = sorted(fill_in)
        data = {
            "building": info,
            "zones": [
                {
                    "id": z.id,
                    "type": z.type or "classroom",
                    "name": z.name,
                    "floor": by_plan[z.floor_plan_id].number,
                    "capacity": z.capacity,
                    "x_m": round(z.polygon.centroid.x, 2),
                    "y_m": round(z.polygon.centroid.y, 2),
                    **({"devices": z.devices} if z.devices else {}),
                    **(
                        {"applications": dict(sorted(z.applications.items()))}
                        if z.applications
                        else {}
                    ),
                    "placeholder": z.placeholder,
                }
                for z in zones
            ],
            "switches": [
                {
                    "id": switch_id,
                    "uplink_to": "router",
                    "uplink_mbps": PLACEHOLDER_UPLINK_MBPS,
                    "floor": 1,
                    "placeholder": True,
                }
            ],
            "access_points": aps,
            "walls": walls,
        }
        try:
            model = BuildingFile.model_validate(data)
        except ValidationError as exc:
            raise InputError(
                [
                    Problem(
                        str(self.arc.path),
                        f"building {bid}: {format_loc(err['loc'], data)}",
                        f"{err['msg']} (got {err.get('input')!r})",
                    )
                    for err in exc.errors(include_url=False)
                ]
            ) from None
        self.report.buildings.append(summary)
        header = (
            f"Building {bid}: imported from {self.arc.path.name} (Ekahau project "
            f"{self.report.project!r}) by `netplan import-ekahau`.",
            "Positions are metres from the top-left corner of each floor plan image "
            "(x right, y down).",
            "Radio tx_power_dbm is EIRP (Ekahau transmit power plus antenna peak gain).",
            "serves: predicted median signal (rssi_dbm) and share of each zone's clients an AP "
            "is strongest for.",
            "Fill in what the project lacks: the [building] values marked TO FILL IN, the "
            "placeholder switch,",
            "zones marked placeholder, and a WAN link for this building in district.toml.",
        )
        return ImportedBuilding(model, f"{bid}.toml", fill_in, header)

    def _transmitter(
        self, ap_id: str, x: float, y: float, radios: list[dict[str, Any]], heights: list[float]
    ) -> Transmitter:
        def rank(k: int) -> tuple[int, int, int]:
            r = radios[k]
            return (0 if r["enabled"] else 1, COVERAGE_BAND_ORDER.index(r["band"]), k)

        k = min(range(len(radios)), key=rank)
        r = radios[k]
        band, ch = r["band"], r["channel"]
        eirp = r.get("tx_power_dbm")
        if eirp is None:
            eirp = self.model.default_tx_power_dbm[band]
            self.report.note(
                "radios without a transmit power use the radio model's band default EIRP "
                "in the coverage prediction"
            )
        freq = (
            center_frequency_mhz(band, ch)
            if channel_problem(band, ch, 20) is None
            else _BAND_CENTRE_MHZ[band]
        )
        return Transmitter(ap_id, x, y, heights[k], float(eirp), freq, band, bool(r["enabled"]))

    def _wall(self, seg: ek.WallSegment, i: int) -> tuple[str, dict[str, Any]] | None:
        where = f"wallSegments[{i}]"
        p1 = self.wall_points.get(seg.point1_id)
        p2 = self.wall_points.get(seg.point2_id)
        wt = self.wall_types.get(seg.wall_type_id)
        for ok, fld, ref, member in (
            (p1, "point1Id", seg.point1_id, "wallPoints.json"),
            (p2, "point2Id", seg.point2_id, "wallPoints.json"),
            (wt, "wallTypeId", seg.wall_type_id, "wallTypes.json"),
        ):
            if ok is None:
                self.problems.append(
                    self.arc.problem(
                        "wallSegments.json", f"{where}.{fld}", f"{ref!r} is not in {member}"
                    )
                )
        if p1 is None or p2 is None or wt is None:
            return None
        if p1.location.floor_plan_id != p2.location.floor_plan_id:
            self.report.ignored["walls whose ends lie on different floor plans"] += 1
            return None
        plan = next((p for p in self.plans if p.id == p1.location.floor_plan_id), None)
        if plan is None:
            self.problems.append(
                self.arc.problem(
                    "wallPoints.json",
                    f"{seg.point1_id}.location.floorPlanId",
                    f"unknown floor plan {p1.location.floor_plan_id!r}",
                )
            )
            return None
        mpu = plan.meters_per_unit
        x1, y1 = p1.location.coord.x * mpu, p1.location.coord.y * mpu
        x2, y2 = p2.location.coord.x * mpu, p2.location.coord.y * mpu
        if math.hypot(x2 - x1, y2 - y1) < 1e-6:
            self.report.ignored["walls of zero length"] += 1
            return None
        atten = {
            _BANDS[pp.band.upper()]: round(pp.attenuation_factor * wt.thickness, 2)
            for pp in wt.propagation_properties
            if pp.band.upper() in _BANDS
        }
        return plan.id, {
            "x1_m": round(x1, 2),
            "y1_m": round(y1, 2),
            "x2_m": round(x2, 2),
            "y2_m": round(y2, 2),
            "attenuation_db": dict(sorted(atten.items(), key=lambda kv: float(kv[0]))),
        }

    def _info(
        self, gid: str | None, bid: str, floors: list[_Floor]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        o = self.opt
        ekb = self.ek_buildings.get(gid or "")
        name = o.name or (ekb.name if ekb and ekb.name else "") or self.report.project
        name = name or self.arc.path.stem
        fill: dict[str, str] = {}
        info: dict[str, Any] = {"id": bid, "name": name}
        if o.level is None:
            fill["level"] = "elementary, middle, high, k8, k12 or office (or --level)"
        info["level"] = o.level or PLACEHOLDER_LEVEL
        for key, value, default, hint in (
            ("lat", o.lat, 0.0, "latitude in degrees (or --lat)"),
            ("lon", o.lon, 0.0, "longitude in degrees (or --lon)"),
            ("enrollment", o.enrollment, 0, "students enrolled (or --enrollment)"),
            ("staff", o.staff, 0, "staff (or --staff)"),
        ):
            info[key] = default if value is None else value
            if value is None:
                fill[key] = hint
        info["floors"] = len(floors)
        heights = sorted(f.height_m for f in floors if f.height_m)
        if heights:
            info["floor_height_m"] = heights[len(heights) // 2]
        info["placeholder"] = bool(fill)
        return info, fill

    # --- all ---------------------------------------------------------------------------

    def run(self) -> list[ImportedBuilding]:
        self._parse_all()
        groups = self._group_floors()
        if self.problems:
            raise InputError(self.problems)
        if not groups:
            raise self.arc.error(
                "accessPoints.json",
                "-",
                "no access point of this project is placed on a floor plan",
            )
        base = self._base_id()
        used_ids: set[str] = set()
        out: list[ImportedBuilding] = []
        for gid, floors in groups:
            if len(groups) == 1:
                bid = base
            else:
                ekb = self.ek_buildings.get(gid or "")
                suffix = slug(ekb.name) if ekb and ekb.name else "unassigned"
                bid = f"{base}-{suffix}"[:64].strip("-_.:")
            while bid in used_ids:
                bid = f"{bid[:60]}-{len(used_ids) + 1}"
            used_ids.add(bid)
            built = self._building(gid, floors, bid)
            if self.problems:
                raise InputError(self.problems)
            if built is not None:
                out.append(built)
        if not out:
            raise self.arc.error(
                "simulatedRadios.json", "-", "no access point of this project has a Wi-Fi radio"
            )
        self._placeholders(out)
        return out

    def _base_id(self) -> str:
        if self.opt.building_id is not None:
            bid = self.opt.building_id
            if not _ID_RE.match(bid) or len(bid) > 64:
                raise UsageError.at(
                    "--building-id",
                    "-",
                    f"{bid!r} is not an id: use letters, digits, '_', '.', ':' or '-', "
                    "starting with a letter or digit, at most 64 characters",
                )
            return bid
        if len(self.ek_buildings) == 1:
            only = next(iter(self.ek_buildings.values()))
            if only.name and slug(only.name):
                return slug(only.name)[:40]
        return (slug(self.project.name) or slug(self.arc.path.stem) or "building")[:40]

    def _placeholders(self, built: list[ImportedBuilding]) -> None:
        r = self.report
        for b in built:
            bid = b.building.building.id
            r.placeholders.append(
                f"{b.file_name}: switch {b.building.switches[0].id!r} is a placeholder: "
                "describe the real switches and AP cabling"
            )
            if b.fill_in:
                r.placeholders.append(
                    f"{b.file_name}: building {', '.join(sorted(b.fill_in))} (marked TO FILL IN)"
                )
            zs = [z.id for z in b.building.zones if z.placeholder]
            if zs:
                r.placeholders.append(
                    f"{b.file_name}: {len(zs)} zone(s) with estimated type or capacity: "
                    + ", ".join(zs[:5])
                    + (" ..." if len(zs) > 5 else "")
                )
            r.placeholders.append(
                f"district.toml: add a WAN link for building {bid!r} (the project has no WAN)"
            )
        r.placeholders.append(
            "bell schedule, DHCP scopes and client device fleet: not in an Ekahau project"
        )


# --------------------------------------------------------------------------- entry points


def convert_esx(
    arc: EsxArchive, options: ImportOptions | None = None
) -> tuple[list[ImportedBuilding], ImportReport]:
    """Turn a parsed ``.esx`` archive into building files (nothing is written).

    Raises
    ------
    InputError
        For members whose fields have the wrong type or refer to things that do not exist.
    """
    conv = _Converter(arc, options or ImportOptions())
    built = conv.run()
    return built, conv.report


def read_ekahau(
    path: str | Path, options: ImportOptions | None = None
) -> tuple[list[ImportedBuilding], ImportReport]:
    """Read an ``.esx`` project and build its building files in memory.

    Parameters
    ----------
    path
        The Ekahau project.
    options
        Building information the project lacks, and the building id.

    Returns
    -------
    tuple
        The buildings and the import report.

    Raises
    ------
    InputError
        If the file is not a readable Ekahau project of a supported version, or its
        contents are inconsistent; each problem names the file, member and field.
    """
    return convert_esx(read_esx(path), options)


def import_ekahau(
    path: str | Path,
    out_dir: str | Path,
    options: ImportOptions | None = None,
    *,
    force: bool = False,
) -> ImportReport:
    """Import an ``.esx`` project as building files in ``out_dir``.

    Every file is built and validated before any is written, and they are moved into place
    together, so a failed import leaves ``out_dir`` as it was.

    Parameters
    ----------
    path
        The Ekahau project.
    out_dir
        The survey's ``buildings/`` directory.
    options
        Building information the project lacks, and the building id.
    force
        Replace building files that already exist.

    Returns
    -------
    ImportReport
        What was taken, ignored, and left to fill in.

    Raises
    ------
    InputError
        For a bad project; :class:`~netplan.errors.UsageError` if a file exists and
        ``force`` is not set.
    """
    built, report = read_ekahau(path, options)
    out = Path(out_dir)
    texts = {b.file_name: b.to_toml() for b in built}
    if not force:
        exists = [name for name in texts if (out / name).exists()]
        if exists:
            raise UsageError(
                [
                    Problem(str(out / name), "-", "file exists; use --force to replace it")
                    for name in exists
                ]
            )
    with staged_output(out) as stage:
        for name, text in texts.items():
            (stage / name).write_text(text, encoding="utf-8")
    report.written = [str(out / name) for name in texts]
    return report
