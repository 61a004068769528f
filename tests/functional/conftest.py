"""Browser tests: Debian's Chromium driven by Playwright's Python package.

Playwright's own browser download is never used (no ``playwright install``): the system Chromium is launched
with ``executable_path``.  When Playwright or Chromium is missing the tests skip, except under CI
(``PRONGSAI_CI=1``), where they fail.

Which Chromium: ``$PRONGSAI_CHROMIUM``, else Debian's ``chromium-headless-shell`` when installed, else
``/usr/bin/chromium``.  The headless shell is the same Blink without the browser's windowing layer (what
Playwright itself launches for ``headless=True``); the browser tests took 30 % less CPU and wall time with it
than with the full browser in its new headless mode (docs/benchmarks.md, "Fifth pass").

Screenshots for people to look at (``screenshot``) are taken only when ``$PRONGSAI_ARTIFACTS`` names a folder to
keep them in: no assertion reads them, and each costs Chromium 0.1–0.4 s (a long page, or a phone's double
resolution, more), a tenth of the browser tests' time.  The few a test does check (that the page was drawn at
all, or what was wrong when a check failed) are always taken, into ``artifacts``: ``$PRONGSAI_ARTIFACTS``, else
pytest's temporary folder for the test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

#: the browsers looked for, lightest first (module docstring)
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium")
CHROMIUM = os.environ.get("PRONGSAI_CHROMIUM") or next(
    (path for path in CHROMIUM_CANDIDATES if Path(path).exists()), CHROMIUM_CANDIDATES[-1]
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _missing(reason: str) -> None:
    if os.environ.get("PRONGSAI_CI") == "1":
        pytest.fail(f"browser test cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def chromium_browser():
    """One Chromium for the browser tests of this folder that a worker runs one after the other, closed when the
    worker leaves tests/functional (pytest-xdist hands out whole files, in collection order, so that is once or
    twice per worker instead of once per module; each test still gets its own context: cookies, storage).

    Playwright's sync API runs an event loop in this thread while it is started, and Django refuses ORM calls
    from a thread with a running loop; the test's own ORM calls are synchronous and safe, so they are allowed
    while the browser lives, and only then (tests outside this folder run with the loop and the permission gone).
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright's Python package is not installed (pip install playwright; no 'playwright install')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium-headless-shell, or chromium)")
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh page (own cookies) at a laptop-sized viewport, Thai first."""
    context = chromium_browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    """Where screenshots go: ``$PRONGSAI_ARTIFACTS`` (kept) or the test's temporary folder."""
    base = os.environ.get("PRONGSAI_ARTIFACTS")
    folder = Path(base) if base else tmp_path / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(artifacts) -> Callable[..., Path | None]:
    """``screenshot(page_or_locator, name, **options)``: saves ``name``.png in ``artifacts`` when
    ``$PRONGSAI_ARTIFACTS`` is set (a full page unless ``full_page=False``; a locator takes its element), else
    takes nothing and returns None (module docstring)."""

    def take(target, name: str, **options) -> Path | None:
        if not os.environ.get("PRONGSAI_ARTIFACTS"):
            return None
        if hasattr(target, "context"):  # a page (a locator has no ``full_page``)
            options.setdefault("full_page", True)
        path = artifacts / f"{name}.png"
        target.screenshot(path=str(path), **options)
        return path

    return take
