"""Events wait in memory and are written in bulk; a database outage loses none."""

import pytest
from django.db import DatabaseError, IntegrityError

from broadsheet.analytics import buffer, counting
from broadsheet.analytics.models import Event
from broadsheet.analytics.tests.stored import nothing_stored, server_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def buffered(settings, monkeypatch):
    settings.ANALYTICS = {**settings.ANALYTICS, "FLUSH_SECONDS": 2, "FLUSH_EVENTS": 3}
    woken = []
    # The test flushes itself: no background thread on the test's database.
    monkeypatch.setattr(buffer, "_start_flusher", lambda: None)
    monkeypatch.setattr(buffer._wake, "set", lambda: woken.append(True))
    yield woken
    buffer._pending.clear()


def _event(n):
    environ = {"PATH_INFO": f"/{n}/", "HTTP_USER_AGENT": "Mozilla/5.0 Firefox/133.0"}
    return counting._sighting(environ, Event.Kind.VIEW)


def test_events_wait_in_memory_and_are_written_in_one_go(buffered):
    for n in range(2):
        buffer.add(_event(n))
    assert buffer.pending() == 2 and nothing_stored()
    assert not buffered  # not full yet: the thread flushes on its own time
    buffer.add(_event(2))
    assert buffered  # full: the flusher is woken at once
    assert buffer.flush() == 3
    assert buffer.pending() == 0
    assert sorted(view.path for view in server_views()) == ["/0/", "/1/", "/2/"]


def test_a_database_outage_keeps_the_events_for_the_next_flush(buffered, monkeypatch):
    buffer.add(_event(1))

    def away(*args, **kwargs):
        raise DatabaseError("connection refused")

    real = buffer.insert
    monkeypatch.setattr(buffer, "insert", away)
    assert buffer.flush() == 0
    assert buffer.pending() == 1
    monkeypatch.setattr(buffer, "insert", real)
    assert buffer.flush() == 1
    assert len(server_views()) == 1


def test_switched_off_nothing_waits(buffered, settings):
    settings.ANALYTICS = {**settings.ANALYTICS, "ENABLED": False}
    buffer.add(_event(1))
    assert buffer.pending() == 0


def test_only_the_rows_the_database_refuses_are_dropped(buffered, monkeypatch, caplog):
    for n in range(5):
        buffer.add(_event(n))
    real = buffer.insert

    def refusing(rows):
        if any(row[3] == "/3/" for row in rows):  # a value it cannot store
            raise IntegrityError("NOT NULL constraint failed")
        real(rows)

    monkeypatch.setattr(buffer, "insert", refusing)
    assert buffer.flush() == 4
    assert buffer.pending() == 0  # not held, to be refused again
    assert sorted(view.path for view in server_views()) == [
        "/0/",
        "/1/",
        "/2/",
        "/4/",
    ]
    assert "refused" in caplog.text
