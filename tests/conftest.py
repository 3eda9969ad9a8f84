"""Browser fixtures: Debian's chromium driven by Playwright.

Without chromium the browser tests are skipped with a message, except under
CI (CI=true), where a missing browser is a failure.
"""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

from broadsheet.testing import factories

CHROMIUM = os.environ.get("BROADSHEET_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine has no network beyond loopback: stop chromium phoning home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (a missing browser fails under CI)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM calls are still synchronous, so tell Django that is intended.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class ServerRequests:
    """Counts the requests the live server's threads are handling.

    Leaving a page can send one last request (the admin's editing-session
    release beacon). If it lands while the test database is being flushed,
    the flush fails and the next test finds the last one's pages; so pages are
    closed only once the server has gone quiet.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.last_change = time.monotonic()
        request_started.connect(self.started, weak=False)
        request_finished.connect(self.finished, weak=False)

    def started(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return  # the test's own Client, not the live server
        with self.lock:
            self.in_flight += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self.lock:
            self.in_flight = max(0, self.in_flight - 1)
            self.last_change = time.monotonic()

    def wait_until_quiet(self, quiet=0.5, timeout=10.0):
        """Wait for no request in flight and none started for ``quiet`` seconds."""
        with self.lock:
            self.last_change = max(self.last_change, time.monotonic())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                idle = self.in_flight == 0
                calm = time.monotonic() - self.last_change >= quiet
            if idle and calm:
                return
            time.sleep(0.05)
        raise AssertionError("the live server was still busy when the page closed")


SERVER_REQUESTS = ServerRequests()


def close_page(page):
    """Leave the page, let what leaving sends reach the server, then close."""
    page.goto("about:blank")
    SERVER_REQUESTS.wait_until_quiet()  # counts from now, not from the last request
    page.context.close()


@pytest.fixture
def live_publication(transactional_db):
    return factories.make_publication()


def recording_page(browser):
    """A fresh browser profile that records requests, page errors and CSP violations."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.fixture
def reader(browser):
    page = recording_page(browser)
    yield page
    close_page(page)
