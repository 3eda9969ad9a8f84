"""Read queries for reader pages. Each returns a bounded number of queries.

Cards (the article summaries in every listing) always come from
``article_cards()`` so their related rows are fetched in a fixed number of
queries however many cards a page shows. Listings choose ids with narrow
queries on ``listed_articles()`` and give templates lazy cards (cards.py):
a card whose HTML is cached never fetches its row.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, F, Max, Prefetch, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

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
    "home": 4,
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
RELATED_TOPICS_COUNT = 8
FRONT_PAGE_CHOICE_SECONDS = 24 * 60 * 60


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


def front_page(*, lead: int | None, version: datetime) -> dict:
    """Return the lead story, the latest articles and a rail per section.

    All three are lazy cards (cards.py): their rows are fetched together,
    once, only if one of their cards is not cached. Which articles and
    sections the page shows is chosen once per content ``version``, lead
    and process (``front_page_choice``).
    """
    depends_on(ARTICLES)
    choice = front_page_choice(lead, version)
    loader = CardLoader(cards_for)
    return {
        "lead_article": loader.card(choice.lead) if choice.lead else None,
        "latest_articles": loader.cards(choice.latest),
        "rails": [
            (section, loader.cards(choice.rails[section.pk]))
            for section in choice.sections
            if choice.rails[section.pk]
        ],
    }


@dataclass(frozen=True)
class FrontPageChoice:
    """Which articles and sections the front page shows, by id."""

    lead: int | None
    latest: list[int]
    sections: list
    rails: dict[int, list[int]]
    # The first moment a chosen article or section expires: from then on
    # the choice is wrong, whether or not anything else changed.
    valid_until: datetime | None


def front_page_choice(lead: int | None, version: datetime) -> FrontPageChoice:
    """Return the front page's choice for this content version, kept per process.

    Every change that can alter it (a publish, an unpublish, a move, a menu
    change) moves the content version; an expiry date passing does not, so
    a choice is dropped once one of its own pages expires. An article that
    was not chosen cannot change the choice by expiring.
    """
    cache = caches["local"]
    key = f"broadsheet:front-page:{lead or 0}:{version.isoformat()}"
    choice = cache.get(key)
    if choice is None or (
        choice.valid_until is not None and choice.valid_until <= timezone.now()
    ):
        choice = choose_front_page(lead)
        cache.set(key, choice, FRONT_PAGE_CHOICE_SECONDS)
    return choice


def choose_front_page(lead: int | None) -> FrontPageChoice:
    listed = listed_articles()
    expiries = []
    if lead:
        found = list(listed.filter(pk=lead).values_list("expire_at", flat=True))
        lead = lead if found else None
        expiries += found
    newest = list(listed.values_list("pk", "expire_at")[: HOME_LATEST_COUNT + 1])
    if lead is None and newest:
        lead = newest[0][0]
    latest = [(pk, expiry) for pk, expiry in newest if pk != lead][:HOME_LATEST_COUNT]
    expiries += [expiry for pk, expiry in newest if pk == lead]

    shown = {*(pk for pk, _ in latest), lead}
    sections = list(navigation_sections())
    rails = section_rails(listed.exclude(pk__in=shown), sections)
    expiries += [expiry for _, expiry in latest]
    expiries += [section.expire_at for section in sections]
    expiries += [expiry for rail in rails.values() for _, expiry in rail]
    return FrontPageChoice(
        lead=lead,
        latest=[pk for pk, _ in latest],
        sections=sections,
        rails={pk: [article for article, _ in rail] for pk, rail in rails.items()},
        valid_until=min(filter(None, expiries), default=None),
    )


def section_rails(
    candidates: QuerySet, sections: list
) -> dict[int, list[tuple[int, datetime | None]]]:
    """Return each section's newest candidates, a rail's worth each, as
    (id, expiry date) pairs.

    One narrow query walks the publication-date index over the newest
    articles and deals them out; only a section with nothing that recent (a
    dormant desk) costs a query of its own.
    """
    window = RAIL_CANDIDATES_PER_SECTION * max(1, len(sections))
    recent = list(candidates.values_list("section_id", "pk", "expire_at")[:window])
    rails: dict[int, list] = {section.pk: [] for section in sections}
    for section_id, pk, expiry in recent:
        rail = rails.get(section_id)
        if rail is not None and len(rail) < SECTION_RAIL_COUNT:
            rail.append((pk, expiry))
    if len(recent) == window:
        for section in sections:
            if len(rails[section.pk]) < SECTION_RAIL_COUNT:
                rails[section.pk] = list(
                    candidates.filter(section=section).values_list("pk", "expire_at")[
                        :SECTION_RAIL_COUNT
                    ]
                )
    return rails


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


def topics() -> list[dict]:
    """Every tag on an article readers may see, with how many, by name."""
    depends_on(ARTICLES)
    return list(_tag_counts(listed_articles()).order_by("name"))


def related_topics(tag, version: datetime) -> list[dict]:
    """The tags most often found on the same articles as ``tag``.

    Kept per content version, like the chrome: the tag page's ceiling stays
    at its listing's queries.
    """
    articles = tag_articles(tag)  # records the dependency, cached or not
    key = f"broadsheet:related-topics:{tag.pk}:{version.isoformat()}"
    cache = caches["local"]
    topics = cache.get(key)
    if topics is None:
        rows = _tag_counts(articles).exclude(tag=tag).order_by("-count", "name")
        topics = list(rows[:RELATED_TOPICS_COUNT])
        cache.set(key, topics, 24 * 60 * 60)
    return topics


def _tag_counts(articles: QuerySet) -> QuerySet:
    """Name, slug and number of articles of each tag on ``articles``: one query."""
    return (
        _model("ArticlePageTag")
        .objects.filter(content_object__in=articles.order_by().values("pk"))
        .values(name=F("tag__name"), slug=F("tag__slug"))
        .annotate(count=Count("pk"))
    )


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


def paginate_cards(request, queryset, *, deep: bool = False):
    """Return the requested listing page of ``queryset``, as lazy cards by id.

    A listing stops at LISTING_MAX_PAGES (its last page leads to the
    archive, ``page.archive_url``), unless it is ``deep``: a month of the
    archive, whose pages are a range of one month however old.
    """
    deepest = None if deep else settings.LISTING_MAX_PAGES
    ids = queryset.values_list("pk", flat=True)
    page = paginate(request, ids, page_size(), deepest=deepest)
    page.object_list = lazy_cards(page.object_list, cards_for)
    past_the_last = page.number == deepest and page.paginator.goes_deeper
    page.archive_url = reverse("newsroom:archive") if past_the_last else ""
    return page


def month_from(year: str, month: str) -> date | None:
    """The month an address names (``2026``, ``11``), or None where there
    can be no articles: a month out of 1-12, or a year out of range."""
    if not 1 <= int(month) <= 12 or not 1 <= int(year) < 9999:
        return None
    return date(int(year), int(month), 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of ``month`` and of the month after, in the site's
    time zone."""
    zone = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=zone)
    return start, (start + timedelta(days=32)).replace(day=1)


def article_months() -> list[dict]:
    """Every month with articles a reader may see, newest first: ``month``
    (its first instant, in the site's time zone), ``articles`` (how many)
    and ``latest`` (the latest change to one of them). One grouped query,
    whatever the size of the archive."""
    depends_on(ARTICLES)
    zone = timezone.get_current_timezone()
    rows = (
        visible_pages(_model("ArticlePage").objects.all())
        .annotate(month=TruncMonth("first_published_at", tzinfo=zone))
        .values("month")
        .annotate(
            articles=Count("pk"),
            latest=Max(Coalesce("last_published_at", "first_published_at")),
        )
        .order_by("-month")
    )
    return [{**row, "month": timezone.localtime(row["month"], zone)} for row in rows]


def month_articles(month: date) -> QuerySet:
    """The articles a reader may see first published in ``month``, newest first."""
    depends_on(dependencies.month_list(month.year, month.month))
    start, end = month_bounds(month)
    return listed_articles().filter(
        first_published_at__gte=start, first_published_at__lt=end
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
