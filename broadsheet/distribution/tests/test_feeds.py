"""Feeds parse in two independent parsers, with the right items and dates.

RSS and Atom: feedparser and atoma. JSON Feed: jsonfeed-util and atoma
(feedparser 6.0 does not read JSON Feed).
"""

from datetime import timedelta

import atoma
import feedparser
import jsonfeed
import pytest
from django.utils import timezone
from lxml import etree

from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

FORMATS = {"rss": "xml", "atom": "atom", "json": "json"}


def scopes(publication) -> dict[str, tuple[str, list]]:
    """Feed path prefix and expected articles (newest first) for each scope."""
    articles = sorted(
        publication["articles"], key=lambda a: a.first_published_at, reverse=True
    )
    news = publication["sections"][0]
    author = publication["authors"][1]
    return {
        "site": ("/feed", articles),
        "section": (
            "/feeds/section/news",
            [a for a in articles if a.section_id == news.pk],
        ),
        "tag": ("/feeds/tag/chips", articles),
        "author": (
            f"/feeds/author/{author.slug}",
            [a for a in articles if author in a.authors],
        ),
    }


def parse_second(format_name: str, content: bytes):
    if format_name == "rss":
        return atoma.parse_rss_bytes(content)
    if format_name == "atom":
        return atoma.parse_atom_bytes(content)
    return atoma.parse_json_feed_bytes(content)


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_every_feed_parses_in_two_parsers_with_the_right_items(
    client, publication, format_name
):
    for scope, (prefix, expected) in scopes(publication).items():
        response = client.get(f"{prefix}.{FORMATS[format_name]}")
        assert response.status_code == 200, scope
        if format_name != "json":
            etree.fromstring(response.content)  # well-formed XML

        published = expected[0].first_published_at.replace(microsecond=0)
        if format_name == "json":
            parsed = jsonfeed.Feed.parse_string(response.content.decode())
            assert [i.title for i in parsed.items] == [a.title for a in expected], scope
            assert parsed.items[0].id == f"urn:uuid:{expected[0].translation_key}"
            assert parsed.items[0].url == f"http://testserver{expected[0].url}"
        else:
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, (scope, parsed.get("bozo_exception"))
            assert [e.title for e in parsed.entries] == [a.title for a in expected], (
                scope
            )
            first = parsed.entries[0]
            assert first.published_parsed[:6] == published.utctimetuple()[:6]
            assert first.id == f"urn:uuid:{expected[0].translation_key}"
            assert first.link == f"http://testserver{expected[0].url}"

        second = parse_second(format_name, response.content)
        items = (
            second.items
            if format_name == "json"
            else (second.items if format_name == "rss" else second.entries)
        )
        assert len(items) == len(expected), scope
        if format_name == "rss":
            assert items[0].pub_date == published
            assert items[0].enclosures[0].type == "image/jpeg"
            assert items[0].enclosures[0].length > 0
        elif format_name == "atom":
            assert items[0].published.replace(microsecond=0) == published
            assert items[0].id_ == f"urn:uuid:{expected[0].translation_key}"
        else:
            assert items[0].date_published == expected[0].first_published_at
            assert items[0].image.startswith("http://testserver/media/")


def test_feeds_carry_full_content_or_summary_by_setting(client, publication, settings):
    full = feedparser.parse(client.get("/feed.xml").content).entries[0]
    assert "Paragraph 0 of the story" in full.content[0].value  # the body
    assert "Key takeaways" in full.content[0].value
    item = atoma.parse_json_feed_bytes(client.get("/feed.json").content).items[0]
    assert "Key takeaways" in item.content_html
    settings.FEED_FULL_CONTENT = False
    client.get("/")  # a new response, not the old one
    summary = feedparser.parse(client.get("/feed.atom").content).entries[0]
    assert "Paragraph 0 of the story" not in summary.content[0].value
    assert "Read the full article" in summary.content[0].value


def test_feed_length_is_bounded(client, publication, settings):
    settings.FEED_ITEM_COUNT = 2
    assert len(feedparser.parse(client.get("/feed.xml").content).entries) == 2


def test_guids_survive_a_slug_change(client, publication):
    article = publication["articles"][0]
    before = {
        e.link: e.id for e in feedparser.parse(client.get("/feed.xml").content).entries
    }
    article.slug = "a-better-slug"
    article.save_revision().publish()
    after = {
        e.id: e.link for e in feedparser.parse(client.get("/feed.xml").content).entries
    }
    old_id = before[f"http://testserver/{publication['articles'][0].url.strip('/')}/"]
    assert after[old_id] == "http://testserver/a-better-slug/"


def test_feeds_answer_conditional_requests(client, publication):
    for path in ("/feed.xml", "/feeds/tag/chips.json"):
        first = client.get(path)
        assert "public" in first["Cache-Control"]
        assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert (
            client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code
            == 304
        )


