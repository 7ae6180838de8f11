"""Survey overrides: pure functions from a survey to a changed copy of it.

Each function takes a :class:`~netplan.survey.loader.Survey` and returns a new one; the input
is never changed (the survey models are frozen pydantic models, changed with
``model_copy(update=...)``). Override values come from validated scenario models, so they
have the survey's own types and units.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from netplan.radio.channels import blocks, channel_problem, occupied_20mhz
from netplan.scenarios.models import ApUpgrade, ExtraAps, IspChange
from netplan.survey.checks import BAND_STANDARDS, STANDARD_MAX_WIDTH
from netplan.survey.loader import Survey
from netplan.survey.models import (
    AccessPoint,
    BuildingFile,
    Cache,
    Coverage,
    IspCircuit,
    Radio,
)

__all__ = [
    "STANDARD_ORDER",
    "with_ap_upgrade",
    "with_caches",
    "with_content_filter",
    "with_dhcp_addresses",
    "with_enrollment_growth",
    "with_extra_aps",
    "with_isp",
    "with_start_offsets",
    "with_uplink_rates",
    "with_wan_rates",
]

#: Wi-Fi standards from oldest to newest (Wi-Fi 4, 5, 6/6E, 7).
STANDARD_ORDER: dict[str, int] = {"n": 0, "ac": 1, "ax": 2, "be": 3}

#: 2.4 GHz channels new APs are put on (the three US non-overlapping ones).
_CHANNELS_24 = (1, 6, 11)


def _with_buildings(survey: Survey, buildings: dict[str, BuildingFile]) -> Survey:
    return dataclasses.replace(survey, buildings=buildings)


def _map_buildings(
    survey: Survey, fn: Callable[[BuildingFile], BuildingFile], only: Iterable[str] = ()
) -> Survey:
    chosen = set(only)
    return _with_buildings(
        survey,
        {bid: (fn(b) if not chosen or bid in chosen else b) for bid, b in survey.buildings.items()},
    )


# --------------------------------------------------------------------------- people


def with_enrollment_growth(survey: Survey, pct: float | Mapping[str, float]) -> Survey:
    """Grow (or shrink) enrollment by a percentage.

    Parameters
    ----------
    survey
        The survey.
    pct
        Percent change for every building, or a mapping building id -> percent (buildings
        not named keep their enrollment).

    Returns
    -------
    Survey
        A copy whose buildings' ``enrollment`` is ``round(enrollment * (1 + pct / 100))``.
        Staff counts are unchanged.
    """
    per = pct if isinstance(pct, Mapping) else dict.fromkeys(survey.buildings, float(pct))

    def grow(b: BuildingFile) -> BuildingFile:
        p = per.get(b.building.id, 0.0)
        n = max(0, round(b.building.enrollment * (1.0 + p / 100.0)))
        return b.model_copy(update={"building": b.building.model_copy(update={"enrollment": n})})

    return _map_buildings(survey, grow)


# --------------------------------------------------------------------------- wireless


def _least_used_channel(band: str, width: int, used: Counter[int]) -> int:
    """Primary channel of the block (or 2.4 GHz channel) with the fewest radios on it."""
    if band == "2.4":
        return min(_CHANNELS_24, key=lambda c: (used[c], c))
    found = blocks(band, width, include_dfs=False) or blocks(band, width)
    if not found:  # pragma: no cover - every survey width has blocks in its band
        raise ValueError(f"no {width} MHz channels at {band} GHz")
    best = min(found, key=lambda b: (sum(used[c] for c in b.channels), b.channels[0]))
    return best.channels[0]


def _channel_use(b: BuildingFile) -> dict[str, Counter[int]]:
    """How many enabled radios of the building occupy each 20 MHz channel, per band."""
    use: dict[str, Counter[int]] = {"2.4": Counter(), "5": Counter(), "6": Counter()}
    for ap in b.access_points:
        for r in ap.radios:
            if not r.enabled:
                continue
            if r.band == "2.4":
                use["2.4"][r.channel] += 1
            elif channel_problem(r.band, r.channel, r.width_mhz) is None:
                for c in occupied_20mhz(r.band, r.channel, r.width_mhz):
                    use[r.band][c] += 1
    return use


def _upgrade_radio(r: Radio, up: ApUpgrade, use: dict[str, Counter[int]]) -> Radio:
    if up.only_standard is not None and r.standard != up.only_standard:
        return r
    update: dict[str, object] = {}
    if (
        STANDARD_ORDER[up.standard] > STANDARD_ORDER[r.standard]
        and up.standard in BAND_STANDARDS[r.band]
    ):
        update["standard"] = up.standard
    standard = str(update.get("standard", r.standard))
    if up.spatial_streams is not None:
        update["spatial_streams"] = up.spatial_streams
    if up.width_mhz is not None and r.band != "2.4":
        width = min(up.width_mhz, STANDARD_MAX_WIDTH[standard])
        if width != r.width_mhz:
            update["width_mhz"] = width
            if channel_problem(r.band, r.channel, width) is not None:
                update["channel"] = _least_used_channel(r.band, width, use[r.band])
    return r.model_copy(update=update) if update else r


def _ap_selected(ap: AccessPoint, up: ApUpgrade) -> bool:
    if up.aps and ap.id not in up.aps:
        return False
    return not up.zones or any(c.zone in up.zones for c in ap.serves)


def with_ap_upgrade(survey: Survey, up: ApUpgrade) -> Survey:
    """Upgrade the radios of the access points an :class:`ApUpgrade` selects.

    A radio gets the new standard only if it is newer than the radio's and its band carries
    it (a 2.4 GHz radio never becomes Wi-Fi 5); a new width is capped at what the standard
    defines and, if the old primary channel cannot carry it, moved to the least-used block.

    Parameters
    ----------
    survey
        The survey.
    up
        Which APs (buildings, zones, AP ids, current standard) and what they get.

    Returns
    -------
    Survey
        A copy with those APs changed.
    """

    def upgrade(b: BuildingFile) -> BuildingFile:
        use = _channel_use(b)
        aps = []
        for ap in b.access_points:
            if not _ap_selected(ap, up):
                aps.append(ap)
                continue
            radios = [_upgrade_radio(r, up, use) for r in ap.radios]
            update: dict[str, object] = {"radios": radios}
            if up.uplink_mbps is not None:
                update["uplink_mbps"] = up.uplink_mbps
            if up.model is not None:
                update["model"] = up.model
            aps.append(ap.model_copy(update=update))
        return b.model_copy(update={"access_points": aps})

    return _map_buildings(survey, upgrade, up.buildings)


def zone_building(survey: Survey, zone: str) -> str | None:
    """Id of the building holding a zone, or ``None``."""
    for bid, b in survey.buildings.items():
        if any(z.id == zone for z in b.zones):
            return bid
    return None


def with_extra_aps(survey: Survey, extra: ExtraAps) -> Survey:
    """Add access points in a zone.

    Each new AP copies the AP that serves the zone with the best signal (same switch, port
    speed, position and radios) but serves only that zone, and each of its radios is put on
    the channel (block) least used in the building. Where the template's coverage gives the
    zone a client ``share``, that share is split evenly between the template and its copies.

    Parameters
    ----------
    survey
        The survey.
    extra
        The zone, how many APs, and optionally their radio standard.

    Returns
    -------
    Survey
        A copy with the APs added (ids ``<template>-x1``, ``<template>-x2``...).

    Raises
    ------
    KeyError
        If no building has the zone or no AP serves it (scenario validation reports both
        before this is called).
    """
    bid = zone_building(survey, extra.zone)
    if bid is None:
        raise KeyError(f"no building has zone {extra.zone!r}")
    b = survey.buildings[bid]
    serving = [(ap, c) for ap in b.access_points for c in ap.serves if c.zone == extra.zone]
    if not serving:
        raise KeyError(f"no access point serves zone {extra.zone!r}")
    template, cov = max(serving, key=lambda pair: (pair[1].snr, pair[0].id))
    ids = {ap.id for ap in b.access_points}
    use = _channel_use(b)
    share = None if cov.share is None else cov.share / (extra.count + 1)
    new_aps: list[AccessPoint] = []
    n = 0
    while len(new_aps) < extra.count:
        n += 1
        new_id = f"{template.id}-x{n}"
        if new_id in ids:
            continue
        radios = []
        for r in template.radios:
            standard = r.standard
            if (
                extra.standard is not None
                and extra.standard in BAND_STANDARDS[r.band]
                and STANDARD_ORDER[extra.standard] > STANDARD_ORDER[r.standard]
            ):
                standard = extra.standard
            channel = _least_used_channel(r.band, r.width_mhz, use[r.band])
            if r.enabled:
                if r.band == "2.4":
                    use[r.band][channel] += 1
                else:
                    for c in occupied_20mhz(r.band, channel, r.width_mhz):
                        use[r.band][c] += 1
            radios.append(r.model_copy(update={"channel": channel, "standard": standard}))
        new_cov: Coverage = cov.model_copy(update={"share": share})
        new_aps.append(
            template.model_copy(
                update={
                    "id": new_id,
                    "name": f"added in {extra.zone}",
                    "serves": [new_cov],
                    "radios": radios,
                    "neighbors": [],
                }
            )
        )
        ids.add(new_id)
    aps: list[AccessPoint] = []
    for ap in b.access_points:
        if ap.id == template.id and share is not None:
            serves = [c.model_copy(update={"share": share}) if c is cov else c for c in ap.serves]
            ap = ap.model_copy(update={"serves": serves})
        aps.append(ap)
    building = b.model_copy(update={"access_points": aps + new_aps})
    return _with_buildings(survey, {**survey.buildings, bid: building})


# --------------------------------------------------------------------------- wired


def with_wan_rates(survey: Survey, rates: Mapping[str, float]) -> Survey:
    """Set the rate (Mbps, each direction) of WAN links by link id."""
    d = survey.district
    links = [
        w.model_copy(update={"capacity_mbps": rates[w.id]}) if w.id in rates else w
        for w in d.wan.links
    ]
    district = d.model_copy(update={"wan": d.wan.model_copy(update={"links": links})})
    return dataclasses.replace(survey, district=district)


def with_uplink_rates(survey: Survey, rates: Mapping[str, float]) -> Survey:
    """Set the uplink rate (Mbps) of switches by switch id."""

    def change(b: BuildingFile) -> BuildingFile:
        if not any(s.id in rates for s in b.switches):
            return b
        switches = [
            s.model_copy(update={"uplink_mbps": rates[s.id]}) if s.id in rates else s
            for s in b.switches
        ]
        return b.model_copy(update={"switches": switches})

    return _map_buildings(survey, change)


def with_isp(survey: Survey, changes: Mapping[str, IspChange]) -> Survey:
    """Change the committed rates of ISP circuits; an unknown id adds a circuit."""
    d = survey.district
    circuits: list[IspCircuit] = []
    for c in d.isp_circuits:
        ch = changes.get(c.id)
        if ch is None:
            circuits.append(c)
            continue
        update: dict[str, object] = {"down_mbps": ch.down_mbps, "up_mbps": ch.up_mbps}
        if ch.provider:
            update["provider"] = ch.provider
        circuits.append(c.model_copy(update=update))
    known = {c.id for c in d.isp_circuits}
    for cid, ch in changes.items():
        if cid not in known:
            circuits.append(
                IspCircuit(id=cid, provider=ch.provider, down_mbps=ch.down_mbps, up_mbps=ch.up_mbps)
            )
    return dataclasses.replace(survey, district=d.model_copy(update={"isp_circuits": circuits}))


def with_content_filter(survey: Survey, throughput_mbps: float) -> Survey:
    """Set the content filter's inspected throughput (Mbps)."""
    d = survey.district
    cf = d.content_filter.model_copy(update={"throughput_mbps": throughput_mbps})
    return dataclasses.replace(survey, district=d.model_copy(update={"content_filter": cf}))


