"""Read queries for reader pages. Each returns a bounded number of queries.

Cards (the article summaries in every listing) always come from
``article_cards()`` so their related rows are fetched in a fixed number of
queries however many cards a page shows.
"""

from django.apps import apps
from django.conf import settings
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

HOME_LATEST_COUNT = 9
SECTION_RAIL_COUNT = 4
RELATED_COUNT = 3


def _model(name: str):
    # Models import selectors; importing them lazily avoids a cycle.
    return apps.get_model("newsroom", name)


def page_size() -> int:
    return settings.LISTING_PAGE_SIZE


def article_cards() -> QuerySet:
    """Return live articles, newest first, with everything a card shows."""
    ArticlePage = _model("ArticlePage")
    ArticleAuthor = _model("ArticleAuthor")
    return (
        ArticlePage.objects.live()
        .defer_streamfields()
        .select_related("section", "hero_image")
        .prefetch_related(
            "hero_image__renditions",
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by(
                    "sort_order"
                ),
            ),
        )
        .order_by("-first_published_at", "-pk")
    )


def navigation_sections() -> QuerySet:
    return _model("SectionPage").objects.live().in_menu().order_by("path")


def front_page(*, lead: int | None) -> dict:
    """Return the lead story, the latest articles and a rail per section."""
    cards = article_cards()
    lead_article = cards.filter(pk=lead).first() if lead else None
    latest = list(cards[: HOME_LATEST_COUNT + 1])
    if lead_article is None and latest:
        lead_article = latest[0]
    latest = [a for a in latest if a.pk != getattr(lead_article, "pk", None)]
    latest = latest[:HOME_LATEST_COUNT]

    shown = {a.pk for a in latest} | {getattr(lead_article, "pk", None)}
    sections = list(navigation_sections())
    # One query for every rail: number each section's articles newest first
    # and keep the first few of each.
    ranked = (
        cards.exclude(pk__in=shown)
        .filter(section__in=sections)
        .annotate(
            rail_rank=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=(F("first_published_at").desc(), F("pk").desc()),
            )
        )
        .filter(rail_rank__lte=SECTION_RAIL_COUNT)
    )
    by_section: dict[int, list] = {}
    for article in ranked:
        by_section.setdefault(article.section_id, []).append(article)
    rails = [(s, by_section[s.pk]) for s in sections if by_section.get(s.pk)]
    return {"lead_article": lead_article, "latest_articles": latest, "rails": rails}


def latest_articles() -> QuerySet:
    return article_cards()


def section_articles(section) -> QuerySet:
    return article_cards().filter(section=section)


def tag_articles(tag) -> QuerySet:
    return article_cards().filter(tags=tag)


def author_articles(author) -> QuerySet:
    return article_cards().filter(article_authors__author=author)


def related_articles(article) -> list:
    """Return the newest other articles of the same section."""
    if article.section_id is None:
        return []
    return list(
        section_articles(article.section_id).exclude(pk=article.pk)[:RELATED_COUNT]
    )


def article_authors(article) -> list:
    """Return the article's authors in byline order, with their avatars.

    Goes through the page's own relation so that a preview shows the authors
    being edited rather than the published ones.
    """
    links = (
        article.article_authors.select_related("author__avatar")
        .prefetch_related("author__avatar__renditions")
        .order_by("sort_order")
    )
    return [link.author for link in links]
