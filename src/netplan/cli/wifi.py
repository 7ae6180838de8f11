"""``netplan wifi``: the radio model as a calculator (capacity, MCS tables, channel plans)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from netplan.cli import app, make_console
from netplan.errors import Problem, UsageError

__all__ = ["wifi_app"]

wifi_app = typer.Typer(
    name="wifi",
    help="Wi-Fi radio model: PHY rates, cell capacity (Bianchi DCF) and channel plans.",
    no_args_is_help=True,
)
app.add_typer(wifi_app, name="wifi")

console = make_console()

_MAX_MSDU_BYTES = 2304  # 802.11-2020 cl. 9.2.4.7: largest MSDU


def _round_half_up(x: float, digits: int = 1) -> float:
    """Round as the standard's tables do (29.25 -> 29.3), not to even."""
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def _default_band(standard: str) -> str:
    from netplan.radio.phy import BANDS_BY_STANDARD

    bands = BANDS_BY_STANDARD.get(standard, ("5",))
    return "5" if "5" in bands else bands[0]


def _check_phy(
    cmd: str,
    standard: str,
    *,
    band: str | None,
    width: int | None,
    mcs: int | None = None,
    nss: int | None = None,
    gi: float | None = None,
) -> list[Problem]:
    from netplan.radio.phy import phy_problems

    field_names = {
        "standard": "--standard",
        "band": "--band",
        "width": "--width",
        "mcs": "--mcs",
        "nss": "--nss",
        "gi": "--gi",
    }
    out = []
    if band is not None and band not in ("2.4", "5", "6"):
        out.append(Problem(cmd, "--band", f"unknown band {band!r}; use 2.4, 5 or 6"))
        band = None
    for fld, msg in phy_problems(standard, mcs=mcs, nss=nss, width_mhz=width, gi_us=gi, band=band):
        out.append(Problem(cmd, field_names[fld], msg))
    return out


def _resolve_gi(
    cmd: str, standard: str, sgi: bool, gi: float | None
) -> tuple[float | None, list[Problem]]:
    if not sgi:
        return gi, []
    if gi is not None and abs(gi - 0.4) > 1e-9:
        return gi, [
            Problem(cmd, "--sgi", f"--sgi means a 0.4 us guard interval but --gi is {gi:g}")
        ]
    if standard not in ("n", "ac"):
        return gi, [
            Problem(
                cmd,
                "--sgi",
                f"802.11{standard} has no short (0.4 us) guard interval; "
                + (
                    "its shortest is 0.8 us, the default"
                    if standard in ("ax", "be")
                    else "it always uses 0.8 us"
                ),
            )
        ]
    return 0.4, []


