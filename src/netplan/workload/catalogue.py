"""The built-in application catalogue (``applications.toml`` beside this module).

Each application is a stream (asks for a rate for a duration) or an elastic transfer (moves a
size as fast as the network allows), with its downlink and uplink demand and the source of
its numbers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Application", "catalogue", "load_catalogue"]

CATALOGUE_FILE = "applications.toml"

Dist = Literal["exponential", "lognormal", "pareto", "fixed"]


@dataclass(frozen=True)
class Application:
    """An application as the simulation sees it.

    Attributes
    ----------
    id
        Catalogue key, e.g. ``"video-720p"``.
    kind
        ``"stream"`` (asks for a rate for a duration) or ``"elastic"`` (moves a size).
    down_mbps, up_mbps
        Stream: rate asked downlink / uplink (0 for elastic).
    mean_duration_s
        Stream: mean session length (0 for elastic).
    mean_down_mb, mean_up_mb
        Elastic: mean transfer size down / up, megabytes (0 for streams).
    size_dist, size_shape
        Distribution of transfer sizes (``exponential``, ``lognormal`` with sigma,
        ``pareto`` with alpha, ``fixed``) and its shape parameter.
    min_mbps
        Below this downlink rate the session is degraded.
    cache_kind
        Kind of on-net cache that can serve it (matches the survey's ``Cache.kind``).
    source
        Where the numbers come from.
    name
        Readable name.
    duration_dist, duration_shape
        Stream: distribution of session lengths and its shape parameter.
    """

    id: str
    kind: str
    down_mbps: float
    up_mbps: float
    mean_duration_s: float
    mean_down_mb: float
    mean_up_mb: float
    size_dist: str
    size_shape: float
    min_mbps: float
    cache_kind: str | None
    source: str
    name: str = ""
    duration_dist: str = "exponential"
    duration_shape: float = 0.0


class _AppEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    kind: Literal["stream", "elastic"]
    down_mbps: float = Field(default=0.0, ge=0.0)
    up_mbps: float = Field(default=0.0, ge=0.0)
    mean_duration_s: float = Field(default=0.0, ge=0.0)
    duration_dist: Dist = "exponential"
    duration_shape: float = Field(default=0.0, ge=0.0)
    mean_down_mb: float = Field(default=0.0, ge=0.0)
    mean_up_mb: float = Field(default=0.0, ge=0.0)
    size_dist: Dist = "fixed"
    size_shape: float = Field(default=0.0, ge=0.0)
    min_mbps: float | None = Field(default=None, ge=0.0)
    cache_kind: Literal["video", "os-update", "web"] | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> _AppEntry:
        if self.kind == "stream":
            if self.down_mbps + self.up_mbps <= 0 or self.mean_duration_s <= 0:
                raise ValueError("a stream needs a rate and a mean_duration_s")
            _check_shape(self.duration_dist, self.duration_shape)
        else:
            if self.mean_down_mb + self.mean_up_mb <= 0:
                raise ValueError("an elastic transfer needs mean_down_mb or mean_up_mb")
            _check_shape(self.size_dist, self.size_shape)
        return self


def _check_shape(dist: str, shape: float) -> None:
    if dist == "lognormal" and shape <= 0:
        raise ValueError("lognormal needs a sigma > 0 (size_shape / duration_shape)")
    if dist == "pareto" and shape <= 1:
        raise ValueError("pareto needs alpha > 1 (finite mean)")


def load_catalogue(text: str) -> dict[str, Application]:
    """Parse a catalogue document (the format of ``applications.toml``).

    Parameters
    ----------
    text
        TOML text: one table per application id.

    Returns
    -------
    dict
        Application id -> :class:`Application`, in document order.
    """
    doc = tomllib.loads(text)
    out: dict[str, Application] = {}
    for app_id, raw in doc.items():
        e = _AppEntry.model_validate(raw)
        stream = e.kind == "stream"
        out[app_id] = Application(
            id=app_id,
            kind=e.kind,
            down_mbps=e.down_mbps if stream else 0.0,
            up_mbps=e.up_mbps if stream else 0.0,
            mean_duration_s=e.mean_duration_s if stream else 0.0,
            mean_down_mb=0.0 if stream else e.mean_down_mb,
            mean_up_mb=0.0 if stream else e.mean_up_mb,
            size_dist=e.size_dist,
            size_shape=e.size_shape,
            min_mbps=e.min_mbps if e.min_mbps is not None else (e.down_mbps if stream else 0.0),
            cache_kind=e.cache_kind,
            source=e.source,
            name=e.name or app_id,
            duration_dist=e.duration_dist,
            duration_shape=e.duration_shape,
        )
    return out


@lru_cache(maxsize=1)
def _builtin() -> tuple[tuple[str, Application], ...]:
    text = resources.files("netplan.workload").joinpath(CATALOGUE_FILE).read_text("utf-8")
    return tuple(load_catalogue(text).items())


def catalogue() -> dict[str, Application]:
    """The built-in application catalogue.

    Returns
    -------
    dict
        Application id -> :class:`Application` in a fixed order (the order of the arrays
        :func:`netplan.demand.arrival_rates` returns). A new dict on every call.
    """
    return dict(_builtin())
