"""The "Most read" rail: from the roll-ups, refreshed by the worker, shown only
with articles a reader may see."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from wagtail.models import PageViewRestriction

from broadsheet.analytics import most_read, rollup
from broadsheet.analytics.tests.conftest import PHONE
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(clock, visit, publication):
    """Three articles read 3, 2 and 1 times; the worker has ranked them."""
    articles = publication["articles"][:3]
    for reads, article in zip((3, 2, 1), articles, strict=True):
        for reader in range(reads):
            visit(article.url, ua=PHONE, ip=f"198.51.100.{reader + 1}")
    clock.shift(timedelta(minutes=1))
    rollup.roll_up()
    assert most_read.refresh.enqueue().return_value == [a.pk for a in articles]
    return articles


def _rail(html: str) -> str:
    start = html.index('id="most-read-heading"')
    return html[start : html.index("</section>", start)]


def test_home_and_articles_show_the_most_read_in_order(client, ranked):
    rail = _rail(client.get("/").text)
    positions = [rail.index(article.title) for article in ranked]
    assert positions == sorted(positions)
    # An article's own page leaves itself out.
    rail = _rail(client.get(ranked[0].url).text)
    assert ranked[0].title not in rail and ranked[1].title in rail


def test_an_article_readers_may_no_longer_see_leaves_the_rail_at_once(client, ranked):
    ranked[0].unpublish()
    PageViewRestriction.objects.create(
        page=ranked[1], restriction_type=PageViewRestriction.LOGIN
    )
    rail = _rail(client.get("/").text)
    assert ranked[0].title not in rail
    assert ranked[1].title not in rail
    assert ranked[2].title in rail
    # And the worker's next ranking leaves them out too.
    assert most_read.refresh.enqueue().return_value == [ranked[2].pk]


def test_a_new_ranking_purges_the_pages_showing_the_rail(clock, visit, ranked):
    assert visit("/").cache == "miss"
    assert visit("/").cache == "hit"
    assert most_read.refresh.enqueue().return_value  # unchanged: nothing purged
    assert visit("/").cache == "hit"
    for reader in range(5):  # the third article overtakes the others
        visit(ranked[2].url, ip=f"192.0.2.{reader + 1}")
    clock.shift(timedelta(minutes=1))
    rollup.roll_up()
    assert most_read.refresh.enqueue().return_value[0] == ranked[2].pk
    # Purged once every process may have let the old ranking go.
    most_read.refresh_when_due()
    assert visit("/").cache == "hit"
    clock.shift(timedelta(seconds=most_read.KEEP_SECONDS + 1))
    caches["local"].clear()  # as each process's copy has expired by now
    most_read.refresh_when_due()
    answer = visit("/")
    assert answer.cache != "hit"
    assert _rail(answer.text).index(ranked[2].title) < _rail(answer.text).index(
        ranked[0].title
    )


def test_no_rail_before_anything_was_read(client, publication):
    article = factories.reader_urls(publication)["article"]
    for url in ("/", article):
        assert 'id="most-read-heading"' not in client.get(url).text
