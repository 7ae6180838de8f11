"""Scenario files: structure, references into the survey, extends, and name resolution."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from netplan.errors import InputError, UsageError
from netplan.scenarios.loader import (
    check_scenarios,
    load_scenario_file,
    resolve_scenario,
    survey_schedules,
)
from netplan.survey import Survey, load_survey
from support import DEMO_SURVEY


@pytest.fixture(scope="module")
def survey() -> Survey:
    return load_survey(DEMO_SURVEY)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "scenarios.toml"
    path.write_text(f'survey = "{DEMO_SURVEY}"\n' + textwrap.dedent(body))
    return path


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [f"{p.field}: {p.message}" for p in exc.value.problems]


def test_valid_file_loads(tmp_path: Path, survey: Survey) -> None:
    path = write(
        tmp_path,
        """
        replications = 3
        seed = 11
        baseline = "today"
        [thresholds]
        link_p95 = 0.75
        [scenarios.today]
        [scenarios.bigger]
        enrollment_growth_pct = { chs = 10 }
        wan = { wan-chs = "20 Gbps" }
        isp = { isp-1 = { down_mbps = "5 Gbps", up_mbps = "5 Gbps" } }
        [[scenarios.bigger.ap_upgrades]]
        buildings = ["chs"]
        only_standard = "ac"
        """,
    )
    sset = load_scenario_file(path)
    assert sset.names == ["today", "bigger"]
    assert sset.baseline == "today"
    assert sset.file.replications == 3 and sset.file.seed == 11
    assert sset.file.thresholds.link_p95 == 0.75 and sset.file.thresholds.airtime == 0.70
    big = sset.file.scenarios["bigger"]
    assert big.wan == {"wan-chs": 20_000.0}
    assert big.isp["isp-1"].down_mbps == 5000.0
    assert sset.survey_dir == DEMO_SURVEY.resolve()
    check_scenarios(sset, survey)  # no problem


def test_structure_problems_are_all_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        baseline = "nope"
        replications = 0
        [scenarios.a]
        wann = { wan-chs = "20 Gbps" }
        [scenarios.b]
        wan = { wan-chs = "20 Gbx" }
        enrollment_growth_pct = "lots"
        [[scenarios.b.extra_aps]]
        count = 2
        """,
    )
    with pytest.raises(InputError) as exc:
        load_scenario_file(path)
    found = problems(exc)
    assert all(p.file == str(path) for p in exc.value.problems)
    assert any(f.startswith("replications: ") for f in found)
    assert any(f.startswith("scenarios.a.wann: unknown key") for f in found)
    assert any(f.startswith("scenarios.b.wan.wan-chs: unknown unit") for f in found)
    assert any(f.startswith("scenarios.b.extra_aps[0].zone: required") for f in found)
    assert any(f.startswith("scenarios.b.enrollment_growth_pct") for f in found)


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenarios.a\n")
    with pytest.raises(InputError) as exc:
        load_scenario_file(bad)
    assert "invalid TOML" in exc.value.problems[0].message
    with pytest.raises(InputError) as exc:
        load_scenario_file(tmp_path / "missing.toml")
    assert exc.value.problems[0].message == "file not found"


