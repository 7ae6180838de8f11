"""Typed views of the Ekahau ``.esx`` JSON members the importer reads.

Only the fields used are declared; others are ignored (Ekahau files carry many more). Field
names are the files' camelCase names in snake_case (``metersPerUnit`` is ``meters_per_unit``);
messages use the files' names. Types are checked, so a member whose ``channel`` is a
string or whose ``coord`` is missing fails with the member and field named.

The shapes were read from real projects (Ekahau Pro format ``2.0``, project schema 1.4/1.5).
``areas.json`` capacity items were empty in every project available, so their count field is
accepted under the names ``amount``, ``count`` or ``deviceCount`` (not confirmed against an
Ekahau file that fills them).
"""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "AbgRate",
    "AccessPointMeasurement",
    "AccessPointMeasurementsFile",
    "AccessPointsFile",
    "AntennaType",
    "AntennaTypesFile",
    "ApplicationProfile",
    "ApplicationProfilesFile",
    "Area",
    "AreasFile",
    "BuildingFloor",
    "BuildingFloorsFile",
    "BuildingsFile",
    "CapacityItem",
    "CapacitySetting",
    "Coord",
    "DeviceProfile",
    "DeviceProfilesFile",
    "EkAccessPoint",
    "EkBuilding",
    "FloorPlan",
    "FloorPlansFile",
    "Location",
    "MeasuredRadio",
    "MeasuredRadiosFile",
    "NetworkCapacitySettingsFile",
    "ProjectFile",
    "SimulatedRadio",
    "SimulatedRadiosFile",
    "TagKeysFile",
    "UsageProfile",
    "UsageProfilesFile",
    "WallPoint",
    "WallPointsFile",
    "WallSegment",
    "WallSegmentsFile",
    "WallType",
    "WallTypesFile",
]