@wifi_app.command("capacity")
def capacity(
    standard: Annotated[str, typer.Option("--standard", help="a, g, n, ac, ax or be.")] = "ax",
    band: Annotated[
        str | None, typer.Option("--band", help="2.4, 5 or 6 GHz (default 5, or 2.4 for g).")
    ] = None,
    width: Annotated[int, typer.Option("--width", help="Channel width in MHz.")] = 20,
    mcs: Annotated[int, typer.Option("--mcs", help="MCS index per stream.")] = 7,
    nss: Annotated[int, typer.Option("--nss", help="Spatial streams of the link.")] = 1,
    ap_nss: Annotated[
        int | None,
        typer.Option("--ap-nss", help="Spatial streams the AP radio has (checked against --nss)."),
    ] = None,
    stations: Annotated[int, typer.Option("--stations", help="Saturated stations contending.")] = 1,
    payload: Annotated[int, typer.Option("--payload", help="Packet size in bytes.")] = 1500,
    no_aggregation: Annotated[
        bool, typer.Option("--no-aggregation", help="Send single MPDUs (pure Bianchi).")
    ] = False,
    rts: Annotated[bool, typer.Option("--rts", help="Protect each exchange with RTS/CTS.")] = False,
    sgi: Annotated[
        bool, typer.Option("--sgi", help="Short (0.4 us) guard interval (802.11n/ac).")
    ] = False,
    gi: Annotated[
        float | None, typer.Option("--gi", help="Guard interval in us (0.4, 0.8, 1.6, 3.2).")
    ] = None,
    ampdu_frames: Annotated[
        int | None,
        typer.Option("--ampdu-frames", help="MPDUs per A-MPDU (default: as many as fit)."),
    ] = None,
    aifsn: Annotated[
        int, typer.Option("--aifsn", help="Arbitration IFS slots (2 = DIFS, 3 = EDCA BE).")
    ] = 2,
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """Saturation throughput of a cell of identical stations (Bianchi DCF, A-MPDU)."""
    cmd = "netplan wifi capacity"
    standard = standard.strip().lower().removeprefix("802.11")
    use_band = band if band is not None else _default_band(standard)
    gi_us, problems = _resolve_gi(cmd, standard, sgi, gi)
    problems += _check_phy(cmd, standard, band=use_band, width=width, mcs=mcs, nss=nss, gi=gi_us)
    if ap_nss is not None:
        if ap_nss < 1:
            problems.append(Problem(cmd, "--ap-nss", f"must be at least 1, got {ap_nss}"))
        elif nss > ap_nss:
            problems.append(
                Problem(
                    cmd,
                    "--nss",
                    f"{nss} spatial streams on a {ap_nss}-stream AP: a link cannot use more "
                    "streams than the AP radio has",
                )
            )
    if stations < 1:
        problems.append(Problem(cmd, "--stations", f"need at least 1 station, got {stations}"))
    elif stations > 10000:
        problems.append(Problem(cmd, "--stations", f"at most 10000 stations, got {stations}"))
    if not 1 <= payload <= _MAX_MSDU_BYTES:
        problems.append(
            Problem(
                cmd,
                "--payload",
                f"packet size must be 1-{_MAX_MSDU_BYTES} bytes (largest MSDU), got {payload}",
            )
        )
    if ampdu_frames is not None:
        if no_aggregation or standard in ("a", "g"):
            problems.append(
                Problem(
                    cmd,
                    "--ampdu-frames",
                    "needs aggregation (802.11n or later, without --no-aggregation)",
                )
            )
        elif ampdu_frames < 1:
            problems.append(
                Problem(cmd, "--ampdu-frames", f"must be at least 1, got {ampdu_frames}")
            )
    if not 1 <= aifsn <= 15:
        problems.append(Problem(cmd, "--aifsn", f"must be 1-15, got {aifsn}"))
    if problems:
        raise UsageError(problems)

    from netplan.radio.dcf import dcf_throughput
    from netplan.radio.params import mac_timing

    res = dcf_throughput(
        standard,
        use_band,
        mcs=mcs,
        nss=nss,
        width_mhz=width,
        gi_us=gi_us,
        n_stations=stations,
        payload_bytes=payload,
        aggregation=not no_aggregation,
        rts_cts=rts,
        ampdu_frames=ampdu_frames,
        aifsn=aifsn,
    )
    timing = mac_timing(standard, use_band, aifsn=aifsn)
    from netplan.radio.phy import default_guard_interval_us

    out: dict[str, Any] = {
        "standard": standard,
        "band": use_band,
        "width_mhz": width,
        "mcs": mcs,
        "nss": nss,
        "gi_us": gi_us if gi_us is not None else default_guard_interval_us(standard),
        "stations": stations,
        "payload_bytes": payload,
        "aggregation": (not no_aggregation) and standard not in ("a", "g"),
        "rts_cts": rts,
        "phy_rate_mbps": round(res.phy_rate_mbps, 4),
        "aggregate_throughput_mbps": round(res.throughput_mbps, 4),
        "per_station_throughput_mbps": round(res.per_station_mbps, 4),
        "airtime_efficiency": round(res.airtime_efficiency, 4),
        "collision_probability": round(res.collision_probability, 5),
        "transmission_probability": round(res.tau, 6),
        "frames_per_ppdu": res.times.frames,
        "data_ppdu_us": round(res.times.data_ppdu_us, 2),
        "success_time_us": round(res.times.ts_us, 2),
        "collision_time_us": round(res.times.tc_us, 2),
        "control_rate_mbps": res.times.control_rate_mbps,
        "slot_us": timing.slot_us,
        "sifs_us": timing.sifs_us,
        "difs_us": timing.difs_us,
        "cw_min": timing.cw_min,
        "cw_max": timing.cw_max,
        "model": "Bianchi (2000) DCF saturation throughput with A-MPDU/BlockAck extension; "
        "ideal channel",
    }
    if json_out:
        typer.echo(json.dumps(out, indent=2))
        return
    agg = "A-MPDU" if out["aggregation"] else "no aggregation"
    table = Table(
        title=f"802.11{standard} {use_band} GHz {width} MHz MCS {mcs} x {nss} SS, "
        f"{stations} station{'s' if stations != 1 else ''}, {payload} B, {agg}"
        + (", RTS/CTS" if rts else ""),
        title_justify="left",
    )
    table.add_column("quantity")
    table.add_column("value", justify="right")
    rows = [
        ("PHY rate", f"{res.phy_rate_mbps:,.1f} Mbps"),
        ("aggregate throughput", f"{res.throughput_mbps:,.1f} Mbps"),
        ("per station", f"{res.per_station_mbps:,.2f} Mbps"),
        ("airtime efficiency", f"{res.airtime_efficiency:.1%}"),
        ("collision probability", f"{res.collision_probability:.3f}"),
        ("MPDUs per PPDU", str(res.times.frames)),
        ("data PPDU", f"{res.times.data_ppdu_us:,.1f} us"),
        ("success / collision time", f"{res.times.ts_us:,.1f} / {res.times.tc_us:,.1f} us"),
        ("slot / SIFS / DIFS", f"{timing.slot_us:g} / {timing.sifs_us:g} / {timing.difs_us:g} us"),
        ("CWmin / CWmax", f"{timing.cw_min} / {timing.cw_max}"),
    ]
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)


