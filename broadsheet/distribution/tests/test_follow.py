"""The Follow page: feeds to paste into any reader, the newsletters and the
podcasts, for the whole site or for one section, tag or author; linked from
those pages and the footer."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def addresses(html: str) -> list[str]:
    """The copyable addresses, in page order."""
    return re.findall(r'readonly value="([^"]+)" data-copy-value', html)


def test_the_follow_page_offers_feeds_newsletters_and_podcasts(client, publication):
    factories.make_newsletter("daily")
    show = factories.make_show(publication["home"])
    response = client.get("/follow/")
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert addresses(html) == [
        f"{BASE}/feed.xml",
        f"{BASE}/feed.atom",
        f"{BASE}/feed.json",
        f"{BASE}{show.feed_path()}",
    ]
    assert "feed reader" in html  # what a feed is, in one paragraph
    assert re.search(r'<a href="/newsletters/">Daily briefing', html)
    assert f'<a href="{show.url}">Open the show</a>' in html


def test_a_subjects_feeds_come_first_then_the_sites(client, publication):
    author = publication["authors"][0]
    section = publication["sections"][0]
    for url, own in (
        ("/follow/tag/chips/", "/feeds/tag/chips"),
        (f"/follow/section/{section.slug}/", f"/feeds/section/{section.slug}"),
        (f"/follow/author/{author.slug}/", f"/feeds/author/{author.slug}"),
    ):
        html = client.get(url).content.decode()
        assert addresses(html)[:4] == [
            f"{BASE}{own}.xml",
            f"{BASE}{own}.atom",
            f"{BASE}{own}.json",
            f"{BASE}/feed.xml",
        ], url
        assert html.count("A feed brings every new article") == 1, url
    assert "<h1>Follow Chips</h1>" in client.get("/follow/tag/chips/").content.decode()


@pytest.mark.parametrize(
    "url", ["/follow/tag/no-such-tag/", "/follow/planet/earth/", "/follow/site/x/"]
)
def test_an_unknown_subject_is_not_found(client, publication, url):
    assert client.get(url).status_code == 404


def test_a_draft_show_is_not_offered(client, publication):
    show = factories.make_show(publication["home"])
    show.unpublish()
    assert show.feed_path() not in client.get("/follow/").content.decode()


def test_section_tag_and_author_pages_and_the_footer_link_to_follow(
    client, publication
):
    section, author = publication["sections"][0], publication["authors"][0]
    for page, target in (
        (section.url, f"/follow/section/{section.slug}/"),
        ("/tags/chips/", "/follow/tag/chips/"),
        (author.get_absolute_url(), f"/follow/author/{author.slug}/"),
    ):
        assert f'href="{target}">Follow ' in client.get(page).content.decode(), page
    footer = client.get("/").content.decode().split('class="site-footer"')[1]
    assert '<a href="/follow/">Follow</a>' in footer


def test_the_follow_page_takes_a_fixed_number_of_queries(client, publication):
    factories.make_newsletter("daily")
    factories.make_show(publication["home"])

    def steady():
        client.get("/follow/tag/chips/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/follow/tag/chips/").status_code == 200
        return len(captured)

    one_show = steady()
    factories.make_show(publication["home"], slug="second-show", title="Second")
    assert steady() == one_show <= 4
