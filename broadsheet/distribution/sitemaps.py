"""Sitemaps for search engines: articles, sections, tags and authors."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from broadsheet.core.visibility import visible_page_ids, visible_pages
from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import ArticlePage, Author


class ArticleSitemap(Sitemap):
    limit = 5000  # URLs per sitemap page, well under the 50,000 the protocol allows

    def items(self):
        return (
            visible_pages(ArticlePage.objects.all())
            .only(
                "url_path", "last_published_at", "first_published_at", "path", "depth"
            )
            .order_by("-first_published_at", "-pk")
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

SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "news": NewsSitemap,
}
