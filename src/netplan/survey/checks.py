"""Cross-reference checks over a whole survey.

Typed models catch a wrong type or a missing field inside one file; these checks catch what
only shows across files: dangling ids, an AP serving a zone in another building, a switch
cycle, a building with no path to the internet, a channel its band and width cannot have, an
enrollment the building cannot seat.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx

from netplan.errors import Problem
from netplan.survey.models import BuildingFile, DeviceCatalog, DistrictFile
from netplan.survey.schedule_models import ActivityPlanFile, BellScheduleFile, MasterSchedule

__all__ = ["SEATED_ZONE_TYPES", "check_schedules", "cross_check"]

#: Zone types that seat students during class periods (used for the enrollment check).
SEATED_ZONE_TYPES = frozenset({"classroom", "lab", "library", "gym", "auditorium"})

#: Enrollment above this multiple of seated capacity is an error; above 1.0 a warning.
ENROLLMENT_ERROR_RATIO = 1.5

#: Standards each band can carry.
BAND_STANDARDS: dict[str, frozenset[str]] = {
    "2.4": frozenset({"n", "ax", "be"}),
    "5": frozenset({"n", "ac", "ax", "be"}),
    "6": frozenset({"ax", "be"}),
}

#: Widest channel each standard defines, in MHz.
STANDARD_MAX_WIDTH: dict[str, int] = {"n": 40, "ac": 160, "ax": 160, "be": 320}

#: The grade band of each building level's students.
LEVEL_GRADE_BANDS: dict[str, tuple[str, ...]] = {
    "elementary": ("K-5",),
    "middle": ("6-8",),
    "high": ("9-12",),
    "k8": ("K-5", "6-8"),
    "k12": ("K-5", "6-8", "9-12"),
    "office": (),
}


def _dupes(ids: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


def _channel_problem(band: str, channel: int, width: int) -> str | None:
    from netplan.radio.channels import channel_problem

    return channel_problem(band, channel, width)


def cross_check(
    district: DistrictFile | None,
    devices: DeviceCatalog | None,
    buildings: Mapping[str, BuildingFile],
    files: Mapping[str, Path],
    *,
    unchecked_sites: Iterable[str] = (),
) -> list[Problem]:
    """Check references and physical plausibility across the survey.

    Parameters
    ----------
    district, devices, buildings
        The files that validated; ``None`` (or a missing building) for one that did not, in
        which case only the checks that do not need it run.
    files
        Source file of each part (``"district"``, ``"devices"``, building ids).
    unchecked_sites
        Ids of building files that failed validation: references to them are not reported
        again as unknown.

    Returns
    -------
    list of Problem
        Errors and warnings, in file order.
    """
    out: list[Problem] = []
    if district is not None:
        out += _check_district(district, buildings, set(unchecked_sites), str(files["district"]))
    if devices is not None:
        out += _check_devices(devices, buildings, str(files["devices"]))
    owner: dict[str, tuple[str, str]] = {}  # object id -> (kind, building id)
    for bid, b in buildings.items():
        for kind, items in (("zone", b.zones), ("switch", b.switches), ("AP", b.access_points)):
            for it in items:
                owner.setdefault(it.id, (kind, bid))
    for bid, b in buildings.items():
        out += _check_building(b, owner, str(files[bid]))
        out += _check_import_placeholders(b, str(files[bid]))
        link_id = b.building.wan_link
        if link_id is not None and district is not None:
            links = {w.id: w for w in district.wan.links}
            if link_id not in links:
                out.append(
                    Problem(str(files[bid]), "building.wan_link", f"unknown WAN link {link_id!r}")
                )
            elif bid not in (links[link_id].a, links[link_id].b):
                out.append(
                    Problem(
                        str(files[bid]),
                        "building.wan_link",
                        f"WAN link {link_id!r} does not end at this building",
                    )
                )
    return out


# --------------------------------------------------------------------------- district


def _check_district(
    d: DistrictFile, buildings: Mapping[str, BuildingFile], unchecked: set[str], f: str
) -> list[Problem]:
    out: list[Problem] = []
    for name, ids in (
        ("isp_circuits", [c.id for c in d.isp_circuits]),
        ("wan.links", [w.id for w in d.wan.links]),
        ("caches", [c.id for c in d.caches]),
    ):
        for dup in _dupes(ids):
            out.append(Problem(f, f"{name}[{dup}].id", f"id {dup!r} is used more than once"))
    sites = {"core", *buildings}
    g: nx.Graph = nx.Graph()
    g.add_node("core")
    for link in d.wan.links:
        for end in ("a", "b"):
            site = getattr(link, end)
            if site not in sites and site not in unchecked:
                out.append(
                    Problem(
                        f,
                        f"wan.links[{link.id}].{end}",
                        f"unknown site {site!r}; use 'core' or a building id "
                        f"({', '.join(sorted(buildings)) or 'none defined'})",
                    )
                )
        if link.a == link.b:
            out.append(Problem(f, f"wan.links[{link.id}]", "link connects a site to itself"))
        g.add_edge(link.a, link.b)
    for bid in buildings:
        if bid not in g or not nx.has_path(g, bid, "core"):
            out.append(
                Problem(
                    f,
                    "wan.links",
                    f"building {bid!r} has no WAN path to the core, so no path to the internet",
                )
            )
    out += _check_wan_shape(d, g, f)
    for cache in d.caches:
        if cache.location not in sites:
            out.append(
                Problem(f, f"caches[{cache.id}].location", f"unknown site {cache.location!r}")
            )
    if d.radius.location not in sites:
        out.append(Problem(f, "radius.location", f"unknown site {d.radius.location!r}"))
    return out


def _check_wan_shape(d: DistrictFile, g: nx.Graph, f: str) -> list[Problem]:
    topo = d.wan.topology
    if topo == "hub-and-spoke":
        bad = [w.id for w in d.wan.links if "core" not in (w.a, w.b)]
        if bad:
            return [
                Problem(
                    f,
                    "wan.topology",
                    f"hub-and-spoke, but links {', '.join(bad)} do not end at the core",
                )
            ]
    elif topo == "ring":
        if not (nx.is_connected(g) and all(deg == 2 for _, deg in g.degree())):
            return [
                Problem(
                    f,
                    "wan.topology",
                    "ring, but the links do not form one cycle through the core and every "
                    "building (each site needs exactly two links)",
                )
            ]
    elif topo == "chain":
        degrees = dict(g.degree())
        is_path = nx.is_tree(g) and max(degrees.values(), default=0) <= 2
        if not (is_path and degrees.get("core", 0) == 1):
            return [
                Problem(
                    f,
                    "wan.topology",
                    "chain, but the links do not form one line of buildings starting at the core",
                )
            ]
    return []


# --------------------------------------------------------------------------- devices


def _check_devices(
    dev: DeviceCatalog, buildings: Mapping[str, BuildingFile], f: str
) -> list[Problem]:
    out: list[Problem] = []
    for dup in _dupes(m.id for m in dev.models):
        out.append(Problem(f, f"models[{dup}].id", f"id {dup!r} is used more than once"))
    known = {m.id for m in dev.models}
    totals: dict[str, float] = defaultdict(float)
    for i, share in enumerate(dev.fleet):
        if share.model not in known:
            out.append(
                Problem(
                    f,
                    f"fleet[{i}].model",
                    f"unknown device model {share.model!r} (models: {', '.join(sorted(known))})",
                )
            )
        totals[share.grade_band] += share.share
    for band, total in sorted(totals.items()):
        if abs(total - 1.0) > 0.01:
            out.append(
                Problem(f, "fleet", f"shares for grade band {band} add up to {total:.3f}, not 1")
            )
    needed = {gb for b in buildings.values() for gb in LEVEL_GRADE_BANDS[b.building.level]}
    needed.add("staff")
    for gb in sorted(needed - set(totals)):
        out.append(Problem(f, "fleet", f"no devices listed for grade band {gb}"))
    return out


# --------------------------------------------------------------------------- buildings


def _check_building(
    b: BuildingFile,
    owner: Mapping[str, tuple[str, str]],
    f: str,
) -> list[Problem]:
    out: list[Problem] = []
    bid = b.building.id
    floors = b.building.floors
    # Ids are global across the district, so the simulator can name any object uniquely.
    local = [z.id for z in b.zones] + [s.id for s in b.switches] + [a.id for a in b.access_points]
    for dup in _dupes(local):
        out.append(Problem(f, "-", f"id {dup!r} is used more than once in this building"))
    for oid in sorted(set(local)):
        kind, other = owner[oid]
        if other != bid:
            out.append(
                Problem(f, "-", f"id {oid!r} is already used by a {kind} of building {other!r}")
            )
    zones = {z.id: z for z in b.zones}
    switches = {s.id: s for s in b.switches}

    def where(oid: str) -> str:
        kind, other = owner.get(oid, ("", ""))
        return f" (it is a {kind} of building {other!r})" if other and other != bid else ""

    for z in b.zones:
        if z.floor > floors:
            out.append(
                Problem(f, f"zones[{z.id}].floor", f"floor {z.floor} but the building has {floors}")
            )
    # Switch tree: every switch reaches the router, no cycles.
    sg: nx.DiGraph = nx.DiGraph()
    for s in b.switches:
        sg.add_edge(s.id, s.uplink_to)
        if s.uplink_to != "router" and s.uplink_to not in switches:
            out.append(
                Problem(
                    f,
                    f"switches[{s.id}].uplink_to",
                    f"unknown switch {s.uplink_to!r}{where(s.uplink_to)}; use a switch id of this "
                    "building or 'router'",
                )
            )
        if s.uplink_to == s.id:
            out.append(Problem(f, f"switches[{s.id}].uplink_to", "switch uplinks to itself"))
        if s.placeholder:
            out.append(
                Problem(
                    f,
                    f"switches[{s.id}]",
                    "placeholder switch written by an import: describe the real switch and its "
                    "uplink, then remove 'placeholder'",
                )
            )
    try:
        cycle = nx.find_cycle(sg)
        path = " -> ".join([str(u) for u, _ in cycle] + [str(cycle[0][0])])
        out.append(Problem(f, "switches", f"switch uplinks form a cycle: {path}"))
    except nx.NetworkXNoCycle:
        pass
    if "router" not in sg:
        out.append(Problem(f, "switches", "no switch uplinks to 'router': the building is cut off"))
    else:
        for s in b.switches:
            if s.uplink_to != s.id and not nx.has_path(sg, s.id, "router"):
                out.append(
                    Problem(
                        f, f"switches[{s.id}]", "switch has no uplink path to the building router"
                    )
                )
    # Access points.
    served: set[str] = set()
    for ap in b.access_points:
        p = f"access_points[{ap.id}]"
        if ap.switch not in switches:
            out.append(Problem(f, f"{p}.switch", f"unknown switch {ap.switch!r}{where(ap.switch)}"))
        if ap.floor > floors:
            out.append(Problem(f, f"{p}.floor", f"floor {ap.floor} but the building has {floors}"))
        for i, cov in enumerate(ap.serves):
            if cov.zone in zones:
                served.add(cov.zone)
            elif where(cov.zone):
                out.append(
                    Problem(
                        f,
                        f"{p}.serves[{i}].zone",
                        f"AP serves zone {cov.zone!r} in another building{where(cov.zone)}",
                    )
                )
            else:
                out.append(Problem(f, f"{p}.serves[{i}].zone", f"unknown zone {cov.zone!r}"))
        for dup in _dupes(c.zone for c in ap.serves):
            out.append(Problem(f, f"{p}.serves", f"zone {dup!r} is listed more than once"))
        for n in ap.neighbors:
            if n not in owner or owner[n][0] != "AP":
                out.append(Problem(f, f"{p}.neighbors", f"unknown access point {n!r}"))
        for i, r in enumerate(ap.radios):
            rp = f"{p}.radios[{i}]"
            if r.standard not in BAND_STANDARDS[r.band]:
                out.append(
                    Problem(
                        f,
                        f"{rp}.standard",
                        f"802.11{r.standard} does not operate at {r.band} GHz",
                    )
                )
            elif r.width_mhz > STANDARD_MAX_WIDTH[r.standard]:
                out.append(
                    Problem(
                        f,
                        f"{rp}.width_mhz",
                        f"802.11{r.standard} has no {r.width_mhz} MHz channels "
                        f"(widest {STANDARD_MAX_WIDTH[r.standard]} MHz)",
                    )
                )
            else:
                msg = _channel_problem(r.band, r.channel, r.width_mhz)
                if msg:
                    out.append(Problem(f, f"{rp}.channel", msg))
        if not any(r.enabled for r in ap.radios):
            out.append(Problem(f, f"{p}.radios", "every radio is disabled", "warning"))
    for z in b.zones:
        if z.id not in served and z.type not in ("outdoor",):
            out.append(Problem(f, f"zones[{z.id}]", "no access point serves this zone", "warning"))
    # DHCP scopes.
    for sc in b.dhcp_scopes:
        for zid in sc.zones:
            if zid not in zones:
                out.append(
                    Problem(f, f"dhcp_scopes[{sc.id}].zones", f"unknown zone {zid!r}{where(zid)}")
                )
    for dup in _dupes(sc.id for sc in b.dhcp_scopes):
        out.append(Problem(f, f"dhcp_scopes[{dup}].id", f"id {dup!r} is used more than once"))
    # Walls.
    for i, w in enumerate(b.walls):
        if w.floor > floors:
            out.append(
                Problem(f, f"walls[{i}].floor", f"floor {w.floor} but the building has {floors}")
            )
    # Enrollment against the seats the zones provide.
    seats = sum(z.capacity for z in b.zones if z.type in SEATED_ZONE_TYPES)
    enrol = b.building.enrollment
    if enrol and seats == 0:
        out.append(
            Problem(
                f,
                "zones",
                f"enrollment is {enrol} but no classroom, lab, library, gym or auditorium zones",
            )
        )
    elif seats and enrol > ENROLLMENT_ERROR_RATIO * seats:
        out.append(
            Problem(
                f,
                "building.enrollment",
                f"enrollment {enrol} is far above the {seats} seats of the building's zones "
                f"(more than {ENROLLMENT_ERROR_RATIO:g}x); check enrollment or zone capacities",
            )
        )
    elif seats and enrol > seats:
        out.append(
            Problem(
                f,
                "building.enrollment",
                f"enrollment {enrol} is above the {seats} seats of the building's zones",
                "warning",
            )
        )
    return out


def _check_import_placeholders(b: BuildingFile, f: str) -> list[Problem]:
    """Report what an importer wrote as a placeholder (switches are checked with the tree)."""
    out: list[Problem] = []
    if b.building.placeholder:
        out.append(
            Problem(
                f,
                "building.placeholder",
                "building information written by an import has values to fill in (see the "
                "'TO FILL IN' comments: location, enrollment, staff or level); set them, then "
                "remove 'placeholder'",
            )
        )
    for z in b.zones:
        if z.placeholder:
            out.append(
                Problem(
                    f,
                    f"zones[{z.id}]",
                    "zone type or capacity was estimated by an import; review them, then remove "
                    "'placeholder'",
                    "warning",
                )
            )
    return out


# --------------------------------------------------------------------------- schedules


def check_schedules(
    buildings: Mapping[str, BuildingFile],
    schedules: Mapping[str, BellScheduleFile],
    activities: ActivityPlanFile,
    masters: Mapping[str, MasterSchedule],
    files: Mapping[str, Path],
    *,
    complete: bool = True,
) -> list[Problem]:
    """Check bell schedules, the activity plan and master schedules against the buildings.

    See :func:`netplan.survey.schedule_checks.check_schedule_files`.
    """
    from netplan.survey.schedule_checks import check_schedule_files

    return check_schedule_files(buildings, schedules, activities, masters, files, complete=complete)
