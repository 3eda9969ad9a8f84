"""Search: the articles a reader may see that match a query, with filters.

One SQL statement per results page does everything: the index's matches
(engine.py) are kept once (a materialised CTE), narrowed to the articles a
reader may see (``newsroom.selectors.listed_articles``, the one rule), and
from that set come the page of results, the total and each filter's counts.
A draft, an unpublished, expired or restricted article is never found,
whatever the index holds.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from broadsheet.core.pagecache.keys import depends_on
from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    ArticlePageTag,
    Author,
)
from broadsheet.search import engine
from broadsheet.search.query import ParsedQuery

# Page cache key of every results page: purged when the index changes.
SEARCH_KEY = "search"
FACET_SIZE = 10
SUGGESTIONS = 8
PERIODS = {"week": 7, "month": 31, "year": 366}
PERIOD_NAMES = {
    "week": _("Past week"),
    "month": _("Past month"),
    "year": _("Past year"),
}


@dataclass(frozen=True)
class Filters:
    section: str = ""  # slugs
    tag: str = ""
    author: str = ""
    period: str = ""  # "week", "month", "year" or "" (see dates)
    start: date | None = None
    end: date | None = None

    def active(self) -> dict:
        return {name: value for name, value in vars(self).items() if value}


@dataclass
class Facets:
    sections: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    periods: list[dict] = field(default_factory=list)


@dataclass
class Found:
    total: int
    ids: list[int]
    facets: Facets


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _conditions(filters: Filters) -> dict[str, tuple[str, list]]:
    """Each active filter as SQL on a candidate ``c``, by facet name."""
    conditions = {}
    if filters.section:
        conditions["section"] = (
            f"c.section_id IN (SELECT id FROM {_table(Page)} WHERE slug = %s)",
            [filters.section],
        )
    if filters.tag:
        tagged = ArticlePageTag.objects.filter(tag__slug=filters.tag)
        sql, params = _sql(tagged.values("content_object_id"))
        conditions["tag"] = (f"c.id IN ({sql})", params)
    if filters.author:
        bylines = ArticleAuthor.objects.filter(author__slug=filters.author)
        sql, params = _sql(bylines.values("page_id"))
        conditions["author"] = (f"c.id IN ({sql})", params)
    dates, params = [], []
    if filters.period in PERIODS:
        dates.append("c.published >= %s")
        params.append(timezone.now() - timedelta(days=PERIODS[filters.period]))
    if filters.start:
        dates.append("c.published >= %s")
        params.append(_day_start(filters.start))
    if filters.end:
        dates.append("c.published < %s")
        params.append(_day_start(filters.end + timedelta(days=1)))
    if dates:
        conditions["period"] = (" AND ".join(dates), params)
    return conditions


def _where(conditions, without: str = "") -> tuple[str, list]:
    chosen = [value for name, value in conditions.items() if name != without]
    if not chosen:
        return "", []
    sql = " WHERE " + " AND ".join(f"({s})" for s, _ in chosen)
    return sql, [p for _, params in chosen for p in params]


def _candidates(query: ParsedQuery) -> tuple[str, list]:
    """The CTEs: the index's matches, then those a reader may see."""
    matched, matched_params = engine.matches(ArticlePage, query)
    visible = (
        selectors.listed_articles()
        .filter(pk__in=RawSQL("SELECT id FROM search_matched", []))
        .order_by()
        .values(
            found_id=F("pk"),
            found_section=F("section_id"),
            found_published=F("first_published_at"),
        )
    )
    visible_sql, visible_params = _sql(visible)
    sql = (
        f"WITH search_matched AS MATERIALIZED ({matched}), "
        "search_candidates AS MATERIALIZED ("
        "SELECT v.found_id AS id, v.found_section AS section_id, "
        "v.found_published AS published, m.score AS score "
        f"FROM ({visible_sql}) v JOIN search_matched m ON m.id = v.found_id) "
    )
    return sql, [*matched_params, *visible_params]


def _facet_sql(kind, join, key, label, conditions, without) -> tuple[str, list]:
    where, params = _where(conditions, without)
    sql = (
        f"SELECT * FROM (SELECT '{kind}' AS kind, {key} AS found_key, "
        f"{label} AS label, COUNT(DISTINCT c.id) AS found_value "
        f"FROM search_candidates c {join}{where} GROUP BY {key}, {label} "
        f"ORDER BY found_value DESC, label LIMIT {FACET_SIZE}) AS {kind}_facet"
    )
    return sql, params