@wifi_app.command("rates")
def rates(
    standard: Annotated[str, typer.Option("--standard", help="a, g, n, ac, ax or be.")] = "ax",
    width: Annotated[int, typer.Option("--width", help="Channel width in MHz.")] = 20,
    nss: Annotated[int, typer.Option("--nss", help="Spatial streams.")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON rows.")] = False,
) -> None:
    """Print the MCS table: modulation, coding, PHY rate per guard interval, minimum SNR."""
    from netplan.radio.link import min_snr_db
    from netplan.radio.phy import GUARD_INTERVALS_US, mcs_table

    cmd = "netplan wifi rates"
    standard = standard.strip().lower().removeprefix("802.11")
    problems = _check_phy(cmd, standard, band=None, width=width, nss=nss)
    if problems:
        raise UsageError(problems)
    gis = sorted(GUARD_INTERVALS_US[standard], reverse=True)
    tables = {g: mcs_table(standard, width, nss=nss, gi_us=g) for g in gis}
    rows: list[dict[str, Any]] = []
    for i, row in enumerate(tables[gis[0]]):
        rates_by_gi: dict[str, float | None] = {}
        for g in gis:
            rate = tables[g][i].rate_mbps
            rates_by_gi[f"{g:g}"] = None if rate is None else _round_half_up(rate, 1)
        rows.append(
            {
                "mcs": row.mcs,
                "modulation": row.modulation,
                "coding_rate": row.coding_rate,
                "nss": nss,
                "width_mhz": width,
                "rate_mbps_by_gi_us": rates_by_gi,
                "min_snr_db": round(min_snr_db(standard, row.mcs, width), 1),
            }
        )
    if json_out:
        typer.echo(json.dumps({"standard": standard, "rows": rows}, indent=2))
        return
    table = Table(
        title=f"802.11{standard} {width} MHz, {nss} spatial stream{'s' if nss > 1 else ''}",
        title_justify="left",
    )
    table.add_column("MCS", justify="right")
    table.add_column("modulation")
    table.add_column("coding")
    for g in gis:
        table.add_column(f"Mbps GI {g:g} us", justify="right")
    table.add_column("min SNR dB", justify="right")
    for r in rows:
        cells = [
            "n/a"
            if r["rate_mbps_by_gi_us"][f"{g:g}"] is None
            else f"{r['rate_mbps_by_gi_us'][f'{g:g}']:,.1f}"
            for g in gis
        ]
        table.add_row(
            str(r["mcs"]), r["modulation"], r["coding_rate"], *cells, f"{r['min_snr_db']:.0f}"
        )
    console.print(table)
    if standard == "ac" and any(r["rate_mbps_by_gi_us"][f"{gis[0]:g}"] is None for r in rows):
        console.print("n/a: combination excluded by 802.11-2020 21.5.")


def _key(k: tuple[str, int]) -> str:
    return f"{k[0]}/{k[1]}"


@wifi_app.command("channels")
def channels(
    survey_dir: Annotated[Path, typer.Argument(help="Survey directory.")],
    building: Annotated[
        list[str] | None, typer.Option("--building", help="Only these building ids.")
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Co-channel (CCA) threshold in dBm.")
    ] = -82.0,
    no_dfs: Annotated[bool, typer.Option("--no-dfs", help="Do not plan on DFS channels.")] = False,
    no_tdwr: Annotated[
        bool, typer.Option("--no-tdwr", help="Do not plan on channels 120-128.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """Channel plan and co-channel report for every building of a survey."""
    from netplan.radio.cochannel import airtime_shares, building_graph, contention_domains
    from netplan.radio.planner import cochannel_graph_for, plan_channels
    from netplan.survey import load_survey

    cmd = "netplan wifi channels"
    if not -100.0 <= threshold <= -40.0:
        raise UsageError.at(
            cmd, "--threshold", f"must be between -100 and -40 dBm, got {threshold}"
        )
    survey = load_survey(survey_dir)
    wanted = building if building else list(survey.buildings)
    unknown = [b for b in wanted if b not in survey.buildings]
    if unknown:
        raise UsageError(
            [
                Problem(
                    cmd,
                    "--building",
                    f"unknown building {b!r}; the survey has " + ", ".join(survey.buildings),
                )
                for b in unknown
            ]
        )
    report: dict[str, Any] = {
        "survey": str(survey_dir),
        "threshold_dbm": threshold,
        "allow_dfs": not no_dfs,
        "buildings": {},
    }
    for bid in wanted:
        b = survey.buildings[bid]
        g = building_graph(b, threshold_dbm=threshold)
        shares = airtime_shares(g)
        domains = contention_domains(g)
        plan = plan_channels(
            b.access_points,
            wall_segments=b.walls,
            floor_height_m=b.building.floor_height_m,
            threshold_dbm=threshold,
            allow_dfs=not no_dfs,
            include_tdwr=not no_tdwr,
        )
        planned_shares = airtime_shares(
            cochannel_graph_for(plan.conflict_graph, dict(plan.planned))
        )
        unplaced = [
            ap.id
            for ap in b.access_points
            if (ap.x_m is None or ap.y_m is None) and not ap.neighbors
        ]
        by_band: dict[str, dict[str, Any]] = {}
        for band in ("2.4", "5", "6"):
            nodes = [n for n, d in g.nodes(data=True) if d["band"] == band]
            if not nodes:
                continue
            by_band[band] = {
                "radios": len(nodes),
                "cochannel_pairs_now": sum(1 for p in plan.before if p.band == band),
                "cochannel_pairs_planned": sum(1 for p in plan.after if p.band == band),
                "largest_domain": max(
                    (len(d) for d in domains if next(iter(d)) in set(nodes)), default=0
                ),
                "min_airtime_share_now": round(min(shares[n] for n in nodes), 4),
                "min_airtime_share_planned": round(min(planned_shares[n] for n in nodes), 4),
            }
        report["buildings"][bid] = {
            "bands": by_band,
            "aps_without_position_or_neighbors": unplaced,
            "changes": [
                {
                    "radio": _key(k),
                    "band": plan.conflict_graph.nodes[k]["band"],
                    "from": None if old is None else {"channel": old[0], "width_mhz": old[1]},
                    "to": {"channel": new[0], "width_mhz": new[1]},
                }
                for k, (old, new) in plan.changes().items()
            ],
            "remaining_cochannel_pairs": [
                {
                    "a": _key(p.a),
                    "b": _key(p.b),
                    "band": p.band,
                    "channel": p.channel_a[0],
                    "rssi_dbm": p.rssi_dbm,
                    "source": p.source,
                }
                for p in plan.after
            ],
        }
    if json_out:
        typer.echo(json.dumps(report, indent=2))
        return
    for bid, rep in report["buildings"].items():
        table = Table(
            title=f"{bid}: co-channel report (threshold {threshold:g} dBm)", title_justify="left"
        )
        for col in (
            "band",
            "radios",
            "co-channel pairs now",
            "pairs planned",
            "largest domain now",
            "min airtime share now",
            "min share planned",
        ):
            table.add_column(col, justify="right" if col != "band" else "left")
        for band, s in rep["bands"].items():
            table.add_row(
                f"{band} GHz",
                str(s["radios"]),
                str(s["cochannel_pairs_now"]),
                str(s["cochannel_pairs_planned"]),
                str(s["largest_domain"]),
                f"{s['min_airtime_share_now']:.0%}",
                f"{s['min_airtime_share_planned']:.0%}",
            )
        console.print(table)
        changes = rep["changes"]
        console.print(
            f"  plan changes {len(changes)} radio{'s' if len(changes) != 1 else ''}"
            + (" (DFS channels allowed)" if not no_dfs else " (no DFS channels)")
        )
        for ch in changes[:20]:
            old = ch["from"]
            old_s = "invalid" if old is None else f"{old['channel']}/{old['width_mhz']}"
            console.print(
                f"    {ch['radio']} {ch['band']} GHz: {old_s} -> "
                f"{ch['to']['channel']}/{ch['to']['width_mhz']}"
            )
        if len(changes) > 20:
            console.print(f"    ... and {len(changes) - 20} more (use --json for all)")
        remaining = rep["remaining_cochannel_pairs"]
        if remaining:
            console.print(f"  {len(remaining)} co-channel neighbour pairs remain, strongest:")
            for p in remaining[:10]:
                rssi = "listed" if p["rssi_dbm"] is None else f"{p['rssi_dbm']:.0f} dBm"
                console.print(f"    {p['a']} - {p['b']} ch {p['channel']} ({rssi})")
        if rep["aps_without_position_or_neighbors"]:
            n = len(rep["aps_without_position_or_neighbors"])
            console.print(
                f"  {n} AP(s) have no position and no neighbour list; they are planned as if alone."
            )
