"""The page cache around Django: what it keeps, for whom, and how it lets go.

Requests go through the real layer (``PageCacheApp`` around Django's WSGI
handler), with the purge log in the test database.
"""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from wagtail.models import PageViewRestriction

from broadsheet.core.pagecache.coherence import DatabaseLog
from broadsheet.core.pagecache.wsgi import PageCacheApp
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(publication):
    """The publication, plus an article unrelated to the others.

    Another section, author and tag: nothing published in News touches it.
    """
    home, analysis = publication["home"], publication["sections"][1]
    loner = factories.make_author("Cy Columnist")
    publication["unrelated"] = factories.make_article(
        home, analysis, [loner], title="A story apart", tags=("robots",)
    )
    return publication


def _publish_news(site, title):
    return factories.make_article(
        site["home"], site["sections"][0], site["authors"][1:], title=title
    )


def test_an_anonymous_page_is_rendered_once_then_answered_from_memory(layer, site):
    url = site["articles"][0].url
    first, second = layer(url), layer(url)
    assert (first.status, first.cache) == (200, "miss")
    assert (second.status, second.cache) == (200, "hit")
    assert second.text == first.text
    assert "Age" in second.headers or "age" in second.headers


def test_a_member_page_is_never_served_to_anyone_else(layer, site):
    member = factories.make_member(display_name="Margo Member")
    client = Client()
    client.force_login(member)
    session = client.cookies["sessionid"].value
    url = site["articles"][0].url

    mine = layer(url, HTTP_COOKIE=f"sessionid={session}")
    assert mine.cache == "pass"
    assert "Margo Member" in mine.text
    assert "private" in mine.headers["cache-control"]

    theirs = layer(url)
    assert theirs.cache == "miss"
    assert "Margo Member" not in theirs.text
    # And the reverse: the anonymous copy now stored is not the member's.
    again = layer(url, HTTP_COOKIE=f"sessionid={session}")
    assert again.cache == "pass"
    assert "Margo Member" in again.text


def test_requests_with_the_sites_cookies_pass_by_the_cache(layer, site):
    url = site["articles"][0].url
    layer(url)
    for cookie in ("csrftoken=abc", "messages=xyz", "sessionid=nothing"):
        assert layer(url, HTTP_COOKIE=cookie).cache == "pass"
    # A cookie the site never sets (another app on the domain) changes nothing.
    assert layer(url, HTTP_COOKIE="theme=dark").cache == "hit"


def test_a_response_that_sets_a_cookie_is_never_stored(layer, site):
    first = layer("/csrf/")
    assert "set-cookie" in first.headers
    second = layer("/csrf/")
    assert second.cache == "miss"
    assert "set-cookie" in second.headers


def test_a_restricted_page_is_never_stored(layer, site):
    article = site["articles"][0]
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="s"
    )
    for _ in range(2):
        answer = layer(article.url)
        assert answer.cache == "miss"
        assert "private" in answer.headers["cache-control"]


def test_compression_is_negotiated_and_varies_on_accept_encoding(layer, site):
    url = site["articles"][0].url
    plain = layer(url)
    brotli_answer = layer(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
    gzip_answer = layer(url, HTTP_ACCEPT_ENCODING="gzip;q=1.0, br;q=0")
    identity = layer(url, HTTP_ACCEPT_ENCODING="identity")

    assert "content-encoding" not in plain.headers
    assert brotli_answer.headers["content-encoding"] == "br"
    assert gzip_answer.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in identity.headers
    assert brotli_answer.text == gzip_answer.text == identity.text == plain.text
    assert len(brotli_answer.raw) < len(plain.raw) / 3
    for answer in (plain, brotli_answer, gzip_answer, identity):
        assert "Accept-Encoding" in answer.headers["vary"]
        assert answer.headers["content-length"] == str(len(answer.raw))
    assert [a.cache for a in (brotli_answer, gzip_answer, identity)] == ["hit"] * 3


def test_responses_that_are_not_stored_are_compressed_too(layer, site):
    member = factories.make_member()
    client = Client()
    client.force_login(member)
    answer = layer(
        "/accounts/profile/",
        HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}",
        HTTP_ACCEPT_ENCODING="br",
    )
    assert answer.status == 200
    assert answer.headers["content-encoding"] == "br"
    assert "<html" in answer.text


