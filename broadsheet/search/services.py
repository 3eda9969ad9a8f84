"""Search: the articles a reader may see that match a query, with filters.

One SQL statement per results page does everything. A search reads at most
``WINDOW`` matches, newest first, from the search documents (models.py): a
query that finds half the archive costs what one that finds a thousand
does. Those matches are narrowed to the articles a reader may see
(``newsroom.selectors.listed_articles``, the one rule), and from them come
the total (exact up to ``WINDOW``, then "more than"), the page of results
and each filter's counts. A draft, an unpublished, expired or restricted
article is never found, whatever the index holds.

Relevance ranks within that window: headline matches first, by how well
the headline matches, then the other matches, newest first. (A second
window of the newest headline matches, however old, cost as much again,
and reading a rare headline word's few matches meant walking the archive.)
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
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
from broadsheet.search.models import SearchDocument
from broadsheet.search.query import ParsedQuery

# Page cache key of every results page: purged when the index changes.
SEARCH_KEY = "search"
# Matches read per search (and per filter's counts), newest first.
WINDOW = 1000
FACET_SIZE = 10
SUGGESTIONS = 8
PERIODS = {"week": 7, "month": 31, "year": 366}
PERIOD_NAMES = {
    "week": _("Past week"),
    "month": _("Past month"),
    "year": _("Past year"),
}
FACETS = ("section", "tag", "author", "period")


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
    # The counts cover only the newest WINDOW matches of some filter.
    sampled: bool = False


@dataclass
class Found:
    total: int  # at most WINDOW
    ids: list[int]
    facets: Facets
    more: bool = False  # more than WINDOW matches: total is WINDOW


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _one_of(ids: str, model, slug: str, pages) -> tuple[str, list]:
    """Documents with the tag or author ``slug`` (a row of ``model``).

    PostgreSQL tests the document's own ``ids`` array through its GIN index,
    which it can combine with the match; the ids are looked up first, so the
    planner sees them and can tell a tag on every article from a rare one.
    SQLite looks in ``pages``, a queryset of the article ids that have it.
    """
    if connection.vendor == "postgresql":
        found = list(model.objects.filter(slug=slug).values_list("pk", flat=True))
        kind = model._meta.pk.db_type(connection)  # the array holds these ids
        return f"d.{ids} && CAST(%s AS {kind}[])", [found]
    sql, params = _sql(pages)
    return f"d.page_id IN ({sql})", params


def _conditions(filters: Filters) -> dict[str, tuple[str, list]]:
    """Each active filter as SQL on a search document ``d``, by facet name."""
    conditions = {}
    if filters.section:
        # One value, not a set: the planner then knows how many documents
        # a section holds (an IN list it took for one).
        conditions["section"] = (
            f"d.section_id = (SELECT id FROM {_table(Page)} WHERE slug = %s)",
            [filters.section],
        )
    if filters.tag:
        tagged = ArticlePageTag.objects.filter(tag__slug=filters.tag)
        conditions["tag"] = _one_of(
            "tag_ids",
            ArticlePageTag.tag.field.related_model,
            filters.tag,
            tagged.values("content_object_id"),
        )
    if filters.author:
        bylines = ArticleAuthor.objects.filter(author__slug=filters.author)
        conditions["author"] = _one_of(
            "author_ids", Author, filters.author, bylines.values("page_id")
        )
    dates, params = [], []
    if filters.period in PERIODS:
        dates.append("d.published >= %s")
        params.append(timezone.now() - timedelta(days=PERIODS[filters.period]))
    if filters.start:
        dates.append("d.published >= %s")
        params.append(_day_start(filters.start))
    if filters.end:
        dates.append("d.published < %s")
        params.append(_day_start(filters.end + timedelta(days=1)))
    if dates:
        conditions["period"] = (" AND ".join(dates), params)
    return conditions


def _visible() -> tuple[str, list]:
    """The ids of the articles readers may see (the one rule), as SQL."""
    return _sql(selectors.listed_articles().order_by().values("pk"))


def _window(name: str, match, conditions, visible, *, without="", score=None):
    """A CTE of the newest WINDOW + 1 documents that ``match`` and pass every
    filter but ``without``, narrowed to ``visible`` (what readers may see).

    ``score`` (SQL on the window's rows ``w``) is computed for those rows
    only, after the window is cut.
    """
    # Filters first: PostgreSQL tests conditions of equal cost in the order
    # written, and a document's ids are cheaper to read than its words.
    chosen = [v for k, v in conditions.items() if k != without] + [match]
    where = " AND ".join(f"({sql})" for sql, _ in chosen)
    params = [p for _, chosen_params in chosen for p in chosen_params]
    score_sql, score_params = score or ("0.0", [])
    # Counts read PostgreSQL's tag and author ids; its score reads the headline.
    kept = "id, section_id, published"
    read = "d.page_id AS id, d.section_id, d.published"
    if connection.vendor == "postgresql":
        kept += ", tag_ids, author_ids"
        read += ", d.tag_ids, d.author_ids" + (", d.headline" if score else "")
    sql = (
        f"{name} AS MATERIALIZED (SELECT {kept}, {score_sql} AS score FROM "
        f"(SELECT {read} FROM {_table(SearchDocument)} d WHERE {where} "
        f"ORDER BY d.published DESC, d.page_id DESC LIMIT {WINDOW + 1}"
        f") w WHERE w.id IN ({visible[0]}))"
    )
    # In the order they appear: the score, the match and filters, visibility.
    return sql, [*score_params, *params, *visible[1]]


def _counted(source: str) -> str:
    """A CTE of the rows of a window that counts read: its newest WINDOW."""
    return (
        f"{source}_counted AS MATERIALIZED (SELECT * FROM {source} "
        f"ORDER BY published DESC, id DESC LIMIT {WINDOW})"
    )


def _facet_counts(kind: str, source: str) -> str:
    """SQL of (key_id, n): how many of a window's counted rows have each
    section, tag or author."""
    counted = f"{source}_counted"
    if kind == "section":
        return f"SELECT section_id AS key_id, COUNT(*) AS n FROM {counted} GROUP BY 1"
    if connection.vendor == "postgresql":
        return (
            f"SELECT key_id, COUNT(DISTINCT c.id) AS n FROM {counted} c "
            f"CROSS JOIN LATERAL unnest(c.{kind}_ids) AS key_id GROUP BY key_id"
        )
    through, column = {
        "tag": (ArticlePageTag, "content_object_id"),
        "author": (ArticleAuthor, "page_id"),
    }[kind]
    return (
        f"SELECT t.{kind}_id AS key_id, COUNT(DISTINCT c.id) AS n FROM {counted} c "
        f"JOIN {_table(through)} t ON t.{column} = c.id GROUP BY t.{kind}_id"
    )


def _facet_sql(kind: str, source: str) -> str:
    """The FACET_SIZE most frequent sections, tags or authors of a window."""
    model, label = {
        "section": (Page, "title"),
        "tag": (ArticlePageTag.tag.field.related_model, "name"),
        "author": (Author, "name"),
    }[kind]
    counts = _facet_counts(kind, source)
    return (
        f"SELECT * FROM (SELECT '{kind}' AS kind, o.slug AS found_key, "
        f"o.{label} AS label, x.n AS found_value FROM ({counts}) x "
        f"JOIN {_table(model)} o ON o.id = x.key_id "
        f"ORDER BY found_value DESC, label LIMIT {FACET_SIZE}) AS {kind}_facet"
    )


def search(
    query: ParsedQuery, filters: Filters, *, newest: bool, offset: int, limit: int
) -> Found:
    """Return the total, the ids of one page of results and the filters' counts.

    Best match first (headline matches, ranked, then the newest), or newest
    first. Each facet leaves its own filter out, so a reader can switch
    sections without first clearing the one chosen.
    """
    depends_on(SEARCH_KEY)
    limit = max(0, min(limit, WINDOW - offset))  # results past the window: none
    conditions = _conditions(filters)
    visible = _visible()
    match = engine.document_match(ArticlePage, query)
    score = None if newest else engine.headline_score(ArticlePage, query, "w")
    ctes = [_window("search_main", match, conditions, visible, score=score)]
    # Each active filter's counts come from a window without that filter.
    source = dict.fromkeys(FACETS, "search_main")
    for kind in conditions:
        source[kind] = f"search_without_{kind}"
        ctes.append(_window(source[kind], match, conditions, visible, without=kind))
    # The results come from the main window's counted rows, as the total does.
    ctes += [(_counted(name), []) for name in sorted({"search_main", *source.values()})]

    parts = [
        "SELECT 'total' AS kind, CAST(NULL AS TEXT) AS found_key, "
        "CAST(NULL AS TEXT) AS label, COUNT(*) AS found_value FROM search_main"
    ]
    parts += [
        "SELECT 'sampled' AS kind, CAST(NULL AS TEXT), CAST(NULL AS TEXT), "
        f"COUNT(*) FROM {name}"
        for name in sorted(set(source.values()) - {"search_main"})
    ]
    # Best match: headline matches by rank (score 1 to 2), then the rest (0).
    order = (
        "published DESC, id DESC" if newest else "score DESC, published DESC, id DESC"
    )
    parts.append(
        "SELECT * FROM (SELECT 'hit' AS kind, CAST(c.id AS TEXT) AS found_key, "
        "CAST(NULL AS TEXT) AS label, "
        f"ROW_NUMBER() OVER (ORDER BY {order}) AS found_value "
        f"FROM search_main_counted c ORDER BY {order} "
        f"LIMIT {int(limit)} OFFSET {int(offset)}) AS hits"
    )
    parts += [_facet_sql(kind, source[kind]) for kind in ("section", "tag", "author")]
    now = timezone.now()
    period_params = []
    for name, days in PERIODS.items():
        parts.append(
            f"SELECT 'period' AS kind, '{name}' AS found_key, "
            "CAST(NULL AS TEXT) AS label, COUNT(*) AS found_value "
            f"FROM {source['period']}_counted c WHERE c.published >= %s"
        )
        period_params.append(now - timedelta(days=days))
    sql = "WITH " + ", ".join(cte for cte, _ in ctes) + " " + " UNION ALL ".join(parts)
    params = [p for _, cte_params in ctes for p in cte_params] + period_params
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else nullcontext():
        with connection.cursor() as cursor:
            if postgres:
                # What a search reads (documents, their indexes, tags, bylines)
                # is in memory once warm; PostgreSQL's default cost of a random
                # read (4, a spinning disk's) made it hash all 130,000 tag rows
                # rather than look up a thousand (bench/search.py). 1.1 is the
                # usual figure for memory and SSDs, for this statement only.
                cursor.execute("SET LOCAL random_page_cost = 1.1")
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    return _found(rows)


def _found(rows) -> Found:
    total, hits, facets = 0, [], Facets()
    lists = {"section": facets.sections, "tag": facets.tags, "author": facets.authors}
    for kind, key, label, value in rows:
        if kind == "total":
            total = value
        elif kind == "sampled":
            facets.sampled = facets.sampled or value > WINDOW
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
    more = total > WINDOW
    facets.sampled = facets.sampled or more
    return Found(min(total, WINDOW), [pk for _, pk in sorted(hits)], facets, more)


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
