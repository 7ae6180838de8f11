"""Deterministic synthetic inputs in the real public formats (never real student data).

Builds a fictional district's census blocks (TIGER/Line tabblock20 schema), FCC BDC fixed
availability CSVs (exact public columns, text ids with leading zeros, some empty upload
speeds, satellite and unlicensed fixed wireless rows, R/B/X codes), BDC mobile H3 res-9
coverage per provider/technology/tier, a student roster and a hotspot plan catalogue.

The demo district is "Cedar Valley School District", Colorado (state FIPS 08) in the
fictional county 999. Its east side is rural and poorly served so the analysis has something
to find. The same generator scales to a state-size benchmark.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import h3
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyogrio
import shapely
from scipy.spatial import cKDTree

from netplan.equity.constants import BDC_FIXED_COLUMNS, TIGER_BLOCK_COLUMNS, WGS84

__all__ = [
    "CEDAR_VALLEY",
    "DistrictSpec",
    "School",
    "SyntheticDistrict",
    "generate",
    "state_spec",
    "write_demo_inputs",
]

NAD83 = "EPSG:4269"  # TIGER/Line layers are NAD83 geographic
_EQUAL_AREA = "EPSG:5070"  # CONUS Albers, for ALAND20
_RELEASE = "J25"
_RELEASE_DATE = "01dec2025"


@dataclass(frozen=True)
class School:
    """A school building."""

    building_id: str
    name: str
    lat: float
    lon: float
    grades: tuple[int, int]  # lowest, highest (K = 0)
    enrolment: int


@dataclass(frozen=True)
class Town:
    """A settlement: a Gaussian cluster of homes."""

    lat: float
    lon: float
    sigma_deg: float
    weight: float
    wired: bool  # cable/fibre built out here


@dataclass(frozen=True)
class Provider:
    """A mobile provider: towers and its BDC provider id."""

    provider_id: str
    name: str
    towers: tuple[tuple[float, float], ...]
    has_5g: bool


@dataclass(frozen=True)
class DistrictSpec:
    """Everything that shapes a synthetic district."""

    name: str
    state_fips: str
    state_usps: str
    county_fips: str
    boundary: tuple[tuple[float, float], ...]  # (lon, lat) ring
    schools: tuple[School, ...]
    towns: tuple[Town, ...]
    rural_weight: float
    rural_east_of: float  # longitude beyond which service is thin
    n_blocks: int
    housing_units: int
    providers: tuple[Provider, ...]
    seed: int = 20250
    grade_weights: tuple[float, ...] = field(
        default=(225,) * 6 + (300,) * 3 + (400,) * 4  # K-5, 6-8, 9-12 per grade
    )

    @property
    def students(self) -> int:
        """Target enrolment."""
        return sum(s.enrolment for s in self.schools)


CEDAR_VALLEY = DistrictSpec(
    name="Cedar Valley School District",
    state_fips="08",
    state_usps="CO",
    county_fips="999",
    boundary=(
        (-104.85, 40.25),
        (-104.62, 40.25),
        (-104.55, 40.28),
        (-104.55, 40.44),
        (-104.60, 40.47),
        (-104.80, 40.47),
        (-104.85, 40.44),
        (-104.85, 40.25),
    ),
    schools=(
        School("chs", "Cedar Valley High School", 40.3500, -104.7000, (9, 12), 1600),
        School("cms", "Cedar Valley Middle School", 40.3800, -104.6500, (6, 8), 900),
        School("oak", "Oak Street Elementary", 40.3200, -104.7500, (0, 5), 450),
        School("pine", "Pine Ridge Elementary", 40.4100, -104.7200, (0, 5), 450),
        School("elm", "Elm Creek Elementary", 40.3300, -104.6200, (0, 5), 450),
    ),
    towns=(
        Town(40.350, -104.705, 0.018, 0.34, True),
        Town(40.320, -104.752, 0.014, 0.20, True),
        Town(40.408, -104.722, 0.014, 0.16, True),
        Town(40.380, -104.655, 0.010, 0.07, False),
        Town(40.332, -104.622, 0.008, 0.05, False),
    ),
    rural_weight=0.18,
    rural_east_of=-104.665,
    n_blocks=700,
    housing_units=4200,
    providers=(
        Provider(
            "990001",
            "Summit Wireless",
            (
                (40.35, -104.70),
                (40.32, -104.76),
                (40.41, -104.72),
                (40.30, -104.82),
                (40.44, -104.80),
                (40.38, -104.66),
            ),
            True,
        ),
        Provider(
            "990002",
            "Prairie Mobile",
            ((40.37, -104.60), (40.29, -104.58), (40.43, -104.58), (40.34, -104.68)),
            False,
        ),
        Provider(
            "990003",
            "Frontrange Cellular",
            ((40.35, -104.71), (40.32, -104.745), (40.405, -104.715)),
            True,
        ),
    ),
)


def state_spec(*, students: int = 1_000_000, blocks: int = 100_000, seed: int = 7) -> DistrictSpec:
    """A state-size synthetic area (Colorado's extent) for benchmarks.

    Towns, schools and towers are placed at random (seeded); homes per student and blocks
    follow the demo district's proportions.
    """
    rng = np.random.default_rng(seed)
    west, south, east, north = -109.05, 36.99, -102.04, 41.0

    def spots(k: int) -> list[tuple[float, float]]:
        return [
            (float(rng.uniform(south, north)), float(rng.uniform(west, east))) for _ in range(k)
        ]

    town_pts = spots(60)
    towns = tuple(
        Town(la, lo, float(rng.uniform(0.02, 0.08)), float(rng.pareto(1.2) + 0.2), bool(i < 45))
        for i, (la, lo) in enumerate(town_pts)
    )
    schools = []
    per_level = {(0, 5): 600, (6, 8): 200, (9, 12): 150}
    for span, k in per_level.items():
        for i, (la, lo) in enumerate(spots(k)):
            schools.append(School(f"s{span[0]}{i:04d}", f"School {span[0]}-{i}", la, lo, span, 1))
    total_w = float(np.dot(CEDAR_VALLEY.grade_weights, np.ones(13)))
    scale = students / total_w
    levels = {(0, 5): 225 * 6, (6, 8): 300 * 3, (9, 12): 400 * 4}
    schools = [
        School(
            s.building_id,
            s.name,
            s.lat,
            s.lon,
            s.grades,
            max(1, round(levels[s.grades] * scale / per_level[s.grades])),
        )
        for s in schools
    ]
    providers = (
        Provider("990001", "Summit Wireless", tuple(spots(900)), True),
        Provider("990002", "Prairie Mobile", tuple(spots(500)), False),
        Provider(
            "990003",
            "Frontrange Cellular",
            tuple(
                (la + float(rng.normal(0, 0.05)), lo + float(rng.normal(0, 0.05)))
                for la, lo in town_pts * 4
            ),
            True,
        ),
    )
    homes_per_student = CEDAR_VALLEY.housing_units / CEDAR_VALLEY.students
    return DistrictSpec(
        name="Synthetic state-size area",
        state_fips="08",
        state_usps="CO",
        county_fips="999",
        boundary=((west, south), (east, south), (east, north), (west, north), (west, south)),
        schools=tuple(schools),
        towns=towns,
        rural_weight=0.15,
        rural_east_of=-103.6,
        n_blocks=blocks,
        housing_units=int(students * homes_per_student),
        providers=providers,
        seed=seed,
    )


@dataclass
class SyntheticDistrict:
    """The generated layers and tables (in memory)."""

    spec: DistrictSpec
    boundary: shapely.Polygon
    blocks: gpd.GeoDataFrame
    fixed: dict[str, pd.DataFrame]  # technology file label -> rows
    mobile: dict[tuple[str, str], pd.DataFrame]  # (provider_id, tech/tier label) -> rows
    roster: pd.DataFrame
    schools: pd.DataFrame


def _sample_in(
    poly: shapely.Geometry,
    n: int,
    rng: np.random.Generator,
    centre: tuple[float, float] | None = None,
    sigma: float = 0.0,
) -> npt.NDArray[np.float64]:
    """``n`` (lon, lat) points inside ``poly``: uniform, or Gaussian around ``centre``."""
    shapely.prepare(poly)
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(64, int((n - len(out)) * 1.6))
        if centre is None:
            pts = np.column_stack([rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)])
        else:
            lat_c, lon_c = centre
            pts = np.column_stack(
                [
                    rng.normal(lon_c, sigma / math.cos(math.radians(lat_c)), k),
                    rng.normal(lat_c, sigma, k),
                ]
            )
        ok = shapely.contains_xy(poly, pts[:, 0], pts[:, 1])
        out = np.vstack([out, pts[ok]])
    return out[:n]


def _homes(
    spec: DistrictSpec, poly: shapely.Geometry, n: int, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    weights = np.array([t.weight for t in spec.towns] + [spec.rural_weight])
    counts = rng.multinomial(n, weights / weights.sum())
    parts = [
        _sample_in(poly, int(k), rng, (t.lat, t.lon), t.sigma_deg)
        for t, k in zip(spec.towns, counts[:-1], strict=True)
    ]
    parts.append(_sample_in(poly, int(counts[-1]), rng))
    pts = np.vstack(parts)
    return pts[rng.permutation(len(pts))]


def _fmt_coord(v: npt.NDArray[np.float64], width: int) -> list[str]:
    return [f"{x:+0{width}.7f}" for x in v]


def _make_blocks(
    spec: DistrictSpec,
    poly: shapely.Geometry,
    homes: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> tuple[gpd.GeoDataFrame, npt.NDArray[np.int64]]:
    """Voronoi blocks seeded half by homes (dense where people live), half uniformly."""
    n = spec.n_blocks
    from_homes = homes[rng.choice(len(homes), size=n // 2, replace=False)]
    seeds = np.vstack([from_homes, _sample_in(poly, n - n // 2, rng)])
    seeds += rng.normal(0, 1e-6, seeds.shape)
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=poly, ordered=True)
    geoms = shapely.intersection(np.asarray(shapely.get_parts(cells)), poly)
    geoms = np.array(
        [
            g
            if g.geom_type in ("Polygon", "MultiPolygon")
            else shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"])
            for g in geoms
        ],
        dtype=object,
    )
    keep = ~shapely.is_empty(geoms)
    geoms, seeds = geoms[keep], seeds[keep]
    # Tracts on a coarse grid, four block groups each, blocks numbered within groups.
    minx, miny, maxx, maxy = poly.bounds
    per_tract = 60
    n_tracts = max(1, len(geoms) // per_tract)
    side = max(1, round(math.sqrt(n_tracts)))
    rp = shapely.point_on_surface(geoms)
    x, y = shapely.get_x(rp), shapely.get_y(rp)
    tx = np.minimum(((x - minx) / (maxx - minx + 1e-12) * side).astype(int), side - 1)
    ty = np.minimum(((y - miny) / (maxy - miny + 1e-12) * side).astype(int), side - 1)
    tract = ty * side + tx
    sub_x = ((x - minx) / (maxx - minx + 1e-12) * side * 2).astype(int) % 2
    sub_y = ((y - miny) / (maxy - miny + 1e-12) * side * 2).astype(int) % 2
    bg = 1 + sub_y * 2 + sub_x
    order = np.lexsort((x, -y, bg, tract))
    geoms, tract, bg, x, y = geoms[order], tract[order], bg[order], x[order], y[order]
    seq = pd.Series(np.ones(len(geoms), dtype=int)).groupby([tract, bg]).cumsum().to_numpy()
    tractce = np.array([f"{(t + 1) * 100:06d}" for t in tract], dtype=object)
    blockce = np.array([f"{b}{s:03d}" for b, s in zip(bg, seq, strict=True)], dtype=object)
    gdf = gpd.GeoDataFrame(
        {
            "STATEFP20": spec.state_fips,
            "COUNTYFP20": spec.county_fips,
            "TRACTCE20": tractce,
            "BLOCKCE20": blockce,
        },
        geometry=geoms,
        crs=WGS84,
    )
    gdf["GEOID20"] = gdf["STATEFP20"] + gdf["COUNTYFP20"] + gdf["TRACTCE20"] + gdf["BLOCKCE20"]
    area = gdf.to_crs(_EQUAL_AREA).area.to_numpy()
    water = np.zeros(len(gdf), dtype=bool)
    water[rng.choice(len(gdf), size=max(1, len(gdf) // 200), replace=False)] = True
    gdf["ALAND20"] = np.where(water, 0, np.round(area)).astype(np.int64)
    gdf["AWATER20"] = np.where(water, np.round(area), 0).astype(np.int64)
    gdf["INTPTLAT20"] = _fmt_coord(y, 10)
    gdf["INTPTLON20"] = _fmt_coord(x, 12)
    # Homes per block (water blocks hold none: homes there move to the nearest land block).
    tree = shapely.STRtree(gdf.geometry.values)
    pt_idx, blk = tree.query(shapely.points(homes), predicate="intersects")
    home_block = np.full(len(homes), -1, dtype=np.int64)
    home_block[pt_idx[::-1]] = blk[::-1]
    lost = (home_block < 0) | water[np.maximum(home_block, 0)]
    if lost.any():
        land = np.flatnonzero(~water)
        kd = cKDTree(np.column_stack([x[land], y[land]]))
        _, near = kd.query(homes[lost])
        home_block[lost] = land[near]
        homes[lost] = np.column_stack([x[land][near], y[land][near]])
    housing = np.bincount(home_block, minlength=len(gdf))
    gdf["HOUSING20"] = housing.astype(np.int64)
    gdf["POP20"] = np.round(housing * rng.uniform(2.2, 2.9, len(gdf))).astype(np.int64)
    gdf = gdf[[*TIGER_BLOCK_COLUMNS, "geometry"]].to_crs(NAD83)
    return gdf, home_block


def _fixed_rows(
    spec: DistrictSpec,
    homes: npt.NDArray[np.float64],
    home_block: npt.NDArray[np.int64],
    blocks: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> dict[str, pd.DataFrame]:
    """BDC fixed availability rows per technology file."""
    n = len(homes)
    lon, lat = homes[:, 0], homes[:, 1]
    wired_towns = [t for t in spec.towns if t.wired]
    d_town = np.min(
        [
            np.hypot((lat - t.lat), (lon - t.lon) * math.cos(math.radians(t.lat)))
            / (2.2 * t.sigma_deg)
            for t in wired_towns
        ],
        axis=0,
    )
    town = d_town < 1.0
    east = (lon >= spec.rural_east_of) & ~town
    west_rural = ~town & ~east
    loc_ids = np.array(
        [f"{v:010d}" for v in 1_000_000_000 + rng.choice(999_999_999, size=n, replace=False)],
        dtype=object,
    )
    geoid = blocks["GEOID20"].to_numpy()[home_block]
    h3_8 = np.array(
        [h3.latlng_to_cell(a, b, 8) for a, b in zip(lat, lon, strict=True)], dtype=object
    )
    out: dict[str, list[pd.DataFrame]] = {}

    def add(
        label: str,
        mask: npt.NDArray[np.bool_],
        frn: str,
        pid: str,
        brand: str,
        tech: int,
        down: npt.ArrayLike,
        up: npt.ArrayLike,
        low_latency: int,
        brc: npt.ArrayLike,
    ) -> None:
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        k = idx.size

        def pick(v: npt.ArrayLike) -> npt.NDArray[np.object_]:
            arr = np.asarray(v, dtype=object)
            if arr.ndim and arr.shape[0] == n:
                return arr[idx]
            return np.broadcast_to(arr, (k,))

        up_arr = pick(up)
        out.setdefault(label, []).append(
            pd.DataFrame(
                {
                    "frn": frn,
                    "provider_id": pid,
                    "brand_name": brand,
                    "location_id": loc_ids[idx],
                    "technology": str(tech),
                    "max_advertised_download_speed": pick(down).astype(str),
                    "max_advertised_upload_speed": up_arr.astype(str),
                    "low_latency": str(low_latency),
                    "business_residential_code": pick(brc),
                    "state_usps": spec.state_usps,
                    "block_geoid": geoid[idx],
                    "h3_res8_id": h3_8[idx],
                }
            )
        )

    u = rng.random((8, n))
    # Cable in the wired towns; fibre in part of them; business-only fibre rows too.
    add(
        "Cable",
        town & (u[0] < 0.93),
        "0004123456",
        "890011",
        "Front Range Cable",
        40,
        1000,
        35,
        1,
        np.where(u[1] < 0.8, "X", "R"),
    )
    add(
        "FibertothePremises",
        town & (u[2] < 0.35),
        "0009876501",
        "890012",
        "Valley Fiber",
        50,
        2000,
        2000,
        1,
        "R",
    )
    add(
        "FibertothePremises",
        ~town & ~east & (u[2] > 0.97),
        "0009876501",
        "890012",
        "Valley Fiber",
        50,
        1000,
        1000,
        1,
        "B",
    )
    # DSL: 25/3 near town, slower further out; some rows publish no upload speed.
    dsl = west_rural | (east & (u[3] < 0.35)) | (town & (u[3] < 0.15))
    fast = west_rural & (u[4] < 0.55)
    down = np.where(fast, 25, np.where(east, 6, 10))
    up = np.where(fast, "3", "1").astype(object)
    up[(u[5] < 0.12)] = ""
    add("Copper", dsl, "0001357911", "890013", "Prairie DSL", 10, down, up, 1, "R")
    # Licensed fixed wireless: underserved tier in parts of the rural areas.
    add(
        "LicensedFixedWireless",
        (west_rural & (u[6] < 0.30)) | (east & (u[6] < 0.12)),
        "0002468024",
        "890014",
        "Ridge Wireless",
        71,
        50,
        10,
        1,
        "R",
    )
    # Unlicensed fixed wireless and satellite: 100/20 advertised but not "reliable".
    add(
        "UnlicensedFixedWireless",
        east & (u[7] < 0.5),
        "0003692581",
        "890015",
        "Plains Wireless",
        70,
        100,
        20,
        1,
        "R",
    )
    add("NGSOSatellite", ~town, "0008642097", "890016", "OrbitNet", 61, 100, 20, 1, "X")
    add("GSOSatellite", east, "0007531864", "890017", "SkyLink Satellite", 60, 25, 3, 0, "X")
    frames = {}
    for label, parts in out.items():
        df = pd.concat(parts, ignore_index=True)[list(BDC_FIXED_COLUMNS)]
        frames[label] = df.sort_values(["block_geoid", "location_id"], kind="stable").reset_index(
            drop=True
        )
    return frames


def _mobile_rows(
    spec: DistrictSpec, poly: shapely.Geometry, rng: np.random.Generator
) -> dict[tuple[str, str], pd.DataFrame]:
    """BDC mobile H3 res-9 coverage per provider and technology/tier."""
    cells = np.array(sorted(h3.geo_to_cells(poly, 9)), dtype=object)
    centres = np.array([h3.cell_to_latlng(c) for c in cells])
    lat0 = math.radians(float(np.mean(centres[:, 0])))
    km = np.column_stack([centres[:, 0] * 111.0, centres[:, 1] * 111.0 * math.cos(lat0)])
    tiers = (  # label, technology, mindown, minup, outdoor radius km
        ("4GLTE_5_1", 400, 5, 1, 7.0),
        ("5GNR_7_1", 500, 7, 1, 3.5),
        ("5GNR_35_3", 500, 35, 3, 1.6),
    )
    out: dict[tuple[str, str], pd.DataFrame] = {}
    for prov in spec.providers:
        towers = np.array([(la * 111.0, lo * 111.0 * math.cos(lat0)) for la, lo in prov.towers])
        dist, _ = cKDTree(towers).query(km)
        noise = rng.lognormal(0.0, 0.18, len(cells))
        for label, tech, down, up, radius in tiers:
            if tech == 500 and not prov.has_5g:
                continue
            parts = []
            for env, scale in ((0, 1.0), (1, 0.72)):
                hit = dist * noise < radius * scale
                parts.append(
                    pd.DataFrame(
                        {
                            "h3_res9_id": cells[hit],
                            "technology": tech,
                            "mindown": down,
                            "minup": up,
                            "environment": env,
                        }
                    )
                )
            out[(prov.provider_id, label)] = pd.concat(parts, ignore_index=True)
    return out


_STREETS = (
    "Cedar",
    "Oak",
    "Pine",
    "Elm",
    "Maple",
    "Aspen",
    "Juniper",
    "Willow",
    "Prairie",
    "Ridge",
    "Meadow",
    "Sunset",
    "Canyon",
    "Mesa",
    "Valley",
    "Spruce",
    "Birch",
    "Sage",
)
_SUFFIX = (
    ("Street", "ST"),
    ("Avenue", "AVE"),
    ("Road", "RD"),
    ("Drive", "DR"),
    ("Lane", "LN"),
    ("Court", "CT"),
)


def _roster(
    spec: DistrictSpec, homes: npt.NDArray[np.float64], rng: np.random.Generator
) -> pd.DataFrame:
    """Students in households placed at housing units; siblings share a home."""
    target = spec.students
    sizes_p = np.array([0.45, 0.35, 0.15, 0.05])
    n_hh = round(target / float(np.dot(sizes_p, [1, 2, 3, 4])))
    n_hh = min(n_hh, len(homes))
    hh_pts = homes[rng.choice(len(homes), size=n_hh, replace=False)]
    kids = rng.choice([1, 2, 3, 4], size=n_hh, p=sizes_p)
    hh_of = np.repeat(np.arange(n_hh), kids)
    n = len(hh_of)
    gw = np.asarray(spec.grade_weights, dtype=float)
    grade = rng.choice(np.arange(len(gw)), size=n, p=gw / gw.sum())
    lon, lat = hh_pts[hh_of, 0], hh_pts[hh_of, 1]
    # Each student attends the nearest school teaching their grade.
    school = np.empty(n, dtype=object)
    for span in sorted({s.grades for s in spec.schools}):
        level = [s for s in spec.schools if s.grades == span]
        mine = (grade >= span[0]) & (grade <= span[1])
        xy = np.array([(s.lat, s.lon * 0.76) for s in level])
        _, near = cKDTree(xy).query(np.column_stack([lat[mine], lon[mine] * 0.76]))
        school[mine] = np.array([s.building_id for s in level], dtype=object)[near]
    ids = 1 + rng.choice(999_999_998, size=n, replace=False)
    student_id = np.array([f"{v:09d}" for v in ids], dtype=object)
    hh_num = 1 + rng.choice(999_998, size=n_hh, replace=False)
    household_id = np.array([f"HH{v:06d}" for v in hh_num], dtype=object)
    no_hh_id = rng.random(n_hh) < 0.12
    house_no = rng.integers(100, 9999, n_hh)
    street = rng.integers(0, len(_STREETS), n_hh)
    suffix = rng.integers(0, len(_SUFFIX), n_hh)
    apt = np.where(rng.random(n_hh) < 0.15, rng.integers(1, 40, n_hh), 0)
    variant = rng.random(n) < 0.3
    addr = []
    for i in range(n):
        h = hh_of[i]
        long_form = not variant[i]
        base = (
            f"{house_no[h]} {_STREETS[street[h]]} {_SUFFIX[suffix[h]][0]}"
            if long_form
            else f"{house_no[h]} {_STREETS[street[h]].upper()} {_SUFFIX[suffix[h]][1]}."
        )
        if apt[h]:
            base += f" Apt {apt[h]}" if long_form else f" #{apt[h]}"
        addr.append(base + ", Cedar Valley, CO")
    east = lon >= spec.rural_east_of
    frl_p = np.where(east, 0.55, 0.32)
    hh_frl = rng.random(n_hh) < frl_p[np.searchsorted(hh_of, np.arange(n_hh))]
    answered = rng.random(n_hh) < 0.35
    hh_east = hh_pts[:, 0] >= spec.rural_east_of
    says_no = rng.random(n_hh) < np.where(hh_east, 0.55, 0.06)
    hh_answer = np.where(answered, np.where(says_no, "No", "Yes"), "")
    # Only some siblings' forms carry the answer.
    answer = np.where(rng.random(n) < 0.8, hh_answer[hh_of], "")
    jitter = rng.normal(0, 0.00004, (n, 2))
    grade_label = np.where(grade == 0, "K", grade.astype(str))
    df = pd.DataFrame(
        {
            "student_id": student_id,
            "school": school,
            "grade": grade_label,
            "household_id": np.where(no_hh_id[hh_of], "", household_id[hh_of]),
            "address": addr,
            "latitude": np.round(lat + jitter[:, 0], 6),
            "longitude": np.round(lon + jitter[:, 1], 6),
            "frl": np.where(hh_frl[hh_of], "Y", "N"),
            "home_internet": answer,
        }
    )
    order = np.lexsort((df["student_id"].to_numpy(), df["school"].to_numpy()))
    return df.iloc[order].reset_index(drop=True)


def demo_bad_rows(roster: pd.DataFrame) -> pd.DataFrame:
    """A handful of deliberately bad rows, each exercising one rejection rule."""
    a = roster.iloc[0].to_dict()
    b = roster.iloc[1].to_dict()
    rows = []

    def row(**kw: str) -> None:
        r = dict(a)
        r.update(kw)
        rows.append(r)

    row(student_id="990000001", latitude="", longitude="")  # not geocoded
    row(student_id="990000002", latitude="forty", longitude="-104.70")  # not a number
    row(
        student_id="990000003", latitude=str(a["longitude"]), longitude=str(a["latitude"])
    )  # swapped
    row(student_id="990000004", latitude="39.7392", longitude="-104.9903")  # outside district
    row(student_id="990000005", latitude="0", longitude="0")  # failed geocode
    row(student_id="990000006", grade="14")  # grade not understood
    row(student_id="990000007", household_id="", address="")  # no way to group siblings
    rows.append(dict(b))  # exact duplicate of an existing row
    row(student_id=str(b["student_id"]), school="chs", grade="11")  # same id, other details
    out = pd.DataFrame(rows)[roster.columns]
    return out.astype(str)


def generate(
    spec: DistrictSpec = CEDAR_VALLEY, *, students: int | None = None
) -> SyntheticDistrict:
    """Generate a district deterministically from ``spec.seed``.

    Parameters
    ----------
    spec
        District description.
    students
        Override the enrolment (schools scaled in proportion), for benchmarks.
    """
    rng = np.random.default_rng(spec.seed)
    if students is not None:
        k = students / spec.students
        spec = DistrictSpec(
            **{
                **spec.__dict__,
                "schools": tuple(
                    School(s.building_id, s.name, s.lat, s.lon, s.grades, round(s.enrolment * k))
                    for s in spec.schools
                ),
            }
        )
    poly = shapely.Polygon(spec.boundary)
    homes = _homes(spec, poly, spec.housing_units, rng)
    blocks, home_block = _make_blocks(spec, poly, homes, rng)
    fixed = _fixed_rows(spec, homes, home_block, blocks, rng)
    mobile = _mobile_rows(spec, poly, rng)
    roster = _roster(spec, homes, rng)
    schools = pd.DataFrame(
        [
            {
                "building_id": s.building_id,
                "name": s.name,
                "latitude": s.lat,
                "longitude": s.lon,
                "lowest_grade": "K" if s.grades[0] == 0 else str(s.grades[0]),
                "highest_grade": str(s.grades[1]),
                "enrolment": s.enrolment,
            }
            for s in spec.schools
        ]
    )
    return SyntheticDistrict(spec, poly, blocks, fixed, mobile, roster, schools)


def fixed_file_name(spec: DistrictSpec, label: str) -> str:
    """``bdc_{STATEFIPS}_{Tech}_fixed_broadband_{release}_{date}.csv``."""
    return f"bdc_{spec.state_fips}_{label}_fixed_broadband_{_RELEASE}_{_RELEASE_DATE}.csv"


def mobile_file_name(spec: DistrictSpec, provider_id: str, label: str, ext: str) -> str:
    """``bdc_{STATEFIPS}_{PROVIDERID}_{tech_tier}_mobile_broadband_h3_{release}_{date}``."""
    return (
        f"bdc_{spec.state_fips}_{provider_id}_{label}_mobile_broadband_h3_{_RELEASE}_"
        f"{_RELEASE_DATE}.{ext}"
    )


def write_csv_text(df: pd.DataFrame, path: Path) -> None:
    """Write a CSV with every value as text exactly as given (ids keep leading zeros)."""
    table = pa.Table.from_pandas(df.astype(str), preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def plans_toml(spec: DistrictSpec) -> str:
    """The demo hotspot plan catalogue."""
    p = {prov.provider_id: prov.name for prov in spec.providers}
    ids = list(p)
    return f'''# Hotspot plan catalogue for the {spec.name} demo (fictional carriers).
# Costs follow docs/references.md "Hotspot programmes": FCC 24-76 (E-rate hotspots) used $90 per
# device and $15 a month, at most 20 hotspots per 100 students, pre-K/K not eligible; the
# Emergency Connectivity Fund reimbursed devices up to $250 and service "generally $10-$25"
# a month; T-Mobile Project 10Million gives NSLP households 100 GB a year free.

[programme]
name = "{spec.name} home connectivity programme"
months_per_year = 10                  # school year
max_hotspots_per_100_students = 20    # FCC 24-76 cap
ineligible_grades = ["PK", "K"]       # FCC 24-76: pre-K and kindergarten not eligible
include_underserved = false
allowance_policy = "flag"             # "exclude" never assigns a plan the home would outgrow
coverage_environment = "in_vehicle"   # stricter than outdoor: the better proxy for indoors
budget_year1 = 60000.0

[usage]                               # expected home use per student (docs/references.md demand)
school_days_per_month = 20
device_updates_gb_per_month = 0.35    # ChromeOS full update ~400 MB every ~5 weeks

[[usage.activity]]
name = "instructional video 480p"     # YouTube 480p 1.1 Mbps
down_mbps = 1.1
hours_per_school_day = 0.5

[[usage.activity]]
name = "video call 1:1 720p"          # Zoom 1:1 720p 1.2 Mbps each way
down_mbps = 1.2
up_mbps = 1.2
hours_per_school_day = 0.25

[[usage.activity]]
name = "web, LMS and documents"       # no vendor figure; Linksys "web" 0.5 Mbps
down_mbps = 0.5
hours_per_school_day = 1.0

[[carrier]]
name = "{p[ids[0]]}"
provider_id = "{ids[0]}"
device_cost = 90.0                    # FCC 24-76
monthly_cost = 15.0                   # FCC 24-76
technologies = [400, 500]
min_down_mbps = 5.0                   # BDC 4G LTE tier 5/1
min_up_mbps = 1.0

[[carrier]]
name = "{p[ids[1]]}"
provider_id = "{ids[1]}"
device_cost = 250.0                   # ECF device reimbursement ceiling
monthly_cost = 25.0                   # top of the ECF "generally $10-$25"
technologies = [400, 500]
min_down_mbps = 5.0
min_up_mbps = 1.0

[[carrier]]
name = "{p[ids[2]]}"
provider_id = "{ids[2]}"
device_cost = 0.0                     # free device, like Project 10Million
monthly_cost = 0.0
data_allowance_gb_per_month = 8.3     # 100 GB a year
frl_only = true                       # NSLP households only
technologies = [500]
min_down_mbps = 7.0                   # 5G-NR 7/1
min_up_mbps = 1.0
'''


def write_demo_inputs(
    out_dir: str | Path,
    spec: DistrictSpec = CEDAR_VALLEY,
    *,
    bad_rows: bool = True,
    gpkg_provider: str | None = "990001",
) -> dict[str, Path]:
    """Write the demo district's input files.

    Parameters
    ----------
    out_dir
        Folder to write into (created).
    spec
        District description.
    bad_rows
        Append the rows of :func:`demo_bad_rows` to the roster (exercises the rejects file).
    gpkg_provider
        This provider's 4G LTE layer is written as a GeoPackage with hexagon polygons, the
        other layers as CSVs of ``h3_res9_id`` (both are BDC distribution forms; CSV keeps the demo
        small).

    Returns
    -------
    dict
        Role -> path (``mobile`` and ``fixed`` entries are folders' file lists).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # GeoPackages record a modification time; fix it so the files are byte-for-byte repeatable
    # (and put the setting back afterwards).
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2025-12-01T00:00:00Z"})
    try:
        return _write_demo_inputs(out, spec, bad_rows=bad_rows, gpkg_provider=gpkg_provider)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def _write_demo_inputs(
    out: Path, spec: DistrictSpec, *, bad_rows: bool, gpkg_provider: str | None
) -> dict[str, Path]:
    d = generate(spec)
    # Start clean (a GeoPackage written over keeps growing), removing only files this
    # function writes.
    ours = (
        "bdc_*",
        "tl_2020_*_tabblock20.gpkg",
        "district_boundary.geojson",
        "students.csv",
        "schools.csv",
        "hotspot_plans.toml",
    )
    for pattern in ours:
        for old in out.glob(pattern):
            old.unlink()
    paths: dict[str, Path] = {}
    boundary = gpd.GeoDataFrame({"name": [spec.name]}, geometry=[d.boundary], crs=WGS84)
    paths["district"] = out / "district_boundary.geojson"
    boundary.to_file(paths["district"], driver="GeoJSON", engine="pyogrio")
    paths["blocks"] = out / f"tl_2020_{spec.state_fips}{spec.county_fips}_tabblock20.gpkg"
    d.blocks.to_file(paths["blocks"], layer="tabblock20", driver="GPKG", engine="pyogrio")
    for label, df in d.fixed.items():
        path = out / fixed_file_name(spec, label)
        write_csv_text(df, path)
    for (pid, label), df in d.mobile.items():
        if pid == gpkg_provider and label == "4GLTE_5_1":
            path = out / mobile_file_name(spec, pid, label, "gpkg")
            gdf = gpd.GeoDataFrame(df, geometry=_hex_polygons(df["h3_res9_id"].tolist()), crs=WGS84)
            gdf.to_file(
                path,
                layer="coverage",
                driver="GPKG",
                engine="pyogrio",
                layer_options={"SPATIAL_INDEX": "NO"},
            )
        else:
            write_csv_text(df, out / mobile_file_name(spec, pid, label, "csv"))
    roster = d.roster.astype(str)
    if bad_rows:
        roster = pd.concat([roster, demo_bad_rows(roster)], ignore_index=True)
    paths["students"] = out / "students.csv"
    write_csv_text(roster, paths["students"])
    paths["schools"] = out / "schools.csv"
    write_csv_text(d.schools, paths["schools"])
    paths["plans"] = out / "hotspot_plans.toml"
    paths["plans"].write_text(plans_toml(spec), encoding="utf-8")
    return paths


def _hex_polygons(cells: Sequence[str]) -> npt.NDArray[np.object_]:
    from netplan.equity.hexes import cell_polygons

    return cell_polygons(cells)
