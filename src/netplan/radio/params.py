"""PHY and MAC timing parameters as data, with units and sources.

Every number the radio model uses for frame timing lives in :data:`PARAMETERS`, one row per
(scope, name) with its unit and where it comes from. ``scope`` is a standard (``"a"``,
``"g"``, ``"n"``, ``"ac"``, ``"ax"``, ``"be"``), a band (``"2.4"``, ``"5"``, ``"6"``) or
``"*"`` for values shared by all. Rows whose value could not be confirmed against the
standard text are marked ``confirmed=False`` with a note; :func:`parameter_table` returns the
whole table as a pandas DataFrame for documentation.

Abbreviations in the sources: "802.11-2020" is IEEE Std 802.11-2020; "802.11ax-2021" and
"802.11be-2024" are the amendments; clause numbers are those documents' clauses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PARAMETERS",
    "MacTiming",
    "Parameter",
    "mac_timing",
    "parameter_table",
    "parameter_table_markdown",
    "value",
]

_OFDM = "802.11-2020 cl. 17 (OFDM PHY), table 'OFDM PHY characteristics'"
_ERP = "802.11-2020 cl. 18 (ERP), table 'ERP characteristics'"
_HT = "802.11-2020 cl. 19 (HT PHY), tables 'Timing-related constants' and 'HT PHY characteristics'"
_VHT = (
    "802.11-2020 cl. 21 (VHT PHY), tables 'Timing-related constants' and 'VHT PHY characteristics'"
)
_HE = (
    "802.11ax-2021 cl. 27 (HE PHY), tables 'Timing-related constants' and 'HE PHY characteristics'"
)
_EHT = "802.11be-2024 cl. 36 (EHT PHY), timing-related constants"
_MAC = "802.11-2020 cl. 9 (frame formats)"
_EDCA = "802.11-2020 cl. 10.22.2 (EDCA) and cl. 10.3.2.3 (IFS)"


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes
    ----------
    scope
        Standard, band or ``"*"``.
    name
        Parameter name, ending in its unit where it has one (``slot_us``).
    value
        The value, in ``unit``.
    unit
        ``"us"``, ``"bytes"``, ``"slots"``, ``"frames"`` or ``"-"``.
    source
        Where the value comes from.
    confirmed
        False where the value could not be checked against the standard's text.
    note
        Anything a reader should know.
    """

    scope: str
    name: str
    value: float
    unit: str
    source: str
    confirmed: bool = True
    note: str = ""


def _p(
    scope: str,
    name: str,
    value: float,
    unit: str,
    source: str,
    confirmed: bool = True,
    note: str = "",
) -> Parameter:
    return Parameter(scope, name, value, unit, source, confirmed, note)


