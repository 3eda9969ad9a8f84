"""Queries per reader page are bounded and do not grow with the number of articles."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.newsroom.selectors import CARD_FETCH_QUERIES
from broadsheet.newsroom.selectors import QUERY_CEILINGS as CEILINGS
from broadsheet.testing import factories

# Articles are dated relative to now, and what is asserted is the number of
# queries, which no instant changes (each lane still runs these at its own).
pytestmark = [pytest.mark.django_db, pytest.mark.any_instant]


def count_queries(client, url) -> int:
    client.get(url)  # the first view creates image renditions once
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_articles(publication, count):
    now = timezone.now()
    image = factories.make_image("More")
    for index in range(count):
        factories.make_article(
            publication["home"],
            publication["sections"][index % 2],
            publication["authors"],
            published_at=now - timedelta(minutes=index + 1),
            image=factories.make_image(f"More {index}") if index % 3 else image,
            tags=("chips", f"extra-{index}"),
        )


@pytest.mark.parametrize("page", sorted(CEILINGS))
def test_query_count_is_bounded_and_independent_of_article_count(
    client, publication, settings, page, django_assert_max_num_queries
):
    settings.LISTING_PAGE_SIZE = 12
    url = factories.reader_urls(publication)[page]
    # Enough articles to fill every block of every page, then many more.
    add_articles(publication, 16)
    few = count_queries(client, url)
    add_articles(publication, 30)
    many = count_queries(client, url)
    assert many == few, f"{page}: {few} queries with few articles, {many} with many"
    client.get(url)
    with django_assert_max_num_queries(CEILINGS[page]):
        client.get(url)


@pytest.mark.parametrize("page", sorted(set(CEILINGS) - {"article"}))
def test_fetching_uncached_cards_costs_a_fixed_number_of_queries(
    client, publication, settings, page
):
    settings.LISTING_PAGE_SIZE = 12
    url = factories.reader_urls(publication)[page]
    add_articles(publication, 30)
    warm = count_queries(client, url)
    local = caches["local"]
    for key in [key for key in local._cache if ":card:" in key]:
        local.delete(key.split(":", 2)[2])  # LocMemCache keys carry ":<version>:"
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    assert len(context.captured_queries) == warm + CARD_FETCH_QUERIES