class _Ek(BaseModel):
    model_config = ConfigDict(
        extra="ignore", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


class Coord(_Ek):
    """A point on a floor-plan image, in image units (pixels)."""

    x: float
    y: float


class Location(_Ek):
    """Where something is: a floor plan and a point on it."""

    floor_plan_id: str
    coord: Coord


class Project(_Ek):
    """``project.json``: project identity and schema version."""

    schema_version: str
    name: str = ""
    title: str = ""


class ProjectFile(_Ek):
    project: Project


class FloorPlan(_Ek):
    """A floor-plan image and its scale."""

    id: str
    name: str = ""
    width: float = Field(gt=0)
    height: float = Field(gt=0)
    meters_per_unit: float = Field(gt=0)
    crop_min_x: float | None = None
    crop_min_y: float | None = None
    crop_max_x: float | None = None
    crop_max_y: float | None = None


class FloorPlansFile(_Ek):
    floor_plans: list[FloorPlan]


class Tag(_Ek):
    """A tag on an access point (Ekahau 10.2+): a tag key id and a value."""

    tag_key_id: str
    value: str = ""


class EkAccessPoint(_Ek):
    """An access point of ``accessPoints.json``."""

    id: str
    name: str = ""
    vendor: str = ""
    model: str = ""
    mine: bool = True
    location: Location | None = None
    tags: list[Tag] = []


class AccessPointsFile(_Ek):
    access_points: list[EkAccessPoint]


class DefaultAntenna(_Ek):
    """One entry of a radio's ``defaultAntennas``: the antenna a band uses by default."""

    radio_technology: str = ""
    frequency_band: str
    antenna_type_id: str = ""


class SimulatedRadio(_Ek):
    """A planned radio of ``simulatedRadios.json``."""

    id: str
    access_point_id: str
    access_point_index: int = Field(default=0, ge=0)
    transmit_power: float | None = None
    channel: list[int] = []
    antenna_type_id: str | None = None
    antenna_height: float | None = Field(default=None, ge=0, le=100)
    technology: str | None = None
    radio_technology: str = "IEEE802_11"
    spatial_stream_count: int = Field(default=1, ge=1, le=16)
    default_antennas: list[DefaultAntenna] = []
    enabled: bool = True
    frequency_band: str | None = None


class SimulatedRadiosFile(_Ek):
    simulated_radios: list[SimulatedRadio]


class MeasuredRadio(_Ek):
    """A surveyed radio of ``measuredRadios.json``: links an AP to its measurements."""

    id: str
    access_point_id: str
    access_point_measurement_ids: list[str] = []


class MeasuredRadiosFile(_Ek):
    measured_radios: list[MeasuredRadio]


class AccessPointMeasurement(_Ek):
    """One surveyed BSS: its channel(s) and the PHY technologies it announced."""

    id: str
    channel: list[int] = []
    technologies: list[str] = []
    ssid: str = ""


class AccessPointMeasurementsFile(_Ek):
    access_point_measurements: list[AccessPointMeasurement]


class GainPoint(_Ek):
    angle: float
    gain: float


class Pattern(_Ek):
    gains: list[GainPoint] = []


class AntennaType(_Ek):
    """An antenna: band and gain (peak gain, or the pattern it can be read from)."""

    id: str
    name: str = ""
    frequency_band: str | None = None
    max_gain: float | None = None
    hplane: Pattern | None = None
    eplane: Pattern | None = None


class AntennaTypesFile(_Ek):
    antenna_types: list[AntennaType]


class Propagation(_Ek):
    """Attenuation of a wall material in one band, in dB per metre of thickness."""

    band: str
    attenuation_factor: float = Field(ge=0)


class WallType(_Ek):
    id: str
    name: str = ""
    thickness: float = Field(ge=0)
    propagation_properties: list[Propagation] = []


class WallTypesFile(_Ek):
    wall_types: list[WallType]


class WallPoint(_Ek):
    id: str
    location: Location


class WallPointsFile(_Ek):
    wall_points: list[WallPoint]


class WallSegment(_Ek):
    id: str
    point1_id: str
    point2_id: str
    wall_type_id: str


class WallSegmentsFile(_Ek):
    wall_segments: list[WallSegment]


class CapacityItem(_Ek):
    """Devices of one device profile running one usage profile in a capacity area."""

    device_profile_id: str | None = None
    usage_profile_id: str | None = None
    amount: int | None = Field(
        default=None, ge=0, validation_alias=AliasChoices("amount", "count", "deviceCount")
    )


class Area(_Ek):
    """A capacity area: a polygon on a floor plan with the devices expected in it."""

    id: str
    name: str = ""
    floor_plan_id: str
    area: list[Coord]
    capacity_items: list[CapacityItem] = []


class AreasFile(_Ek):
    areas: list[Area]


class UsageProfile(_Ek):
    id: str
    name: str = ""
    key: str | None = None
    application_profile_ids: list[str] = []


class UsageProfilesFile(_Ek):
    usage_profiles: list[UsageProfile]


class ApplicationProfile(_Ek):
    """An application and its traffic rate (``bitRate``, bits per second)."""

    id: str
    name: str = ""
    key: str | None = None
    bit_rate: float = Field(default=0.0, ge=0)


class ApplicationProfilesFile(_Ek):
    application_profiles: list[ApplicationProfile]


class DeviceProfile(_Ek):
    id: str
    name: str = ""


class DeviceProfilesFile(_Ek):
    device_profiles: list[DeviceProfile]


class AbgRate(_Ek):
    """A legacy (802.11a/b/g) rate such as ``R12`` or ``R5D5`` and its state."""

    rate: str
    state: str


class CapacitySetting(_Ek):
    """Per-band network capacity settings of ``networkCapacitySettings.json``."""

    frequency_band: str
    number_of_ssids: int | None = Field(default=None, ge=0)
    max_associated_clients_amount: int | None = Field(default=None, ge=0)
    rts_cts_enabled: bool | None = None
    bss_coloring: bool | None = None
    abg_rates: list[AbgRate] = []


class NetworkCapacitySettingsFile(_Ek):
    network_capacity_settings: list[CapacitySetting]


class EkBuilding(_Ek):
    id: str
    name: str = ""


class BuildingsFile(_Ek):
    buildings: list[EkBuilding]


class BuildingFloor(_Ek):
    """Places a floor plan in a building, with its floor number and height."""

    floor_plan_id: str
    building_id: str
    floor_number: int | None = None
    height: float | None = Field(default=None, gt=0)


class BuildingFloorsFile(_Ek):
    building_floors: list[BuildingFloor]


class TagKey(_Ek):
    id: str
    key: str


class TagKeysFile(_Ek):
    tag_keys: list[TagKey]