#: The parameter table.
PARAMETERS: Final[tuple[Parameter, ...]] = (
    # --- contention window and slot per standard (DCF / EDCA best effort) -----------------
    _p("a", "cw_min", 15, "slots", _OFDM),
    _p("a", "cw_max", 1023, "slots", _OFDM),
    _p("a", "slot_us", 9, "us", _OFDM),
    _p("g", "cw_min", 15, "slots", _ERP, note="ERP-OFDM only BSS (no 802.11b stations)"),
    _p("g", "cw_max", 1023, "slots", _ERP),
    _p("g", "slot_us", 9, "us", _ERP, note="short slot; 20 us when 802.11b stations are present"),
    _p("n", "cw_min", 15, "slots", _HT),
    _p("n", "cw_max", 1023, "slots", _HT),
    _p("n", "slot_us", 9, "us", _HT, note="short slot at 2.4 GHz"),
    _p("ac", "cw_min", 15, "slots", _VHT),
    _p("ac", "cw_max", 1023, "slots", _VHT),
    _p("ac", "slot_us", 9, "us", _VHT),
    _p("ax", "cw_min", 15, "slots", _HE),
    _p("ax", "cw_max", 1023, "slots", _HE),
    _p("ax", "slot_us", 9, "us", _HE),
    _p("be", "cw_min", 15, "slots", _EHT, confirmed=False, note="taken equal to HE"),
    _p("be", "cw_max", 1023, "slots", _EHT, confirmed=False, note="taken equal to HE"),
    _p("be", "slot_us", 9, "us", _EHT, confirmed=False, note="taken equal to HE"),
    # --- SIFS and signal extension per band ------------------------------------------------
    _p("2.4", "sifs_us", 10, "us", _ERP + "; " + _HT),
    _p(
        "2.4",
        "signal_extension_us",
        6,
        "us",
        _ERP + "; " + _HT,
        note="idle time appended to every OFDM PPDU at 2.4 GHz (so SIFS + 6 = 16 us)",
    ),
    _p("5", "sifs_us", 16, "us", _OFDM + "; " + _VHT),
    _p("5", "signal_extension_us", 0, "us", _OFDM),
    _p("6", "sifs_us", 16, "us", _HE),
    _p("6", "signal_extension_us", 0, "us", _HE),
    _p(
        "*",
        "dcf_aifsn",
        2,
        "slots",
        _EDCA,
        note="DIFS = SIFS + 2 slots (DCF, Bianchi 2000). EDCA best effort uses AIFSN 3.",
    ),
    # --- legacy (non-HT) preamble, shared by every OFDM PPDU --------------------------------
    _p("*", "l_stf_us", 8, "us", _OFDM, note="aPreambleLength 16 us = L-STF + L-LTF"),
    _p("*", "l_ltf_us", 8, "us", _OFDM),
    _p("*", "l_sig_us", 4, "us", _OFDM, note="aPLCPHeaderLength"),
    _p("*", "legacy_symbol_us", 4.0, "us", _OFDM, note="3.2 us + 0.8 us guard interval"),
    _p("*", "legacy_data_subcarriers", 48, "-", _OFDM),
    _p("*", "service_bits", 16, "-", _OFDM),
    _p("*", "tail_bits", 6, "-", _OFDM, note="one BCC encoder; LDPC has none (ignored)"),
    # --- HT mixed format ------------------------------------------------------------------
    _p("n", "ht_sig_us", 8, "us", _HT),
    _p("n", "ht_stf_us", 4, "us", _HT),
    _p("n", "ht_ltf_us", 4, "us", _HT, note="per HT-LTF; 1, 2, 4, 4 LTFs for 1-4 streams"),
    # --- VHT ----------------------------------------------------------------------------------
    _p("ac", "vht_sig_a_us", 8, "us", _VHT),
    _p("ac", "vht_stf_us", 4, "us", _VHT),
    _p("ac", "vht_ltf_us", 4, "us", _VHT, note="per VHT-LTF; 1,2,4,4,6,6,8,8 for 1-8 streams"),
    _p("ac", "vht_sig_b_us", 4, "us", _VHT),
    # --- HE single-user PPDU -------------------------------------------------------------------
    _p("ax", "rl_sig_us", 4, "us", _HE),
    _p("ax", "he_sig_a_us", 8, "us", _HE),
    _p("ax", "he_stf_us", 4, "us", _HE, note="HE SU PPDU"),
    _p(
        "ax",
        "he_ltf_us",
        6.4,
        "us",
        _HE,
        note="2x HE-LTF symbol without GI; the data GI is added per LTF",
    ),
    _p(
        "ax",
        "packet_extension_us",
        0,
        "us",
        _HE,
        confirmed=False,
        note="0-16 us depending on the receiver's nominal packet padding; 0 assumed",
    ),
    # --- EHT MU PPDU sent to one user -------------------------------------------------------
    _p("be", "rl_sig_us", 4, "us", _EHT),
    _p("be", "u_sig_us", 8, "us", _EHT),
    _p(
        "be",
        "eht_sig_us",
        4,
        "us",
        _EHT,
        confirmed=False,
        note="one EHT-SIG symbol assumed for a single-user transmission",
    ),
    _p("be", "eht_stf_us", 4, "us", _EHT),
    _p("be", "eht_ltf_us", 6.4, "us", _EHT, note="2x EHT-LTF without GI"),
    _p(
        "be",
        "packet_extension_us",
        0,
        "us",
        _EHT,
        confirmed=False,
        note="0-20 us depending on the receiver; 0 assumed",
    ),
    # --- MAC frame sizes -------------------------------------------------------------------
    _p("*", "mac_header_bytes", 24, "bytes", _MAC, note="non-QoS data frame (802.11a/g)"),
    _p("*", "qos_mac_header_bytes", 26, "bytes", _MAC, note="QoS data frame (HT and later)"),
    _p("*", "fcs_bytes", 4, "bytes", _MAC),
    _p("*", "llc_snap_bytes", 8, "bytes", "IEEE 802.2 LLC/SNAP header carried in each MSDU"),
    _p("*", "ack_bytes", 14, "bytes", _MAC),
    _p("*", "rts_bytes", 20, "bytes", _MAC),
    _p("*", "cts_bytes", 14, "bytes", _MAC),
    _p("*", "block_ack_64_bytes", 32, "bytes", _MAC, note="compressed BlockAck, 64-bit bitmap"),
    _p("*", "block_ack_256_bytes", 56, "bytes", _MAC, note="compressed BlockAck, 256-bit bitmap"),
    _p(
        "*",
        "block_ack_1024_bytes",
        152,
        "bytes",
        "802.11be-2024 cl. 9 (BlockAck, 1024-bit bitmap)",
        confirmed=False,
    ),
    _p("*", "ampdu_delimiter_bytes", 4, "bytes", "802.11-2020 cl. 10.12 (A-MPDU format)"),
    # --- aggregation limits per standard ---------------------------------------------------
    _p(
        "n",
        "max_ampdu_bytes",
        65535,
        "bytes",
        "802.11-2020 cl. 9 (HT Capabilities element)",
        note="Maximum A-MPDU Length Exponent 3",
    ),
    _p(
        "ac",
        "max_ampdu_bytes",
        1048575,
        "bytes",
        "802.11-2020 cl. 9 (VHT Capabilities element)",
        note="Maximum A-MPDU Length Exponent 7",
    ),
    _p(
        "ax",
        "max_ampdu_bytes",
        6500631,
        "bytes",
        "802.11ax-2021 cl. 9 (HE Capabilities element)",
        note="exponent 7 plus the HE extension",
    ),
    _p(
        "be",
        "max_ampdu_bytes",
        15523200,
        "bytes",
        "802.11be-2024 cl. 9 (EHT Capabilities element)",
        confirmed=False,
    ),
    _p("n", "ba_window_frames", 64, "frames", _MAC + ", 64-bit BlockAck bitmap"),
    _p("ac", "ba_window_frames", 64, "frames", _MAC + ", 64-bit BlockAck bitmap"),
    _p("ax", "ba_window_frames", 256, "frames", "802.11ax-2021 cl. 9 (256-bit BlockAck bitmap)"),
    _p(
        "be",
        "ba_window_frames",
        1024,
        "frames",
        "802.11be-2024 cl. 9 (1024-bit BlockAck bitmap)",
        confirmed=False,
    ),
    _p(
        "*",
        "max_ppdu_us",
        5484,
        "us",
        _VHT + "; " + _HE,
        note="aPPDUMaxTime for VHT/HE; HT mixed format is held to the same L-SIG limit",
    ),
)

