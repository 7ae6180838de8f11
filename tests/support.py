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
    """Path of a Chromium binary, if one is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