def search(
    query: ParsedQuery, filters: Filters, *, newest: bool, offset: int, limit: int
) -> Found:
    """Return the total, the ids of one page of results and the filters' counts.

    Best match first (the index's score, then the newest), or newest first.
    Each facet leaves its own filter out, so a reader can switch sections
    without first clearing the one chosen.
    """
    depends_on(SEARCH_KEY)
    conditions = _conditions(filters)
    sql, params = _candidates(query)
    parts = []

    where, where_params = _where(conditions)
    order = (
        "published DESC, id DESC" if newest else "score DESC, published DESC, id DESC"
    )
    parts.append(
        (
            "SELECT 'total' AS kind, CAST(NULL AS TEXT) AS found_key, "
            "CAST(NULL AS TEXT) AS label, COUNT(*) AS found_value "
            f"FROM search_candidates c{where}",
            where_params,
        )
    )
    parts.append(
        (
            "SELECT * FROM (SELECT 'hit' AS kind, CAST(c.id AS TEXT) AS found_key, "
            "CAST(NULL AS TEXT) AS label, "
            f"ROW_NUMBER() OVER (ORDER BY {order}) AS found_value "
            f"FROM search_candidates c{where} ORDER BY {order} "
            "LIMIT %s OFFSET %s) AS hits",
            [*where_params, limit, offset],
        )
    )
    page, tagged, byline = _table(Page), _table(ArticlePageTag), _table(ArticleAuthor)
    tag, author = _table(ArticlePageTag.tag.field.related_model), _table(Author)
    parts.append(
        _facet_sql(
            "section", f"JOIN {page} s ON s.id = c.section_id", "s.slug", "s.title",
            conditions, "section",
        )
    )  # fmt: skip
    parts.append(
        _facet_sql(
            "tag",
            f"JOIN {tagged} t ON t.content_object_id = c.id "
            f"JOIN {tag} g ON g.id = t.tag_id",
            "g.slug", "g.name", conditions, "tag",
        )
    )  # fmt: skip
    parts.append(
        _facet_sql(
            "author",
            f"JOIN {byline} b ON b.page_id = c.id "
            f"JOIN {author} w ON w.id = b.author_id",
            "w.slug", "w.name", conditions, "author",
        )
    )  # fmt: skip
    where, where_params = _where(conditions, "period")
    now = timezone.now()
    for name, days in PERIODS.items():
        since = "c.published >= %s"
        clause = f"{where} AND {since}" if where else f" WHERE {since}"
        parts.append(
            (
                f"SELECT 'period' AS kind, '{name}' AS found_key, "
                "CAST(NULL AS TEXT) AS label, COUNT(*) AS found_value "
                f"FROM search_candidates c{clause}",
                [*where_params, now - timedelta(days=days)],
            )
        )
    sql += " UNION ALL ".join(part for part, _ in parts)
    params += [p for _, part_params in parts for p in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _found(rows)


def _found(rows) -> Found:
    total, hits, facets = 0, [], Facets()
    lists = {"section": facets.sections, "tag": facets.tags, "author": facets.authors}
    for kind, key, label, value in rows:
        if kind == "total":
            total = value
        elif kind == "hit":
            hits.append((value, int(key)))
        elif kind == "period":
            facets.periods.append(
                {"slug": key, "name": PERIOD_NAMES[key], "count": value}
            )
        else:
            lists[kind].append({"slug": key, "name": label, "count": value})
    for rows_of_kind in lists.values():
        rows_of_kind.sort(key=lambda row: (-row["count"], row["name"]))
    order = list(PERIODS)
    facets.periods.sort(key=lambda row: order.index(row["slug"]))
    return Found(total, [pk for _, pk in sorted(hits)], facets)


def suggestions(request, words: tuple[str, ...]) -> list[dict]:
    """Headlines that start with what the reader typed, newest first."""
    depends_on(SEARCH_KEY)
    ids = engine.headline_prefix(ArticlePage, words)
    articles = selectors.listed_articles().filter(pk__in=ids).select_related("section")
    return [
        {
            "title": article.title,
            "url": article.get_url(request),
            "section": article.section.title,
        }
        for article in articles.only("title", "url_path", "section__title")[
            :SUGGESTIONS
        ]
    ]
