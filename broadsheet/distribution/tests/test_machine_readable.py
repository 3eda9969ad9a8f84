"""Markdown articles, llms.txt, oEmbed and share links."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from broadsheet.distribution.share import clean_instance
from broadsheet.newsroom.models import prefers_markdown

pytestmark = pytest.mark.django_db


def front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    block = text.split("---\n", 2)[1]
    data, takeaways = {}, []
    for line in block.splitlines():
        if line.startswith("  - "):
            takeaways.append(json.loads(line[4:]))
        elif line.endswith(":"):
            continue
        else:
            key, value = line.split(": ", 1)
            data[key] = json.loads(value)
    data["takeaways"] = takeaways
    return data


def test_every_article_is_available_as_markdown(client, publication):
    article = publication["articles"][0]
    response = client.get(f"/{article.slug}.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    data = front_matter(text)
    assert data["title"] == article.title
    assert data["canonical"] == f"http://testserver{article.url}"
    assert data["published"] == article.first_published_at.isoformat()
    assert data["authors"] == ["Ada Reporter"]
    assert data["takeaways"] == ["The first point.", "The second point."]
    assert f"# {article.title}" in text
    assert "## What happened" in text
    assert "> It matters.\n>\n> — A. Source, analyst" in text
    assert "<p>" not in text  # no HTML left behind
    assert "public" in response["Cache-Control"]


def test_rich_text_becomes_markdown():
    from broadsheet.distribution.markdown import rich_text_to_markdown

    html = (
        '<p>See <a href="/tags/x/">the <b>tag</b></a> and <i>more</i>.</p>'
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
    )
    assert rich_text_to_markdown(html, "https://n.example") == (
        "See [the **tag**](https://n.example/tags/x/) and *more*.\n\n"
        "- one\n- two\n\n1. first"
    )


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("text/markdown", True),
        ("text/markdown, text/html;q=0.9", True),
        ("text/html,application/xhtml+xml,*/*;q=0.8", False),
        ("*/*", False),
        ("text/html, text/markdown;q=0.5", False),
        ("text/markdown;q=oops", False),
        ("", False),
    ],
)
def test_markdown_is_negotiated_only_when_preferred(accept, expected):
    assert prefers_markdown(accept) is expected


def test_accept_markdown_on_an_article_redirects_to_its_markdown(client, publication):
    article = publication["articles"][0]
    response = client.get(article.url, HTTP_ACCEPT="text/markdown")
    assert response.status_code == 303
    assert response["Location"] == f"/{article.slug}.md"
    assert "Accept" in response["Vary"]
    html = client.get(article.url)
    assert html.status_code == 200 and "Accept" in html["Vary"]
    assert f'<link rel="alternate" type="text/markdown" href="/{article.slug}.md">' in (
        html.content.decode()
    )


def test_drafts_and_unknown_slugs_have_no_markdown(client, publication):
    draft = publication["articles"][0]
    draft.unpublish()
    assert client.get(f"/{draft.slug}.md").status_code == 404
    assert client.get("/nothing.md").status_code == 404


def test_llms_txt_lists_sections_and_recent_articles(client, publication):
    text = client.get("/llms.txt").content.decode()
    assert text.startswith("# Broadsheet\n")
    assert "- [News](http://testserver/news/)" in text
    newest = max(publication["articles"], key=lambda a: a.first_published_at)
    assert f"- [{newest.title}](http://testserver/{newest.slug}.md): " in text
    assert "http://testserver/feed.xml" in text


def test_oembed_returns_a_story_card(client, publication):
    article = publication["articles"][0]
    url = f"http://testserver{article.url}"
    response = client.get("/oembed", {"url": url, "maxwidth": "400"})
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["title"] == article.title and data["width"] == 400
    assert f'<a href="{url}">' in data["html"] and "<script" not in data["html"]
    assert data["thumbnail_url"].startswith("http://testserver/media/")
    assert client.get("/oembed", {"url": url, "format": "xml"}).status_code == 501
    for bad in (
        "https://elsewhere.example/x/",
        "http://testserver/",
        "",
        "javascript:x",
    ):
        assert client.get("/oembed", {"url": bad}).status_code == 404
    html = client.get(article.url).content.decode()
    assert 'type="application/json+oembed"' in html


def test_share_links_need_no_script_and_name_every_network(client, publication):
    article = publication["articles"][0]
    html = client.get(article.url).content.decode()
    for name, host in [
        ("Email", "mailto:"),
        ("Bluesky", "https://bsky.app/intent/compose"),
        ("LinkedIn", "https://www.linkedin.com/sharing/"),
        ("X", "https://x.com/intent/post"),
        ("Reddit", "https://www.reddit.com/"),
        ("Hacker News", "https://news.ycombinator.com/submitlink"),
        ("WhatsApp", "https://wa.me/"),
        ("Telegram", "https://t.me/share/url"),
    ]:
        assert f'<a href="{host}' in html and f">{name}</a>" in html, name
    assert "data-share-native" in html and "data-share-copy" in html
    assert "Share on Mastodon" in html


def test_mastodon_sharing_asks_for_the_server_then_links_there(client, publication):
    article = publication["articles"][0]
    response = client.get(
        "/share/mastodon/", {"page": article.pk, "instance": "@me@Social.Example.org"}
    )
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    link = (
        response.content.decode().split('class="button" href="', 1)[1].split('"', 1)[0]
    )
    parts = urlsplit(link.replace("&amp;", "&"))
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "social.example.org",
        "/share",
    )
    assert parse_qs(parts.query)["text"] == [
        f"{article.title} http://testserver{article.url}"
    ]

    bad = client.get(
        "/share/mastodon/", {"page": article.pk, "instance": "not a server"}
    )
    assert bad.status_code == 200 and "is not a server name" in bad.content.decode()
    assert client.get("/share/mastodon/", {"page": "abc"}).status_code == 404
    assert client.get("/share/mastodon/", {"page": "999999"}).status_code == 404


@pytest.mark.parametrize(
    "raw,host",
    [
        ("mastodon.social", "mastodon.social"),
        ("https://fosstodon.org/@me", "fosstodon.org"),
        ("@me@hachyderm.io", "hachyderm.io"),
        ("evil.example/../x", "evil.example"),
        ("javascript:alert(1)", None),
        ("localhost", None),
        ("a b.org", None),
        ("", None),
    ],
)
def test_mastodon_server_names_are_checked(raw, host):
    assert clean_instance(raw) == host


def test_code_and_dividers_in_markdown_pages_and_search_text(client, publication):
    article = publication["articles"][0]
    article.body = [
        ("paragraph", "<p>Before.</p>"),
        ("code", {"language": "python", "code": 'print("a ``` fence")\n<b>raw</b>'}),
        ("divider", None),
        ("paragraph", "<p>After.</p>"),
    ]
    article.save_revision().publish()
    text = client.get(f"/{article.slug}.md").content.decode()
    assert '````python\nprint("a ``` fence")\n<b>raw</b>\n````' in text
    assert "Before.\n\n````python" in text and "````\n\n---\n\nAfter." in text
    page = client.get(article.url).content.decode()
    assert (
        '<pre class="code" tabindex="0" data-language="python"><code '
        'class="language-python">print(&quot;a ``` fence&quot;)\n&lt;b&gt;raw'
    ) in page
    assert '<hr class="divider">' in page
    assert "<b>raw</b>" in article.body_text()  # code is searchable as written
