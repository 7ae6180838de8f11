"""Shared test fixtures (helpers live in ``support.py``, importable from every test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import DEMO_SURVEY, SHARED_FIXTURES, require


@pytest.fixture
def demo_survey(tmp_path: Path) -> Path:
    """A private copy of the demo district survey, safe to modify."""
    dst = tmp_path / "cedar_valley"
    shutil.copytree(DEMO_SURVEY, dst)
    return dst


@pytest.fixture
def ekahau_dir() -> Path:
    """The shared Ekahau fixtures folder (skips, or fails in CI, when absent)."""
    folder = SHARED_FIXTURES / "ekahau"
    require(folder.is_dir(), f"shared Ekahau fixtures not found at {folder}")
    return folder
