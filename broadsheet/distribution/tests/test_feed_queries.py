"""A feed costs a fixed number of queries, and its cached entries follow edits."""

from datetime import timedelta

import feedparser
import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.distribution.feeds import QUERY_CEILINGS
from broadsheet.testing import factories

# Articles are dated relative to now, and what is asserted is the number of
# queries, which no instant changes (each lane still runs these at its own).
pytestmark = [pytest.mark.django_db, pytest.mark.any_instant]


def add_articles(publication, count, first=0):
    now = timezone.now()
    for index in range(first, first + count):
        factories.make_article(
            publication["home"],
            publication["sections"][index % 2],
            publication["authors"][: 1 + index % 2],
            published_at=now - timedelta(minutes=index + 1),
            image=factories.make_image(f"Feed {index}"),
            tags=("solo", f"extra-{index}"),
        )


def queries(client, url, *, cached: bool) -> int:
    client.get(url)  # renditions are created on the first view
    if not cached:
        caches["local"].clear()
        client.get("/")  # the chrome again, not the feed's entries
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _both(client, url) -> tuple[int, int]:
    return queries(client, url, cached=False), queries(client, url, cached=True)


FEEDS = ["/feed.xml", "/feed.json", "/feeds/tag/solo.atom"]


def test_a_feed_makes_the_same_few_queries_for_one_item_or_fifty(
    client, publication, settings
):
    settings.FEED_ITEM_COUNT = 50
    add_articles(publication, 1)  # the only one tagged "solo"
    one = {url: _both(client, url) for url in FEEDS}
    add_articles(publication, 49, first=1)
    fifty = {url: _both(client, url) for url in FEEDS}
    assert len(feedparser.parse(client.get(FEEDS[2]).content).entries) == 50
    assert one == fifty
    for uncached, cached in fifty.values():
        assert uncached <= QUERY_CEILINGS["uncached"]
        assert cached <= QUERY_CEILINGS["cached"]


def test_cached_entries_follow_any_content_change(client, publication):
    article = max(publication["articles"], key=lambda a: a.first_published_at)

    def newest():
        return feedparser.parse(client.get("/feed.xml").content).entries[0]

    assert newest().title == article.title
    article.title = "An edited headline"
    article.body = [("paragraph", "<p>A rewritten body.</p>")]
    article.save_revision().publish()
    entry = newest()
    assert entry.title == "An edited headline"
    assert "A rewritten body." in entry.content[0].value

    # An author's new name changes no article, but shows in the feed.
    author = publication["authors"][0]
    author.name = "Ada Correspondent"
    author.save()
    assert newest().author == "Ada Correspondent"
