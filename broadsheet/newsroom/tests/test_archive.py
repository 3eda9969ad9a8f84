"""The archive by month, and listings that stop before their pages get dear."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html

from broadsheet.testing import factories

# Every article is dated by the test; the site's clock does not matter.
pytestmark = [pytest.mark.django_db, pytest.mark.any_instant]

MAY, JUNE = datetime(2025, 5, 20, 8, tzinfo=UTC), datetime(2025, 6, 3, 8, tzinfo=UTC)
DECEMBER = datetime(2024, 12, 31, 23, tzinfo=UTC)


def _article(publication, when, title, section=0, tags=("chips",)):
    return factories.make_article(
        publication["home"],
        publication["sections"][section],
        publication["authors"][:1],
        title=title,
        published_at=when,
        tags=tags,
    )


@pytest.fixture
def archive():
    publication = factories.make_publication(0, with_images=False)
    publication["articles"] = [
        _article(publication, DECEMBER, "Year-end chip shipments"),
        _article(publication, MAY, "Robot vacuums map the office"),
        _article(publication, MAY.replace(day=21), "A model card standard"),
        _article(publication, JUNE, "Datacentre cooling by seawater"),
    ]
    return publication


def _texts(response, xpath) -> list[str]:
    tree = html.fromstring(response.content)
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


YEARS = "//main//h2"
MONTHS = "//section[@class='archive-year']//li"
CARDS = "//ul[contains(@class, 'card-grid')]//h2"


def test_the_archive_lists_each_month_by_year_with_its_articles(client, archive):
    page = client.get("/archive/")
    assert _texts(page, YEARS) == ["2025", "2024"]
    assert _texts(page, MONTHS) == [
        "June 2025 1 article",
        "May 2025 2 articles",
        "December 2024 1 article",
    ]
    may = client.get("/archive/2025/05/")
    assert _texts(may, "//h1") == ["May 2025"]
    titles = _texts(may, CARDS)
    assert titles == ["A model card standard", "Robot vacuums map the office"]


def test_an_article_readers_may_not_see_is_in_no_month(client, archive):
    archive["articles"][-1].unpublish()  # June's only one
    assert "June 2025" not in client.get("/archive/").text
    assert client.get("/archive/2025/06/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/archive/2025/07/",
        "/archive/2025/13/",
        "/archive/2025/00/",
        "/archive/0000/01/",
        "/archive/9999/12/",
        "/sitemap-articles-9999-12.xml",
        "/sitemap-articles-2025-00.xml",
    ],
)
def test_a_month_without_articles_is_not_found(client, archive, url):
    assert client.get(url).status_code == 404


def test_a_listing_stops_at_its_deepest_page_and_leads_to_the_archive(
    client, archive, settings
):
    settings.LISTING_PAGE_SIZE, settings.LISTING_MAX_PAGES = 1, 2
    news = archive["sections"][0]
    listings = ["/latest/", news.url, "/tags/chips/"]
    listings.append(archive["authors"][0].get_absolute_url())
    for url in listings:
        last = client.get(url + "?page=2")
        assert last.status_code == 200, url
        assert 'href="/archive/"' in last.text and "?page=3" not in last.text, url
        assert "Page 2 of 2</span>" in last.text, url  # not of every page there is
        deeper = client.get(url + "?page=3")
        assert (deeper.status_code, deeper["Location"]) == (302, "/archive/"), url
    # Pages of a month are a range of one month: they go as deep as it does.
    may = client.get("/archive/2025/05/?page=2")
    assert _texts(may, CARDS) == ["Robot vacuums map the office"]


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_archive_costs_the_same_queries_for_few_or_many_months(client, archive):
    months, may = _queries(client, "/archive/"), _queries(client, "/archive/2025/05/")
    for month in range(1, 12):
        _article(
            archive, DECEMBER.replace(year=2023, month=month, day=15), f"Old {month}"
        )
    for day in range(1, 6):
        _article(archive, MAY.replace(day=day), f"More May {day}")
    assert _queries(client, "/archive/") == months
    assert _queries(client, "/archive/2025/05/") == may


def test_a_capped_listing_counts_no_further_than_past_its_deepest_page(
    client, archive, settings
):
    settings.LISTING_PAGE_SIZE, settings.LISTING_MAX_PAGES = 1, 2
    with CaptureQueriesContext(connection) as context:
        assert client.get("/latest/").status_code == 200
    sql = [q["sql"] for q in context.captured_queries]
    counts = [s for s in sql if s.startswith("SELECT COUNT(*) FROM (SELECT")]
    assert len(counts) == 1 and "LIMIT 3) subquery" in counts[0], counts
