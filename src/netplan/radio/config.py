"""Radio and client descriptions the radio model works on, and converters from a survey.

The radio model does not depend on the survey's pydantic models: it takes these small frozen
records, and :func:`radio_config`, :func:`client_capability` and :func:`ap_placement` build
them from survey objects (anything with the same attribute names works).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from netplan.radio.phy import STANDARDS

__all__ = [
    "ApPlacement",
    "ClientCapability",
    "ClientLike",
    "RadioConfig",
    "WallSegment",
    "ap_placement",
    "as_client",
    "client_capability",
    "placements",
    "radio_config",
    "wall_segment",
    "walls",
]


@dataclass(frozen=True)
class RadioConfig:
    """One AP radio.

    Attributes
    ----------
    band
        ``"2.4"``, ``"5"`` or ``"6"``.
    standard
        ``"n"``, ``"ac"``, ``"ax"`` or ``"be"`` (``"a"``/``"g"`` also accepted).
    width_mhz
        Operating channel width.
    spatial_streams
        Streams the radio can send.
    channel
        Primary channel number, if known.
    max_clients
        Association limit, if known.
    tx_power_dbm
        Transmit power (EIRP) if known; :mod:`netplan.radio.cochannel` uses a band default.
    enabled
        False for a radio switched off.
    gi_us
        Guard interval; the standard's default (0.8 us) when ``None``.
    """

    band: str
    standard: str
    width_mhz: int = 20
    spatial_streams: int = 2
    channel: int | None = None
    max_clients: int | None = None
    tx_power_dbm: float | None = None
    enabled: bool = True
    gi_us: float | None = None

    def __post_init__(self) -> None:
        if self.standard not in STANDARDS:
            raise ValueError(f"unknown standard {self.standard!r}")
        if self.band not in ("2.4", "5", "6"):
            raise ValueError(f"unknown band {self.band!r}")


@dataclass(frozen=True)
class ClientCapability:
    """A client device's Wi-Fi capability and its signal at the AP.

    Attributes
    ----------
    standard
        Newest standard the device supports.
    spatial_streams
        Streams the device supports.
    max_width_mhz
        Widest channel the device supports.
    snr_db
        SNR of the link (against the 20 MHz noise floor).
    bands
        Bands the device supports; ``None`` means any band its standard allows.
    """

    standard: str
    spatial_streams: int
    max_width_mhz: int
    snr_db: float
    bands: frozenset[str] | None = None


#: A client given as a record or as ``(standard, spatial_streams, max_width_mhz, snr_db)``.
ClientLike = ClientCapability | tuple[str, int, int, float]


def as_client(c: ClientLike) -> ClientCapability:
    """Normalise a client record."""
    if isinstance(c, ClientCapability):
        return c
    standard, nss, width, snr = c
    return ClientCapability(str(standard), int(nss), int(width), float(snr))


@dataclass(frozen=True)
class WallSegment:
    """A wall on one floor with its loss per band (dB)."""

    floor: int
    x1_m: float
    y1_m: float
    x2_m: float
    y2_m: float
    attenuation_db: Mapping[str, float] = field(default_factory=dict)

    def loss_db(self, band: str) -> float:
        """Loss at a band; if the band is missing, the smallest loss given (so interference
        is not underestimated), 0 if none is given."""
        if band in self.attenuation_db:
            return float(self.attenuation_db[band])
        return float(min(self.attenuation_db.values(), default=0.0))


@dataclass(frozen=True)
class ApPlacement:
    """An AP as the co-channel model sees it.

    Attributes
    ----------
    id
        AP id.
    radios
        Its radios.
    floor
        Floor number.
    x_m, y_m
        Position on the floor plan (metres), ``None`` if unknown.
    neighbors
        Explicit co-channel neighbours (AP ids); when non-empty they replace path loss for
        this AP.
    """

    id: str
    radios: tuple[RadioConfig, ...]
    floor: int = 1
    x_m: float | None = None
    y_m: float | None = None
    neighbors: tuple[str, ...] = ()

    @property
    def located(self) -> bool:
        """True when the AP has a position."""
        return self.x_m is not None and self.y_m is not None


def radio_config(radio: Any) -> RadioConfig:
    """Build a :class:`RadioConfig` from a survey ``Radio`` (or any object with its fields)."""
    return RadioConfig(
        band=str(radio.band),
        standard=str(radio.standard),
        width_mhz=int(radio.width_mhz),
        spatial_streams=int(radio.spatial_streams),
        channel=None if getattr(radio, "channel", None) is None else int(radio.channel),
        max_clients=getattr(radio, "max_clients", None),
        tx_power_dbm=getattr(radio, "tx_power_dbm", None),
        enabled=bool(getattr(radio, "enabled", True)),
        gi_us=getattr(radio, "gi_us", None),
    )


def client_capability(device: Any, snr_db: float) -> ClientCapability:
    """Build a :class:`ClientCapability` from a survey ``DeviceModel`` and a link SNR."""
    bands = getattr(device, "bands", None)
    return ClientCapability(
        standard=str(device.standard),
        spatial_streams=int(device.spatial_streams),
        max_width_mhz=int(device.max_width_mhz),
        snr_db=float(snr_db),
        bands=None if bands is None else frozenset(str(b) for b in bands),
    )


def ap_placement(ap: Any) -> ApPlacement:
    """Build an :class:`ApPlacement` from a survey ``AccessPoint``."""
    return ApPlacement(
        id=str(ap.id),
        radios=tuple(radio_config(r) for r in ap.radios),
        floor=int(getattr(ap, "floor", 1)),
        x_m=getattr(ap, "x_m", None),
        y_m=getattr(ap, "y_m", None),
        neighbors=tuple(str(n) for n in getattr(ap, "neighbors", ()) or ()),
    )


def wall_segment(wall: Any) -> WallSegment:
    """Build a :class:`WallSegment` from a survey ``Wall``."""
    return WallSegment(
        floor=int(wall.floor),
        x1_m=float(wall.x1_m),
        y1_m=float(wall.y1_m),
        x2_m=float(wall.x2_m),
        y2_m=float(wall.y2_m),
        attenuation_db=dict(wall.attenuation_db),
    )


def placements(aps: Iterable[Any]) -> tuple[ApPlacement, ...]:
    """Convert survey APs (or pass through :class:`ApPlacement` objects)."""
    return tuple(a if isinstance(a, ApPlacement) else ap_placement(a) for a in aps)


def walls(items: Sequence[Any]) -> tuple[WallSegment, ...]:
    """Convert survey walls (or pass through :class:`WallSegment` objects)."""
    return tuple(w if isinstance(w, WallSegment) else wall_segment(w) for w in items)
