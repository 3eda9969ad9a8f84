"""RSS 2.0, Atom 1.0 and JSON Feed 1.1, all rendered from one list of entries."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed

from broadsheet.distribution.sources import FeedSource

FEED_IMAGE_FILTER = "fill-1200x675|format-jpeg"
_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


@dataclass
class Entry:
    guid: str
    url: str
    title: str
    summary: str
    content_html: str
    published: datetime
    updated: datetime
    authors: list[dict]
    categories: list[str]
    image: dict | None = None
    extra: dict = field(default_factory=dict)


def absolute_html(html: str, base: str) -> str:
    """Make the site's own links and images absolute, as feed readers need."""
    return _RELATIVE.sub(lambda m: f"{m.group(1)}{base}/", html)


def entries_for(source: FeedSource, base: str) -> list[Entry]:
    entries = []
    for article in source.items():
        image = None
        if article.hero_image_id:
            rendition = article.hero_image.get_rendition(FEED_IMAGE_FILTER)
            image = {
                "url": base + rendition.url,
                "width": rendition.width,
                "height": rendition.height,
                "length": rendition.file.size,
                "type": "image/jpeg",
                "alt": article.hero_alt_text,
            }
        summary = article.standfirst
        content = render_to_string(
            "distribution/feed_item.html",
            {"article": article, "full": settings.FEED_FULL_CONTENT},
        )
        entries.append(
            Entry(
                # The page's translation key never changes, not even with the slug.
                guid=f"urn:uuid:{article.translation_key}",
                url=base + article.url,
                title=article.title,
                summary=summary,
                content_html=absolute_html(content, base),
                published=article.first_published_at,
                updated=article.last_published_at or article.first_published_at,
                authors=[
                    {"name": author.name, "url": base + author.get_absolute_url()}
                    for author in article.authors
                ],
                categories=[article.section.title, *article.tags.names()],
                image=image,
            )
        )
    return entries


class _RssWithContent(Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:media": "http://search.yahoo.com/mrss/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])
        if item["image"]:
            image = item["image"]
            handler.addQuickElement(
                "media:content",
                "",
                {
                    "url": image["url"],
                    "medium": "image",
                    "type": image["type"],
                    "width": str(image["width"]),
                    "height": str(image["height"]),
                },
            )


class _AtomWithContent(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


def _xml_feed(generator_class, source, entries, base, self_url, language):
    feed = generator_class(
        title=source.title,
        link=base + source.page_path,
        description=source.description,
        language=language,
        feed_url=self_url,
        feed_guid=base + source.page_path,
    )
    for entry in entries:
        enclosures = []
        if entry.image:
            image = entry.image
            enclosures = [Enclosure(image["url"], str(image["length"]), image["type"])]
        feed.add_item(
            title=entry.title,
            link=entry.url,
            description=entry.summary,
            unique_id=entry.guid,
            unique_id_is_permalink=False,
            pubdate=entry.published,
            updateddate=entry.updated,
            author_name=", ".join(a["name"] for a in entry.authors),
            categories=entry.categories,
            enclosures=enclosures,
            content_html=entry.content_html,
            image=entry.image,
        )
    return feed.writeString("utf-8")


def rss(source, entries, base, self_url, language) -> HttpResponse:
    body = _xml_feed(_RssWithContent, source, entries, base, self_url, language)
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")


def atom(source, entries, base, self_url, language) -> HttpResponse:
    body = _xml_feed(_AtomWithContent, source, entries, base, self_url, language)
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


def json_feed(source, entries, base, self_url, language) -> HttpResponse:
    items = []
    for entry in entries:
        item = {
            "id": entry.guid,
            "url": entry.url,
            "title": entry.title,
            "summary": entry.summary,
            "content_html": entry.content_html,
            "date_published": entry.published.isoformat(),
            "date_modified": entry.updated.isoformat(),
            "authors": entry.authors,
            "tags": entry.categories,
        }
        if entry.image:
            item["image"] = entry.image["url"]
            item["attachments"] = [
                {
                    "url": entry.image["url"],
                    "mime_type": entry.image["type"],
                    "size_in_bytes": entry.image["length"],
                }
            ]
        items.append(item)
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": source.title,
        "home_page_url": base + source.page_path,
        "feed_url": self_url,
        "description": source.description,
        "language": language,
        "icon": base + "/icons/icon-512.png",
        "favicon": base + "/icons/icon-192.png",
        "items": items,
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/feed+json; charset=utf-8",
    )


RENDERERS = {"rss": rss, "atom": atom, "json": json_feed}
