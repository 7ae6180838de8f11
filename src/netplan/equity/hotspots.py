"""Sizing the hotspot programme: who needs one, which carrier, what it costs.

One hotspot per household (siblings share; docs/references.md, "Sizing practice"). The carrier
assignment maximises households served and, among the ways of serving that many, minimises
year-1 cost. With a limit on the number of carriers this is a budgeted maximum-coverage
(set cover) problem; it is solved exactly by trying every allowed set of carriers when there
are at most ``EXACT_MAX_CARRIERS`` of them, and greedily otherwise.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from netplan.equity.plans import PlanCatalogue

__all__ = ["EXACT_MAX_CARRIERS", "STATUSES", "HotspotPlan", "size_programme"]

#: Up to this many carriers every subset is tried (2^8 = 256 subsets).
EXACT_MAX_CARRIERS = 8

#: Outcome of each household that needs a hotspot, in order of precedence.
STATUSES = (
    "ineligible_grade",
    "no_coverage",
    "no_suitable_plan",
    "carrier_not_chosen",
    "over_cap",
    "assigned",
)


@dataclass
class HotspotPlan:
    """Result of :func:`size_programme`.

    Attributes
    ----------
    households
        One row per household needing a hotspot: ``status``, ``carrier`` (or ""),
        ``usage_gb_month``, ``year1_cost``, ``yearly_cost``, ``over_allowance``.
    by_carrier
        Per carrier: hotspots, costs, allowance, households over allowance.
    cap
        Most hotspots allowed (None for no cap).
    carriers_used
        Names of the carriers in the chosen set.
    method
        ``"exact"`` or ``"greedy"``.
    totals
        Year-1 and yearly cost, hotspots, and counts by status.
    """

    households: pd.DataFrame
    by_carrier: pd.DataFrame
    cap: int | None
    carriers_used: list[str]
    method: str
    totals: dict[str, float | int | None] = field(default_factory=dict)


def _priority_order(cand: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Order in which households get a hotspot when the cap binds.

    Unserved before underserved, then more students, then free/reduced-lunch households,
    then a fixed hash of the household key (deterministic, not the roster's order).
    """
    tie = pd.util.hash_pandas_object(cand["household_key"], index=False).to_numpy()
    keys = (
        tie,
        ~cand["frl"].to_numpy(dtype=bool),
        -cand["n_students"].to_numpy(),
        cand["class_rank"].to_numpy(),
    )
    return np.lexsort(keys)


def _evaluate(
    subset: tuple[int, ...],
    eligible: npt.NDArray[np.bool_],
    year1: npt.NDArray[np.float64],
    order: npt.NDArray[np.int64],
    cap: int | None,
    fixed_costs: npt.NDArray[np.float64],
) -> tuple[int, float, npt.NDArray[np.int64]]:
    """Households served, year-1 cost and per-household carrier (-1 none) for a carrier set."""
    n = eligible.shape[0]
    cols = np.array(subset, dtype=np.int64)
    choice = np.full(n, -1, dtype=np.int64)
    if cols.size == 0:
        return 0, 0.0, choice
    sub_cost = np.where(eligible[:, cols], year1[:, cols], np.inf)
    best = np.argmin(sub_cost, axis=1)  # first (catalogue order) among equal costs
    ok = np.isfinite(sub_cost[np.arange(n), best])
    ranked = order[ok[order]]
    if cap is not None:
        ranked = ranked[:cap]
    choice[ranked] = cols[best[ranked]]
    used = np.unique(choice[choice >= 0])
    cost = float(sub_cost[ranked, best[ranked]].sum()) + float(fixed_costs[used].sum())
    return int(ranked.size), cost, choice


