"""US channel tables against published channel counts and channelisation rules."""

from __future__ import annotations

import pytest

from netplan.radio.channels import (
    block_for,
    blocks,
    center_frequency_mhz,
    channel_problem,
    channels_20mhz,
    channels_overlap,
    count_channels,
    is_dfs,
    occupied_20mhz,
)


def test_us_5ghz_counts_match_reference() -> None:
    # docs/references.md: 20 MHz 22/9, 40 MHz 10/4, 80 MHz 5/2, 160 MHz 1-2/0-1 (with DFS/without),
    # counts that leave out the TDWR channels 120-128.
    for width, with_dfs, without in ((20, 22, 9), (40, 10, 4), (80, 5, 2)):
        assert count_channels("5", width, include_tdwr=False) == with_dfs
        assert count_channels("5", width, include_dfs=False) == without
    assert 1 <= count_channels("5", 160) <= 2
    assert count_channels("5", 160, include_dfs=False) == 0
    # With TDWR channels allowed (FCC 14-30): 25 twenty-MHz channels.
    assert count_channels("5", 20) == 25


def test_24ghz_has_three_non_overlapping_channels() -> None:
    assert channels_20mhz("2.4") == tuple(range(1, 12))
    assert count_channels("2.4", 20) == 3
    assert not channels_overlap(("2.4", 1, 20), ("2.4", 6, 20))
    assert not channels_overlap(("2.4", 6, 20), ("2.4", 11, 20))
    assert channels_overlap(("2.4", 1, 20), ("2.4", 4, 20))
    assert channels_overlap(("2.4", 1, 40), ("2.4", 6, 20))


def test_6ghz_channelisation() -> None:
    chans = channels_20mhz("6")
    assert chans[0] == 1 and chans[-1] == 233 and len(chans) == 59
    assert center_frequency_mhz("6", 1) == 5955.0
    assert len(blocks("6", 80)) == 14
    assert len(blocks("6", 160)) == 7
    assert count_channels("6", 320) == 3
    assert block_for("6", 37, 80).channels == (33, 37, 41, 45)
    # 320 MHz channels 193-221 exist only in the 320-2 channelisation (centre 191).
    assert block_for("6", 201, 320).center_channel == 191
    assert not any(b.dfs for b in blocks("6", 20))


def test_5ghz_blocks_and_dfs() -> None:
    assert occupied_20mhz("5", 40, 80) == frozenset({36, 40, 44, 48})
    assert block_for("5", 116, 80).channels == (116, 120, 124, 128)
    assert block_for("5", 116, 80).tdwr
    assert is_dfs("5", 52) and is_dfs("5", 144) and not is_dfs("5", 149)
    assert [b.label for b in blocks("5", 160)] == ["36-64", "100-128"]
    assert block_for("5", 36, 160).dfs  # 36-64 includes U-NII-2A


@pytest.mark.parametrize(
    ("band", "channel", "width", "needle"),
    [
        ("2.4", 14, 20, "channel 14 is not a US 2.4 GHz channel"),
        ("2.4", 1, 160, "160 MHz is not available at 2.4 GHz"),
        ("5", 165, 40, "channel 165 cannot be the primary of a 40 MHz block"),
        ("5", 144, 160, "cannot be the primary of a 160 MHz block"),
        ("5", 38, 20, "not a US 5 GHz channel"),
        ("6", 2, 20, "not a US 6 GHz channel"),
        ("6", 225, 320, "cannot be the primary of a 320 MHz block"),
        ("5", 36, 320, "320 MHz is not available at 5 GHz"),
    ],
)
def test_channel_problem_messages(band: str, channel: int, width: int, needle: str) -> None:
    msg = channel_problem(band, channel, width)
    assert msg is not None and needle in msg


@pytest.mark.parametrize(
    ("band", "channel", "width"),
    [("2.4", 6, 20), ("2.4", 11, 40), ("5", 40, 80), ("5", 165, 20), ("6", 37, 160)],
)
def test_valid_channels_have_no_problem(band: str, channel: int, width: int) -> None:
    assert channel_problem(band, channel, width) is None


def test_wide_channels_overlap_their_subchannels() -> None:
    assert channels_overlap(("5", 36, 80), ("5", 48, 20))
    assert not channels_overlap(("5", 36, 80), ("5", 52, 20))
    assert not channels_overlap(("5", 36, 20), ("6", 37, 20))
