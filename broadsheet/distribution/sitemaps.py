"""Sitemaps for search engines: articles by month, sections, tags and authors.

An archive of a million articles must not be walked to answer the index:
articles are listed a month at a time (by first publication, in the site's
time zone), and the index reads each month's count and latest change from
one grouped query (``selectors.article_months``).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Site

from broadsheet.core.visibility import visible_page_ids
from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import ArticlePage, Author


class ArticleSitemap(Sitemap):
    """Articles (the news sitemap's; a month's are written by ``month_page``)."""

    limit = 5000  # URLs per sitemap page, well under the 50,000 the protocol allows

    def items(self):
        # The site's root, read once: Wagtail's page.url looks the site
        # roots up for every page (a cache read each).
        self.root = _default_root_path()
        return selectors.listed_articles().only(
            "url_path", "last_published_at", "first_published_at", "path", "depth"
        )

    def location(self, article):
        if self.root and article.url_path.startswith(self.root):
            return article.url_path[len(self.root) - 1 :]
        return article.url

    def lastmod(self, article):
        return article.last_published_at or article.first_published_at


def _default_root_path() -> str | None:
    """The url_path of the default site's root page: a page's address on
    that site is its url_path from there on."""
    default = Site.objects.filter(is_default_site=True)
    return default.values_list("root_page__url_path", flat=True).first()


class SectionSitemap(Sitemap):
    def items(self):
        visible = Q(articles__in=visible_page_ids(ArticlePage))
        return list(
            selectors.navigation_sections().annotate(
                latest=Max("articles__last_published_at", filter=visible)
            )
        )

    def location(self, section):
        return section.url

    def lastmod(self, section):
        return section.latest or section.last_published_at


class TagSitemap(Sitemap):
    def items(self):
        visible = visible_page_ids(ArticlePage)
        return (
            Tag.objects.filter(
                newsroom_articlepagetag_items__content_object__in=visible
            )
            .annotate(
                latest=Max(
                    "newsroom_articlepagetag_items__content_object__last_published_at"
                )
            )
            .order_by("name")
        )

    def location(self, tag):
        return reverse("newsroom:tag", args=[tag.slug])

    def lastmod(self, tag):
        return tag.latest


class AuthorSitemap(Sitemap):
    def items(self):
        return Author.objects.annotate(
            latest=Max(
                "articleauthor__page__last_published_at",
                filter=Q(articleauthor__page__in=visible_page_ids(ArticlePage)),
            )
        ).order_by("name")

    def lastmod(self, author):
        return author.latest


class NewsSitemap(ArticleSitemap):
    """Articles of the last 48 hours, in the news sitemap format."""

    limit = 1000  # the most a news sitemap may list

    def items(self):
        since = timezone.now() - timedelta(hours=NEWS_WINDOW_HOURS)
        return (
            super()
            .items()
            .filter(first_published_at__gte=since)
            .only(
                "url_path",
                "title",
                "first_published_at",
                "last_published_at",
                "path",
                "depth",
            )
        )


NEWS_WINDOW_HOURS = 48

# The sitemaps besides the months of articles.
SITEMAPS = {
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "news": NewsSitemap,
}


def month_page(month: date, page: int, base: str) -> str | None:
    """Page ``page`` (from 1) of the sitemap of ``month``'s articles as XML,
    or None past its last (its validators are the site's, set by
    core.caching). Written here rather than by Django's sitemap view
    and template, which took about half a millisecond an article: a month
    of a busy archive holds thousands."""
    if page < 1:
        return None
    limit = ArticleSitemap.limit
    rows = selectors.month_articles(month).values_list(
        "url_path", "last_published_at", "first_published_at", "pk"
    )[(page - 1) * limit : page * limit]
    rows = list(rows)
    if not rows:
        return None
    root = _default_root_path()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url_path, last_published, first_published, pk in rows:
        changed = last_published or first_published
        if root and url_path.startswith(root):
            location = base + url_path[len(root) - 1 :]
        else:  # a page of another site: Wagtail knows its address
            location = ArticlePage.objects.get(pk=pk).full_url
        lines.append(
            f"<url><loc>{escape(location)}</loc>"
            f"<lastmod>{timezone.localtime(changed):%Y-%m-%d}</lastmod></url>"
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class IndexEntry:
    location: str
    last_mod: datetime | None


def index_entries(base: str) -> list[IndexEntry]:
    """The index: every page of every month of articles, newest first, then
    the other sitemaps, each with its latest change. One grouped query."""
    entries, newest = [], None
    for row in selectors.article_months():
        month = row["month"]
        location = base + reverse(
            "distribution:article_sitemap", args=[f"{month:%Y}", f"{month:%m}"]
        )
        pages = math.ceil(row["articles"] / ArticleSitemap.limit)
        entries.append(IndexEntry(location, row["latest"]))
        entries.extend(
            IndexEntry(f"{location}?p={page}", row["latest"])
            for page in range(2, pages + 1)
        )
        newest = max(newest or row["latest"], row["latest"])
    # The others change with the articles they list: the latest change to
    # any article stands for theirs.
    entries.extend(
        IndexEntry(base + reverse("distribution:sitemap", args=[name]), newest)
        for name in SITEMAPS
    )
    return entries
