"""Headless Debian Chromium for the viewer tests, with every request that is not file:/data:
aborted and recorded."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_browser():
    """The playwright sync API, or skip the calling module when Chromium/playwright are absent."""
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
                    allow_module_level=True)
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")


@contextlib.contextmanager
def opened(path: Path, timeout_ms: int = 30000) -> Iterator[tuple]:
    """(page, requests, errors) with the viewer at ``path`` loaded and ready."""
    sync_api = require_browser()
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})

        def route(r):
            requests.append(r.request.url)
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.on("request", lambda req: requests.append(req.url))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(path.as_uri())
        wait_until(page, "window.__kg && window.__kg.ready", timeout_ms)
        try:
            yield page, requests, errors
        finally:
            browser.close()


def wait_until(page, expression: str, timeout_ms: int = 15000) -> None:
    """Poll ``expression`` from the test side until it is truthy. Playwright's wait_for_function
    re-evaluates a string predicate with eval() inside the page, which the viewer's CSP (no
    'unsafe-eval') refuses whenever the first check is not already true."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(f"() => !!({expression})"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(50)
