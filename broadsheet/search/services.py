"""Search: the articles a reader may see that match a query, with filters.

One SQL statement per results page does everything. A search reads at most
``WINDOW`` matches, newest first, from the search documents (models.py): a
query that finds half the archive costs what one that finds a thousand
does. Those matches are narrowed to the articles a reader may see
(``newsroom.selectors.listed_articles``, the one rule), and from them come
the total (exact up to ``WINDOW``, then "more than"), the page of results
and each filter's counts. A draft, an unpublished, expired or restricted
article is never found, whatever the index holds.

Relevance puts headline matches first: the newest ``WINDOW`` of those are
read as well, however old, and ranked by how well the headline matches;
then the other matches, newest first.
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


def _one_of(ids: str, table: str, slug: str, pages) -> tuple[str, list]:
    """Documents with the tag or author ``slug`` (a row of ``table``).

    PostgreSQL tests the document's own ``ids`` array through its GIN index,
    which it can combine with the match; SQLite looks in ``pages``, a
    queryset of the article ids that have it.
    """
    if connection.vendor == "postgresql":
        return f"d.{ids} && ARRAY(SELECT id FROM {table} WHERE slug = %s)", [slug]
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
            _table(ArticlePageTag.tag.field.related_model),
            filters.tag,
            tagged.values("content_object_id"),
        )
    if filters.author:
        bylines = ArticleAuthor.objects.filter(author__slug=filters.author)
        conditions["author"] = _one_of(
            "author_ids", _table(Author), filters.author, bylines.values("page_id")
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


def _window(name: str, match, conditions, *, without="", ranked=None):
    """A CTE of the newest WINDOW + 1 documents that ``match`` and pass every
    filter but ``without``, narrowed to what readers may see.

    With ``ranked`` (a query), ``match`` is the headline's, the window is of
    headline matches, and the whole query is tested on those rows only (a
    test of every headline match read each one's whole document).
    """
    chosen = [match] + [v for k, v in conditions.items() if k != without]
    where = " AND ".join(f"({sql})" for sql, _ in chosen)
    params = [p for _, chosen_params in chosen for p in chosen_params]
    visible = selectors.listed_articles().order_by().values("pk")
    visible_sql, visible_params = _sql(visible)
    documents = _table(SearchDocument)
    score, score_params, join, whole, whole_params = "0.0", [], "", "", []
    if ranked is not None:
        # Ranked after the window is cut: only its rows' headlines are read.
        score, score_params = engine.headline_rank(ranked, alias="r")
        join = f" JOIN {documents} r ON r.page_id = w.id"
        if not engine.headline_implies_match(ranked):
            whole, whole_params = engine.document_match(ArticlePage, ranked, "r")
            whole = f"({whole}) AND "
    sql = (
        f"{name} AS MATERIALIZED (SELECT w.id, w.section_id, w.published, "
        f"{score} AS score FROM (SELECT d.page_id AS id, d.section_id, d.published "
        f"FROM {documents} d WHERE {where} "
        f"ORDER BY d.published DESC, d.page_id DESC LIMIT {WINDOW + 1}"
        f") w{join} WHERE {whole}w.id IN ({visible_sql}))"
    )
    # In the order they appear: the score, the match and filters, visibility.
    return sql, [*score_params, *params, *whole_params, *visible_params]


def _counted(source: str) -> str:
    """The rows of a window that counts read: its newest WINDOW."""
    return f"(SELECT * FROM {source} ORDER BY published DESC, id DESC LIMIT {WINDOW})"


def _facet_sql(kind, source, join, key, label) -> str:
    return (
        f"SELECT * FROM (SELECT '{kind}' AS kind, {key} AS found_key, "
        f"{label} AS label, COUNT(DISTINCT c.id) AS found_value "
        f"FROM {_counted(source)} c {join} GROUP BY {key}, {label} "
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
    match = engine.document_match(ArticlePage, query)
    ctes = [_window("search_main", match, conditions)]
    if not newest:
        headline = engine.headline_match(ArticlePage, query)
        ctes.append(_window("search_headline", headline, conditions, ranked=query))
    # Each active filter's counts come from a window without that filter.
    source = dict.fromkeys(FACETS, "search_main")
    for kind in conditions:
        source[kind] = f"search_without_{kind}"
        ctes.append(_window(source[kind], match, conditions, without=kind))

    parts = [
        "SELECT 'total' AS kind, CAST(NULL AS TEXT) AS found_key, "
        "CAST(NULL AS TEXT) AS label, COUNT(*) AS found_value FROM search_main"
    ]
    parts += [
        "SELECT 'sampled' AS kind, CAST(NULL AS TEXT), CAST(NULL AS TEXT), "
        f"COUNT(*) FROM {name}"
        for name in sorted(set(source.values()) - {"search_main"})
    ]
    if newest:
        candidates, order = "search_main", "published DESC, id DESC"
    else:
        # A headline match keeps its rank above the other matches (score 0).
        candidates = (
            "(SELECT id, MAX(published) AS published, MAX(score) AS score FROM "
            "(SELECT id, published, 0.0 AS score FROM search_main UNION ALL "
            "SELECT id, published, 1.0 + score FROM search_headline) AS both_windows "
            "GROUP BY id)"
        )
        order = "score DESC, published DESC, id DESC"
    parts.append(
        "SELECT * FROM (SELECT 'hit' AS kind, CAST(c.id AS TEXT) AS found_key, "
        "CAST(NULL AS TEXT) AS label, "
        f"ROW_NUMBER() OVER (ORDER BY {order}) AS found_value "
        f"FROM {candidates} c ORDER BY {order} "
        f"LIMIT {int(limit)} OFFSET {int(offset)}) AS hits"
    )
    page, tagged, byline = _table(Page), _table(ArticlePageTag), _table(ArticleAuthor)
    tag, author = _table(ArticlePageTag.tag.field.related_model), _table(Author)
    parts.append(
        _facet_sql(
            "section", source["section"], f"JOIN {page} s ON s.id = c.section_id",
            "s.slug", "s.title",
        )
    )  # fmt: skip
    parts.append(
        _facet_sql(
            "tag", source["tag"],
            f"JOIN {tagged} t ON t.content_object_id = c.id "
            f"JOIN {tag} g ON g.id = t.tag_id",
            "g.slug", "g.name",
        )
    )  # fmt: skip
    parts.append(
        _facet_sql(
            "author", source["author"],
            f"JOIN {byline} b ON b.page_id = c.id "
            f"JOIN {author} w ON w.id = b.author_id",
            "w.slug", "w.name",
        )
    )  # fmt: skip
    now = timezone.now()
    period_params = []
    for name, days in PERIODS.items():
        parts.append(
            f"SELECT 'period' AS kind, '{name}' AS found_key, "
            "CAST(NULL AS TEXT) AS label, COUNT(*) AS found_value "
            f"FROM {_counted(source['period'])} c WHERE c.published >= %s"
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