def test_pages_advertise_their_feeds(client, publication):
    html = client.get("/tags/chips/").content.decode()
    assert (
        'type="application/rss+xml" title="Chips (RSS)" href="/feeds/tag/chips.xml"'
        in html
    )
    assert 'href="/feeds/tag/chips.json"' in html and 'href="/feed.atom"' in html
    section = client.get(publication["sections"][0].url).content.decode()
    assert 'href="/feeds/section/news.xml"' in section
    author = publication["authors"][0]
    assert (
        f'href="/feeds/author/{author.slug}.atom"'
        in client.get(author.get_absolute_url()).content.decode()
    )


def test_unknown_feeds_are_404(client, publication):
    for path in (
        "/feeds/section/nope.xml",
        "/feeds/tag/nope.json",
        "/feeds/author/x.atom",
        "/feeds/planet/news.xml",
    ):
        assert client.get(path).status_code == 404, path


def test_an_old_article_is_dated_correctly(client, publication):
    old = factories.make_article(
        publication["home"],
        publication["sections"][0],
        publication["authors"],
        title="Ten days ago",
        published_at=timezone.now() - timedelta(days=10),
    )
    items = atoma.parse_json_feed_bytes(client.get("/feed.json").content).items
    item = next(i for i in items if i.title == "Ten days ago")
    assert item.date_published == old.first_published_at


def test_links_in_feed_content_are_made_absolute():
    from broadsheet.distribution.feeds import feed_html

    html = (
        '<a href="/tags/x/">x</a> <img src="/media/a.jpg" alt=""> '
        '<a href="//cdn.example/">y</a> <a href="#comments">z</a>'
    )
    assert feed_html(html, "https://news.example/story/") == (
        '<a href="https://news.example/tags/x/">x</a> '
        '<img src="https://news.example/media/a.jpg" alt=""> '
        '<a href="https://cdn.example/">y</a> '
        '<a href="https://news.example/story/#comments">z</a>'
    )


def test_feed_items_carry_plain_html_a_reader_can_show(
    client, publication, settings, django_capture_on_commit_callbacks
):
    """No srcset (its relative URLs would break), classes, scripts' hooks or
    controls: a figure is one absolute image, an embed a link."""
    settings.EMBED_PROVIDERS = [factories.EXAMPLE_EMBED_PROVIDER]
    figure = factories.make_image("A chart", size=(1500, 1000))
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.make_article_with_embeds(
            publication, "https://video.example.com/watch/abc123"
        )
        article.body.append(
            ("image", {"image": figure, "alt": "A chart", "credit": "Data: us"})
        )
        article.save_revision().publish()

    entry = feedparser.parse(client.get("/feed.xml").content).entries[0]
    assert entry.title == "A story with a video"
    html = entry.content[0].value
    for absent in (
        "srcset",
        "sizes=",
        "class=",
        "data-",
        "<button",
        "<input",
        "hidden",
    ):
        assert absent not in html
    tree = etree.fromstring(f"<div>{html}</div>", etree.HTMLParser())
    (image,) = tree.iter("img")
    assert image.get("src").startswith("http://testserver/media/images/")
    assert (image.get("alt"), image.get("width"), image.get("height")) == (
        "A chart",
        "960",
        "640",
    )
    links = {a.get("href"): a.text for a in tree.iter("a")}
    assert links["https://video.example.com/watch/abc123"] == (
        "Content from Example Video: open on video.example.com"
    )
    assert "The launch event" in html and "Data: us" in html
    # The article page itself keeps its responsive image and click-to-load embed.
    page = client.get(article.url).content.decode()
    assert "srcset=" in page and "data-embed-load" in page


def test_feed_html_goes_out_unescaped_in_cdata_and_round_trips(client, publication):
    rss = client.get("/feed.xml").content
    assert b"<content:encoded><![CDATA[<p>" in rss
    assert b"&lt;p&gt;" not in rss  # no entity-escaped copy beside it
    entry = feedparser.parse(rss).entries[0]
    assert "<h2>Key takeaways</h2>" in entry.content[0].value


def test_cdata_html_survives_its_own_terminator_and_control_characters():
    import io

    from django.utils.xmlutils import SimplerXMLGenerator

    from broadsheet.distribution.feeds import _add_html_element

    html = '<p>a ]]> b</p><p title="x]]>y">\x0bc\x00</p>'
    out = io.StringIO()
    handler = SimplerXMLGenerator(out, "utf-8")
    handler.startDocument()
    _add_html_element(handler, "content", html, {"type": "html"})
    handler.endDocument()
    element = etree.fromstring(out.getvalue().encode())
    assert element.get("type") == "html"
    assert element.text == '<p>a ]]> b</p><p title="x]]>y">c</p>'
