"""Capacity runway: the first year each resource crosses its threshold as demand grows.

Year ``k`` after the survey's year is simulated with every arrival rate multiplied by
``(1 + g) ** k`` (``g`` the yearly demand growth; EducationSuperHighway advises planning for
50-100 % a year, see :data:`netplan.goals.DEMAND_GROWTH_PER_YEAR`), on the same seeds every
year, and a resource "runs out" in the first simulated year whose mean over replications is
above its threshold.
"""

from __future__ import annotations

import pandas as pd

from netplan.goals import DEMAND_GROWTH_PER_YEAR
from netplan.scenarios.apply import RunSpec, run_spec
from netplan.scenarios.compare import METRIC_THRESHOLD, threshold_of
from netplan.scenarios.models import Scenario, Thresholds, Window
from netplan.scenarios.stats import mean_interval
from netplan.survey.loader import Survey

__all__ = [
    "describe_resource",
    "runway_sentence",
    "runway_specs",
    "runway_table",
    "year_label",
]

#: What a metric's crossing means, for the sentences of the report.
_WHAT = {
    "airtime_peak5": "airtime",
    "link_p95": "capacity",
    "video_degraded": "video quality",
    "dhcp_failures": "DHCP addresses",
}


def year_label(name: str, year: int) -> str:
    """Scenario name used for one year of a runway (``today@2027``)."""
    return f"{name}@{year}"


def runway_specs(
    name: str,
    sc: Scenario,
    survey: Survey,
    *,
    base_year: int,
    years: int,
    growth: float | None = None,
    day: str = "regular",
    window: Window | None = None,
) -> list[tuple[int, RunSpec]]:
    """Run settings of each year of a runway.

    Parameters
    ----------
    name
        The scenario's name.
    sc
        The scenario (its own growth factor is the starting point, year ``base_year``).
    survey
        The base survey.
    base_year
        Calendar year of the survey.
    years
        Years ahead to look (``base_year .. base_year + years``).
    growth
        Yearly demand growth as a fraction; default the scenario's
        ``demand_growth_pct_per_year`` or :data:`DEMAND_GROWTH_PER_YEAR`.
    day
        Day type when the scenario names none.
    window
        Part of the day when the scenario names none.

    Returns
    -------
    list of (year, RunSpec)
    """
    g = growth
    if g is None:
        pct = sc.demand_growth_pct_per_year
        g = DEMAND_GROWTH_PER_YEAR if pct is None else pct / 100.0
    start = sc.growth_factor
    out = []
    for k in range(years + 1):
        spec = run_spec(
            year_label(name, base_year + k),
            sc,
            survey,
            day=day,
            window=window,
            demand_scale=start * (1.0 + g) ** k,
        )
        out.append((base_year + k, spec))
    return out


def runway_table(
    metrics: pd.DataFrame,
    years: dict[str, int],
    thresholds: Thresholds,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """First year each gated quantity's mean crosses its threshold.

    Parameters
    ----------
    metrics
        Tidy results of the runway's runs; ``scenario`` names map to years via ``years``.
    years
        Scenario name -> calendar year.
    thresholds
        The limits.
    level
        Confidence level of the reported intervals.

    Returns
    -------
    DataFrame
        One row per ``building, resource, kind, metric`` held to a threshold, with
        ``threshold``, ``first_value`` (mean in the first year), ``runs_out`` (first year
        above the threshold; missing if none), ``value_then`` with ``low``/``high`` (the
        mean and interval that year), sorted by the year it runs out.
    """
    gated = metrics[metrics["metric"].isin(list(METRIC_THRESHOLD))]
    means = mean_interval(gated, level)
    means["year"] = means["scenario"].map(years)
    means = means.dropna(subset=["year"]).sort_values("year")
    rows = []
    key = ["building", "resource", "kind", "metric"]
    for k, grp in means.groupby(key, sort=True):
        th = threshold_of(str(k[3]), thresholds)
        first = float(grp["mean"].iloc[0])
        over = grp[grp["mean"] > th]
        if len(over):
            hit = over.iloc[0]
            rows.append(
                (
                    *k,
                    th,
                    first,
                    int(hit["year"]),
                    float(hit["mean"]),
                    float(hit["low"]),
                    float(hit["high"]),
                )
            )
        else:
            last = grp.iloc[-1]
            rows.append(
                (*k, th, first, None, float(last["mean"]), float(last["low"]), float(last["high"]))
            )
    table = pd.DataFrame(
        rows,
        columns=[*key, "threshold", "first_value", "runs_out", "value_then", "low", "high"],
    )
    table["runs_out"] = table["runs_out"].astype("Int64")
    return table.sort_values(
        ["runs_out", "building", "resource", "metric"], na_position="last", ignore_index=True
    )


def describe_resource(resource: str, kind: str) -> str:
    """A resource as a sentence names it: "WAN link wan-chs", "the ISP circuits"..."""
    bare = resource.split(":", 1)[1] if ":" in resource else resource
    head, sep, rest = bare.partition(",")
    if sep:
        bare = f"{head} (+{rest.count(',') + 1} on its channel)"
    return {
        "wan": f"WAN link {bare}",
        "isp": "the ISP circuits",
        "filter": "the content filter",
        "core": "the core",
        "switch-uplink": f"the uplink of switch {bare}",
        "ap-uplink": f"the switch port of AP {bare}",
        "airtime": f"the airtime of radio {bare}",
        "dhcp": f"DHCP scope {bare}",
    }.get(kind, bare)


def runway_sentence(
    row: pd.Series, building_names: dict[str, str], base_year: int | None = None
) -> str:
    """One line such as "Cedar Valley High School: WAN link wan-chs runs out of capacity in
    2028 (link_p95 0.84 > 0.8)".

    Parameters
    ----------
    row
        A row of :func:`runway_table`.
    building_names
        Building id -> name.
    base_year
        The survey's year: a quantity already over its limit then is said to be so.
    """
    who = building_names.get(str(row["building"]), str(row["building"]))
    metric = str(row["metric"])
    year = row["runs_out"]
    value = float(row["value_then"])
    detail = f"({metric} {value:.3g} > {float(row['threshold']):.3g})"
    if metric == "video_degraded":
        what = "video is degraded beyond the limit"
    else:
        thing = describe_resource(str(row["resource"]), str(row["kind"]))
        what = f"{thing} runs out of {_WHAT.get(metric, metric)}"
    if pd.isna(year):
        return f"{who}: {what.replace(' runs out of', ' keeps its')} through the horizon"
    if base_year is not None and int(year) <= base_year:
        return f"{who}: already over the limit in {int(year)}: {what} {detail}"
    return f"{who}: {what} in {int(year)} {detail}"