def with_caches(survey: Survey, caches: Iterable[Cache]) -> Survey:
    """Add on-net caches; one with the id of an existing cache replaces it."""
    d = survey.district
    new = {c.id: c for c in caches}
    kept = [c for c in d.caches if c.id not in new]
    district = d.model_copy(update={"caches": kept + list(new.values())})
    return dataclasses.replace(survey, district=district)


def with_dhcp_addresses(survey: Survey, sizes: Mapping[str, int]) -> Survey:
    """Set the number of usable addresses of DHCP scopes by scope id."""

    def change(b: BuildingFile) -> BuildingFile:
        if not any(s.id in sizes for s in b.dhcp_scopes):
            return b
        scopes = [
            s.model_copy(update={"addresses": sizes[s.id]}) if s.id in sizes else s
            for s in b.dhcp_scopes
        ]
        return b.model_copy(update={"dhcp_scopes": scopes})

    return _map_buildings(survey, change)


# --------------------------------------------------------------------------- schedules


def with_start_offsets(
    survey: Survey, offsets: Mapping[str, float], schedule: str | None = None
) -> Survey:
    """Stagger start times: shift every bell of a building's schedule by some minutes.

    The offset is set on the bell schedule the building follows in the run (``schedule``
    for the buildings it lists, else the building's default), as that schedule's
    ``start_offset_min`` entry for the building; other buildings on the same schedule keep
    theirs.

    Parameters
    ----------
    survey
        The survey.
    offsets
        Building id -> minutes (negative: earlier).
    schedule
        The bell schedule the run uses (``None``: each building's default).

    Returns
    -------
    Survey
        A copy with the changed schedules.

    Raises
    ------
    KeyError
        If a building follows a built-in schedule (no schedule file to change); scenario
        validation reports this first.
    """
    from netplan.schedule import building_schedule

    out = survey
    for bid, minutes in offsets.items():
        sched = building_schedule(out, bid, schedule)
        if sched.id not in out.schedules:
            raise KeyError(f"building {bid!r} follows the built-in schedule {sched.id!r}")
        info = sched.schedule
        changed = sched.model_copy(
            update={
                "schedule": info.model_copy(
                    update={"start_offset_min": {**info.start_offset_min, bid: float(minutes)}}
                )
            }
        )
        out = dataclasses.replace(out, schedules={**out.schedules, sched.id: changed})
    return out
