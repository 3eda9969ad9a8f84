"""RSS 2.0, Atom 1.0 and JSON Feed 1.1, all rendered from one list of entries."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

import nh3
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed

from broadsheet.core.chrome import content_version
from broadsheet.distribution.sources import FeedSource
from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import ArticlePage, ArticlePageTag

FEED_IMAGE_FILTER = "fill-1200x675|format-jpeg"
ENTRY_TIMEOUT = 24 * 60 * 60
# Queries a feed may make, whatever its number of items: with its entries
# cached (the content version, the site, the item ids, and the section, tag
# or author it follows), and with none cached (then also their cards,
# bylines, hero renditions, StreamFields and tags).
# Images inside a body are looked up per article on a cold render (Wagtail's
# StreamField), then come from the rendition cache.
QUERY_CEILINGS = {"cached": 4, "uncached": 9}
# What feed readers are given of an article: structure, links and images,
# nothing that needs the site's stylesheet or scripts.
_FEED_TAGS = {
    *("p", "br", "hr", "h2", "h3", "h4", "ol", "ul", "li", "blockquote", "q"),
    *("figure", "figcaption", "img", "a", "strong", "em", "b", "i", "cite"),
    *("code", "pre", "sub", "sup", "span", "time"),
}
_FEED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "time": {"datetime"},
    "blockquote": {"cite"},
}


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


def feed_html(html: str, url: str) -> str:
    """An article's HTML as feed readers need it.

    Links and images are made absolute against the article's ``url`` (readers
    resolve relative ones inconsistently, or not at all), and classes, roles,
    data attributes, srcsets and form controls are dropped: a reader has
    neither our stylesheet nor our scripts. The blocks' own templates render
    their feed form (``feed`` in their context) where it differs.
    """
    return nh3.clean(
        html,
        tags=_FEED_TAGS,
        clean_content_tags={"button", "select", "script", "style", "template"},
        attributes=_FEED_ATTRIBUTES,
        link_rel=None,
        url_relative=("rewrite_with_base", url),
    )


def entries_for(source: FeedSource, base: str, request) -> list[Entry]:
    """Return the feed's entries in a fixed number of queries, however many.

    An entry (the rendered article included) is built once per content
    version and kept in the per-process cache, so a feed polled all day
    renders each article once; only entries not cached fetch their cards.
    The content version is the key, not the article's revision: the body's
    blocks read other content too (images, episodes, linked pages), and the
    byline and categories come from authors and sections.
    """
    ids = source.item_ids()
    full = settings.FEED_FULL_CONTENT
    version = content_version(request).isoformat()
    keys = {
        pk: f"broadsheet:feed-entry:{pk}:{version}:{int(full)}:{base}" for pk in ids
    }
    cache = caches["local"]
    entries = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in entries]
    if missing:
        built = {
            keys[entry_pk]: entry
            for entry_pk, entry in _build_entries(
                selectors.cards_for(missing), base, request, full=full
            )
        }
        cache.set_many(built, ENTRY_TIMEOUT)
        entries.update(built)
    return [entries[keys[pk]] for pk in ids if keys[pk] in entries]


def _build_entries(articles: list, base: str, request, *, full: bool):
    # Cards leave the StreamFields out: fetch them for all articles in one query.
    fields = ("takeaways", "body") if full else ("takeaways",)
    streams = {
        row.pk: row
        for row in ArticlePage.objects.filter(
            pk__in=[article.pk for article in articles]
        ).only(*fields)
    }
    tags = _tag_names([article.pk for article in articles])
    for article in articles:
        row = streams.get(article.pk)
        for name in fields:
            setattr(article, name, getattr(row, name) if row else [])
        url = article.get_url(request)
        content = render_to_string(
            "distribution/feed_item.html",
            {"article": article, "full": full, "article_url": url, "feed": True},
        )
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
        yield (
            article.pk,
            Entry(
                # The page's translation key never changes, not even with the slug.
                guid=f"urn:uuid:{article.translation_key}",
                url=base + url,
                title=article.title,
                summary=article.standfirst,
                content_html=feed_html(content, base + url),
                published=article.first_published_at,
                updated=article.last_published_at or article.first_published_at,
                authors=[
                    {"name": author.name, "url": base + author.get_absolute_url()}
                    for author in article.authors
                ],
                categories=[article.section.title, *tags.get(article.pk, [])],
                image=image,
            ),
        )


def _tag_names(ids: list[int]) -> dict[int, list[str]]:
    """Each article's tag names, in the order they were added: one query."""
    names: dict[int, list[str]] = {}
    rows = (
        ArticlePageTag.objects.filter(content_object_id__in=ids)
        .order_by("pk")
        .values_list("content_object_id", "tag__name")
    )
    for pk, name in rows:
        names.setdefault(pk, []).append(name)
    return names


# XML 1.0 cannot carry these, escaped or not.
_XML_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _add_html_element(handler, name: str, html: str, attrs=None) -> None:
    """Write ``html`` as it is, in a CDATA section, as WordPress does.

    Escaping every ``<`` and ``>`` instead would make each full-text item
    about a tenth larger, on every poll of every feed reader.
    """
    handler.startElement(name, attrs or {})
    html = _XML_CONTROL_CHARACTERS.sub("", html).replace("]]>", "]]]]><![CDATA[>")
    handler.ignorableWhitespace(f"<![CDATA[{html}]]>")
    handler.endElement(name)


class _RssWithContent(Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:media": "http://search.yahoo.com/mrss/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        _add_html_element(handler, "content:encoded", item["content_html"])
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
        _add_html_element(handler, "content", item["content_html"], {"type": "html"})


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
