"""The school-day engine: bells move devices, sessions arrive, the fluid network carries them.

SimPy processes (one per building, plus the fluid driver):

* at each interval start (a bell) the building's devices move to their new zones as whole
  cohorts: the devices entering a zone re-associate (802.1X on the RADIUS service, a DHCP
  lease from the zone's scope, a free slot on an AP radio with band steering); rejected
  and lease-less devices carry no traffic in that interval;
* sessions arrive as one merged Poisson stream per building at the summed rate of every
  (zone, application) stream (:func:`netplan.demand.arrival_rates`); each arrival picks its
  zone and application in proportion to their rates and a device group (radio, device
  model, signal) in proportion to its associated devices, then opens a downlink and an
  uplink flow;
* :class:`~netplan.sim.driver.FluidDriver` shares capacity among open flows (max-min
  fair, :mod:`netplan.sim.allocator`) and records per-minute load.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray
from scipy import sparse

from netplan.sim.access import AuthResult, AuthServer, DhcpScope, RadioSlots, assign_cohort
from netplan.sim.config import SimConfig
from netplan.sim.driver import FluidDriver
from netplan.sim.fluid import FluidNetwork
from netplan.sim.heap import release_free_heap
from netplan.sim.network import NetworkModel, band_rank, can_use, effective_rate

__all__ = ["DayInputs", "EngineOutput", "simulate_day"]

FloatArray = NDArray[np.float64]
Progress = Callable[[float], None]

#: Megabits per megabyte.
MB = 8.0


@dataclass(frozen=True)
class DayInputs:
    """What the engine needs for one building's day (from netplan.schedule / demand).

    Attributes
    ----------
    building
        Building id.
    starts, ends
        Interval bounds, seconds after midnight.
    labels, kinds
        Interval labels and kinds.
    zones
        Zone ids (columns of the arrays).
    students, staff
        People per interval and zone.
    grade_band
        Device fleet band of the students.
    rates
        Session arrivals per second, shape ``(n_intervals, n_zones, n_apps)``.
    """

    building: str
    starts: FloatArray
    ends: FloatArray
    labels: tuple[str, ...]
    kinds: tuple[str, ...]
    zones: tuple[str, ...]
    students: FloatArray
    staff: FloatArray
    grade_band: str
    rates: FloatArray


@dataclass
class EngineOutput:
    """Raw results of :func:`simulate_day`, turned into tables by :mod:`netplan.sim.results`."""

    network: NetworkModel
    apps: list[Any]
    fluid: FluidNetwork
    cls_dir: list[str]
    cls_radio: list[int]
    cls_via: list[str]
    minutes: list[int]
    carried: list[FloatArray]
    used: list[FloatArray]
    offered: list[FloatArray]
    clients: list[FloatArray]
    assoc_rows: list[dict[str, Any]]
    blocked: dict[tuple[str, str], int]
    bells: dict[str, list[tuple[float, str]]]
    start_s: float
    end_s: float
    events: int
    wall_s: float = 0.0
    sessions: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    tally: Any = None  # netplan.sim.metrics.FlowTally of retired flows (flow_records off)


#: Sessions are drawn this many simulated seconds at a time (see ``building_proc``).
CHUNK_S = 300.0


def _chunks(t0: float, t1: float) -> list[tuple[float, float]]:
    """``[t0, t1)`` cut into pieces of :data:`CHUNK_S` seconds (the last one shorter)."""
    k = max(1, math.ceil((t1 - t0) / CHUNK_S - 1e-9))
    return [(t0 + j * CHUNK_S, min(t0 + (j + 1) * CHUNK_S, t1)) for j in range(k)]


def _fleet(survey: Any, band: str) -> list[tuple[Any, float]]:
    models = {m.id: m for m in survey.devices.models}
    rows = [(models[f.model], f.share) for f in survey.devices.fleet if f.grade_band == band]
    if not rows:
        rows = [(m, 1.0) for m in survey.devices.models[:1]]
    total = sum(s for _, s in rows)
    return [(m, s / total) for m, s in rows]


def _phone(survey: Any) -> Any:
    for m in survey.devices.models:
        if "phone" in m.id.lower():
            return m
    return survey.devices.models[-1]


class _Building:
    """Per-building state during the day."""

    def __init__(
        self,
        survey: Any,
        net: NetworkModel,
        inp: DayInputs,
        cfg: SimConfig,
        rng: np.random.Generator,
    ) -> None:
        self.inp = inp
        self.rng = rng
        b = survey.buildings[inp.building]
        dev = survey.devices
        # Device populations: (pop, model, per-person factor, source array)
        self.groups: list[tuple[str, Any, float]] = []
        for m, s in _fleet(survey, inp.grade_band):
            self.groups.append(("student", m, s * dev.devices_per_student))
        personal_by_band: dict[str, float] = dict(dev.personal_devices_per_student)
        personal = personal_by_band.get(inp.grade_band, 0.0)
        if personal > 0:
            self.groups.append(("guest", _phone(survey), float(personal)))
        for m, s in _fleet(survey, "staff"):
            self.groups.append(("staff", m, s * dev.devices_per_staff))
        nz = len(inp.zones)
        self.prev = np.zeros((nz, len(self.groups)), dtype=np.int64)
        # AP numbering for the spread rule, candidates per zone and group
        ap_num = {ap.id: k for k, ap in enumerate(b.access_points)}
        self.cands: list[list[list[tuple[int, int, float, int]]]] = []
        for z in inp.zones:
            per_group = []
            for _pop, model, _f in self.groups:
                lst = []
                for radio, snr in net.zone_radios.get((inp.building, z), []):
                    cfgr = net.radios[radio].config
                    if can_use(cfgr, model):
                        lst.append((radio, ap_num[net.radios[radio].ap], snr, band_rank(cfgr)))
                per_group.append(lst)
            self.cands.append(per_group)
        self.radios = [r.index for r in net.radios if r.building == inp.building]
        # DHCP scopes: pop -> list of (scope, zone mask)
        zone_idx = {z: i for i, z in enumerate(inp.zones)}
        self.scopes: list[tuple[DhcpScope, str, NDArray[np.bool_], str]] = []
        for sc in b.dhcp_scopes:
            mask = np.zeros(nz, dtype=bool)
            if sc.zones:
                for z in sc.zones:
                    if z in zone_idx:
                        mask[zone_idx[z]] = True
            else:
                mask[:] = True
            self.scopes.append((DhcpScope(sc.addresses, sc.lease_time_s), sc.clients, mask, sc.id))
        # traffic groups of the current interval, per zone: keys, cumulative weights
        self.zone_keys: list[list[tuple[int, int, float]]] = [[] for _ in range(nz)]
        self.cdf_rows = np.ones((nz, 1))  # each zone's cumulative weights, padded with inf
        self.radio_counts: dict[int, int] = {}
        # session classes by (zone, group, app, route) code in the current interval
        self.lut: NDArray[np.int64] | None = None

    def scope_for(self, pop: str, zone_mask_col: int) -> list[int]:
        """Indices of scopes that serve a population in a zone (first match wins)."""
        want = {"student": "students", "staff": "staff", "guest": "guest"}[pop]
        hits = [
            k for k, (_s, cl, m, _i) in enumerate(self.scopes) if cl == want and m[zone_mask_col]
        ]
        if not hits:
            hits = [
                k
                for k, (_s, cl, m, _i) in enumerate(self.scopes)
                if cl == "all" and m[zone_mask_col]
            ]
        return hits[:1]


def _auth_rows(t: float, building: str, res: AuthResult) -> list[dict[str, Any]]:
    """Association-table rows of one building's 802.1X burst at bell ``t``."""
    rows: list[dict[str, Any]] = [
        {
            "time_s": t,
            "building": building,
            "zone": "",
            "scope": "",
            "event": "auth",
            "count": int(res.attempts),
            "wait_p95_s": float(np.percentile(res.wait_s, 95)) if len(res.wait_s) else np.nan,
        }
    ]
    for event, count in (("auth-timeout", res.timeouts), ("auth-fail", res.failed)):
        if count:
            rows.append(
                {
                    "time_s": t,
                    "building": building,
                    "zone": "",
                    "scope": "",
                    "event": event,
                    "count": int(count),
                    "wait_p95_s": np.nan,
                }
            )
    return rows


