"""Hotspot sizing against hand sums and against brute force over every assignment."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netplan.equity.hotspots import size_programme
from netplan.equity.plans import Carrier, PlanCatalogue, Programme, Usage, load_plans
from netplan.errors import InputError


def households(
    n: int,
    *,
    students: list[int] | None = None,
    frl: list[bool] | None = None,
    eligible: list[int] | None = None,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_key": [f"h{i}" for i in range(n)],
            "service_class": "unserved",
            "n_students": students or [1] * n,
            "eligible_students": eligible or students or [1] * n,
            "frl": frl or [False] * n,
            "lead_school": "oak",
        }
    )


def catalogue(carriers: list[Carrier], **programme: object) -> PlanCatalogue:
    return PlanCatalogue(programme=Programme(**programme), usage=Usage(), carrier=tuple(carriers))


A = Carrier(name="A", provider_id="1", device_cost=90, monthly_cost=15)
B = Carrier(name="B", provider_id="2", device_cost=250, monthly_cost=25)


def test_cost_by_hand() -> None:
    cov = np.array([[True, True], [False, True], [True, False]])
    plan = size_programme(households(3), cov, catalogue([A, B], months_per_year=10), enrolment=30)
    assert list(plan.households["carrier"]) == ["A", "B", "A"]
    assert plan.totals["year1_cost"] == pytest.approx(2 * (90 + 150) + (250 + 250))
    assert plan.totals["yearly_cost"] == pytest.approx(2 * 150 + 250)
    by = plan.by_carrier.set_index("carrier")
    assert by.loc["A", "device_cost_total"] == 180 and by.loc["B", "hotspots"] == 1


def test_allowance_and_frl_only() -> None:
    free = Carrier(
        name="Free",
        provider_id="3",
        device_cost=0,
        monthly_cost=0,
        data_allowance_gb_per_month=8.3,
        frl_only=True,
    )
    cov = np.array([[True, True], [True, True]])
    hh = households(2, frl=[True, False])
    plan = size_programme(hh, cov, catalogue([A, free], months_per_year=10), enrolment=10)
    assert list(plan.households["carrier"]) == ["Free", "A"]  # free plan only for FRL
    per_student = Usage().gb_per_student_month()
    # 0.5 h video at 1.1 + 0.25 h call at 2.4 + 1 h web at 0.5 Mbps, 20 days, + 0.35 GB.
    assert per_student == pytest.approx(
        (1.1 * 0.5 + 2.4 * 0.25 + 0.5) * 3600 / 8 / 1000 * 20 + 0.35
    )
    assert bool(plan.households["over_allowance"].iloc[0])
    plan = size_programme(hh, cov, catalogue([A, free], allowance_policy="exclude"), enrolment=10)
    assert list(plan.households["carrier"]) == ["A", "A"]


def test_grade_eligibility_and_no_coverage() -> None:
    cov = np.array([[True], [False], [True]])
    plan = size_programme(households(3, eligible=[0, 1, 1]), cov, catalogue([A]), enrolment=10)
    assert list(plan.households["status"]) == ["ineligible_grade", "no_coverage", "assigned"]


def brute_force(cov: np.ndarray, costs: np.ndarray, max_carriers: int) -> tuple[int, float]:
    """Best (households served, cost) over every assignment of homes to a carrier or none."""
    n, m = cov.shape
    best = (-1, 0.0)
    for choice in itertools.product(range(-1, m), repeat=n):
        if any(c >= 0 and not cov[i, c] for i, c in enumerate(choice)):
            continue
        if len({c for c in choice if c >= 0}) > max_carriers:
            continue
        served = sum(c >= 0 for c in choice)
        cost = float(sum(costs[c] for c in choice if c >= 0))
        if served > best[0] or (served == best[0] and cost < best[1] - 1e-9):
            best = (served, cost)
    return best


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=n, max_size=n),
            st.lists(st.integers(0, 300), min_size=3, max_size=3),
            st.integers(1, 3),
        )
    )
)
def test_assignment_matches_brute_force(case: tuple[list[list[bool]], list[int], int]) -> None:
    cov_list, monthly, k = case
    cov = np.array(cov_list, dtype=bool)
    carriers = [
        Carrier(name=f"C{j}", provider_id=str(j), device_cost=0, monthly_cost=m)
        for j, m in enumerate(monthly)
    ]
    plan = size_programme(
        households(len(cov)),
        cov,
        catalogue(carriers, months_per_year=1, max_carriers=k),
        enrolment=100,
    )
    served, cost = brute_force(cov, np.array(monthly, dtype=float), k)
    assert plan.totals["hotspots"] == served
    assert plan.totals["year1_cost"] == pytest.approx(cost)


def test_greedy_beyond_exact_limit() -> None:
    rng = np.random.default_rng(3)
    carriers = [
        Carrier(name=f"C{j}", provider_id=str(j), device_cost=0, monthly_cost=10 + j)
        for j in range(10)
    ]
    cov = rng.random((40, 10)) < 0.3
    plan = size_programme(
        households(40), cov, catalogue(carriers, months_per_year=1), enrolment=100
    )
    assert plan.method == "greedy"
    assert plan.totals["hotspots"] == int(cov.any(axis=1).sum())  # all carriers allowed


def test_plans_file_errors(tmp_path: Path) -> None:
    p = tmp_path / "plans.toml"
    p.write_text(
        '[programme]\nmonths_per_year = 13\ncolour = "red"\n\n[[carrier]]\nname = "A"\n'
        'provider_id = "12x"\ndevice_cost = -1\nmonthly_cost = 1\n'
    )
    with pytest.raises(InputError) as exc:
        load_plans(p)
    fields = {pr.field for pr in exc.value.problems}
    assert fields == {
        "programme.months_per_year",
        "programme.colour",
        "carrier[0].provider_id",
        "carrier[0].device_cost",
    }
    p.write_text("[[carrier]\n")
    with pytest.raises(InputError, match="TOML syntax error"):
        load_plans(p)


def test_plans_need_a_carrier(tmp_path: Path) -> None:
    p = tmp_path / "plans.toml"
    p.write_text("[programme]\nmonths_per_year = 10\n")
    with pytest.raises(InputError, match="carrier: Value error, at least one"):
        load_plans(p)
