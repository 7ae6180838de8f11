"""Headless Chromium for the HTML map and report tests, with the network blocked.

Every test page is opened from a ``file://`` URL. Each request that is not ``file:`` or
``data:`` is aborted and recorded, and console errors, page errors and failed requests are
collected, so a test can assert that a page fetched nothing and logged no error.

The tests skip (with the reason) when Chromium or the playwright package is missing, except
when ``CI=true``: then they fail, because CI installs Debian's chromium and must run them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from support import chromium_path, require

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class PageVisit:
    """What happened while a page was open."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    def save_screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        """Save a PNG of the page and check it is a real image."""
        self.page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 10_000, f"screenshot {path} is suspiciously small"
        self.screenshot = path
        return path


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium (Debian's), shared by the session."""
    path = chromium_path()
    if path is None:
        require(False, "chromium not found at /usr/bin/chromium (set NETPLAN_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_offline(chromium: Any, tmp_path: Path) -> Iterator[Callable[..., PageVisit]]:
    """Open a local HTML file with the network blocked; returns a :class:`PageVisit`."""
    contexts: list[Any] = []

    def _open(
        html_file: Path,
        *,
        ready: str | None = None,
        viewport: tuple[int, int] = (1400, 900),
    ) -> PageVisit:
        context = chromium.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block"
        )
        contexts.append(context)
        page = context.new_page()
        visit = PageVisit(page)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                visit.blocked.append(url)
                r.abort()

        context.route("**/*", route)
        page.on(
            "console",
            lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: visit.console_errors.append(f"page error: {exc}"))
        page.on(
            "requestfailed",
            lambda req: visit.failed.append(f"{req.url} ({req.failure})"),
        )
        page.goto(html_file.resolve().as_uri(), wait_until="load")
        if ready:
            page.wait_for_selector(ready, state="attached", timeout=15_000)
        page.wait_for_timeout(300)  # let late requests (tiles, fonts) show up
        return visit

    yield _open
    for context in contexts:
        context.close()
