"""Survey overrides: each changes exactly what it says, on a copy, and keeps the survey valid."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from netplan.radio.channels import blocks, channel_problem, occupied_20mhz
from netplan.scenarios.apply import apply_scenario, run_spec, survey_digest
from netplan.scenarios.models import ApUpgrade, ExtraAps, IspChange, Scenario
from netplan.scenarios.overrides import (
    with_ap_upgrade,
    with_caches,
    with_content_filter,
    with_dhcp_addresses,
    with_enrollment_growth,
    with_extra_aps,
    with_isp,
    with_uplink_rates,
    with_wan_rates,
)
from netplan.survey import Survey, load_survey
from netplan.survey.checks import cross_check
from netplan.survey.models import Cache
from support import DEMO_SURVEY


@pytest.fixture(scope="module")
def survey() -> Survey:
    return load_survey(DEMO_SURVEY)


def errors(s: Survey) -> list[str]:
    found = cross_check(s.district, s.devices, s.buildings, s.files)
    return [str(p) for p in found if p.severity == "error"]


def test_enrollment_growth(survey: Survey) -> None:
    before = {b: f.building.enrollment for b, f in survey.buildings.items()}
    grown = with_enrollment_growth(survey, 10.0)
    for bid, n in before.items():
        assert grown.buildings[bid].building.enrollment == round(n * 1.1)
        assert grown.buildings[bid].building.staff == survey.buildings[bid].building.staff
    one = with_enrollment_growth(survey, {"chs": -25.0})
    assert one.buildings["chs"].building.enrollment == round(before["chs"] * 0.75)
    assert one.buildings["oak"].building.enrollment == before["oak"]
    # The input is untouched.
    assert {b: f.building.enrollment for b, f in survey.buildings.items()} == before


def test_ap_upgrade_wifi5_to_wifi6(survey: Survey) -> None:
    up = ApUpgrade(buildings=["chs"], only_standard="ac", standard="ax", width_mhz=80)
    new = with_ap_upgrade(survey, up)
    old_aps = {a.id: a for a in survey.buildings["chs"].access_points}
    changed = 0
    for ap in new.buildings["chs"].access_points:
        for r_old, r_new in zip(old_aps[ap.id].radios, ap.radios, strict=True):
            assert channel_problem(r_new.band, r_new.channel, r_new.width_mhz) is None
            if r_old.standard == "ac":
                changed += 1
                assert r_new.standard == "ax" and r_new.width_mhz == 80
            else:  # Wi-Fi 6 radios and 2.4 GHz Wi-Fi 4 radios are not selected
                assert r_new == r_old
    assert changed > 0
    # Other buildings keep their APs.
    assert new.buildings["cms"] == survey.buildings["cms"]
    assert errors(new) == []


def test_upgrade_never_puts_a_standard_on_a_band_that_cannot_carry_it(survey: Survey) -> None:
    new = with_ap_upgrade(survey, ApUpgrade(standard="ac"))
    for b in new.buildings.values():
        for ap in b.access_points:
            for r in ap.radios:
                if r.band == "2.4":
                    assert r.standard in {"n", "ax", "be"}
    # Nothing is downgraded: a Wi-Fi 6 radio stays Wi-Fi 6 under an "ac" upgrade.
    n_ax = sum(
        r.standard == "ax"
        for b in survey.buildings.values()
        for a in b.access_points
        for r in a.radios
    )
    n_ax_new = sum(
        r.standard == "ax"
        for b in new.buildings.values()
        for a in b.access_points
        for r in a.radios
    )
    assert n_ax_new == n_ax


def test_extra_aps_in_a_zone(survey: Survey) -> None:
    zone = "chs-cafeteria"
    b = survey.buildings["chs"]
    used: Counter[int] = Counter()
    for ap in b.access_points:
        for r in ap.radios:
            if r.band == "5" and r.enabled:
                used.update(occupied_20mhz("5", r.channel, r.width_mhz))
    new = with_extra_aps(survey, ExtraAps(zone=zone, count=2, standard="ax"))
    aps = new.buildings["chs"].access_points
    added = aps[len(b.access_points) :]
    assert len(added) == 2
    assert len({a.id for a in aps}) == len(aps)
    serving = [(a, c) for a in b.access_points for c in a.serves if c.zone == zone]
    best = max(serving, key=lambda p: p[1].snr)
    for ap in added:
        assert [c.zone for c in ap.serves] == [zone]
        assert ap.serves[0].snr == best[1].snr
        assert ap.switch == best[0].switch
        r5 = [r for r in ap.radios if r.band == "5"]
        assert r5 and all(r.standard == "ax" for r in r5)
    # The first added AP's 5 GHz radio sits on the least-used non-DFS block of its width.
    r = next(r for r in added[0].radios if r.band == "5")
    candidates = blocks("5", r.width_mhz, include_dfs=False)
    least = min(sum(used[c] for c in blk.channels) for blk in candidates)
    chosen = next(blk for blk in candidates if r.channel in blk.channels)
    assert sum(used[c] for c in chosen.channels) == least
    assert errors(new) == []


def test_wired_upgrades(survey: Survey) -> None:
    s = with_wan_rates(survey, {"wan-oak": 10_000.0})
    assert {w.id: w.capacity_mbps for w in s.district.wan.links}["wan-oak"] == 10_000.0
    s = with_uplink_rates(s, {"chs-mdf": 40_000.0})
    assert next(x for x in s.buildings["chs"].switches if x.id == "chs-mdf").uplink_mbps == 40_000
    s = with_isp(
        s,
        {
            "isp-1": IspChange(down_mbps=5000.0, up_mbps=5000.0),
            "isp-2": IspChange(down_mbps=1000.0, up_mbps=500.0, provider="Backup"),
        },
    )
    assert [(c.id, c.down_mbps, c.up_mbps) for c in s.district.isp_circuits] == [
        ("isp-1", 5000.0, 5000.0),
        ("isp-2", 1000.0, 500.0),
    ]
    s = with_content_filter(s, 10_000.0)
    assert s.district.content_filter.throughput_mbps == 10_000.0
    s = with_caches(s, [Cache(id="yt", kind="video", hit_ratio=0.4)])
    s = with_caches(s, [Cache(id="yt", kind="video", hit_ratio=0.6)])  # replaces by id
    assert [(c.id, c.hit_ratio) for c in s.district.caches if c.kind == "video"] == [("yt", 0.6)]
    s = with_dhcp_addresses(s, {"chs-students": 4094})
    scope = next(x for x in s.buildings["chs"].dhcp_scopes if x.id == "chs-students")
    assert scope.addresses == 4094
    assert errors(s) == []
    # The base survey is unchanged.
    assert survey.district.isp_circuits[0].down_mbps == 2000.0


def test_apply_scenario_is_pure_and_digest_tracks_changes(survey: Survey, tmp_path: Path) -> None:
    before = survey_digest(survey)
    sc = Scenario(
        enrollment_growth_pct=5.0,
        ap_upgrades=[ApUpgrade(only_standard="ac")],
        extra_aps=[ExtraAps(zone="chs-gym")],
        wan={"wan-chs": 20_000.0},
    )
    changed = apply_scenario(survey, sc)
    assert survey_digest(survey) == before
    assert survey_digest(changed) != before
    # Same survey in another folder: same digest; same scenario twice: same fingerprint.
    copy = tmp_path / "copy"
    shutil.copytree(DEMO_SURVEY, copy)
    assert survey_digest(load_survey(copy)) == before
    assert run_spec("x", sc, survey).fingerprint == run_spec("x", sc, survey).fingerprint
    assert run_spec("x", sc, survey).fingerprint != run_spec("x", Scenario(), survey).fingerprint


def test_growth_factor() -> None:
    sc = Scenario(demand_growth_pct_per_year=50.0, years_ahead=3, demand_scale=2.0)
    assert sc.growth_factor == pytest.approx(2.0 * 1.5**3)
    assert Scenario().growth_factor == 1.0


def test_start_offsets_shift_that_building_only(survey: Survey) -> None:
    from netplan.scenarios.overrides import with_start_offsets
    from netplan.schedule import bell_times

    before = {b: bell_times(survey, b) for b in ("oak", "pine", "chs")}
    new = with_start_offsets(survey, {"pine": 15.0})
    assert bell_times(new, "pine") == [t + 900.0 for t in before["pine"]]
    assert bell_times(new, "oak") == before["oak"]  # same schedule file, own offset kept
    assert bell_times(new, "chs") == before["chs"]
    assert bell_times(survey, "pine") == before["pine"]  # the input is untouched
    # On a proposed schedule the offset is set on that schedule, on top of its own.
    prop = bell_times(survey, "elm", schedule="elem-stagger-15")
    shifted = with_start_offsets(survey, {"elm": -10.0}, "elem-stagger-15")
    elm_own = survey.schedules["elem-stagger-15"].schedule.start_offset_min["elm"]
    assert bell_times(shifted, "elm", schedule="elem-stagger-15") == [
        t + 60.0 * (-10.0 - elm_own) for t in prop
    ]


def test_app_scale_multiplies_that_application_only(survey: Survey) -> None:
    from netplan.scenarios.activity import with_app_scale

    new = with_app_scale(survey, {"video-720p": 2.0})
    old_plan, new_plan = survey.activities, new.activities
    seen = 0
    for aid, act in old_plan.activities.items():
        for app, rate in act.sessions_per_hour.items():
            factor = 2.0 if app == "video-720p" else 1.0
            assert new_plan.activities[aid].sessions_per_hour[app] == rate * factor
            seen += app == "video-720p"
        assert new_plan.activities[aid].once == act.once
    assert seen > 0
    assert new_plan.mix == old_plan.mix
    assert new_plan.background == old_plan.background  # no video-720p in the background
