import os
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches

from broadsheet.testing import factories, smtp

# Tests whose module mentions one of these depend on dates or times; CI runs
# them again at a few fixed instants (BROADSHEET_TEST_CLOCK, see .ci/run).
# Modules that drive the command in a subprocess are left out: the fixed
# clock cannot reach another process.
CLOCK_WORDS = (
    "timezone.now",
    "timedelta",
    "time_machine",
    "datetime",
    "expire",
    "schedul",
    "go_live",
    "published_at",
)


def pytest_collection_modifyitems(config, items):
    sources: dict[Path, str] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in sources:
            sources[path] = path.read_text(encoding="utf-8")
        source = sources[path]
        if "subprocess" in source:
            continue
        if any(word in source for word in CLOCK_WORDS):
            item.add_marker(pytest.mark.clock)


@pytest.fixture(autouse=True)
def fixed_clock(request):
    """Start each test marked ``clock`` at BROADSHEET_TEST_CLOCK (an ISO 8601
    instant), if set.

    The clock keeps ticking from there; tests that freeze their own clock
    still do. Other tests keep the real time: browser tests, since chromium
    keeps its own clock, and tests that start other processes, which the
    fixed clock cannot reach. Without the variable every test runs at the
    real time, so a test that secretly depends on today's date fails on some
    day of CI's runs.
    """
    instant = os.environ.get("BROADSHEET_TEST_CLOCK")
    node = request.node
    if (
        not instant
        or node.get_closest_marker("clock") is None
        or node.get_closest_marker("browser") is not None
    ):
        yield None
        return
    start = datetime.fromisoformat(instant)
    with time_machine.travel(start, tick=True):
        yield start


@pytest.fixture
def publication(db):
    return factories.make_publication()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rate-limit counts must not leak."""
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, with Django's mail pointed at it."""
    mailbox = smtp.SMTPMailbox()
    controller = smtp.start_server(mailbox)
    smtp.point_django_at(settings, controller.port)
    yield mailbox
    controller.stop()