def test_unknown_baseline(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_scenario_file(write(tmp_path, 'baseline = "x"\n[scenarios.a]\n'))
    assert "baseline 'x' is not a scenario" in exc.value.problems[0].message


def test_references_are_checked_against_the_survey(tmp_path: Path, survey: Survey) -> None:
    path = write(
        tmp_path,
        """
        [scenarios.a]
        buildings = ["chs", "hogwarts"]
        wan = { wan-mars = "1 Gbps" }
        uplinks = { no-switch = "10 Gbps" }
        dhcp_addresses = { no-scope = 100 }
        enrollment_growth_pct = { atlantis = 5 }
        [[scenarios.a.extra_aps]]
        zone = "chs-moon"
        [[scenarios.a.ap_upgrades]]
        zones = ["chs-sun"]
        aps = ["chs-ap999"]
        [scenarios.b]
        schedule = "no-such-schedule"
        """,
    )
    with pytest.raises(InputError) as exc:
        check_scenarios(load_scenario_file(path), survey)
    found = problems(exc)
    expect = [
        "scenarios.a.buildings[1]: unknown building 'hogwarts'",
        "scenarios.a.wan.wan-mars: unknown WAN link 'wan-mars'",
        "scenarios.a.uplinks.no-switch: unknown switch",
        "scenarios.a.dhcp_addresses.no-scope: unknown DHCP scope",
        "scenarios.a.enrollment_growth_pct.atlantis: unknown building",
        "scenarios.a.extra_aps[0].zone: unknown zone 'chs-moon'",
        "scenarios.a.ap_upgrades[0].zones[0]: unknown zone 'chs-sun'",
        "scenarios.a.ap_upgrades[0].aps[0]: unknown access point 'chs-ap999'",
        "scenarios.b.schedule: unknown bell schedule 'no-such-schedule'",
    ]
    for e in expect:
        assert any(f.startswith(e) for f in found), (e, found)
    assert len(found) == len(expect)


def test_changed_survey_is_cross_checked(tmp_path: Path, survey: Survey) -> None:
    # Tripling every building's enrollment cannot be seated: the survey's own check says so.
    path = write(tmp_path, "[scenarios.crowded]\nenrollment_growth_pct = 200\n")
    with pytest.raises(InputError) as exc:
        check_scenarios(load_scenario_file(path), survey)
    assert exc.value.problems[0].field == "scenarios.crowded"
    assert "the changed survey is not valid" in exc.value.problems[0].message


def test_extends_merges_tables_and_adds_lists(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [scenarios.base]
        wan = { wan-chs = "20 Gbps", wan-oak = "2 Gbps" }
        demand_growth_pct_per_year = 50
        [[scenarios.base.extra_aps]]
        zone = "chs-gym"
        [scenarios.more]
        extends = "base"
        wan = { wan-oak = "10 Gbps" }
        years_ahead = 2
        [[scenarios.more.extra_aps]]
        zone = "chs-cafeteria"
        [scenarios.most]
        extends = "more"
        demand_growth_pct_per_year = 100
        """,
    )
    s = load_scenario_file(path).file.scenarios
    assert s["more"].wan == {"wan-chs": 20_000.0, "wan-oak": 10_000.0}
    assert [e.zone for e in s["more"].extra_aps] == ["chs-gym", "chs-cafeteria"]
    assert s["more"].growth_factor == pytest.approx(1.5**2)
    assert s["most"].growth_factor == pytest.approx(2.0**2)
    assert [e.zone for e in s["most"].extra_aps] == ["chs-gym", "chs-cafeteria"]
    assert s["base"].years_ahead == 0


def test_extends_cycle_and_unknown(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [scenarios.a]
        extends = "b"
        [scenarios.b]
        extends = "a"
        [scenarios.c]
        extends = "zzz"
        """,
    )
    with pytest.raises(InputError) as exc:
        load_scenario_file(path)
    found = problems(exc)
    assert any("extend in a cycle" in f for f in found)
    assert any(f.startswith("scenarios.c.extends: no scenario 'zzz'") for f in found)


def test_name_resolution_rule(tmp_path: Path, survey: Survey) -> None:
    schedules = survey_schedules(survey)
    body = "[scenarios.today]\n"
    if schedules:
        # A scenario of the file wins over a bell schedule of the same name.
        body += f'[scenarios.{schedules[0]}]\ndescription = "shadow"\nwan = {{ wan-chs = 20000 }}\n'
    sset = load_scenario_file(write(tmp_path, body))
    assert resolve_scenario("today", sset, survey) == sset.file.scenarios["today"]
    assert resolve_scenario("current", None, survey).schedule is None
    if schedules:
        assert resolve_scenario(schedules[0], sset, survey).description == "shadow"
        assert resolve_scenario(schedules[-1], None, survey).schedule == schedules[-1]
    with pytest.raises(UsageError) as exc:
        resolve_scenario("nothing-called-this", sset, survey)
    assert "neither a scenario (today" in exc.value.problems[0].message
