"""US Wi-Fi channel tables and channel validity checks.

The tables are computed from the channelisation rules, not typed in:

* 2.4 GHz (IEEE 802.11-2020 clause 17/19, US FCC 15.247): channels 1-11, centre
  ``2407 + 5 * ch`` MHz. 40 MHz (HT40) pairs a primary with a secondary four channels
  above (primary 1-7) or below (primary 5-11).
* 5 GHz (FCC 15.407, U-NII-1/2A/2C/3): centre ``5000 + 5 * ch`` MHz. 20 MHz channels
  36-64, 100-144 and 149-165 in steps of 4; 40/80/160 MHz blocks are the aligned groups of
  2/4/8 adjacent 20 MHz channels inside the US band plan (36-64, 100-144, 149-161).
  Channels 52-144 (U-NII-2A/2C) need DFS. Channels 120-128 overlap terminal Doppler weather
  radar (TDWR); they are allowed with DFS under the 2014 rules (FCC 14-30, KDB 905462) but
  many planning guides leave them out, which gives the counts quoted in
  ``docs/references.md`` (20 MHz 22/9, 40 MHz 10/4, 80 MHz 5/2, 160 MHz 1-2/0-1).
  U-NII-4 (169-177) is not included.
* 6 GHz (FCC 20-51, U-NII-5..8; IEEE 802.11ax-2021 clause 27.3.23.2): 20 MHz channels
  1, 5, ..., 233, centre ``5950 + 5 * ch`` MHz; 40/80/160 MHz blocks are aligned groups of
  2/4/8 channels starting at channel 1; 320 MHz (802.11be) has two overlapping
  channelisations, "320-1" centred on channels 31, 95, 159 and "320-2" centred on 63, 127,
  191. No DFS.

Band strings are ``"2.4"``, ``"5"`` and ``"6"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "BANDS",
    "WIDTHS_BY_BAND",
    "ChannelBlock",
    "block_for",
    "blocks",
    "center_frequency_mhz",
    "channel_problem",
    "channels_20mhz",
    "channels_overlap",
    "count_channels",
    "frequency_span_mhz",
    "is_dfs",
    "occupied_20mhz",
    "unii_name",
]

Band = Literal["2.4", "5", "6"]

BANDS: Final[tuple[str, ...]] = ("2.4", "5", "6")

#: Channel widths each band allows in the US (MHz).
WIDTHS_BY_BAND: Final[dict[str, tuple[int, ...]]] = {
    "2.4": (20, 40),
    "5": (20, 40, 80, 160),
    "6": (20, 40, 80, 160, 320),
}

# --- 20 MHz channel lists -------------------------------------------------------------------

_CH24: Final[tuple[int, ...]] = tuple(range(1, 12))
_UNII1: Final[tuple[int, ...]] = tuple(range(36, 49, 4))
_UNII2A: Final[tuple[int, ...]] = tuple(range(52, 65, 4))
_UNII2C: Final[tuple[int, ...]] = tuple(range(100, 145, 4))
_UNII3: Final[tuple[int, ...]] = tuple(range(149, 166, 4))
_CH5: Final[tuple[int, ...]] = _UNII1 + _UNII2A + _UNII2C + _UNII3
_CH6: Final[tuple[int, ...]] = tuple(range(1, 234, 4))
_DFS5: Final[frozenset[int]] = frozenset(_UNII2A + _UNII2C)
_TDWR5: Final[frozenset[int]] = frozenset((120, 124, 128))
# Contiguous runs of 20 MHz channels inside which wider blocks may be formed.
_RUNS5: Final[tuple[tuple[int, ...], ...]] = (_UNII1 + _UNII2A, _UNII2C, _UNII3[:4])

_UNII_NAME: Final[dict[int, str]] = {
    **{c: "U-NII-1" for c in _UNII1},
    **{c: "U-NII-2A" for c in _UNII2A},
    **{c: "U-NII-2C" for c in _UNII2C},
    **{c: "U-NII-3" for c in _UNII3},
}


def channels_20mhz(band: str) -> tuple[int, ...]:
    """Return the US 20 MHz channel numbers of a band, in ascending order.

    Parameters
    ----------
    band
        ``"2.4"``, ``"5"`` or ``"6"``.
    """
    if band == "2.4":
        return _CH24
    if band == "5":
        return _CH5
    if band == "6":
        return _CH6
    raise ValueError(f"unknown band {band!r}; expected one of 2.4, 5, 6")


def center_frequency_mhz(band: str, channel: int) -> float:
    """Centre frequency (MHz) of a 20 MHz channel number."""
    base = {"2.4": 2407.0, "5": 5000.0, "6": 5950.0}[band]
    return base + 5.0 * channel


@dataclass(frozen=True)
class ChannelBlock:
    """A contiguous block of 20 MHz channels used as one wide channel.

    Attributes
    ----------
    band
        ``"2.4"``, ``"5"`` or ``"6"``.
    width_mhz
        Block width in MHz.
    channels
        The 20 MHz channel numbers it covers, ascending.
    center_channel
        The channel number of the block centre (the number used in 802.11 for the
        "channel centre frequency segment"). For 2.4 GHz 40 MHz blocks this is the
        midpoint between primary and secondary.
    dfs
        True if any covered channel needs DFS.
    tdwr
        True if any covered channel is one of the TDWR channels 120-128.
    label
        Short name such as ``"36-48"`` or ``"320-2 (33-93)"``.
    """

    band: str
    width_mhz: int
    channels: tuple[int, ...]
    center_channel: float
    dfs: bool
    tdwr: bool
    label: str


def _block(band: str, width: int, chans: tuple[int, ...], prefix: str = "") -> ChannelBlock:
    label = f"{chans[0]}" if len(chans) == 1 else f"{chans[0]}-{chans[-1]}"
    if prefix:
        label = f"{prefix} ({label})"
    return ChannelBlock(
        band=band,
        width_mhz=width,
        channels=chans,
        center_channel=(chans[0] + chans[-1]) / 2.0,
        dfs=band == "5" and any(c in _DFS5 for c in chans),
        tdwr=band == "5" and any(c in _TDWR5 for c in chans),
        label=label,
    )


def _aligned(run: tuple[int, ...], size: int) -> list[tuple[int, ...]]:
    return [run[i : i + size] for i in range(0, len(run) - size + 1, size)]


def _compute_blocks() -> dict[tuple[str, int], tuple[ChannelBlock, ...]]:
    out: dict[tuple[str, int], tuple[ChannelBlock, ...]] = {}
    # 2.4 GHz: every 20 MHz channel; 40 MHz = primary + secondary 4 channels away.
    out[("2.4", 20)] = tuple(_block("2.4", 20, (c,)) for c in _CH24)
    out[("2.4", 40)] = tuple(_block("2.4", 40, (c, c + 4)) for c in _CH24 if c + 4 in _CH24)
    # 5 GHz: aligned groups inside each contiguous run of the US band plan.
    for width, size in ((20, 1), (40, 2), (80, 4), (160, 8)):
        groups: list[ChannelBlock] = []
        if width == 20:
            groups = [_block("5", 20, (c,)) for c in _CH5]
        else:
            for run in _RUNS5:
                groups += [_block("5", width, g) for g in _aligned(run, size)]
        out[("5", width)] = tuple(groups)
    # 6 GHz: aligned groups from channel 1; 320 MHz has two overlapping channelisations.
    for width, size in ((20, 1), (40, 2), (80, 4), (160, 8)):
        out[("6", width)] = tuple(_block("6", width, g) for g in _aligned(_CH6, size))
    b320: list[ChannelBlock] = []
    for variant, start in (("320-1", 0), ("320-2", 8)):
        b320 += [_block("6", 320, g, variant) for g in _aligned(_CH6[start:], 16)]
    out[("6", 320)] = tuple(b320)
    return out


_BLOCKS: Final[dict[tuple[str, int], tuple[ChannelBlock, ...]]] = _compute_blocks()


def blocks(
    band: str,
    width_mhz: int,
    *,
    include_dfs: bool = True,
    include_tdwr: bool = True,
) -> tuple[ChannelBlock, ...]:
    """Return the US channel blocks of one width in a band.

    Parameters
    ----------
    band
        ``"2.4"``, ``"5"`` or ``"6"``.
    width_mhz
        20, 40, 80, 160 or 320.
    include_dfs
        Keep blocks that need DFS (5 GHz U-NII-2A/2C).
    include_tdwr
        Keep blocks touching the TDWR channels 120-128.

    Returns
    -------
    tuple of ChannelBlock
        Empty if the width is not available in the band. At 2.4 GHz 40 MHz the blocks
        overlap one another (they are every primary/secondary pair).
    """
    found = _BLOCKS.get((band, width_mhz), ())
    return tuple(b for b in found if (include_dfs or not b.dfs) and (include_tdwr or not b.tdwr))


def is_dfs(band: str, channel: int) -> bool:
    """True if a 5 GHz 20 MHz channel needs dynamic frequency selection in the US."""
    return band == "5" and channel in _DFS5


def _band_name(band: str) -> str:
    return f"{band} GHz"


def block_for(
    band: str,
    channel: int,
    width_mhz: int,
    *,
    secondary: Literal["above", "below"] | None = None,
) -> ChannelBlock:
    """Return the block a primary channel and width occupy.

    Parameters
    ----------
    band, channel, width_mhz
        Primary 20 MHz channel and operating width.
    secondary
        2.4 GHz 40 MHz only: where the secondary channel lies. By default above for
        primaries 1-7 and below for 8-11 (primaries 5-7 may use either).

    Raises
    ------
    ValueError
        With the message of :func:`channel_problem` if the combination is not valid.
    """
    problem = channel_problem(band, channel, width_mhz)
    if problem is not None:
        raise ValueError(problem)
    if band == "2.4" and width_mhz == 40:
        side = secondary or ("above" if channel <= 7 else "below")
        if side == "above" and channel + 4 not in _CH24:
            raise ValueError(f"channel {channel} has no secondary channel above it at 2.4 GHz")
        if side == "below" and channel - 4 not in _CH24:
            raise ValueError(f"channel {channel} has no secondary channel below it at 2.4 GHz")
        pair = (channel, channel + 4) if side == "above" else (channel - 4, channel)
        return _block("2.4", 40, pair)
    candidates = [b for b in _BLOCKS[(band, width_mhz)] if channel in b.channels]
    # 320 MHz: prefer the 320-1 channelisation when the channel lies in both.
    return candidates[0]


def channel_problem(band: str, channel: int, width_mhz: int) -> str | None:
    """Say what is wrong with a (band, primary channel, width) in the US, or ``None``.

    Parameters
    ----------
    band
        ``"2.4"``, ``"5"`` or ``"6"``.
    channel
        The primary 20 MHz channel number.
    width_mhz
        Operating channel width in MHz.

    Returns
    -------
    str or None
        A message a user can act on, e.g. ``"channel 14 is not a US 2.4 GHz channel"``,
        or ``None`` when the combination is valid.
    """
    if band not in BANDS:
        return f"band {band!r} is not one of 2.4, 5, 6 (GHz)"
    chans = channels_20mhz(band)
    if channel not in chans:
        if band == "6":
            hint = "US 6 GHz channels are 1, 5, 9, ..., 233"
        elif band == "5":
            hint = "US 5 GHz channels are 36-64, 100-144 and 149-165 in steps of 4"
        else:
            hint = "US 2.4 GHz channels are 1-11"
        return f"channel {channel} is not a US {_band_name(band)} channel ({hint})"
    widths = WIDTHS_BY_BAND[band]
    if width_mhz not in widths:
        allowed = ", ".join(str(w) for w in widths)
        return (
            f"{width_mhz} MHz is not available at {_band_name(band)} "
            f"(allowed widths: {allowed} MHz)"
        )
    if width_mhz == 20:
        return None
    if band == "2.4":
        if channel + 4 in _CH24 or channel - 4 in _CH24:
            return None
        return f"channel {channel} cannot be the primary of a 40 MHz channel at 2.4 GHz"
    found = [b for b in _BLOCKS[(band, width_mhz)] if channel in b.channels]
    if found:
        return None
    valid = ", ".join(b.label for b in _BLOCKS[(band, width_mhz)])
    return (
        f"channel {channel} cannot be the primary of a {width_mhz} MHz block at "
        f"{_band_name(band)} (valid {width_mhz} MHz blocks: {valid})"
    )


def occupied_20mhz(
    band: str,
    channel: int,
    width_mhz: int,
    *,
    secondary: Literal["above", "below"] | None = None,
) -> frozenset[int]:
    """The 20 MHz channel numbers a (primary channel, width) transmits on.

    Two radios in the same band share spectrum when these sets intersect (at 5 and 6 GHz).
    At 2.4 GHz adjacent channel numbers overlap in frequency as well; use
    :func:`channels_overlap`, which accounts for that.
    """
    return frozenset(block_for(band, channel, width_mhz, secondary=secondary).channels)


#: Nominal occupied bandwidth of a 2.4 GHz 20 MHz channel for overlap checks (MHz): the
#: 22 MHz DSSS mask, which makes 1, 6 and 11 the three non-overlapping US channels.
_MASK_24_MHZ: Final[float] = 22.0


def frequency_span_mhz(
    band: str,
    channel: int,
    width_mhz: int,
    *,
    secondary: Literal["above", "below"] | None = None,
) -> tuple[float, float]:
    """Lower and upper edge (MHz) of the spectrum a radio occupies.

    At 2.4 GHz each 20 MHz channel is widened to the 22 MHz DSSS mask so that channels
    fewer than five numbers apart count as overlapping (1/6/11 are the only clean set).
    """
    blk = block_for(band, channel, width_mhz, secondary=secondary)
    lo = center_frequency_mhz(band, blk.channels[0])
    hi = center_frequency_mhz(band, blk.channels[-1])
    half = (_MASK_24_MHZ if band == "2.4" else 20.0) / 2.0
    return lo - half, hi + half


def channels_overlap(
    a: tuple[str, int, int],
    b: tuple[str, int, int],
) -> bool:
    """True if two radios, each ``(band, channel, width_mhz)``, share any spectrum."""
    if a[0] != b[0]:
        return False
    lo_a, hi_a = frequency_span_mhz(*a)
    lo_b, hi_b = frequency_span_mhz(*b)
    return min(hi_a, hi_b) - max(lo_a, lo_b) > 1e-9


def unii_name(channel: int) -> str:
    """U-NII sub-band name of a 5 GHz channel (``"U-NII-1"`` ... ``"U-NII-3"``)."""
    return _UNII_NAME[channel]


def count_channels(
    band: str, width_mhz: int, *, include_dfs: bool = True, include_tdwr: bool = True
) -> int:
    """Number of non-overlapping blocks of a width (2.4 GHz 40 MHz: 1; 6 GHz 320 MHz: 3)."""
    found = blocks(band, width_mhz, include_dfs=include_dfs, include_tdwr=include_tdwr)
    half = (_MASK_24_MHZ if band == "2.4" else 20.0) / 2.0
    spans = (
        (
            center_frequency_mhz(band, b.channels[0]) - half,
            center_frequency_mhz(band, b.channels[-1]) + half,
        )
        for b in found
    )
    return _max_disjoint(spans)


def _max_disjoint(spans: Iterable[tuple[float, float]]) -> int:
    # Greedy interval scheduling by right edge is optimal for intervals.
    chosen = 0
    last_end = float("-inf")
    for lo, hi in sorted(spans, key=lambda s: s[1]):
        if lo >= last_end - 1e-9:
            chosen += 1
            last_end = hi
    return chosen
