"""Typed models of a district site survey.

A survey is a directory of TOML files::

    district.toml          district, ISP circuits, content filter, core, WAN, caches, RADIUS
    devices.toml           client device models and the fleet mix by grade band
    buildings/*.toml       one file per building: zones, switches, access points, DHCP

Every model rejects unknown keys (``extra="forbid"``) so a typo is an error, not a silently
ignored setting. Rates are in Mbps (see :mod:`netplan.survey.units`), signal in dB/dBm,
times in seconds, distances in metres; the unit is in each field's name.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from netplan.survey.units import PositiveMbps

__all__ = [
    "AccessPoint",
    "Band",
    "Building",
    "BuildingFile",
    "BuildingLevel",
    "Cache",
    "ContentFilter",
    "Core",
    "Coverage",
    "DeviceCatalog",
    "DeviceModel",
    "DhcpScope",
    "District",
    "DistrictFile",
    "FleetShare",
    "GradeBand",
    "IspCircuit",
    "Radio",
    "Radius",
    "Standard",
    "Switch",
    "Wall",
    "Wan",
    "WanLink",
    "Zone",
    "ZoneType",
]

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
        description="Identifier: letters, digits, '_', '.', ':' or '-'.",
    ),
]
Band = Literal["2.4", "5", "6"]
Standard = Literal["n", "ac", "ax", "be"]
ZoneType = Literal[
    "classroom", "cafeteria", "gym", "library", "hallway", "auditorium", "office", "lab", "outdoor"
]
BuildingLevel = Literal["elementary", "middle", "high", "k8", "k12", "office"]
GradeBand = Literal["K-5", "6-8", "9-12", "staff"]

#: Uplink speeds a switch or AP port can have, in Mbps (1, 2.5, 5, 10, 25, 40, 100 Gbps).
PORT_SPEEDS_MBPS: tuple[float, ...] = (
    100.0,
    1000.0,
    2500.0,
    5000.0,
    10000.0,
    25000.0,
    40000.0,
    100000.0,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- district


class District(_Model):
    """The district itself."""

    name: str = Field(min_length=1, description="District name as shown in reports.")
    timezone: str = Field(
        default="America/Chicago", description="IANA time zone of the bell schedules."
    )


class IspCircuit(_Model):
    """An internet circuit from the district to its ISP."""

    id: Id
    provider: str = ""
    down_mbps: PositiveMbps = Field(description="Committed download rate.")
    up_mbps: PositiveMbps = Field(description="Committed upload rate.")


class ContentFilter(_Model):
    """The content filter / firewall every internet-bound flow passes (CIPA filtering)."""

    id: Id = "filter"
    throughput_mbps: PositiveMbps = Field(
        description="Inspected throughput the appliance sustains (both directions together)."
    )


class Core(_Model):
    """The district core (data centre or hub site) where WAN links meet."""

    id: Id = "core"
    capacity_mbps: PositiveMbps = Field(
        default=100_000.0, description="Switching capacity of the core."
    )


class WanLink(_Model):
    """A WAN link between two sites (``core`` or building ids)."""

    id: Id
    a: Id = Field(description="One end: 'core' or a building id.")
    b: Id = Field(description="Other end: 'core' or a building id.")
    capacity_mbps: PositiveMbps = Field(description="Link rate, each direction.")
    provider: str = ""


class Wan(_Model):
    """District wide-area network."""

    topology: Literal["hub-and-spoke", "ring", "chain"] = Field(
        description="hub-and-spoke: each building links to the core; ring: a cycle through the "
        "core; chain: buildings daisy-chained from the core."
    )
    links: list[WanLink] = Field(min_length=1)


class Cache(_Model):
    """An on-net cache that serves a share of one kind of traffic without using the ISP."""

    id: Id
    kind: Literal["video", "os-update", "web"]
    hit_ratio: float = Field(ge=0.0, le=1.0, description="Share of that traffic served on-net.")
    location: Id = Field(default="core", description="'core' or the building id it sits in.")


class Radius(_Model):
    """The 802.1X authentication (RADIUS) service."""

    auths_per_s: float = Field(
        gt=0, description="Authentications per second the service completes."
    )
    location: Id = "core"


class DistrictFile(_Model):
    """Contents of ``district.toml``."""

    district: District
    isp_circuits: list[IspCircuit] = Field(min_length=1)
    content_filter: ContentFilter
    core: Core = Core()
    wan: Wan
    caches: list[Cache] = []
    radius: Radius = Radius(auths_per_s=100.0)


# --------------------------------------------------------------------------- devices


class DeviceModel(_Model):
    """A client device model and its Wi-Fi capability."""

    id: Id
    name: str = ""
    standard: Standard = Field(description="Newest Wi-Fi standard the device supports.")
    spatial_streams: int = Field(ge=1, le=8)
    max_width_mhz: Literal[20, 40, 80, 160, 320] = 80
    bands: list[Band] = Field(default=["2.4", "5"], min_length=1)


class FleetShare(_Model):
    """Share of a grade band's devices that are of one model."""

    grade_band: GradeBand
    model: Id
    share: float = Field(gt=0.0, le=1.0)


class DeviceCatalog(_Model):
    """Contents of ``devices.toml``."""

    models: list[DeviceModel] = Field(min_length=1)
    fleet: list[FleetShare] = Field(min_length=1)
    devices_per_student: float = Field(
        default=1.0, ge=0.0, le=4.0, description="School devices per student (1.0 for 1:1)."
    )
    personal_devices_per_student: dict[GradeBand, float] = Field(
        default={}, description="Phones etc. on the guest network, per student by grade band."
    )
    devices_per_staff: float = Field(default=1.0, ge=0.0, le=4.0)


