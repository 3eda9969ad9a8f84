"""The roll-up's place in the events, its recounts, and how long raw events stay."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from broadsheet.analytics import counting, distinct, events, rollup
from broadsheet.analytics.models import Event, RollUp, Tally
from broadsheet.analytics.tests.conftest import figures
from broadsheet.analytics.tests.stored import server_views
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(publication):
    return factories.reader_urls(publication)["article"]


def _views_today() -> int:
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    found = Tally.objects.filter(
        period="day", start=start, metric="views", dimension="total"
    ).first()
    return found.value if found else 0


def test_an_unsettled_event_holds_back_later_ones_and_each_counts_once(
    clock, beacon, article
):
    beacon(article, ip="192.0.2.1")
    clock.shift(5)
    beacon(article, ip="192.0.2.2")
    first, second = Event.objects.order_by("id").values_list("id", flat=True)
    assert rollup.roll_up(timezone.now() + timedelta(seconds=6)) == 1
    assert RollUp.objects.get().last_event_id == first
    assert _views_today() == 1
    assert rollup.roll_up(timezone.now() + rollup.SETTLE) == 1
    assert RollUp.objects.get().last_event_id == second
    assert rollup.roll_up(timezone.now() + rollup.SETTLE) == 0
    assert _views_today() == 2


def test_an_event_written_late_is_counted_when_it_arrives(clock, visit, article):
    visit(article, ip="192.0.2.1")
    assert figures("views") == 1
    # A process whose database was away writes its views of a minute ago.
    with clock_at(clock, timezone.now() - timedelta(minutes=1)):
        visit(article, ip="192.0.2.2")
    assert figures("views") == 2
    assert figures("views") == 2


def test_a_scheduler_that_forgets_or_takes_over_counts_readers_the_same(
    clock, visit, article
):
    for n in range(3):
        visit(article, ip=f"192.0.2.{n}")
    assert figures("visitors") == 3
    distinct.forget()  # a new scheduler process: rebuilt from the raw events
    visit(article, ip="192.0.2.1")
    visit(article, ip="192.0.2.7")
    assert figures("visitors") == 4
    assert figures("visitors", "page", key=article) == 4
    RollUp.objects.update(token="another scheduler's")  # one took over meanwhile
    visit(article, ip="192.0.2.8")
    assert figures("visitors") == 5
    assert Tally.objects.filter(metric="visitors", dimension="total").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_reads_the_day_before_the_roll_up_holds_the_write_lock(
    clock, visit, article, monkeypatch
):
    visit(article, ip="192.0.2.1")
    assert figures("visitors") == 1
    distinct.forget()  # a new scheduler process
    in_transaction = []
    rebuild = distinct._rebuild

    def watched(*args):
        in_transaction.append(connection.in_atomic_block)
        return rebuild(*args)

    monkeypatch.setattr(distinct, "_rebuild", watched)
    visit(article, ip="192.0.2.1")
    visit(article, ip="192.0.2.2")
    assert figures("visitors") == 2
    assert in_transaction == [False]  # once, and before the roll-up's transaction
    assert figures("visitors", "page", key=article) == 2
    assert Tally.objects.filter(metric="visitors", dimension="total").count() == 1


def test_feed_subscribers_are_each_services_latest_largest_word(clock, visit):
    def fetch(agent):
        visit("/feed.xml", ua=agent)

    fetch("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 40 subscribers)")
    fetch("Inoreader/1.0 (12 subscribers)")
    assert figures("feed_subscribers", "feed", key="/feed.xml") == 52
    fetch("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 45 subscribers)")
    assert figures("feed_subscribers", "feed", key="/feed.xml") == 57


def test_raw_events_are_kept_for_the_retention_days_and_tallies_for_good(
    clock, visit, article, settings
):
    settings.ANALYTICS = {**settings.ANALYTICS, "RETENTION_DAYS": 2}
    visit(article)
    assert figures("views") == 1
    monday = timezone.now()
    clock.shift(timedelta(days=2, hours=1))
    visit(article, ip="192.0.2.9")
    rollup.roll_up(timezone.now() + timedelta(minutes=1))
    assert len(server_views()) == 1  # Monday's view is gone
    assert figures("views", day=monday) == 1  # and its figures stay


class clock_at:
    """Move the clock for a moment, then back."""

    def __init__(self, clock, moment):
        self.clock, self.moment = clock, moment

    def __enter__(self):
        self.back = timezone.now()
        self.clock.move_to(self.moment)

    def __exit__(self, *exc):
        self.clock.move_to(self.back)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time: a later id is never seen first",
)
@pytest.mark.django_db(transaction=True)
def test_the_mark_never_passes_a_flush_still_in_flight(clock):
    """Two processes flush at once on PostgreSQL: the one with the smaller
    ids commits last. The roll-up waits for it rather than pass its ids."""
    row = events.to_row(counting._sighting(_reader("192.0.2.1"), counting.VIEW))
    started, release = threading.Event(), threading.Event()

    def slow_flush():
        try:
            with transaction.atomic():
                events.insert([row])
                started.set()
                release.wait(10)
        finally:
            connection.close()

    def release_once_the_roll_up_waits():
        try:
            for _ in range(200):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_locks"
                        " WHERE locktype = 'advisory' AND NOT granted"
                    )
                    if cursor.fetchone()[0]:
                        break
                time.sleep(0.05)
            release.set()
        finally:
            connection.close()

    flusher = threading.Thread(target=slow_flush)
    flusher.start()
    assert started.wait(10)
    later = events.to_row(counting._sighting(_reader("192.0.2.2"), counting.VIEW))
    events.insert([later])  # a later flush, committed first
    threading.Thread(target=release_once_the_roll_up_waits).start()
    rollup.roll_up(timezone.now() + timedelta(minutes=1))
    flusher.join()
    assert release.is_set()
    assert len(server_views()) == 2
    assert _views_today() == 2


def test_an_event_from_a_clock_ahead_does_not_hold_the_others_back(
    clock, visit, article
):
    with clock_at(clock, timezone.now() + timedelta(minutes=5)):
        visit(article, ip="192.0.2.1")  # a node five minutes ahead
    visit(article, ip="192.0.2.2")
    assert rollup.roll_up(timezone.now() + rollup.SETTLE) == 2


def test_a_run_that_fails_half_way_leaves_no_memory_to_trust(
    clock, visit, article, monkeypatch
):
    visit(article, ip="192.0.2.1")
    assert figures("visitors") == 1

    def failing(*args, **kwargs):
        raise RuntimeError("the write failed")

    visit(article, ip="192.0.2.2")
    monkeypatch.setattr(distinct, "_write", failing)
    with pytest.raises(RuntimeError):
        rollup.roll_up(timezone.now() + timedelta(minutes=1))
    assert distinct._seen is None
    monkeypatch.undo()
    assert figures("visitors") == 2


def _reader(address):
    return {
        "PATH_INFO": "/a/",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": address,
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
    }
