"""Browser fixtures: Debian's chromium driven by Playwright.

Without chromium the browser tests are skipped with a message, except under
CI (CI=true), where a missing browser is a failure.
"""

import email
import email.policy
import logging
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

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
    page.context.close()


class SMTPMailbox:
    """What a real SMTP server received: parsed messages, in arrival order."""

    def __init__(self):
        self.messages = []  # email.message.EmailMessage, policy=default
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        message.envelope_to = list(envelope.rcpt_tos)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, predicate, timeout: float = 10.0):
        """Return the first message for which ``predicate`` is true, polling."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [m for m in self.messages if predicate(m)]
            if found:
                return found[0]
            if time.monotonic() >= deadline:
                got = [(m["To"], m["Subject"]) for m in self.messages]
                raise AssertionError(f"no such message within {timeout}s; got {got}")
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, with Django's mail pointed at it."""
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO: keep failure reports readable.
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    mailbox = SMTPMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    mailbox.port = controller.port
    yield mailbox
    controller.stop()
    logger.setLevel(level)
