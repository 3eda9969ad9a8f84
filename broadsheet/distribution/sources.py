"""What a feed is about: the whole site, a section, a tag or an author.

Each source knows its title, its page and its articles; the RSS, Atom and
JSON Feed renderers in feeds.py all read from the same source, so the three
formats cannot disagree.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from taggit.models import Tag

from broadsheet.core.pagecache.keys import depends_on_pages
from broadsheet.core.visibility import visible_pages
from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import Author, SectionPage

KINDS = ("site", "section", "tag", "author")


@dataclass
class FeedSource:
    kind: str
    slug: str
    title: str
    description: str
    page_path: str
    articles: QuerySet

    def feed_path(self, format_name: str) -> str:
        if self.kind == "site":
            return reverse(f"distribution:site_{format_name}")
        return reverse(
            f"distribution:{format_name}", kwargs={"kind": self.kind, "slug": self.slug}
        )

    def item_ids(self) -> list[int]:
        ids = list(
            self.articles.values_list("pk", flat=True)[: settings.FEED_ITEM_COUNT]
        )
        # Cached entries or not, the feed shows these articles (page cache).
        depends_on_pages(ids)
        return ids

    def items(self) -> list:
        return selectors.cards_for(self.item_ids())


def feed_source(
    kind: str, slug: str = "", *, site_name: str, tagline: str
) -> FeedSource:
    if kind == "site":
        return FeedSource(
            "site", "", site_name, tagline, "/", selectors.latest_articles()
        )
    if kind == "section":
        section = get_object_or_404(visible_pages(SectionPage.objects.all()), slug=slug)
        return FeedSource(
            kind,
            slug,
            f"{section.title} · {site_name}",
            section.intro or tagline,
            section.url,
            selectors.section_articles(section),
        )
    if kind == "tag":
        tag = get_object_or_404(Tag, slug=slug)
        return FeedSource(
            kind,
            slug,
            f"{tag.name.capitalize()} · {site_name}",
            f"Articles tagged {tag.name}.",
            reverse("newsroom:tag", args=[slug]),
            selectors.tag_articles(tag),
        )
    if kind == "author":
        author = get_object_or_404(Author, slug=slug)
        return FeedSource(
            kind,
            slug,
            f"{author.name} · {site_name}",
            author.role or f"Articles by {author.name}.",
            author.get_absolute_url(),
            selectors.author_articles(author),
        )
    raise Http404("No such feed.")
