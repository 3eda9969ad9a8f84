"""Sitemaps for search engines: articles by month, sections, tags and authors.

An archive of a million articles must not be walked to answer the index:
articles are listed a month at a time (by first publication, in the site's
time zone), and the index reads each month's count and latest change from
one grouped query (``selectors.article_months``).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from broadsheet.core.visibility import visible_page_ids
from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import ArticlePage, Author


class ArticleSitemap(Sitemap):
    """The articles first published in one month."""

    limit = 5000  # URLs per sitemap page, well under the 50,000 the protocol allows

    def __init__(self, month: date | None = None):
        self.month = month

    def items(self):
        if self.month is None:
            articles = selectors.listed_articles()
        else:
            articles = selectors.month_articles(self.month)
        return articles.only(
            "url_path", "last_published_at", "first_published_at", "path", "depth"
        )

    def location(self, article):
        return article.url

    def lastmod(self, article):
        return article.last_published_at or article.first_published_at


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
