import functools
import inspect
import os
import re
from datetime import datetime

import pytest
import time_machine
from django.core.cache import caches

from broadsheet.testing import factories, smtp

# CI runs the whole suite with the clock at a fixed instant
# (BROADSHEET_TEST_CLOCK, see .ci/run), so no result depends on the day it
# runs, then the tests that mention one of these words again at a second
# instant. What counts is the test's own code, the fixtures it uses and the
# module helpers that either calls, not the rest of its module: one
# scheduling test in a module must not have the whole module rerun. A test
# marked ``any_instant`` is left out of the rerun: it mentions the clock but
# cannot depend on the instant (it travels to its own, or counts queries).
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


@functools.cache
def _source(obj) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def _module_helpers(module) -> dict[str, str]:
    """The source of each function and class defined in a test module."""
    return {
        name: _source(value)
        for name, value in vars(module).items()
        if (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == module.__name__
    }


def _fixture_sources(item) -> list[str]:
    sources = []
    for name in item.fixturenames:
        if name == "fixed_clock":
            continue
        for fixturedef in item._fixtureinfo.name2fixturedefs.get(name, ()):
            sources.append(_source(fixturedef.func))
    return sources


def _reads_clock(item, helpers: dict[str, str]) -> bool:
    """Whether the test, its fixtures or the module helpers they use
    (followed through further helpers) mention the clock."""
    texts = [_source(item.function), *_fixture_sources(item)]
    if item.cls is not None:
        texts.append(_source(item.cls))
    followed: set[str] = set()
    for text in texts:  # grows as helpers are found
        for name, source in helpers.items():
            if name not in followed and re.search(rf"\b{re.escape(name)}\b", text):
                followed.add(name)
                texts.append(source)
    return any(word in text for text in texts for word in CLOCK_WORDS)


def pytest_collection_modifyitems(config, items):
    helpers_by_module: dict[str, dict[str, str]] = {}
    for item in items:
        module = item.module
        if module.__name__ not in helpers_by_module:
            helpers_by_module[module.__name__] = _module_helpers(module)
        # Other processes keep the real clock; a fixed one here would only
        # make the two disagree.
        if "subprocess" in _source(module):
            item.add_marker(pytest.mark.processes)
        elif item.get_closest_marker("any_instant") is None and _reads_clock(
            item, helpers_by_module[module.__name__]
        ):
            item.add_marker(pytest.mark.clock)


@pytest.fixture(autouse=True)
def fixed_clock(request):
    """Start each test at BROADSHEET_TEST_CLOCK (an ISO 8601 instant), if set.

    The clock keeps ticking from there; tests that freeze their own clock
    still do. Two kinds keep the real time: browser tests, since chromium
    keeps its own clock, and tests that start other processes (marked
    ``processes``), which the fixed clock cannot reach.
    """
    instant = os.environ.get("BROADSHEET_TEST_CLOCK")
    node = request.node
    if not instant or any(
        node.get_closest_marker(name) for name in ("browser", "processes")
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
def layer(db):
    """The page cache in front of Django, reading the purge log (in the test
    database) on every request: requests go through the real layer."""
    from django.core.handlers.wsgi import WSGIHandler

    from broadsheet.core.pagecache import coherence
    from broadsheet.core.pagecache.coherence import DatabaseLog
    from broadsheet.core.pagecache.wsgi import PageCacheApp
    from broadsheet.testing.wsgi import keeping_test_transaction, requester

    with keeping_test_transaction():
        app = PageCacheApp(WSGIHandler(), log=DatabaseLog())
        app.follower.interval = 0
        yield requester(app)
        coherence.follow(None)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, with Django's mail pointed at it."""
    mailbox = smtp.SMTPMailbox()
    controller = smtp.start_server(mailbox)
    smtp.point_django_at(settings, controller.port)
    yield mailbox
    controller.stop()


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server (a real S3 API over HTTP) on loopback; its address."""
    from moto.server import ThreadedMotoServer

    from tests.processes import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def object_store(settings, s3_server):
    """Media in a new bucket of the S3 server, as BROADSHEET_MEDIA_STORAGE_URL does."""
    import secrets

    from django.core.files.storage import default_storage

    from broadsheet.settings.env import object_store_options

    bucket = f"media-{secrets.token_hex(4)}"
    url = f"s3+http://test:test@{s3_server}/{bucket}"
    options = object_store_options(url)
    backend = "broadsheet.core.object_store.ObjectStoreMedia"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": backend, "OPTIONS": options},
    }
    default_storage.bucket.create()
    yield default_storage


def pytest_addoption(parser):
    parser.addoption(
        "--multinode",
        action="store_true",
        help="run the multi-node deployment test (tests/multinode), and only it",
    )


def pytest_ignore_collect(collection_path, config):
    # The multi-node test brings up a whole deployment and stops the
    # machine's PostgreSQL for a moment: CI runs it on its own, after the
    # suite (`make test-multinode`), never inside it.
    in_multinode = "multinode" in collection_path.parts
    if config.getoption("--multinode"):
        return None if in_multinode or collection_path.is_dir() else True
    return True if in_multinode else None
