"""Read queries for reader pages. Each returns a bounded number of queries.

Cards (the article summaries in every listing) always come from
``article_cards()`` so their related rows are fetched in a fixed number of
queries however many cards a page shows. Listings choose ids with narrow
queries on ``listed_articles()`` and give templates lazy cards (cards.py):
a card whose HTML is cached never fetches its row.
"""

from django.apps import apps
from django.conf import settings
from django.db.models import Prefetch, QuerySet

from broadsheet.core.pagecache.keys import ARTICLES, depends_on, depends_on_pages
from broadsheet.core.pagination import paginate
from broadsheet.core.visibility import visible_pages
from broadsheet.newsroom import dependencies
from broadsheet.newsroom.cards import CardLoader, lazy_cards
from broadsheet.newsroom.extensions import annotate_cards

# Most queries one reader page may make, whatever the number of articles,
# once its fragments (chrome, cards, related rail) are cached for the current
# content version. The first render after a content change fetches its cards'
# rows too, at most CARD_FETCH_QUERIES more (cards.py).
# Asserted by newsroom/tests/test_query_counts.py and reported by bench/run.py.
QUERY_CEILINGS = {
    "home": 7,
    "section": 6,
    "tag": 4,
    "author": 4,
    "latest": 3,
    "article": 4,
}
CARD_FETCH_QUERIES = 3  # the cards, their authors, their hero images' renditions
HOME_LATEST_COUNT = 9
SECTION_RAIL_COUNT = 4
RAIL_CANDIDATES_PER_SECTION = 60
RELATED_COUNT = 3


def _model(name: str):
    # Models import selectors; importing them lazily avoids a cycle.
    return apps.get_model("newsroom", name)


def page_size() -> int:
    return settings.LISTING_PAGE_SIZE


def article_cards() -> QuerySet:
    """Return the articles readers may see, newest first, with what a card shows.

    Other apps add their own annotations through ``extensions`` (comments adds
    ``comment_count``).
    """
    ArticlePage = _model("ArticlePage")
    ArticleAuthor = _model("ArticleAuthor")
    return annotate_cards(
        visible_pages(ArticlePage.objects.defer_streamfields())
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


def listed_articles() -> QuerySet:
    """Return the articles readers may see, newest first, for choosing ids."""
    return visible_pages(_model("ArticlePage").objects.all()).order_by(
        "-first_published_at", "-pk"
    )


def navigation_sections() -> QuerySet:
    return visible_pages(_model("SectionPage").objects.in_menu()).order_by("path")


def front_page(*, lead: int | None) -> dict:
    """Return the lead story, the latest articles and a rail per section.

    All three are lazy cards (cards.py): their rows are fetched together,
    once, only if one of their cards is not cached.
    """
    depends_on(ARTICLES)
    listed = listed_articles()
    if lead and not listed.filter(pk=lead).exists():
        lead = None
    latest = list(listed.values_list("pk", flat=True)[: HOME_LATEST_COUNT + 1])
    if lead is None and latest:
        lead = latest[0]
    latest = [pk for pk in latest if pk != lead][:HOME_LATEST_COUNT]

    shown = {*latest, lead}
    sections = list(navigation_sections())
    rail_ids = rail_article_ids(listed.exclude(pk__in=shown), sections)
    loader = CardLoader(cards_for)
    return {
        "lead_article": loader.card(lead) if lead else None,
        "latest_articles": loader.cards(latest),
        "rails": [
            (section, loader.cards(rail_ids[section.pk]))
            for section in sections
            if rail_ids[section.pk]
        ],
    }


def rail_article_ids(candidates: QuerySet, sections: list) -> dict[int, list[int]]:
    """Return the ids of each section's newest candidates, a rail's worth each.

    One narrow query walks the publication-date index over the newest
    articles and deals them out; only a section with nothing that recent (a
    dormant desk) costs a query of its own.
    """
    window = RAIL_CANDIDATES_PER_SECTION * max(1, len(sections))
    recent = list(candidates.values_list("section_id", "pk")[:window])
    rail_ids: dict[int, list[int]] = {section.pk: [] for section in sections}
    for section_id, pk in recent:
        ids = rail_ids.get(section_id)
        if ids is not None and len(ids) < SECTION_RAIL_COUNT:
            ids.append(pk)
    if len(recent) == window:
        for section in sections:
            if len(rail_ids[section.pk]) < SECTION_RAIL_COUNT:
                rail_ids[section.pk] = list(
                    candidates.filter(section=section).values_list("pk", flat=True)[
                        :SECTION_RAIL_COUNT
                    ]
                )
    return rail_ids


# Listings: narrow querysets to take ids from (``cards_for`` fetches the
# cards). Each records which list it shows, for the page cache: a change to
# that list (a new article, one withdrawn or moved) purges the response.
def latest_articles() -> QuerySet:
    depends_on(ARTICLES)
    return listed_articles()


def section_articles(section) -> QuerySet:
    depends_on(dependencies.section_list(getattr(section, "pk", section)))
    return listed_articles().filter(section=section)


def tag_articles(tag) -> QuerySet:
    depends_on(dependencies.tag_list(tag.pk))
    return listed_articles().filter(tags=tag)


def author_articles(author) -> QuerySet:
    depends_on(dependencies.author_list(author.pk))
    return listed_articles().filter(article_authors__author=author)


def related_articles(article) -> list:
    """Return the newest other articles of the same section."""
    if article.section_id is None:
        return []
    others = section_articles(article.section_id).exclude(pk=article.pk)
    return cards_for(others.values_list("pk", flat=True)[:RELATED_COUNT])


def cards_for(ids) -> list:
    """Return the cards for ``ids`` (in that order).

    Choosing ids first sorts narrow rows rather than whole cards, which keeps
    listings fast in a large archive.
    """
    ids = list(ids)
    by_pk = {card.pk: card for card in article_cards().filter(pk__in=ids)}
    cards = [by_pk[pk] for pk in ids if pk in by_pk]
    shows(*cards)
    return cards


def shows(*cards) -> None:
    """Record that the response shows these cards (their articles' page keys)."""
    depends_on_pages(card.pk for card in cards if card is not None)


def paginate_cards(request, queryset):
    """Return the requested listing page of ``queryset``, as lazy cards by id."""
    page = paginate(request, queryset.values_list("pk", flat=True), page_size())
    page.object_list = lazy_cards(page.object_list, cards_for)
    return page


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
