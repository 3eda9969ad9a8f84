"""Articles are listed in sitemaps a month at a time, and the index is read
from one grouped query: an archive of any size answers in a few queries."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from broadsheet.distribution.sitemaps import ArticleSitemap
from broadsheet.distribution.tests.test_search_engines import NS, sitemap_locations
from broadsheet.testing import factories

# Every article is dated by the test; the site's clock does not matter.
pytestmark = [pytest.mark.django_db, pytest.mark.any_instant]

JANUARY, FEBRUARY, MARCH = (datetime(2025, m, 10, 12, tzinfo=UTC) for m in (1, 2, 3))


def _articles(publication, when, count):
    return [
        factories.make_article(
            publication["home"],
            publication["sections"][0],
            publication["authors"][:1],
            title=f"Archive story {when:%B} {n}",
            published_at=when.replace(hour=when.hour + n % 10, minute=n // 10),
        )
        for n in range(count)
    ]


@pytest.fixture
def archive():
    """Three months of articles, and nothing else."""
    publication = factories.make_publication(0, with_images=False)
    for when, count in ((JANUARY, 1), (FEBRUARY, 2), (MARCH, 3)):
        publication[when.month] = _articles(publication, when, count)
    return publication


def _index(client):
    tree = etree.fromstring(client.get("/sitemap.xml").content)
    return [
        (entry.find("s:loc", NS).text, entry.find("s:lastmod", NS).text)
        for entry in tree.findall("s:sitemap", NS)
    ]


def test_each_month_has_its_sitemap_with_its_own_latest_change(client, archive):
    months = [entry for entry in _index(client) if "sitemap-articles-" in entry[0]]
    assert months == [
        ("http://testserver/sitemap-articles-2025-03.xml", "2025-03-10T14:00:00+00:00"),
        ("http://testserver/sitemap-articles-2025-02.xml", "2025-02-10T13:00:00+00:00"),
        ("http://testserver/sitemap-articles-2025-01.xml", "2025-01-10T12:00:00+00:00"),
    ]
    march = sitemap_locations(client, "/sitemap-articles-2025-03.xml")
    assert march == [f"http://testserver{a.url}" for a in reversed(archive[3])]
    assert client.get("/sitemap-articles-2025-04.xml").status_code == 404
    assert client.get("/sitemap-articles-2025-13.xml").status_code == 404


def test_a_month_longer_than_a_sitemap_page_is_listed_page_by_page(
    client, archive, monkeypatch
):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    locations = [location for location, _ in _index(client)]
    assert "http://testserver/sitemap-articles-2025-03.xml?p=2" in locations
    assert "http://testserver/sitemap-articles-2025-02.xml?p=2" not in locations
    second = sitemap_locations(client, "/sitemap-articles-2025-03.xml?p=2")
    assert second == [f"http://testserver{archive[3][0].url}"]


def _queries(client, url) -> int:
    client.get(url)  # the site's root paths, cached from then on
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# The index: the months, and the site Django's sitemaps name; nothing per
# month or article.
INDEX_QUERIES = 2


def test_queries_do_not_grow_with_the_articles_or_the_months(client, archive):
    index, january = (
        _queries(client, "/sitemap.xml"),
        _queries(client, "/sitemap-articles-2025-01.xml"),
    )
    for month in range(4, 10):
        _articles(archive, JANUARY.replace(month=month), 1)
    _articles(archive, JANUARY, 7)
    assert _queries(client, "/sitemap.xml") == index <= INDEX_QUERIES
    assert _queries(client, "/sitemap-articles-2025-01.xml") == january


def test_an_edit_purges_its_months_sitemap_and_the_index_only(
    layer, archive, django_capture_on_commit_callbacks
):
    urls = ["/sitemap.xml", "/sitemap-articles-2025-03.xml"]
    urls.append("/sitemap-articles-2025-01.xml")
    for url in urls:
        layer(url)
    assert [layer(url).cache for url in urls] == ["hit"] * 3
    article = archive[3][0]
    with django_capture_on_commit_callbacks(execute=True):
        article.slug = "a-slug-the-desk-rewrote"
        article.save_revision().publish()
    index, march, january = (layer(url) for url in urls)
    assert (index.cache, march.cache, january.cache) == ("refresh", "refresh", "hit")
    assert "a-slug-the-desk-rewrote" in march.text


def test_a_page_of_a_month_is_sitemap_xml_and_past_its_end_is_not_found(
    client, archive
):
    response = client.get("/sitemap-articles-2025-03.xml")
    assert response["Content-Type"] == "application/xml"
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    tree = etree.fromstring(response.content)
    assert {entry.find("s:lastmod", NS).text for entry in tree} == {"2025-03-10"}
    for page in ("0", "2", "x", "-1"):  # past the last page, or no page at all
        answer = client.get(f"/sitemap-articles-2025-03.xml?p={page}")
        assert answer.status_code == 404
