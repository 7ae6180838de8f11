"""End to end on the tiny county cut: classes, siblings, carriers and cost worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from netplan.equity.pipeline import run_equity
from test_equity_support import GEOIDS, default_bdc_rows, write_world


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return run_equity(write_world(tmp_path_factory.mktemp("world")))


def test_students_households_and_rejects(result) -> None:  # type: ignore[no-untyped-def]
    s = result.summary
    # 11 data rows: 8 usable, 3 rejected (missing coordinates, swapped, exact duplicate).
    assert s["students"] == {
        "roster_rows": 11,
        "valid": 8,
        "rejected": 3,
        "by_class": {"served": 2, "underserved": 0, "unserved": 6},
    }
    rej = result.public.rejects
    assert list(rej["row"]) == [10, 11, 12]
    assert list(rej["reason"]) == [
        "missing latitude/longitude (home not geocoded)",
        "latitude and longitude look swapped",
        "exact duplicate of an earlier row",
    ]
    assert rej.loc[2, "detail"] == "same as row 4"
    # Siblings: H1 by household id; "12 Elm Street Apt 4" and "12 ELM ST. #4" by address.
    hh = result.restricted.households.set_index("household_key")
    assert len(hh) == 6
    assert hh.loc["id:H1", "n_students"] == 2
    assert hh.loc["addr:12 ELM ST APT 4", "n_students"] == 2
    assert hh.loc["addr:12 ELM ST APT 4", "student_ids"] == "0004;0005"


def test_service_classes_by_hand(result) -> None:  # type: ignore[no-untyped-def]
    hh = result.restricted.households.set_index("household_key")
    # Block 0 cable 1000/35 -> served; block 1 DSL 25/3 (satellite 100/20 and an offer with no
    # upload speed do not count) -> underserved; blocks 2 and 3 -> unserved.
    assert hh.loc["id:H1", "block_geoid"] == GEOIDS[0]
    assert hh.loc["id:H1", "coverage_class"] == "served"
    assert hh.loc["id:H2", "coverage_class"] == "underserved"
    assert hh.loc["addr:12 ELM ST APT 4", "coverage_class"] == "unserved"
    assert hh.loc["id:H5", "coverage_class"] == "unserved"
    # H2 answered "No" to the survey: unserved, from the survey.
    assert hh.loc["id:H2", "service_class"] == "unserved"
    assert hh.loc["id:H2", "class_source"] == "survey"
    assert result.summary["households"]["by_class"] == {
        "served": 1,
        "underserved": 0,
        "unserved": 5,
    }
    # Satellite or unlicensed wireless advertise more in blocks 1, 2 and 3 (five homes).
    assert result.summary["households"]["only_unreliable_service"] == 5


def test_carriers_and_cost_by_hand(result) -> None:  # type: ignore[no-untyped-def]
    hh = result.restricted.households.set_index("household_key")
    # A ($90 + 10 x $15 = $240) covers H2, ELM, H5 in-vehicle (H6 only outdoors);
    # B ($250 + 10 x $25 = $500) covers ELM, H5, H6. H4 has only a kindergartner: ineligible.
    assert hh.loc["id:H2", "carrier"] == "A"
    assert hh.loc["addr:12 ELM ST APT 4", "carrier"] == "A"
    assert hh.loc["id:H5", "carrier"] == "A"
    assert hh.loc["id:H6", "carrier"] == "B"
    assert hh.loc["id:H4", "hotspot_status"] == "ineligible_grade"
    hs = result.summary["hotspots"]
    assert hs["by_carrier"] == {"A": 3, "B": 1}
    assert result.summary["cost"]["year1"] == pytest.approx(3 * 240 + 500)
    assert result.summary["cost"]["yearly"] == pytest.approx(3 * 150 + 250)


def test_one_carrier_and_cap(tmp_path: Path) -> None:
    # One carrier only: A and B each serve 3 of the 4 eligible homes; A is cheaper.
    r = run_equity(write_world(tmp_path / "one", plans_extra="max_carriers = 1"))
    assert r.summary["hotspots"]["carriers_used"] == ["A"]
    assert r.summary["cost"]["year1"] == pytest.approx(3 * 240)
    hh = r.restricted.households.set_index("household_key")
    assert hh.loc["id:H6", "hotspot_status"] == "carrier_not_chosen"
    # Cap 25 per 100 of 8 students = 2: the 2-student home first, then the FRL home (H5).
    r = run_equity(write_world(tmp_path / "cap", plans_extra="max_hotspots_per_100_students = 25"))
    hh = r.restricted.households.set_index("household_key")
    assert r.summary["hotspots"]["cap"] == 2
    assert set(hh.index[hh["hotspot_status"] == "assigned"]) == {"addr:12 ELM ST APT 4", "id:H5"}
    assert set(hh.index[hh["hotspot_status"] == "over_cap"]) == {"id:H2", "id:H6"}


def test_technology_neutral_rule(tmp_path: Path) -> None:
    # Counting unlicensed fixed wireless as reliable serves block 2 at 100/20.
    cfg = write_world(tmp_path)
    from dataclasses import replace

    r = run_equity(replace(cfg, reliable_technologies=frozenset({10, 40, 50, 70, 71, 72})))
    hh = r.restricted.households.set_index("household_key")
    assert hh.loc["addr:12 ELM ST APT 4", "coverage_class"] == "served"
    assert hh.loc["id:H5", "coverage_class"] == "unserved"


def test_bdc_rows_with_damaged_ids_are_rejected_not_lost(tmp_path: Path) -> None:
    rows = default_bdc_rows()
    rows[0] = dict(rows[0], block_geoid=GEOIDS[0][1:])  # leading zero lost: 14 digits
    rows[1] = dict(rows[1], frn="1234567")  # not 10 digits
    r = run_equity(write_world(tmp_path, bdc_rows=rows))
    rej = r.public.rejects
    bdc = rej[rej["file"].str.contains("fixed_broadband")]
    assert list(bdc["row"]) == [2, 3]
    assert "leading zero lost" in bdc.iloc[0]["reason"]
    assert bdc.iloc[1]["reason"] == "not a 10-digit FRN"
    # Without its cable row block 0 has no service left.
    hh = r.restricted.households.set_index("household_key")
    assert hh.loc["id:H1", "coverage_class"] == "unserved"


def test_same_inputs_same_outputs(tmp_path: Path) -> None:
    from netplan.equity.pipeline import write_equity_outputs

    cfg = write_world(tmp_path / "w")
    a, b = run_equity(cfg), run_equity(cfg)
    assert a.summary == b.summary
    write_equity_outputs(a, tmp_path / "a")
    write_equity_outputs(b, tmp_path / "b")
    for name in (
        "equity_by_school.csv",
        "hotspots_by_school.csv",
        "hotspot_plan_by_carrier.csv",
        "rejects.csv",
        "equity_summary.json",
        "equity_areas.parquet",
    ):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
