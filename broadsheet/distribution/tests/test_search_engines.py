"""Sitemaps, the news sitemap, robots.txt, canonical URLs and slug redirects."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from lxml import etree

from broadsheet.distribution.models import SearchEngines
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def sitemap_locations(client, path) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    return [loc.text for loc in tree.findall(".//s:loc", NS)]


def test_every_url_in_every_sitemap_answers_200(client, publication):
    sitemaps = sitemap_locations(client, "/sitemap.xml")
    names = {s.rsplit("/", 1)[1] for s in sitemaps}
    months = {
        timezone.localtime(article.first_published_at).strftime("%Y-%m")
        for article in publication["articles"]
    }
    assert names == {f"sitemap-articles-{month}.xml" for month in months} | {
        "sitemap-sections.xml",
        "sitemap-tags.xml",
        "sitemap-authors.xml",
        "sitemap-news.xml",
    }
    seen = 0
    for sitemap in sitemaps:
        tree = etree.fromstring(client.get(sitemap).content)
        for url in tree.findall("s:url", NS):
            loc = url.find("s:loc", NS).text
            assert client.get(loc).status_code == 200, loc
            if not sitemap.endswith("news.xml"):
                assert url.find("s:lastmod", NS) is not None, loc
            seen += 1
    articles = len(publication["articles"])
    assert seen >= 2 * articles + 2 + 1 + 2  # articles, news, sections, tag, authors


def article_locations(client) -> list[str]:
    return [
        location
        for sitemap in sitemap_locations(client, "/sitemap.xml")
        if "/sitemap-articles-" in sitemap
        for location in sitemap_locations(client, sitemap)
    ]


def test_sitemaps_leave_out_drafts(client, publication):
    draft = publication["articles"][0]
    draft.unpublish()
    urls = article_locations(client)
    assert f"http://testserver{draft.url}" not in urls
    assert len(urls) == len(publication["articles"]) - 1
    # The one sitemap of every article, before months, leads to the index.
    answer = client.get("/sitemap-articles.xml")
    assert (answer.status_code, answer["Location"]) == (301, "/sitemap.xml")


def test_news_sitemap_lists_only_the_last_48_hours(client, publication):
    home, section, authors = (
        publication["home"],
        publication["sections"][0],
        publication["authors"],
    )
    now = timezone.now()
    fresh = factories.make_article(
        home, section, authors, title="Fresh", published_at=now - timedelta(hours=47)
    )
    factories.make_article(
        home, section, authors, title="Stale", published_at=now - timedelta(hours=49)
    )
    with time_machine.travel(now, tick=False):
        response = client.get("/sitemap-news.xml")
    tree = etree.fromstring(response.content)
    titles = [t.text for t in tree.findall(".//news:title", NS)]
    assert "Fresh" in titles and "Stale" not in titles
    assert f"http://testserver{fresh.url}" in [
        loc.text for loc in tree.findall(".//s:loc", NS)
    ]
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        later = etree.fromstring(client.get("/sitemap-news.xml").content)
    assert "Fresh" not in [t.text for t in later.findall(".//news:title", NS)]
    publication_name = tree.find(".//news:publication/news:name", NS).text
    assert publication_name == "Broadsheet"


def test_robots_txt_points_to_the_sitemap_and_takes_editors_rules(client, publication):
    text = client.get("/robots.txt").content.decode()
    assert "User-agent: *\nDisallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    rules = SearchEngines.for_site(publication["home"].get_site())
    rules.robots_rules = "User-agent: ExampleBot\nDisallow: /"
    rules.save()
    assert (
        "User-agent: ExampleBot\nDisallow: /"
        in client.get("/robots.txt").content.decode()
    )
    rules.hide_from_search_engines = True
    rules.save()
    assert "User-agent: *\nDisallow: /\n" in client.get("/robots.txt").content.decode()


def test_robots_rules_are_validated():
    from django.core.exceptions import ValidationError

    from broadsheet.distribution.models import validate_robots_rules

    validate_robots_rules(
        "# comment\nUser-agent: X\nDisallow: /private/\n\nSitemap: /s"
    )
    with pytest.raises(ValidationError, match="Line 2 is not a robots.txt rule"):
        validate_robots_rules("User-agent: X\n<script>")


def test_pages_carry_canonical_urls(client, publication, settings):
    article = publication["articles"][0]
    html = client.get(f"{article.url}?utm_source=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.url}">' in html
    settings.LISTING_PAGE_SIZE = 2
    listing = client.get("/latest/?page=2&utm_source=x")
    assert '<link rel="canonical" href="http://testserver/latest/?page=2">' in (
        listing.content.decode()
    )
    assert 'rel="canonical"' not in client.get("/missing/").content.decode()


def test_changing_a_slug_redirects_the_old_url(
    client, publication, django_capture_on_commit_callbacks
):
    article = publication["articles"][0]
    old_url = article.url
    with django_capture_on_commit_callbacks(execute=True):
        article.slug = "a-clearer-slug"
        article.save_revision().publish()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/a-clearer-slug/")
    assert client.get("/a-clearer-slug/").status_code == 200
