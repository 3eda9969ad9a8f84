import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIHandler

from broadsheet.analytics import rollup
from broadsheet.analytics.models import Tally
from broadsheet.analytics.wsgi import AudienceApp
from broadsheet.core.pagecache import coherence
from broadsheet.core.pagecache.coherence import DatabaseLog
from broadsheet.core.pagecache.wsgi import PageCacheApp
from broadsheet.testing.wsgi import keeping_test_transaction, requester

# A Monday morning; every test moves its own clock from here.
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def site_app(db):
    """The node's WSGI stack as broadsheet.wsgi builds it: the audience
    layer, the page cache, Django."""
    with keeping_test_transaction():
        cache = PageCacheApp(WSGIHandler(), log=DatabaseLog())
        cache.follower.interval = 0
        yield requester(AudienceApp(cache))
        coherence.follow(None)


@pytest.fixture
def visit(site_app):
    """visit(path, ua=BROWSER, ip=..., **headers): a reader's GET."""

    def visit(path, *, ua=BROWSER, ip="203.0.113.7", **headers):
        return site_app(path, HTTP_USER_AGENT=ua, REMOTE_ADDR=ip, **headers)

    return visit


@pytest.fixture
def beacon(site_app):
    def beacon(path, *, referrer="", ua=BROWSER, ip="203.0.113.7", **headers):
        body = json.dumps({"p": path, "r": referrer}).encode()
        return site_app(
            "/analytics/view",
            "POST",
            body,
            CONTENT_TYPE="text/plain;charset=UTF-8",
            HTTP_USER_AGENT=ua,
            REMOTE_ADDR=ip,
            **headers,
        )

    return beacon


def figures(metric, dimension="total", *, day=None, key=""):
    """A day's tally after rolling up everything up to now."""
    from django.utils import timezone

    rollup.roll_up(timezone.now() + timedelta(minutes=1))
    start = (day or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    found = Tally.objects.filter(
        period="day", start=start, metric=metric, dimension=dimension, key=key
    ).first()
    return found.value if found else 0
