"""JSON-LD, Open Graph and Twitter tags, and the generated social card."""

import io
import json
import re

import pytest
from PIL import Image

from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block[1])


def meta(html: str) -> dict[str, str]:
    pairs = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return dict(pairs)


def test_article_json_ld_has_every_property(client, publication):
    article = publication["articles"][0]
    html = client.get(article.url).content.decode()
    graph = {node["@type"]: node for node in json_ld(html)["@graph"]}
    news = graph["NewsArticle"]
    assert news["headline"] == article.title
    assert len(news["image"]) == 3
    for url, ratio in zip(
        news["image"], ("1200x675", "1200x900", "1200x1200"), strict=True
    ):
        assert url.startswith("http://testserver/media/") and ratio in url
    assert news["datePublished"] == article.first_published_at.isoformat()
    assert news["dateModified"] == article.last_published_at.isoformat()
    assert news["author"] == [
        {
            "@type": "Person",
            "name": "Ada Reporter",
            "url": "http://testserver/authors/ada-reporter/",
        }
    ]
    assert news["publisher"]["name"] == "Broadsheet"
    assert news["publisher"]["logo"]["url"].startswith("http://testserver/")
    assert news["articleSection"] == "News"
    assert news["keywords"] == ["chips"]
    crumbs = graph["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Broadsheet", "News", article.title]
    assert graph["NewsMediaOrganization"]["url"] == "http://testserver/"


def test_home_declares_the_organization_and_website(client, publication):
    graph = {n["@type"]: n for n in json_ld(client.get("/").content.decode())["@graph"]}
    assert graph["WebSite"]["url"] == "http://testserver/"
    assert graph["WebSite"]["publisher"] == {"@id": "http://testserver/#publisher"}
    assert graph["NewsMediaOrganization"]["logo"]["width"] > 0


def test_open_graph_and_twitter_tags_are_present_and_absolute(client, publication):
    article = publication["articles"][0]
    tags = meta(client.get(article.url).content.decode())
    for key in (
        "og:title",
        "og:description",
        "og:url",
        "og:image",
        "og:site_name",
        "article:published_time",
        "twitter:card",
        "twitter:title",
        "twitter:image",
        "twitter:image:alt",
    ):
        assert tags.get(key), key
    assert tags["og:type"] == "article"
    assert tags["twitter:card"] == "summary_large_image"
    for key in ("og:url", "og:image", "twitter:image"):
        assert tags[key].startswith("http://testserver/"), key
    assert tags["og:url"] == f"http://testserver{article.url}"


def test_generated_social_card_is_1200_by_630_and_cached(client, publication):
    article = publication["articles"][0]
    image_url = meta(client.get(article.url).content.decode())["og:image"]
    path = image_url.removeprefix("http://testserver")
    first = client.get(path)
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    png = b"".join(first.streaming_content)
    with Image.open(io.BytesIO(png)) as card:
        assert card.size == (1200, 630)
    again = b"".join(client.get(path).streaming_content)
    assert again == png  # drawn once, then served from storage

    article.title = "A sharper headline"
    article.save_revision().publish()
    new_url = meta(client.get(article.url).content.decode())["og:image"]
    assert new_url != image_url  # a new headline gets a new card address


def test_a_custom_social_image_replaces_the_card(client, publication):
    article = publication["articles"][0]
    article.social_image = factories.make_image("Chosen card", size=(1600, 900))
    article.save_revision().publish()
    tags = meta(client.get(article.url).content.decode())
    assert "/media/images/" in tags["og:image"] and "1200x630" in tags["og:image"]


def test_cards_exist_only_for_live_articles(client, publication):
    draft = publication["articles"][0]
    draft.unpublish()
    assert client.get(f"/cards/{draft.pk}.png").status_code == 404
    assert client.get("/cards/999999.png").status_code == 404