# --------------------------------------------------------------------------- building


class BuildingInfo(_Model):
    """Identity and size of a building."""

    id: Id
    name: str = Field(min_length=1)
    level: BuildingLevel
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    enrollment: int = Field(ge=0, description="Students enrolled.")
    staff: int = Field(ge=0)
    floors: int = Field(default=1, ge=1, le=50)
    floor_height_m: float = Field(default=4.0, gt=0)
    wan_link: Id | None = Field(
        default=None, description="The WAN link this building hangs off (inferred if omitted)."
    )
    placeholder: bool = Field(
        default=False,
        description="Written by an importer whose source lacked some of these values (location, "
        "enrollment, staff, level); `netplan check` reports it until they are filled in.",
    )


class Zone(_Model):
    """A space where devices are: a classroom, the cafeteria, a hallway..."""

    id: Id
    type: ZoneType
    name: str = ""
    floor: int = Field(default=1, ge=0)
    capacity: int = Field(gt=0, description="People the zone holds.")
    x_m: float | None = None
    y_m: float | None = None
    devices: int | None = Field(
        default=None, ge=0, description="Client devices a capacity plan puts in the zone at peak."
    )
    applications: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default={},
        description="Devices in the zone running each catalogue application at peak, from a "
        "capacity plan (e.g. an Ekahau capacity area).",
    )
    placeholder: bool = Field(
        default=False,
        description="Type or capacity estimated by an importer; `netplan check` warns until "
        "they are reviewed.",
    )


class Switch(_Model):
    """An access or distribution switch."""

    id: Id
    uplink_to: Id = Field(description="Parent switch id, or 'router' for the building router.")
    uplink_mbps: PositiveMbps = Field(description="Uplink rate, e.g. '10 Gbps'.")
    floor: int = 1
    model: str = ""
    placeholder: bool = Field(
        default=False,
        description="Written by an importer where the source lacked the switch; "
        "`netplan check` reports it until a real switch is described.",
    )


class Radio(_Model):
    """One radio of an access point."""

    band: Band
    standard: Standard
    channel: int = Field(ge=1, le=233)
    width_mhz: Literal[20, 40, 80, 160, 320] = 20
    spatial_streams: int = Field(default=2, ge=1, le=16)
    max_clients: int = Field(
        default=50, ge=1, le=1024, description="Associated-client limit of the radio."
    )
    tx_power_dbm: float | None = Field(default=None, ge=-10, le=36)
    enabled: bool = True
    ssids: int = Field(default=1, ge=1, le=32, description="SSIDs the radio broadcasts.")
    basic_rate_mbps: float | None = Field(
        default=None,
        gt=0,
        le=54,
        description="Lowest mandatory legacy rate: beacons and management frames are sent at it.",
    )


class Coverage(_Model):
    """Expected signal of an AP in one zone; give ``snr_db`` or ``rssi_dbm``."""

    zone: Id
    snr_db: float | None = Field(default=None, ge=-10, le=80)
    rssi_dbm: float | None = Field(default=None, ge=-110, le=0)
    noise_dbm: float = Field(default=-95.0, ge=-120, le=-40)
    share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Share of the zone's clients predicted to associate with this AP.",
    )

    @model_validator(mode="after")
    def _one_signal(self) -> Coverage:
        if (self.snr_db is None) == (self.rssi_dbm is None):
            raise ValueError("give exactly one of snr_db or rssi_dbm")
        return self

    @property
    def snr(self) -> float:
        """Signal-to-noise ratio in dB."""
        if self.snr_db is not None:
            return self.snr_db
        assert self.rssi_dbm is not None
        return self.rssi_dbm - self.noise_dbm


class AccessPoint(_Model):
    """A Wi-Fi access point."""

    id: Id
    model: str = ""
    name: str = Field(default="", description="Name in the source design, e.g. an Ekahau AP.")
    vendor: str = ""
    tags: dict[str, str] = Field(default={}, description="Free-form tags, e.g. from a design.")
    switch: Id = Field(description="The switch the AP is cabled to.")
    uplink_mbps: PositiveMbps = Field(default=1000.0, description="AP port rate.")
    floor: int = Field(default=1, ge=0)
    x_m: float | None = None
    y_m: float | None = None
    serves: list[Coverage] = Field(min_length=1)
    radios: list[Radio] = Field(min_length=1)
    neighbors: list[Id] = Field(
        default=[], description="Explicit co-channel neighbour APs (overrides path loss)."
    )


class Wall(_Model):
    """A wall segment, for path loss between APs."""

    floor: int = 1
    x1_m: float
    y1_m: float
    x2_m: float
    y2_m: float
    attenuation_db: dict[Band, float] = Field(description="Loss through the wall per band.")


class DhcpScope(_Model):
    """A DHCP scope handing out leases to a set of zones."""

    id: Id
    addresses: int = Field(gt=0, description="Usable addresses in the scope.")
    lease_time_s: float = Field(gt=0)
    clients: Literal["students", "staff", "guest", "all"] = "all"
    zones: list[Id] = Field(default=[], description="Zones served; empty means every zone.")


class BuildingFile(_Model):
    """Contents of one ``buildings/*.toml`` file."""

    building: BuildingInfo
    zones: list[Zone] = Field(min_length=1)
    switches: list[Switch] = Field(min_length=1)
    access_points: list[AccessPoint] = Field(min_length=1)
    walls: list[Wall] = []
    dhcp_scopes: list[DhcpScope] = []
    radius: Radius | None = Field(default=None, description="A building-local RADIUS service.")


Building = BuildingFile
