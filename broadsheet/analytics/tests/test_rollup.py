"""The roll-up's place in the events, its recounts, and how long raw events stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.analytics import distinct, rollup
from broadsheet.analytics.models import Event, RollUp, Tally
from broadsheet.analytics.tests.conftest import figures
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
    clock, visit, article
):
    visit(article, ip="192.0.2.1")
    clock.shift(5)
    visit(article, ip="192.0.2.2")
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
    assert Event.objects.count() == 1  # Monday's event is gone
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