def size_programme(
    households: pd.DataFrame,
    covered: npt.NDArray[np.bool_],
    catalogue: PlanCatalogue,
    *,
    enrolment: int,
) -> HotspotPlan:
    """Choose carriers and count hotspots and cost.

    Parameters
    ----------
    households
        One row per household: ``household_key, service_class`` ("served", "underserved",
        "unserved"), ``n_students``, ``eligible_students`` (students in grades that qualify),
        ``frl``, ``lead_school``.
    covered
        (households, carriers) coverage at each home.
    catalogue
        Plans and programme rules.
    enrolment
        Students the cap is counted against (the programme's ``enrolment`` wins if set).

    Returns
    -------
    HotspotPlan
    """
    prog = catalogue.programme
    carriers = catalogue.carrier
    need_classes = ["unserved", "underserved"] if prog.include_underserved else ["unserved"]
    need = households["service_class"].isin(need_classes).to_numpy()
    hh = households.loc[need].reset_index(drop=True).copy()
    cov = covered[need]
    n = len(hh)
    hh["class_rank"] = np.where(hh["service_class"].to_numpy() == "unserved", 0, 1)
    per_student = catalogue.usage.gb_per_student_month()
    usage = hh["n_students"].to_numpy(dtype=float) * per_student
    hh["usage_gb_month"] = usage
    months = prog.months_per_year

    allowance = np.array([c.allowance() for c in carriers])
    rate = np.array([c.overage_per_gb for c in carriers])
    over_gb = np.maximum(usage[:, None] - allowance[None, :], 0.0)
    monthly = np.array([c.monthly_cost for c in carriers])[None, :] + over_gb * rate[None, :]
    device = np.array([c.device_cost for c in carriers])[None, :]
    year1 = device + monthly * months
    yearly = monthly * months
    frl = hh["frl"].to_numpy(dtype=bool)
    frl_only = np.array([c.frl_only for c in carriers])
    eligible = cov & (~frl_only[None, :] | frl[:, None])
    if prog.allowance_policy == "exclude":
        eligible &= usage[:, None] <= allowance[None, :]
    grade_ok = hh["eligible_students"].to_numpy() > 0
    eligible &= grade_ok[:, None]

    base = enrolment if prog.enrolment is None else prog.enrolment
    cap = (
        None
        if prog.max_hotspots_per_100_students is None
        else math.floor(prog.max_hotspots_per_100_students * base / 100.0 + 1e-9)
    )
    order = _priority_order(hh) if n else np.zeros(0, dtype=np.int64)
    fixed_costs = np.array([c.contract_fixed_cost for c in carriers])
    k_max = min(prog.max_carriers or len(carriers), len(carriers))

    best: tuple[int, float, int, tuple[int, ...]] | None = None
    best_choice = np.full(n, -1, dtype=np.int64)
    if len(carriers) <= EXACT_MAX_CARRIERS:
        method = "exact"
        for size in range(1, k_max + 1):
            for subset in itertools.combinations(range(len(carriers)), size):
                served, cost, choice = _evaluate(subset, eligible, year1, order, cap, fixed_costs)
                score = (-served, round(cost, 6), size, subset)
                if best is None or score < (-best[0], round(best[1], 6), best[2], best[3]):
                    best = (served, cost, size, subset)
                    best_choice = choice
    else:
        method = "greedy"
        chosen: tuple[int, ...] = ()
        current = (0, 0.0)
        while len(chosen) < k_max:
            trial = None
            for j in range(len(carriers)):
                if j in chosen:
                    continue
                subset = tuple(sorted((*chosen, j)))
                served, cost, choice = _evaluate(subset, eligible, year1, order, cap, fixed_costs)
                cand = (served, -cost, -j)
                if trial is None or cand > trial[0]:
                    trial = (cand, subset, choice)
            if trial is None or trial[0][0] <= current[0]:
                break
            current = (trial[0][0], -trial[0][1])
            chosen = trial[1]
            best_choice = trial[2]
            best = (current[0], current[1], len(chosen), chosen)

    assigned = best_choice >= 0
    status = np.full(n, "assigned", dtype=object)
    any_cov = cov.any(axis=1)
    any_elig = eligible.any(axis=1)
    chosen_cols = np.array(
        sorted(set(best_choice[assigned].tolist()) | set(best[3] if best else ())), dtype=np.int64
    )
    elig_chosen = (
        eligible[:, chosen_cols].any(axis=1) if chosen_cols.size else np.zeros(n, dtype=bool)
    )
    cap_binds = cap is not None and int(assigned.sum()) >= cap
    status[~assigned] = "over_cap"
    if not cap_binds:
        # Left out only because the carrier that reaches them was not chosen.
        status[~assigned & ~elig_chosen] = "carrier_not_chosen"
    status[~assigned & ~any_elig] = "no_suitable_plan"
    status[~assigned & ~any_cov] = "no_coverage"
    status[~grade_ok] = "ineligible_grade"
    rows = np.arange(n)
    safe = np.where(assigned, best_choice, 0)
    names = np.array([c.name for c in carriers], dtype=object)
    hh["status"] = status
    hh["carrier"] = np.where(assigned, names[safe], "")
    hh["year1_cost"] = np.where(assigned, year1[rows, safe] if n else 0.0, 0.0)
    hh["yearly_cost"] = np.where(assigned, yearly[rows, safe] if n else 0.0, 0.0)
    hh["over_allowance"] = assigned & (usage > allowance[safe])

    used_idx = sorted(set(best_choice[assigned].tolist()))
    recs = []
    for j, car in enumerate(carriers):
        mine = hh["carrier"].to_numpy() == car.name
        k = int(mine.sum())
        contract = car.contract_fixed_cost if j in used_idx else 0.0
        recs.append(
            {
                "carrier": car.name,
                "provider_id": car.provider_id,
                "hotspots": k,
                "households_covered": int(cov[:, j].sum()),
                "device_cost_total": k * car.device_cost,
                "service_cost_per_year": float(hh.loc[mine, "yearly_cost"].sum()),
                "contract_fixed_cost": contract,
                "year1_cost": float(hh.loc[mine, "year1_cost"].sum()) + contract,
                "yearly_cost": float(hh.loc[mine, "yearly_cost"].sum()),
                "data_allowance_gb_month": car.data_allowance_gb_per_month,
                "mean_usage_gb_month": float(usage[mine].mean()) if k else 0.0,
                "households_over_allowance": int(hh.loc[mine, "over_allowance"].sum()),
            }
        )
    by_carrier = pd.DataFrame.from_records(recs)
    counts = {s: int((status == s).sum()) for s in STATUSES}
    totals: dict[str, float | int | None] = {
        "households_needing_hotspot": n,
        "hotspots": counts["assigned"],
        "year1_cost": float(by_carrier["year1_cost"].sum()),
        "yearly_cost": float(by_carrier["yearly_cost"].sum()),
        "cap": cap,
        "usage_gb_per_student_month": per_student,
        "budget_year1": prog.budget_year1,
        **{f"households_{s}": v for s, v in counts.items()},
    }
    return HotspotPlan(
        households=hh.drop(columns=["class_rank"]),
        by_carrier=by_carrier,
        cap=cap,
        carriers_used=[carriers[j].name for j in used_idx],
        method=method,
        totals=totals,
    )
