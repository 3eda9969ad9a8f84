"""Browser fixtures: Debian's chromium driven by Playwright.

Without chromium the browser tests are skipped with a message, except under
CI (CI=true), where a missing browser is a failure.
"""

import json
import os
import shutil
import subprocess
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


def recording_page(browser, **options):
    """A fresh browser profile that records requests, page errors and CSP violations.

    ``options`` go to the new context (a ``user_agent``, say)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
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


# The Nu HTML Checker (npm package vnu-jar, on Java) and axe-core (npm), both
# installed by .ci/run into .ci/node. Without them the tests that use them
# are skipped with a message, except under CI (CI=true), where that fails.
NODE_MODULES = Path(__file__).resolve().parent.parent / ".ci" / "node" / "node_modules"
VNU_JAR = os.environ.get(
    "BROADSHEET_VNU_JAR",
    str(NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"),
)

AXE = NODE_MODULES / "axe-core" / "axe.min.js"


def _missing(message):
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true)")
    pytest.skip(message + "; run .ci/run to install it")


@pytest.fixture
def checker():
    if not (shutil.which("java") and Path(VNU_JAR).exists()):
        _missing(f"the Nu HTML Checker is not installed ({VNU_JAR}, java)")
    return ["java", "-jar", VNU_JAR, "--errors-only", "--format", "json"]


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        _missing(f"axe-core is not installed ({AXE})")
    return AXE.read_text(encoding="utf-8")


def nu_errors(checker, files) -> list[str]:
    """The Nu HTML Checker's errors for ``files``, as "file:line: message"."""
    result = subprocess.run(
        [*checker, *files], capture_output=True, text=True, timeout=180
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages
    ]
