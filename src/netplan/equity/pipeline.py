"""The equity analysis end to end: roster + coverage -> classes, hotspot plan, outputs.

:func:`run_equity` returns an :class:`EquityResult` holding the *public* outputs (aggregated
and suppressed; safe to publish) apart from the *restricted* ones (household lists for
outreach staff). :func:`write_equity_outputs` writes them; restricted files only on request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from netplan import __version__
from netplan.equity.blocks import locate_points, read_blocks
from netplan.equity.config import EquityConfig
from netplan.equity.constants import BDC_FIXED_TECHNOLOGIES, SERVICE_CLASSES, WGS84
from netplan.equity.fixed import FixedRules, read_all_fixed, service_by_area
from netplan.equity.hexes import cell_ints, cell_polygons, ints_to_text, parent_ints
from netplan.equity.hotspots import STATUSES, HotspotPlan, size_programme
from netplan.equity.households import build_households, join_groups
from netplan.equity.mobile import carrier_coverage, read_all_mobile
from netplan.equity.ookla import measured_disagrees, read_ookla
from netplan.equity.plans import PlanCatalogue, load_plans
from netplan.equity.privacy import suppressed_frame
from netplan.equity.readers import read_district
from netplan.equity.rejects import Rejects
from netplan.equity.roster import read_roster
from netplan.errors import InputError, Problem
from netplan.outputs import staged_output

__all__ = [
    "EquityResult",
    "PublicOutputs",
    "RestrictedOutputs",
    "run_equity",
    "write_equity_outputs",
]

RESTRICTED_NOTICE = (
    "RESTRICTED: contains student education records (home locations, internet access and "
    "hotspot status; not directory information under FERPA, 34 CFR 99.3). For outreach staff "
    "only. Do not publish, e-mail or upload to online services."
)
_CLASS_NAMES = np.array(SERVICE_CLASSES[::-1], dtype=object)  # code 0,1,2 -> name


@dataclass
class PublicOutputs:
    """Outputs safe to publish: aggregated, small cells suppressed, no ids or home points.

    Attributes
    ----------
    areas
        Student counts by category per H3 cell or block group (EPSG:4326 polygons); hidden
        counts are ``<NA>``.
    by_school
        Student counts by category per school (suppressed).
    hotspots_by_school
        Households needing a hotspot by outcome (carrier or reason) per school (suppressed).
    carriers
        District-level hotspot counts and cost per carrier.
    rejects
        Rejected rows: file, row, field, reason, action (no ids or values).
    district
        District boundary (EPSG:4326) when one was given.
    categories
        Category columns of ``areas`` and ``by_school``.
    outcomes
        Outcome columns of ``hotspots_by_school``.
    """

    areas: gpd.GeoDataFrame
    by_school: pd.DataFrame
    hotspots_by_school: pd.DataFrame
    carriers: pd.DataFrame
    rejects: pd.DataFrame
    district: gpd.GeoDataFrame | None
    categories: list[str]
    outcomes: list[str]


class RestrictedOutputs:
    """Household- and student-level outputs for outreach staff (student records).

    Built on first access, so a run that publishes only public outputs never assembles them.

    Attributes
    ----------
    households
        One point per home (EPSG:4326) with its class, coverage and hotspot outcome.
    students
        One row per valid student with household key, class and hotspot outcome.
    rejects
        Rejected rows with student ids and offending values.
    """

    def __init__(
        self, build: Callable[[], tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]]
    ) -> None:
        self._build = build
        self._built: tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame] | None = None

    def _get(self) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
        if self._built is None:
            self._built = self._build()
        return self._built

    @property
    def households(self) -> gpd.GeoDataFrame:
        """Household points with everything known about each home."""
        return self._get()[0]

    @property
    def students(self) -> pd.DataFrame:
        """Students with their household, class and hotspot outcome."""
        return self._get()[1]

    @property
    def rejects(self) -> pd.DataFrame:
        """Rejected rows with student ids and values."""
        return self._get()[2]


@dataclass
class EquityResult:
    """Everything one run produced."""

    public: PublicOutputs
    restricted: RestrictedOutputs
    summary: dict[str, Any]
    plan: HotspotPlan
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0


def _categories(catalogue: PlanCatalogue) -> tuple[list[str], list[str]]:
    need = ["unserved", "underserved"] if catalogue.programme.include_underserved else ["unserved"]
    cats: list[str] = []
    for c in SERVICE_CLASSES:
        if c in need:
            cats += [f"{c}_carrier_coverage", f"{c}_no_carrier_coverage"]
        else:
            cats.append(c)
    return cats, need


def _count_table(
    keys: npt.ArrayLike, codes: npt.NDArray[np.int64], categories: list[str]
) -> pd.DataFrame:
    """Counts of rows by key (sorted) and category code (index into ``categories``)."""
    k_codes, k_uniques = pd.factorize(pd.Series(keys), sort=True)
    m = len(categories)
    flat = np.bincount(k_codes * m + codes, minlength=len(k_uniques) * m)
    return pd.DataFrame(
        flat.reshape(len(k_uniques), m).astype(np.int64),
        index=pd.Index(k_uniques),
        columns=list(categories),
    )


def run_equity(config: EquityConfig) -> EquityResult:
    """Run the whole analysis.

    Parameters
    ----------
    config
        Inputs and settings.

    Returns
    -------
    EquityResult

    Raises
    ------
    InputError
        Unreadable or malformed inputs (not row-level roster problems, which are rejects).
    """
    timings: dict[str, float] = {}
    rejects = Rejects()
    roster_file = str(config.students)
    with _timed(timings, "read plans"):
        catalogue = load_plans(config.plans)
    if config.fixed_join == "block" and config.blocks is None:
        raise InputError.at("--blocks", "-", "census blocks are needed to join homes to BDC rows")
    if config.public_level == "block_group" and config.blocks is None:
        raise InputError.at("--blocks", "-", "block-group aggregation needs census blocks")
    if not 0 <= config.public_h3_res <= 8:
        raise InputError.at("--h3-res", "-", "public H3 resolution must be 0-8 (never finer)")
    if config.min_cell < 2:
        raise InputError.at("--min-cell", "-", "the suppression threshold must be at least 2")

    district = None
    if config.district is not None:
        with _timed(timings, "read district"):
            district = read_district(config.district)
    with _timed(timings, "read roster"):
        students = read_roster(
            config.students,
            config.columns,
            rejects,
            district=district,
            roster_crs=config.roster_crs,
        )
    roster_rows = int(len(students) + rejects.n("rejected", roster_file))
    with _timed(timings, "households"):
        students, households = build_households(
            students, rejects, roster_file, sibling_distance_m=config.sibling_distance_m
        )

    blocks = None
    if config.blocks is not None:
        with _timed(timings, "read blocks"):
            blocks = read_blocks(config.blocks, rejects)
        with _timed(timings, "overlay: homes in blocks"):
            idx = locate_points(blocks, households["lat"].to_numpy(), households["lon"].to_numpy())
        outside = idx < 0
        if outside.any():
            gone = households.index[outside]
            lost = students["household_index"].isin(gone).to_numpy()
            rejects.add(
                roster_file,
                students["row"].to_numpy()[lost],
                "latitude/longitude",
                f"home is not inside any census block of {config.blocks}",
                student_ids=students["student_id"].to_numpy()[lost],
            )
            keep_hh = ~outside
            remap = np.full(len(households), -1, dtype=np.int64)
            remap[keep_hh] = np.arange(int(keep_hh.sum()))
            students = students.loc[~lost].copy()
            students["household_index"] = remap[students["household_index"].to_numpy()]
            households = households.loc[keep_hh].reset_index(drop=True)
            idx = idx[keep_hh]
        households["block_geoid"] = blocks["GEOID20"].to_numpy()[idx]
    if len(students) == 0:
        first = rejects.frame().head(10)
        raise InputError(
            [
                Problem(str(r.file), f"row {r.row} / {r.field}", str(r.reason))
                for r in first.itertuples()
            ]
            + [Problem(roster_file, "-", "no usable student rows; nothing to analyse")]
        )
    students = students.reset_index(drop=True)

    with _timed(timings, "overlay: H3 cells"):
        lat = households["lat"].to_numpy()
        lon = households["lon"].to_numpy()
        res9 = cell_ints(lat, lon, 9)
        res8 = parent_ints(res9, 8)

    rules = FixedRules(
        reliable_technologies=frozenset(config.reliable_technologies),
        served=config.served,
        underserved=config.underserved,
        residential_only=config.residential_only,
        require_low_latency=config.require_low_latency,
    )
    key_col = "block_geoid" if config.fixed_join == "block" else "h3_res8_id"
    with _timed(timings, "read fixed"):
        offers = read_all_fixed(config.fixed, rejects, key=key_col)
    with _timed(timings, "overlay: fixed service"):
        service = service_by_area(offers, rules)
        home_key = (
            households["block_geoid"].to_numpy()
            if config.fixed_join == "block"
            else ints_to_text(res8)
        )
        svc = service.reindex(pd.Index(home_key))
        households["fixed_rows"] = svc["fixed_class"].notna().to_numpy()
        for col in ("fixed_class", "any_class", "reliable_providers"):
            households[col] = svc[col].fillna(0).to_numpy().astype(np.int64)
        households["best_down"] = svc["best_down"].fillna(0.0).to_numpy()
        households["best_up"] = svc["best_up"].fillna(0.0).to_numpy()
        households["coverage_class"] = _CLASS_NAMES[households["fixed_class"].to_numpy()]
        survey = households["survey"]
        has_answer = survey.notna().to_numpy()
        final = households["coverage_class"].to_numpy().copy()
        final[has_answer & (survey == True).fillna(False).to_numpy()] = "served"  # noqa: E712
        final[has_answer & (survey == False).fillna(False).to_numpy()] = "unserved"  # noqa: E712
        households["service_class"] = final
        households["class_source"] = np.where(has_answer, "survey", "coverage")

    with _timed(timings, "overlay: mobile coverage"):
        cells = pa.array(ints_to_text(np.unique(res9)).tolist(), type=pa.string())
        coverage, providers_seen = read_all_mobile(list(config.mobile), rejects, cells)
        covered, best_tier = carrier_coverage(coverage, res9, catalogue)
    carriers = catalogue.carrier
    households["carriers_covering_any"] = pd.Series(covered.any(axis=1), index=households.index)

    measured_flag = None
    if config.ookla is not None:
        with _timed(timings, "ookla"):
            tiles = read_ookla(config.ookla)
            measured_flag, measured_down = measured_disagrees(
                tiles,
                lat,
                lon,
                households["fixed_class"].to_numpy().astype(np.int8),
                served=config.served,
                underserved=config.underserved,
                min_tests=config.ookla_min_tests,
            )
            households["measured_below_advertised"] = measured_flag
            households["measured_down_mbps"] = measured_down

    with _timed(timings, "hotspot plan"):
        ineligible = {g.upper() for g in catalogue.programme.ineligible_grades}
        elig_student = ~students["grade_label"].str.upper().isin(ineligible).to_numpy()
        households["eligible_students"] = np.bincount(
            students["household_index"].to_numpy(), weights=elig_student, minlength=len(households)
        ).astype(np.int64)
        hh_need_idx = np.flatnonzero(
            households["service_class"]
            .isin(
                ["unserved", "underserved"]
                if catalogue.programme.include_underserved
                else ["unserved"]
            )
            .to_numpy()
        )
        plan = size_programme(households, covered, catalogue, enrolment=len(students))
        outcome = pd.DataFrame(index=households.index)
        outcome["hotspot_status"] = ""
        outcome["carrier"] = ""
        outcome["year1_cost"] = 0.0
        outcome["usage_gb_month"] = np.nan
        outcome["over_allowance"] = False
        ph = plan.households
        outcome.iloc[hh_need_idx, 0] = ph["status"].to_numpy()
        outcome.iloc[hh_need_idx, 1] = ph["carrier"].to_numpy()
        outcome.iloc[hh_need_idx, 2] = ph["year1_cost"].to_numpy()
        outcome.iloc[hh_need_idx, 3] = ph["usage_gb_month"].to_numpy()
        outcome.iloc[hh_need_idx, 4] = ph["over_allowance"].to_numpy()
        for col in outcome.columns:
            households[col] = outcome[col].to_numpy()

    with _timed(timings, "privacy"):
        categories, need_classes = _categories(catalogue)
        cls = households["service_class"].to_numpy().astype(object)
        cov_any = households["carriers_covering_any"].to_numpy()
        cat = cls.copy()
        for c in need_classes:
            m = cls == c
            cat[m & cov_any] = f"{c}_carrier_coverage"
            cat[m & ~cov_any] = f"{c}_no_carrier_coverage"
        households["category"] = cat
        cat_code = pd.Index(categories).get_indexer(pd.Index(cat))
        hh_i = students["household_index"].to_numpy()
        st_cat = cat_code[hh_i]
        if config.public_level == "h3":
            res = config.public_h3_res
            area_ints = res8 if res == 8 else parent_ints(res9, res)
            counts = _count_table(area_ints[hh_i], st_cat, categories)
            counts.index = pd.Index(ints_to_text(counts.index.to_numpy(dtype=np.uint64)))
            area_col = f"h3_res{res}"
        else:
            area_of_hh = households["block_geoid"].astype(str).str[:12].to_numpy()
            counts = _count_table(area_of_hh[hh_i], st_cat, categories)
            area_col = "block_group_geoid"
        areas_tab = suppressed_frame(counts, categories, min_cell=config.min_cell)
        areas_tab.index.name = area_col
        areas_tab = areas_tab.reset_index()
        if config.public_level == "h3":
            geom = cell_polygons(areas_tab[area_col].astype(str).tolist())
            areas = gpd.GeoDataFrame(areas_tab, geometry=geom, crs=WGS84)
        else:
            assert blocks is not None
            b = blocks[["GEOID20", "geometry"]].copy()
            b["bg"] = b["GEOID20"].str[:12]
            b = b[b["bg"].isin(set(areas_tab[area_col]))]
            bg = b.dissolve(by="bg").to_crs(WGS84)
            areas = gpd.GeoDataFrame(
                areas_tab, geometry=bg.geometry.reindex(areas_tab[area_col]).to_numpy(), crs=WGS84
            )
        by_school_counts = _count_table(students["school"], st_cat, categories)
        by_school = suppressed_frame(by_school_counts, categories, min_cell=config.min_cell)
        by_school.index.name = "school"
        by_school = by_school.reset_index()
        outcomes = [c.name for c in carriers] + [s for s in STATUSES if s != "assigned"]
        need_hh = households.iloc[hh_need_idx]
        out_label = np.where(
            need_hh["hotspot_status"] == "assigned", need_hh["carrier"], need_hh["hotspot_status"]
        )
        hs_counts = _count_table(
            need_hh["lead_school"], pd.Index(outcomes).get_indexer(pd.Index(out_label)), outcomes
        )
        hs_counts = hs_counts.reindex(sorted(students["school"].unique()), fill_value=0)
        hotspots_by_school = suppressed_frame(
            hs_counts, outcomes, min_cell=config.min_cell, total="households_needing_hotspot"
        )
        hotspots_by_school.index.name = "school"
        hotspots_by_school = hotspots_by_school.reset_index()

    district_gdf = None
    if district is not None:
        district_gdf = gpd.GeoDataFrame(
            {"name": [catalogue.programme.name]}, geometry=[district], crs=WGS84
        )

    # Restricted outputs: built only when first used.
    def build_restricted() -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
        hh_students = join_groups(
            students["household_index"].to_numpy(),
            students["student_id"].to_numpy(dtype=object),
            len(households),
        )
        first_row_idx = (
            students.groupby("household_index", sort=True)
            .head(1)
            .set_index("household_index")
            .sort_index()
        )
        restricted_hh = households.drop(columns=["survey"]).copy()
        restricted_hh["survey_home_internet"] = (
            households["survey"].astype("object").map({True: "yes", False: "no"}).fillna("")
        )
        restricted_hh["student_ids"] = hh_students
        restricted_hh["h3_res9"] = ints_to_text(res9)
        restricted_hh["h3_res8"] = ints_to_text(res8)
        restricted_hh["household_id"] = (
            first_row_idx["household_id"].reindex(households.index).to_numpy()
        )
        restricted_hh["address"] = first_row_idx["address"].reindex(households.index).to_numpy()
        names = np.array([c.name for c in carriers], dtype=object)
        pattern = covered.astype(np.int64) @ (1 << np.arange(len(carriers), dtype=np.int64))
        labels = {
            int(p): ";".join(names[(int(p) >> np.arange(len(carriers))) & 1 == 1])
            for p in np.unique(pattern)
        }
        restricted_hh["carriers_covering"] = np.array(
            [labels[p] for p in pattern.tolist()], dtype=object
        )
        for j, car in enumerate(carriers):
            restricted_hh[f"tier_down_{car.name}"] = best_tier[:, j]
        restricted_hh = gpd.GeoDataFrame(
            restricted_hh,
            geometry=gpd.points_from_xy(restricted_hh["lon"], restricted_hh["lat"]),
            crs=WGS84,
        )
        rst = students[
            ["row", "student_id", "school", "grade_label", "household_key", "frl"]
        ].copy()
        for col in ("service_class", "class_source", "hotspot_status", "carrier"):
            rst[col] = households[col].to_numpy()[hh_i]
        return restricted_hh, rst, rejects.frame()

    restricted = RestrictedOutputs(build_restricted)

    public = PublicOutputs(
        areas=areas,
        by_school=by_school,
        hotspots_by_school=hotspots_by_school,
        carriers=plan.by_carrier,
        rejects=rejects.public(),
        district=district_gdf,
        categories=categories,
        outcomes=outcomes,
    )
    with _timed(timings, "summary"):
        summary = _summary(
            config,
            catalogue,
            roster_rows,
            students,
            households,
            plan,
            rejects,
            public,
            providers_seen,
            measured_flag,
            area_col,
        )
    return EquityResult(
        public=public, restricted=restricted, summary=summary, plan=plan, timings=timings
    )


def _counts(values: pd.Series, order: list[str]) -> dict[str, int]:
    vc = values.value_counts()
    return {k: int(vc.get(k, 0)) for k in order}


def _summary(
    config: EquityConfig,
    catalogue: PlanCatalogue,
    roster_rows: int,
    students: pd.DataFrame,
    households: pd.DataFrame,
    plan: HotspotPlan,
    rejects: Rejects,
    public: PublicOutputs,
    providers_seen: set[str],
    measured_flag: np.ndarray | None,
    area_col: str,
) -> dict[str, Any]:
    classes = list(SERVICE_CLASSES)
    hh_i = students["household_index"].to_numpy()
    t = plan.totals
    by_carrier = plan.by_carrier.set_index("carrier")
    missing_layers = sorted(
        f"{c.name} (provider_id {c.provider_id})"
        for c in catalogue.carrier
        if c.provider_id not in providers_seen
    )
    warnings = []
    if missing_layers:
        warnings.append(
            "no mobile coverage layer for: "
            + ", ".join(missing_layers)
            + "; these carriers cover no home"
        )
    no_rows = int((~households["fixed_rows"]).sum())
    if no_rows:
        warnings.append(
            f"{no_rows} household(s) are in blocks with no BDC fixed rows at all; counted "
            "unserved (no provider reports service there)"
        )
    return {
        "netplan_version": __version__,
        "programme": catalogue.programme.name,
        "students": {
            "roster_rows": roster_rows,
            "valid": len(students),
            "rejected": rejects.n("rejected", str(config.students)),
            "by_class": _counts(pd.Series(households["service_class"].to_numpy()[hh_i]), classes),
        },
        "households": {
            "total": len(households),
            "by_class": _counts(households["service_class"], classes),
            "by_coverage_class": _counts(households["coverage_class"], classes),
            "class_from_survey": int((households["class_source"] == "survey").sum()),
            "only_unreliable_service": int(
                (households["any_class"] > households["fixed_class"]).sum()
            ),
            "in_blocks_without_bdc_rows": no_rows,
            "measured_below_advertised": None
            if measured_flag is None
            else int(measured_flag.sum()),
            "no_carrier_coverage": int((~households["carriers_covering_any"]).sum()),
        },
        "hotspots": {
            "households_needing": int(t["households_needing_hotspot"] or 0),
            "assigned": int(t["hotspots"] or 0),
            "by_carrier": {k: int(v) for k, v in by_carrier["hotspots"].items()},
            "by_status": {s: int(t[f"households_{s}"] or 0) for s in STATUSES},
            "uncovered_households": int(t["households_no_coverage"] or 0),
            "cap": plan.cap,
            "carriers_used": plan.carriers_used,
            "assignment_method": plan.method,
            "include_underserved": catalogue.programme.include_underserved,
        },
        "cost": {
            "months_per_year": catalogue.programme.months_per_year,
            "year1": round(float(t["year1_cost"] or 0.0), 2),
            "yearly": round(float(t["yearly_cost"] or 0.0), 2),
            "budget_year1": catalogue.programme.budget_year1,
            "by_carrier": {
                k: {
                    "year1": round(float(r["year1_cost"]), 2),
                    "yearly": round(float(r["yearly_cost"]), 2),
                }
                for k, r in by_carrier.iterrows()
            },
        },
        "data_use": {
            "gb_per_student_month": round(float(t["usage_gb_per_student_month"] or 0.0), 2),
            "households_over_allowance": int(by_carrier["households_over_allowance"].sum()),
            "allowance_policy": catalogue.programme.allowance_policy,
        },
        "rejects": {
            "rejected": rejects.n("rejected"),
            "ignored_fields": rejects.n("ignored"),
            "by_reason": rejects.counts(),
        },
        "privacy": {
            "public_level": area_col,
            "min_cell": config.min_cell,
            "area_rows": len(public.areas),
            "area_rows_with_suppression": int(public.areas["suppressed"].sum()),
            "school_rows_with_suppression": int(public.by_school["suppressed"].sum()),
            "district_totals_published": True,
        },
        "rules": {
            "served_mbps": list(config.served),
            "underserved_mbps": list(config.underserved),
            "reliable_technologies": {
                str(k): BDC_FIXED_TECHNOLOGIES[k] for k in sorted(config.reliable_technologies)
            },
            "residential_only": config.residential_only,
            "require_low_latency": config.require_low_latency,
            "join": config.fixed_join,
        },
        "warnings": warnings,
    }


def _write_restricted_csv(df: pd.DataFrame, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# {RESTRICTED_NOTICE}\n")
        df.to_csv(fh, index=False)


def write_equity_outputs(
    result: EquityResult, out_dir: str | Path, *, restricted: bool = False
) -> dict[str, Path]:
    """Write the outputs; household-level files only when ``restricted`` is True.

    Public files: ``equity_areas.gpkg`` (layers ``equity_areas`` and, if known,
    ``district_boundary``), ``equity_areas.parquet`` (GeoParquet), ``equity_by_school.csv``,
    ``hotspots_by_school.csv``, ``hotspot_plan_by_carrier.csv``, ``rejects.csv`` and
    ``equity_summary.json``. Restricted files go to ``restricted/``, each marked as holding
    student records.

    Returns
    -------
    dict
        Name -> final path of each file written.
    """
    out = Path(out_dir)
    pub = result.public
    written: dict[str, Path] = {}
    with staged_output(out) as stage:
        areas = pub.areas.copy()
        pub_gpkg = stage / "equity_areas.gpkg"
        areas.to_file(pub_gpkg, layer="equity_areas", driver="GPKG", engine="pyogrio")
        if pub.district is not None:
            pub.district.to_file(
                pub_gpkg, layer="district_boundary", driver="GPKG", engine="pyogrio"
            )
        written["public areas (GeoPackage)"] = out / pub_gpkg.name
        areas.to_parquet(stage / "equity_areas.parquet", index=False)
        written["public areas (GeoParquet)"] = out / "equity_areas.parquet"
        for name, df in (
            ("equity_by_school.csv", pub.by_school),
            ("hotspots_by_school.csv", pub.hotspots_by_school),
            ("hotspot_plan_by_carrier.csv", pub.carriers),
            ("rejects.csv", pub.rejects),
        ):
            df.to_csv(stage / name, index=False)
            written[name] = out / name
        (stage / "equity_summary.json").write_text(
            json.dumps(result.summary, indent=2, sort_keys=False) + "\n", encoding="utf-8"
        )
        written["equity_summary.json"] = out / "equity_summary.json"
        if restricted:
            rdir = stage / "restricted"
            rdir.mkdir()
            (rdir / "RESTRICTED-README.txt").write_text(RESTRICTED_NOTICE + "\n", encoding="utf-8")
            hh = result.restricted.households
            _write_restricted_csv(
                pd.DataFrame(hh.drop(columns="geometry")), rdir / "households.csv"
            )
            _write_restricted_csv(result.restricted.students, rdir / "students.csv")
            _write_restricted_csv(result.restricted.rejects, rdir / "rejects_detail.csv")
            hh_out = hh.copy()
            for col in hh_out.columns:
                if hh_out[col].dtype == object and col != "geometry":
                    hh_out[col] = hh_out[col].astype(str)
            hh_out.to_file(
                rdir / "households_restricted.gpkg",
                layer="households_restricted",
                driver="GPKG",
                engine="pyogrio",
                layer_options={"DESCRIPTION": RESTRICTED_NOTICE},
            )
            for name in (
                "RESTRICTED-README.txt",
                "households.csv",
                "students.csv",
                "rejects_detail.csv",
                "households_restricted.gpkg",
            ):
                written[f"restricted/{name}"] = out / "restricted" / name
    return written