_INDEX: Final[dict[tuple[str, str], Parameter]] = {(p.scope, p.name): p for p in PARAMETERS}


def value(name: str, *scopes: str) -> float:
    """Look up a parameter, trying each scope in turn and then ``"*"``.

    Parameters
    ----------
    name
        Parameter name.
    *scopes
        Scopes to try first (e.g. the standard, then the band).

    Raises
    ------
    KeyError
        If no row matches.
    """
    for scope in (*scopes, "*"):
        row = _INDEX.get((scope, name))
        if row is not None:
            return row.value
    raise KeyError(f"no parameter {name!r} for scopes {scopes!r}")


@dataclass(frozen=True)
class MacTiming:
    """Channel-access timing of one standard in one band.

    Attributes
    ----------
    standard, band
        What the timing is for.
    slot_us, sifs_us
        Slot time and SIFS.
    signal_extension_us
        Idle time after each OFDM PPDU (2.4 GHz only).
    aifsn
        Slots in the arbitration IFS (2 gives DIFS).
    cw_min, cw_max
        Contention window bounds (slots; windows are ``cw + 1`` wide).
    """

    standard: str
    band: str
    slot_us: float
    sifs_us: float
    signal_extension_us: float
    aifsn: int
    cw_min: int
    cw_max: int

    @property
    def difs_us(self) -> float:
        """DIFS (or AIFS when ``aifsn`` is not 2): SIFS + aifsn slots."""
        return self.sifs_us + self.aifsn * self.slot_us

    @property
    def backoff_stages(self) -> int:
        """Bianchi's m: number of window doublings from CWmin to CWmax."""
        stages = 0
        w = self.cw_min + 1
        while w < self.cw_max + 1:
            w *= 2
            stages += 1
        return stages


@cache
def mac_timing(standard: str, band: str, *, aifsn: int | None = None) -> MacTiming:
    """Timing for a standard in a band, from :data:`PARAMETERS`.

    Parameters
    ----------
    standard
        ``"a"``, ``"g"``, ``"n"``, ``"ac"``, ``"ax"`` or ``"be"``.
    band
        ``"2.4"``, ``"5"`` or ``"6"``.
    aifsn
        Override the arbitration IFS number (default 2, i.e. DIFS).
    """
    return MacTiming(
        standard=standard,
        band=band,
        slot_us=value("slot_us", standard),
        sifs_us=value("sifs_us", band),
        signal_extension_us=value("signal_extension_us", band),
        aifsn=int(value("dcf_aifsn")) if aifsn is None else aifsn,
        cw_min=int(value("cw_min", standard)),
        cw_max=int(value("cw_max", standard)),
    )


def parameter_table_markdown() -> str:
    """The parameter table as Markdown (for the documentation)."""
    lines = [
        "| scope | parameter | value | unit | source | confirmed | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in PARAMETERS:
        val = f"{p.value:,.0f}" if float(p.value).is_integer() else f"{p.value:g}"
        ok = "yes" if p.confirmed else "**no**"
        lines.append(
            f"| {p.scope} | `{p.name}` | {val} | {p.unit} | {p.source} | {ok} | {p.note} |"
        )
    return "\n".join(lines)


def parameter_table() -> pd.DataFrame:
    """All parameters as a DataFrame (scope, name, value, unit, source, confirmed, note)."""
    import pandas as pd

    return pd.DataFrame([p.__dict__ for p in PARAMETERS])
