"""Shared test helpers: repository paths and the skip-or-fail rule.

Tests that need something outside the repository (the shared Ekahau fixtures, a Chromium
browser) call :func:`require`: it skips with a reason on a developer machine that lacks the
thing, and fails in CI (``CI=true``), where everything must run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO_SURVEY = REPO / "site_surveys" / "cedar_valley"
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"


def in_ci() -> bool:
    """Whether the tests run in CI, where nothing may be skipped for a missing resource."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip (developer machine) or fail (CI) when ``condition`` is false."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Path of a Chromium binary: ``NETPLAN_CHROMIUM`` if set, else Debian's chromium."""
    explicit = os.environ.get("NETPLAN_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None