def simulate_day(
    survey: Any,
    net: NetworkModel,
    inputs: Sequence[DayInputs],
    apps: Sequence[Any],
    *,
    seed: int = 1,
    config: SimConfig | None = None,
    progress: Progress | None = None,
    sizes: Callable[[Any, np.random.Generator, int, str], FloatArray] | None = None,
    durations: Callable[[Any, np.random.Generator, int], FloatArray] | None = None,
    probe: Callable[[simpy.Environment, FluidNetwork], None] | None = None,
) -> EngineOutput:
    """Simulate one day of the given buildings on the network.

    Parameters
    ----------
    survey
        The survey (device catalogue, DHCP scopes, RADIUS).
    net
        The network arrays (:func:`netplan.sim.network.build_network`).
    inputs
        One :class:`DayInputs` per building.
    apps
        Applications in the order of the last axis of ``rates``.
    seed
        Seed of every random draw.
    config
        Settings.
    progress
        Called with the fraction of the day done, once a simulated minute.
    sizes, durations
        Samplers of transfer sizes (MB) and stream lengths (s); default
        :func:`netplan.demand.sample_size_mb` / :func:`netplan.demand.sample_duration_s`.
    probe
        Called once with the SimPy environment and the flow state before the day runs, to
        add observing processes (tests sample the number of open flows this way).

    Returns
    -------
    EngineOutput
        Raw results.
    """
    import time

    cfg = config or SimConfig()
    if sizes is None or durations is None:
        from netplan.demand import sample_duration_s, sample_size_mb

        def _sizes(app: Any, rng: np.random.Generator, n: int, d: str) -> FloatArray:
            return np.asarray(sample_size_mb(app, rng, n, direction=d), dtype=np.float64)

        sizes = sizes or _sizes
        durations = durations or sample_duration_s
    t_wall = time.perf_counter()
    start = min(float(i.starts[0]) for i in inputs) if cfg.start_s is None else cfg.start_s
    end = max(float(i.ends[-1]) for i in inputs) if cfg.end_s is None else cfg.end_s
    env = simpy.Environment(initial_time=start)
    longest = max(
        (
            len(r.airtime) + max(len(net.wired[(r.ap, "down")]), len(net.wired[(r.ap, "up")]))
            for r in net.radios
        ),
        default=1,
    )
    fluid = FluidNetwork(
        net.capacity,
        net.district,
        exact=cfg.tick_s == 0,
        max_path=longest,
        rebalance_ticks=max(1, round(cfg.rebalance_s / cfg.tick_s))
        if cfg.tick_s > 0 and cfg.rebalance_s > 0
        else 0,
    )
    bld_index = {b: i for i, b in enumerate(sorted({r.building for r in net.radios}))}
    n_res = len(net.capacity)
    out = EngineOutput(
        network=net,
        apps=list(apps),
        fluid=fluid,
        cls_dir=[],
        cls_radio=[],
        cls_via=[],
        minutes=[],
        carried=[],
        used=[],
        offered=[],
        clients=[],
        assoc_rows=[],
        blocked={},
        bells={},
        start_s=start,
        end_s=end,
        events=0,
    )
    # radio -> resources (for client counts per resource)
    rows, cols = [], []
    for r in net.radios:
        for res in set(net.path(r.index, "down", "internet") + net.path(r.index, "up", "internet")):
            rows.append(r.index)
            cols.append(res)
    rad_res = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(net.radios), n_res))
    radio_clients = np.zeros(len(net.radios))
    clients_now = np.zeros(n_res)
    total_minutes = max(1, math.ceil((end - start) / cfg.minute_s))

    if not cfg.flow_records:
        from netplan.sim.metrics import FlowTally

        out.tally = FlowTally(out)

    pipeline = cfg.pipeline and probe is None and cfg.tick_s > 0
    # finished flows waiting to be folded into sums (by SimPy's thread in pipeline mode)
    finished: deque[dict[str, NDArray[Any]]] = deque()

    def fold() -> None:
        assert out.tally is not None
        while finished:
            out.tally.add(finished.popleft())

    def on_minute(
        k: int, carried: FloatArray, used: FloatArray, offered: FloatArray, clients: Any
    ) -> None:
        if out.tally is not None:  # keep the log small: finished flows go to the sums
            finished.append(fluid.retire())
            if not pipeline:
                fold()
        release_free_heap()
        out.minutes.append(k)
        out.carried.append(carried.astype(np.float32))
        out.used.append(used.astype(np.float32))
        out.offered.append(offered.astype(np.float32))
        out.clients.append((clients_now if clients is None else clients).astype(np.float32))
        if progress is not None:
            progress(min(1.0, (k + 1) / total_minutes))

    driver = FluidDriver(
        env,
        fluid,
        tick_s=cfg.tick_s,
        minute_s=cfg.minute_s,
        on_minute=on_minute,
        end_s=end,
        snapshot=clients_now.copy,
        pipeline=pipeline,
        on_idle=fold if pipeline and out.tally is not None else None,
    )
    driver.add_stops(
        [start]
        + [
            c0
            for inp in inputs
            for t0, t1 in zip(inp.starts.tolist(), inp.ends.tolist(), strict=True)
            if t1 > start and t0 < end
            for c0, _c1 in _chunks(max(t0, start), min(t1, end))
            if c0 > start
        ]
    )
    if probe is not None:
        probe(env, fluid)
    radius_default = AuthServer(
        survey.district.radius.auths_per_s,
        timeout_s=cfg.auth_timeout_s,
        retry_s=cfg.auth_retry_s,
        retries=cfg.auth_retries,
    )
    class_cache: dict[tuple[int, str, float, int, str], tuple[int, int]] = {}
    rate_cache: dict[tuple[int, str, float], float] = {}  # (radio, model, SNR) -> Mbps
    fairness_airtime = cfg.fairness == "airtime"

    def classes(radio: int, model: Any, snr: float, app_i: int, via: str) -> tuple[int, int]:
        key = (radio, model.id, snr, app_i, via)
        hit = class_cache.get(key)
        if hit is not None:
            return hit
        app = apps[app_i]
        rinfo = net.radios[radio]
        eff = rate_cache.get(key[:3])
        if eff is None:
            eff = rate_cache[key[:3]] = effective_rate(rinfo.config, model, snr, cfg.contenders)
        ids = []
        for d in ("down", "up"):
            path = net.path(radio, d, via)
            n_air = len(rinfo.airtime)
            coef = tuple([1.0 / eff] * n_air + [1.0] * (len(path) - n_air))
            weight = tuple([eff if fairness_airtime else 1.0] * n_air + [1.0] * (len(path) - n_air))
            if app.kind == "stream":
                ask = app.down_mbps if d == "down" else app.up_mbps
                if ask <= 0:
                    ids.append(-1)
                    continue
                ratio = app.min_mbps / app.down_mbps if app.down_mbps > 0 else 1.0
                ckey: tuple[Any, ...] = ("s", radio, model.id, snr, d, via, ask, ask * ratio)
                c = fluid.class_id(
                    ckey,
                    path,
                    coef,
                    weight=weight,
                    demand=ask,
                    min_rate=ask * ratio,
                    stream=True,
                    domain=rinfo.domain,
                    group=bld_index[rinfo.building],
                )
            else:
                mean = app.mean_down_mb if d == "down" else app.mean_up_mb
                if mean <= 0:
                    ids.append(-1)
                    continue
                ckey = ("e", radio, model.id, snr, d, via)
                c = fluid.class_id(
                    ckey,
                    path,
                    coef,
                    weight=weight,
                    domain=rinfo.domain,
                    group=bld_index[rinfo.building],
                )
            if c == len(out.cls_dir):
                out.cls_dir.append(d)
                out.cls_radio.append(radio)
                out.cls_via.append(via)
            ids.append(c)
        res = (ids[0], ids[1])
        class_cache[key] = res
        return res

    via_names = ("internet", "core-cache", "local-cache")

    def cache_route(app: Any, building: str) -> tuple[float, int]:
        """Hit ratio of the cache that serves ``app`` in ``building`` and where a hit goes
        (an index of ``via_names``; 0, the internet, when no cache serves it)."""
        kind = getattr(app, "cache_kind", None)
        if kind is None or kind not in net.caches:
            return 0.0, 0
        hit, loc = net.caches[kind]
        if loc == "core":
            return hit, 1
        return (hit, 2) if loc == building else (0.0, 0)

    def bell(st: _Building, i: int, t: float) -> None:
        inp = st.inp
        nz, ng = len(inp.zones), len(st.groups)
        want = np.zeros((nz, ng), dtype=np.int64)
        for g, (pop, _m, f) in enumerate(st.groups):
            base = inp.staff[i] if pop == "staff" else inp.students[i]
            want[:, g] = np.round(base * f).astype(np.int64)
        moved = np.maximum(want - st.prev, 0)
        # AP association from scratch for this interval
        for r in st.radios:
            slots.used[r] = 0
        assoc = np.zeros((nz, ng), dtype=np.int64)
        rejected = np.zeros((nz, ng), dtype=np.int64)
        placed_by: list[list[dict[int, int]]] = []
        for z in range(nz):
            row = []
            for g in range(ng):
                placed, rej = assign_cohort(
                    slots, int(want[z, g]), st.cands[z][g], spread_db=cfg.ap_spread_db
                )
                row.append(placed)
                assoc[z, g] = int(want[z, g]) - rej
                rejected[z, g] = rej
            placed_by.append(row)
        # DHCP
        no_lease = np.zeros((nz, ng), dtype=np.int64)
        scope_present = [0] * len(st.scopes)
        scope_members: list[list[tuple[int, int]]] = [[] for _ in st.scopes]
        for z in range(nz):
            for g, (pop, _m, _f) in enumerate(st.groups):
                for k in st.scope_for(pop, z):
                    scope_present[k] += int(assoc[z, g])
                    scope_members[k].append((z, g))
        for k, (scope, _cl, _mask, sid) in enumerate(st.scopes):
            fail = scope.update(t, scope_present[k])
            if fail and scope_present[k]:
                frac = fail / scope_present[k]
                for z, g in scope_members[k]:
                    no_lease[z, g] = round(assoc[z, g] * frac)
                out.assoc_rows.append(
                    {
                        "time_s": t,
                        "building": inp.building,
                        "zone": "",
                        "scope": sid,
                        "event": "dhcp-fail",
                        "count": int(fail),
                        "wait_p95_s": np.nan,
                    }
                )
        # 802.1X for the devices that moved
        n_moved = int(np.minimum(moved, assoc).sum())
        if n_moved:
            span = min(cfg.assoc_spread_s, float(inp.ends[i] - inp.starts[i]))
            times = t + np.sort(st.rng.random(n_moved)) * span
            server = radius_by_building.get(inp.building, radius_default)
            server.submit(times, t, inp.building)  # served at the end of the day
        for z in range(nz):
            mv = int(np.minimum(moved[z], assoc[z]).sum())
            rj = int(rejected[z].sum())
            if mv:
                out.assoc_rows.append(
                    {
                        "time_s": t,
                        "building": inp.building,
                        "zone": inp.zones[z],
                        "scope": "",
                        "event": "associate",
                        "count": mv,
                        "wait_p95_s": np.nan,
                    }
                )
            if rj:
                out.assoc_rows.append(
                    {
                        "time_s": t,
                        "building": inp.building,
                        "zone": inp.zones[z],
                        "scope": "",
                        "event": "reject",
                        "count": rj,
                        "wait_p95_s": np.nan,
                    }
                )
        st.prev = want
        # traffic groups per zone: associated devices with a lease, by (radio, model, snr)
        for r in st.radios:
            radio_clients[r] = 0.0
        cdfs: list[FloatArray] = []
        for z in range(nz):
            keys: list[tuple[int, int, float]] = []
            weights: list[float] = []
            snr_of = {c[0]: c[2] for c in st.cands[z][0]} if st.cands[z] else {}
            for g in range(ng):
                ok_frac = 1.0 - (no_lease[z, g] / assoc[z, g] if assoc[z, g] else 0.0)
                snrs = {c[0]: c[2] for c in st.cands[z][g]}
                for radio, cnt in placed_by[z][g].items():
                    radio_clients[radio] += cnt
                    keys.append((radio, g, snrs.get(radio, snr_of.get(radio, 20.0))))
                    weights.append(cnt * ok_frac)
            blocked_w = float(want[z].sum()) - sum(weights)
            w = np.array([*weights, max(blocked_w, 0.0)])
            tot = w.sum()
            st.zone_keys[z] = keys
            cdfs.append(np.cumsum(w) / tot if tot > 0 else np.ones(1))
        rows = np.full((nz, max((len(c) for c in cdfs), default=1)), np.inf)
        for z, cdf in enumerate(cdfs):
            rows[z, : len(cdf)] = cdf
        st.cdf_rows = rows
        st.lut = None  # the session classes change with the groups
        clients_now[:] = rad_res.T @ radio_clients

    radius_by_building: dict[str, AuthServer] = {}
    for inp in inputs:
        b = survey.buildings[inp.building]
        if b.radius is not None:
            radius_by_building[inp.building] = AuthServer(
                b.radius.auths_per_s,
                timeout_s=cfg.auth_timeout_s,
                retry_s=cfg.auth_retry_s,
                retries=cfg.auth_retries,
            )
    slots = RadioSlots([r.max_clients for r in net.radios])
    ss = np.random.SeedSequence(seed)
    rngs = [np.random.default_rng(s) for s in ss.spawn(len(inputs))]
    states = [_Building(survey, net, inp, cfg, rng) for inp, rng in zip(inputs, rngs, strict=True)]
    n_apps = len(apps)
    stream_app = np.array([a.kind == "stream" for a in apps])

    def _session_classes(
        st: _Building,
        zone: NDArray[np.int64],
        app_i: NDArray[np.int64],
        grp: NDArray[np.int64],
        u_cache: FloatArray,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Down and up class of each session (-1 where blocked or not asked)."""
        n = len(zone)
        bname = st.inp.building
        nkeys = np.array([len(k) for k in st.zone_keys], dtype=np.int64)
        blocked = grp >= nkeys[zone]
        if blocked.any():
            for a, k in enumerate(np.bincount(app_i[blocked], minlength=n_apps).tolist()):
                if k:
                    k2 = (bname, apps[a].id)
                    out.blocked[k2] = out.blocked.get(k2, 0) + int(k)
        via = np.zeros(n, dtype=np.int64)
        for a, app in enumerate(apps):
            hit, code = cache_route(app, bname)
            if code:
                sel = app_i == a
                via[sel] = np.where(u_cache[sel] < hit, code, 0)
        cd = np.full(n, -1, dtype=np.int64)
        cu = np.full(n, -1, dtype=np.int64)
        ok = ~blocked
        if not ok.any():
            return cd, cu
        width = int(nkeys.max())
        combo = ((zone[ok] * width + grp[ok]) * n_apps + app_i[ok]) * 3 + via[ok]
        # classes of each (zone, device group, app, route) code, kept until the next bell
        # (the groups change there); only codes not met yet in the interval are looked up
        size = len(st.zone_keys) * width * n_apps * 3
        if st.lut is None or st.lut.shape[1] != size:
            st.lut = np.full((2, size), -2, dtype=np.int64)
        lut = st.lut
        for code in np.unique(combo[lut[0, combo] == -2]).tolist():
            rest, v = divmod(code, 3)
            rest, a = divmod(rest, n_apps)
            z, g = divmod(rest, width)
            radio, gi, snr = st.zone_keys[z][g]
            lut[0, code], lut[1, code] = classes(radio, st.groups[gi][1], snr, a, via_names[v])
        cd[ok] = lut[0, combo]
        cu[ok] = lut[1, combo]
        return cd, cu

    def building_proc(st: _Building) -> Any:
        inp = st.inp
        rng = st.rng
        out.bells[inp.building] = [
            (float(s), lab) for s, lab in zip(inp.starts, inp.labels, strict=True)
        ]
        for i in range(len(inp.starts)):
            t0, t1 = float(inp.starts[i]), float(inp.ends[i])
            if t1 <= start or t0 >= end:
                continue
            t0c, t1c = max(t0, start), min(t1, end)
            if env.now < t0c:
                yield env.timeout(t0c - env.now)
            bell(st, i, t0c)
            lam = np.asarray(inp.rates[i], dtype=np.float64) * cfg.demand_scale
            total = float(lam.sum())
            if total <= 0:
                continue
            # sessions are drawn a chunk of the interval at a time (a district's arrivals
            # for a whole period would otherwise all be held at once)
            for c0, c1 in _chunks(t0c, t1c):
                if env.now < c0:
                    yield env.timeout(c0 - env.now)
                n = int(rng.poisson(total * (c1 - c0)))
                if n == 0:
                    continue
                times = c0 + np.sort(rng.random(n)) * (c1 - c0)
                flat = rng.choice(lam.size, size=n, p=(lam / total).ravel())
                zone = flat // n_apps
                app_i = flat % n_apps
                u_group = rng.random(n)
                u_cache = rng.random(n)
                # each session's group: how many of its zone's CDF values are <= its draw
                # (what searchsorted(..., side="right") gives, for every zone at once)
                grp = np.count_nonzero(st.cdf_rows[zone] <= u_group[:, None], axis=1)
                size_d = np.zeros(n)
                size_u = np.zeros(n)
                for a in np.unique(app_i).tolist():
                    sel = app_i == a
                    k = int(sel.sum())
                    app = apps[a]
                    if stream_app[a]:
                        size_d[sel] = durations(app, rng, k)
                    else:
                        if app.mean_down_mb > 0:
                            size_d[sel] = sizes(app, rng, k, "down") * MB
                        if app.mean_up_mb > 0:
                            size_u[sel] = sizes(app, rng, k, "up") * MB
                cd, cu = _session_classes(st, zone, app_i, grp, u_cache)
                out.sessions += n
                is_s = stream_app[app_i]
                # each session's downlink flow, then its uplink flow: interleaved, the
                # flows stay in time order (a stream's length is its amount both ways)
                c_f = np.column_stack([cd, cu]).ravel()
                amt = np.column_stack([size_d, np.where(is_s, size_d, size_u)]).ravel()
                ok = (c_f >= 0) & (amt > 0)
                t_f = np.repeat(times, 2)[ok]
                s_f = np.repeat(is_s, 2)[ok]
                a_f = np.repeat(app_i.astype(np.int32), 2)[ok]
                c_f, amt = c_f[ok], amt[ok]
                if cfg.tick_s > 0:
                    driver.enqueue(t_f, c_f, amt, s_f, a_f)
                    continue
                cols = (t_f, c_f, amt, s_f, a_f)
                for tj, c, am, sj, aj in zip(*(x.tolist() for x in cols), strict=True):
                    if tj > env.now:
                        yield env.timeout(tj - env.now)
                    if sj:
                        driver.start_stream(c, am, aj)
                    else:
                        driver.start_elastic(c, am, aj)

    for st in states:
        env.process(building_proc(st))
    try:
        env.run(until=end + 1e-9)
    finally:
        driver.stop()
    driver.finish()
    # 802.1X: every burst and retry of the day through its RADIUS server, in time order
    for server in [radius_default, *radius_by_building.values()]:
        for bell_s, b_id, auth in server.results():
            out.assoc_rows.extend(_auth_rows(bell_s, b_id, auth))
    out.assoc_rows.sort(key=lambda row: row["time_s"])
    # account for the last partial bucket
    fluid.advance(end)
    if (end - start) / cfg.minute_s - len(out.minutes) > 1e-9:
        carried, used, offered = fluid.flush()
        on_minute(len(out.minutes), carried, used, offered, None)
    if out.tally is not None:
        fold()  # what the last bucket finished
    fluid.close_open()
    # Events handled: SimPy timer/tick events, flow arrivals and flow ends.
    out.events = driver.events + fluid.flows_total + fluid.ended_total
    out.wall_s = time.perf_counter() - t_wall
    out.extra = {
        "reallocations": fluid.reallocations,
        "global_solves": fluid.global_solves,
        "classes": fluid.n_classes,
    }
    return out


def inputs_from_arrays(
    building: str,
    starts: Sequence[float],
    ends: Sequence[float],
    zones: Sequence[str],
    students: FloatArray,
    staff: FloatArray,
    rates: FloatArray,
    *,
    grade_band: str = "9-12",
    labels: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> DayInputs:
    """Build :class:`DayInputs` from plain arrays (tests and scenario tools)."""
    n = len(starts)
    return DayInputs(
        building=building,
        starts=np.asarray(starts, dtype=np.float64),
        ends=np.asarray(ends, dtype=np.float64),
        labels=tuple(labels or [f"I{k}" for k in range(n)]),
        kinds=tuple(kinds or ["class"] * n),
        zones=tuple(zones),
        students=np.asarray(students, dtype=np.float64),
        staff=np.asarray(staff, dtype=np.float64),
        grade_band=grade_band,
        rates=np.asarray(rates, dtype=np.float64),
    )


def day_inputs(
    survey: Any,
    building: str,
    *,
    schedule: str | None,
    day: str,
    seed: int,
    occupancy: Callable[..., Any] | None = None,
    rates: Callable[..., Any] | None = None,
) -> DayInputs:
    """Occupancy and arrival rates of one building from netplan.schedule / netplan.demand."""
    from netplan.demand import arrival_rates
    from netplan.schedule import building_occupancy

    occ_fn = occupancy or building_occupancy
    rate_fn = rates or arrival_rates
    occ = occ_fn(survey, building, schedule=schedule, day=day, seed=seed)
    lam = rate_fn(survey, occ, day=day)
    return DayInputs(
        building=building,
        starts=np.array([iv.start_s for iv in occ.intervals], dtype=np.float64),
        ends=np.array([iv.end_s for iv in occ.intervals], dtype=np.float64),
        labels=tuple(iv.label for iv in occ.intervals),
        kinds=tuple(iv.kind for iv in occ.intervals),
        zones=tuple(occ.zones),
        students=np.asarray(occ.students, dtype=np.float64),
        staff=np.asarray(occ.staff, dtype=np.float64),
        grade_band=str(occ.grade_band),
        rates=np.asarray(lam, dtype=np.float64),
    )