def test_the_markdown_twin_is_not_confused_with_the_page(layer, site):
    # The article answers Accept: text/markdown with a redirect to its .md
    # twin and varies on Accept, so each Accept gets its own answer.
    url = site["articles"][0].url
    assert layer(url, HTTP_ACCEPT="text/html").status == 200
    markdown = layer(url, HTTP_ACCEPT="text/markdown")
    assert markdown.status == 303
    assert markdown.headers["location"].endswith(".md")
    html = layer(url, HTTP_ACCEPT="text/html")
    assert (html.status, html.cache) == (200, "hit")


def test_conditional_requests_get_304_from_memory(layer, site):
    url = site["articles"][0].url
    first = layer(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    by_etag = layer(url, HTTP_IF_NONE_MATCH=etag)
    by_date = layer(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert (by_etag.status, by_etag.cache, by_etag.raw) == (304, "hit", b"")
    assert (by_date.status, by_date.cache) == (304, "hit")
    assert by_etag.headers["etag"] == etag
    # A stale validator gets the page.
    assert layer(url, HTTP_IF_NONE_MATCH='"old"').status == 200


def test_head_is_answered_from_the_stored_copy_without_a_body(layer, site):
    url = site["articles"][0].url
    full = layer(url)
    head = layer(url, method="HEAD")
    assert (head.status, head.cache, head.raw) == (200, "hit", b"")
    assert head.headers["content-length"] == str(len(full.raw))


def test_where_a_reader_came_from_does_not_split_the_cache(layer, site):
    url = site["articles"][0].url
    layer(url)
    assert layer(url + "?utm_source=newsletter&fbclid=x1").cache == "hit"
    assert layer(url + "?page=2").cache == "miss"


def test_publishing_purges_exactly_what_shows_the_new_article(
    layer, site, django_capture_on_commit_callbacks
):
    news, analysis = site["sections"]
    neighbour = site["articles"][0]  # in News, like the new article
    unrelated = site["unrelated"]
    urls = {
        "home": "/",
        "news": news.url,
        "tag": "/tags/chips/",
        "author": site["authors"][1].get_absolute_url(),
        "feed": "/feed.xml",
        "neighbour": neighbour.url,
        "unrelated": unrelated.url,
        "analysis": analysis.url,
    }
    for url in urls.values():
        assert layer(url).status == 200
    assert {name: layer(url).cache for name, url in urls.items()} == dict.fromkeys(
        urls, "hit"
    )

    with django_capture_on_commit_callbacks(execute=True):
        story = _publish_news(site, "Chip makers agree on a shared test suite")

    after = {name: layer(url) for name, url in urls.items()}
    for name in ("home", "news", "tag", "author", "feed"):
        assert after[name].cache == "refresh", name
        assert story.title in after[name].text, name
    # Its neighbour in News shows the newest News articles beside it.
    assert after["neighbour"].cache == "refresh"
    assert story.title in after["neighbour"].text
    # Nothing on these shows it, so they stay in memory.
    assert after["unrelated"].cache == "hit"
    assert after["analysis"].cache == "hit"


def test_editing_an_article_purges_every_listing_that_shows_its_card(
    layer, site, django_capture_on_commit_callbacks
):
    article = site["articles"][0]
    layer("/"), layer(article.url), layer(site["unrelated"].url)
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "A headline the desk rewrote"
        article.save_revision().publish()
    home = layer("/")
    assert home.cache == "refresh"
    assert "A headline the desk rewrote" in home.text
    assert "A headline the desk rewrote" in layer(article.url).text
    assert layer(site["unrelated"].url).cache == "hit"


def test_a_draft_purges_nothing(layer, site, django_capture_on_commit_callbacks):
    article = site["articles"][0]
    layer(article.url)
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Not yet"
        article.save_revision()
    answer = layer(article.url)
    assert answer.cache == "hit"
    assert "Not yet" not in answer.text


def test_a_comment_going_public_purges_its_article(
    layer, site, django_capture_on_commit_callbacks
):
    from broadsheet.comments.services import comment_post, comments_moderate

    article, other = site["articles"][0], site["unrelated"]
    member = factories.make_member(display_name="Quick Commenter")
    moderator = factories.make_member("mod@example.com", superuser=True)
    comment = comment_post(
        article=article, author=member, text="A thoughtful remark on the story."
    )
    news, analysis = site["sections"]
    for url in (article.url, other.url, news.url, analysis.url):
        layer(url)
    assert not comment.is_visible  # a newcomer's first comment waits for review
    with django_capture_on_commit_callbacks(execute=True):
        comments_moderate(comments=[comment], action="approve", moderator=moderator)
    answer = layer(article.url)
    assert answer.cache == "refresh"
    assert "A thoughtful remark on the story." in answer.text
    # Its card, with the comment count, is on its section's page...
    assert layer(news.url).cache == "refresh"
    # ...and on nothing else of these.
    assert layer(other.url).cache == "hit"
    assert layer(analysis.url).cache == "hit"


def test_not_found_is_kept_until_something_is_published_there(
    layer, site, django_capture_on_commit_callbacks
):
    url = "/a-story-not-yet-written/"
    assert layer(url).status == 404
    assert layer(url).cache == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        story = _publish_news(site, "A story now written")
        story.slug = "a-story-not-yet-written"
        story.save_revision().publish()
    answer = layer(url)
    assert (answer.status, answer.cache) == (200, "refresh")


def test_while_one_request_renders_a_purged_page_the_others_get_the_old_copy(
    layer, site
):
    url = site["articles"][0].url
    layer(url)
    app = layer.app
    app.store.purge({f"page:{site['articles'][0].pk}"})
    # Another request is rendering it right now.
    (key,) = [k for k in app.store._entries if k[2] == url]
    assert app.store.claim_refresh(key)
    assert layer(url).cache == "stale"
    app.store.release_refresh(key)
    assert layer(url).cache == "refresh"
    assert layer(url).cache == "hit"


def test_a_copy_rendered_across_a_purge_is_stored_stale(layer, site):
    url = site["articles"][0].url
    app = layer.app
    generation = app.store.generation
    app.store.purge({f"page:{site['articles'][0].pk}"})
    assert app.store.purged_since(
        generation, frozenset({f"page:{site['articles'][0].pk}"})
    )
    assert not app.store.purged_since(generation, frozenset({"page:0"}))
    assert layer(url).cache == "miss"


def test_a_purge_in_one_process_reaches_another_through_the_log(layer, site):
    # Two layers with their own memory, as two processes have, one log.
    url = site["articles"][0].url
    other = PageCacheApp(WSGIHandler(), log=DatabaseLog())
    other.follower.interval = 0
    layer(url), layer(url)

    other.follower.purge(frozenset({f"page:{site['articles'][0].pk}"}))
    assert layer(url).cache == "refresh"


def test_memory_is_bounded_and_the_least_recently_used_go_first(layer, site):
    app = layer.app
    urls = [article.url for article in site["articles"]]
    one_page = len(layer(urls[0]).raw) + 600
    app.store.max_bytes = one_page * 3  # room for three pages
    app.store.max_entry_bytes = one_page
    app.store.clear()
    for url in urls[:3]:
        layer(url)
    layer(urls[0])  # used again: now the newest
    layer(urls[3])  # pushes out the least recently used, urls[1]
    assert app.store.bytes <= app.store.max_bytes
    assert layer(urls[0]).cache == "hit"
    assert layer(urls[1]).cache == "miss"


def test_counts_per_route(layer, site):
    url = site["articles"][0].url
    layer(url), layer(url), layer(url)
    routes = layer.app.store.stats()["routes"]
    assert routes["articlepage"] == {"miss": 1, "hit": 2}


def test_what_a_response_depends_on_is_told_to_a_cdn(site):
    response = Client().get(site["unrelated"].url)
    keys = set(response["Surrogate-Key"].split())
    assert f"page:{site['unrelated'].pk}" in keys
    assert f"section-list:{site['sections'][1].pk}" in keys
    assert not response.cookies
