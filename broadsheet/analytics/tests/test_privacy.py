"""No IP address and no user agent string is ever written anywhere."""

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from broadsheet.analytics import rollup
from broadsheet.analytics.models import Event
from broadsheet.analytics.tests.stored import server_views
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.213"
IPV6 = "2001:db8::7f3a:9c11"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) TracerReader/7f3a9c (like Gecko)"
FEED_AGENT = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 412 subscribers; t7f3)"


class _Everything(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.getMessage()} {record.__dict__}")


@pytest.fixture
def every_log_line(settings):
    settings.ACCESS_LOG = True
    handler = _Everything()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _every_stored_value() -> str:
    """Every row of every table, as text."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            texts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(texts)


def test_no_address_or_user_agent_reaches_a_table_or_a_log_line(
    clock, site_app, publication, every_log_line
):
    urls = factories.reader_urls(publication)
    show = factories.make_show(publication["home"])
    episode = factories.make_episode(show, seconds=90)
    newsletter = factories.make_newsletter()
    audio = f"/podcast/audio/{episode.pk}.{episode.extension}"
    for address in (ADDRESS, IPV6):
        reader = {"HTTP_USER_AGENT": AGENT, "REMOTE_ADDR": address}
        for url in urls.values():
            site_app(
                url + "?utm_source=letter", HTTP_REFERER="https://a.example/", **reader
            )
            site_app(url, HTTP_SEC_GPC="1", **reader)
            body = f'{{"p": "{url}", "r": "https://b.example/x"}}'.encode()
            site_app("/analytics/view", "POST", body, **reader)
        site_app(audio, HTTP_RANGE="bytes=0-1", **reader)
        site_app(audio, **reader)
        site_app("/feed.xml", HTTP_USER_AGENT=FEED_AGENT, REMOTE_ADDR=address)
        site_app("/does-not-exist/", **reader)
    # Django's test client last: it reconnects the end-of-request hook that
    # site_app keeps off, which would close the test's connection.
    for address in (ADDRESS, IPV6):
        reader = {"HTTP_USER_AGENT": AGENT, "REMOTE_ADDR": address}
        Client(**reader).post(
            "/newsletters/",
            {"email": "reader@example.com", "newsletters": [newsletter.pk]},
            HTTP_REFERER="http://testserver" + urls["article"],
        )
    clock.shift(timedelta(minutes=5))
    rollup.roll_up()

    # The run was counted: the test looks where the data went.
    assert len(server_views()) >= 2 * len(urls)
    assert Event.objects.filter(kind="view", source="beacon").count() >= len(urls)
    assert Event.objects.filter(kind="listen", download=True).exists()
    assert Event.objects.filter(kind="signup").exists()
    assert Event.objects.filter(kind="feed", subscribers=412).exists()
    stored, logged = _every_stored_value(), "\n".join(every_log_line)
    assert logged  # the access log and others did write
    for secret in (ADDRESS, IPV6, *_pieces(AGENT), *_pieces(FEED_AGENT)):
        assert secret not in stored
        assert secret not in logged


def _pieces(agent: str, size: int = 16) -> list[str]:
    """Every run of ``size`` characters: a cut-down user agent is caught too."""
    return [agent[i : i + size] for i in range(len(agent) - size + 1)]
