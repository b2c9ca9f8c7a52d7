"""The browser layer: Debian's Chromium driven by the ``playwright`` Python package (never ``playwright install``).

One browser per test session; each test opens pages from files (file://, as a user opens a saved page).
Without Chromium or playwright the tests skip with a message saying how to get them, except under CI=true,
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.optional import in_ci

CHROMIUM = os.environ.get("NEUROSIM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--headless"]
HOWTO = ("the browser tests need Debian's Chromium and the playwright package: `apt-get install chromium` and "
         "`pip install playwright` (never `playwright install`, which downloads a browser); "
         "set NEUROSIM_CHROMIUM to use another Chromium")


def _missing(reason: str):
    if in_ci():
        pytest.fail(f"{reason} under CI=true: {HOWTO}")
    pytest.skip(f"{reason}: {HOWTO}")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _missing(f"no Chromium at {CHROMIUM}")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    except Exception as exc:   # a broken install: say so once, clearly
        pw.stop()
        _missing(f"Chromium at {CHROMIUM} did not start ({exc})")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def context(browser):
    """One browser context for the session: a new one per page costs a second on a busy machine."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield ctx
    ctx.close()


class Opened:
    """A page holding one or more explorers, with what it logged and requested since it was (re)opened."""

    def __init__(self, page):
        self.page = page
        self.url = ""
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def goto(self, url: str) -> Opened:
        self.url = url
        self.errors.clear()
        self.requests.clear()
        self.page.goto(url)
        return self

    def js(self, body: str, arg=None, n: int = 0):
        """Evaluate ``body`` (a function body) with ``ex`` the n-th explorer's contract object and ``arg``."""
        return self.page.evaluate(
            "([n, arg]) => { const ex = document.querySelectorAll('[data-neurosim-explorer]')[n].explorer; "
            f"{body} }}", [n, arg])


@pytest.fixture
def open_page(browser, context, tmp_path):
    """open_page(explorer_or_html, js=True) -> Opened. Within one test every call reuses one page (so a
    hypothesis test does not pay for a new page per example); a page without scripts gets its own context."""
    pages: dict[bool, Opened] = {}
    extra = []
    counter = [0]

    def _open(thing, js: bool = True) -> Opened:
        counter[0] += 1
        path = Path(tmp_path) / f"page{counter[0]}.html"
        if isinstance(thing, str):
            path.write_text(thing, encoding="utf-8")
        else:
            thing.save(path)
        if js not in pages:
            if js:
                pages[js] = Opened(context.new_page())
            else:
                ctx = browser.new_context(java_script_enabled=False)
                extra.append(ctx)
                pages[js] = Opened(ctx.new_page())
        return pages[js].goto(path.as_uri())

    yield _open
    for opened in pages.values():
        opened.page.close()
    for ctx in extra:
        ctx.close()
