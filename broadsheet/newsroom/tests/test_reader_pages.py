"""Reader pages: content, status codes, cookies and bad input."""

import pytest
from django.test import Client

from broadsheet.newsroom.models import ArticlePage
from broadsheet.testing.factories import reader_urls

pytestmark = pytest.mark.django_db


def test_every_reader_page_answers_with_its_content(client, publication):
    article = publication["articles"][0]
    urls = reader_urls(publication)
    assert article.url == f"/{article.slug}/"  # flat, readable URL

    expectations = {
        "home": [article.title, "News", "Analysis"],
        "section": ["News", "About News."],
        "tag": ["Chips", article.title],
        "author": ["Ada Reporter", "Ada Reporter covers technology."],
        "latest": ["Latest", article.title],
        "article": [
            article.title,
            article.standfirst,
            "Key takeaways",
            "The first point.",
            "What happened",
            "It matters.",
            "A. Source, analyst",
            "Ada Reporter",
            "min read",
        ],
        "authors": ["Ada Reporter", "Ben Editor"],
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        for text in expectations[name]:
            assert text in html, (name, text)


def test_article_page_structure_is_semantic(client, publication):
    article = publication["articles"][0]
    html = client.get(article.url).content.decode()
    assert html.count("<h1") == 1
    assert '<main id="main"' in html and 'href="#main"' in html  # skip link target
    assert '<aside class="takeaways" aria-labelledby="takeaways-heading">' in html
    assert '<ol class="takeaways__list">' in html
    assert 'alt="A test picture"' in html
    assert 'width="' in html and 'height="' in html  # no layout shift
    published = article.first_published_at.replace(microsecond=0).isoformat()
    assert f'<time datetime="{published}"' in html


def test_anonymous_reader_pages_set_no_cookies(publication):
    client = Client()
    for name, url in reader_urls(publication).items():
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, name
        assert "Set-Cookie" not in response.headers, name
    assert not client.cookies


def test_unknown_slug_is_a_styled_404(client, publication):
    response = client.get("/no-such-story/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert "News" in html  # the site's own navigation is there
    assert 'rel="stylesheet"' in html


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=0",
        "page=99999",
        "page=" + "9" * 40,
        "page=1.5",
        "page=%00",
        "page=",
        "page=1&page=x",
    ],
)
def test_malformed_page_numbers_never_500(client, publication, query):
    urls = reader_urls(publication)
    for name in ("section", "tag", "author", "latest"):
        response = client.get(f"{urls[name]}?{query}")
        assert response.status_code in (200, 302, 404), (name, query)
        if response.status_code == 302:  # deeper than a listing goes
            assert response["Location"] == "/archive/", (name, query)


def test_pagination_walks_the_archive(client, publication, settings):
    settings.LISTING_PAGE_SIZE = 2
    first = client.get("/latest/")
    assert "Page 1 of 3" in first.content.decode()
    last = client.get("/latest/?page=3")
    assert last.status_code == 200
    assert 'name="robots" content="noindex, follow"' in last.content.decode()
    assert client.get("/latest/?page=4").status_code == 404


def test_unknown_tag_and_author_are_404(client, publication):
    assert client.get("/tags/nothing-here/").status_code == 404
    assert client.get("/authors/nobody/").status_code == 404


def test_draft_articles_are_not_shown(client, publication):
    article = publication["articles"][0]
    article.unpublish()
    assert client.get(article.url).status_code == 404
    assert article.title not in client.get("/").content.decode()


def test_reading_time_is_computed_from_the_body(publication):
    article = ArticlePage.objects.get(pk=publication["articles"][0].pk)
    assert article.reading_minutes == 1
    article.body = [("paragraph", "<p>" + "word " * 1000 + "</p>")]
    article.save()
    assert (
        ArticlePage.objects.get(pk=article.pk).reading_minutes == 5
    )  # 1012 words / 230


def test_site_name_and_logo_come_from_the_admin_setting(client, publication):
    from broadsheet.core.models import Branding
    from broadsheet.testing.factories import make_image

    branding = Branding.for_site(publication["home"].get_site())
    branding.site_name = "The Daily Circuit"
    branding.logo = make_image("Circuit logo", size=(120, 120))
    branding.save()
    html = client.get("/").content.decode()
    assert '<span class="brand__name">The Daily Circuit</span>' in html
    assert 'class="brand__logo"' in html
    assert "<title>" in html and "The Daily Circuit</title>" in html


def test_related_rail_is_cached_until_content_changes(client, publication):
    from broadsheet.testing import factories

    article = publication["articles"][0]
    assert "More in News" in client.get(article.url).content.decode()
    newer = factories.make_article(
        publication["home"],
        publication["sections"][0],
        publication["authors"],
        title="The newest news",
    )
    # Publishing changed the content version, so the rail is rebuilt at once.
    assert newer.title in client.get(article.url).content.decode()
