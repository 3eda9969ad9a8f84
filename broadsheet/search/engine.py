"""Full-text matching on the index Wagtail keeps (modelsearch's IndexEntry).

Wagtail's database backend picks the index by database: PostgreSQL keeps
tsvectors (``title`` weighted per search field, ``body``), SQLite an FTS5
table (``autocomplete``, ``body``, ``title``). Its query compilers cannot
say a prefix outside autocomplete, pass phrases to FTS5 unescaped, and on
PostgreSQL match ``title || body`` without an index; so the match is written
here, per database, from the parsed query's letters and digits only.

``matches`` gives the matching rows with a score, as SQL the search
service runs once per request (services.py).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.expressions import RawSQL
from modelsearch.backends import get_search_backend
from wagtail.search.models import IndexEntry

from broadsheet.search.query import ParsedQuery

ENTRIES = IndexEntry._meta.db_table
FTS = f"{ENTRIES}_fts"
# SQLite's FTS5 columns, in table order: autocomplete, body, title (the
# headline and takeaways). PostgreSQL weighs by the fields' boosts instead.
FTS_WEIGHTS = "0.0, 1.0, 5.0"


def _tsquery(query: ParsedQuery) -> str:
    """Words, phrases and exclusions, for to_tsquery with the stemming config."""

    def lexemes(words):
        return " <-> ".join(f"'{word}'" for word in words)

    parts = [f"'{word}'" for word in query.words]
    parts += [f"({lexemes(phrase)})" for phrase in query.phrases]
    parts += [f"!({lexemes(words)})" for words in query.excluded]
    return " & ".join(parts)


# The index holds stems ("regulators" is 'regul'), and a prefix cannot be
# stemmed ("regulat" is not 'regul'), so prefixes match the plain words
# (Wagtail's title_text and body_text, with a GIN index of their own:
# migrations/0001).
PLAIN_WORDS = "to_tsvector('simple'::regconfig, e.title_text || ' ' || e.body_text)"


def _postgres_match(query: ParsedQuery, content_type: int) -> tuple[str, list]:
    """The WHERE clause on an index entry ``e``, and its parameters."""
    sql, params = ["e.content_type_id = %s"], [content_type]
    if query.words or query.phrases or query.excluded:
        sql.append("(e.title || e.body) @@ to_tsquery(%s::regconfig, %s)")
        params += [_config(), _tsquery(query)]
    if query.prefixes:
        sql.append(f"{PLAIN_WORDS} @@ to_tsquery('simple'::regconfig, %s)")
        params.append(" & ".join(f"'{prefix}':*" for prefix in query.prefixes))
    return " AND ".join(sql), params


def _fts5(query: ParsedQuery) -> str:
    parts = [f'"{word}"' for word in query.words]
    parts += [f'"{prefix}"*' for prefix in query.prefixes]
    parts += ['"{}"'.format(" ".join(phrase)) for phrase in query.phrases]
    wanted = " AND ".join(parts)
    if not query.excluded:
        return wanted
    unwanted = " OR ".join('"{}"'.format(" ".join(words)) for words in query.excluded)
    return f"({wanted}) NOT ({unwanted})"


def _config() -> str:
    return get_search_backend().config or "simple"


def matches(model, query: ParsedQuery) -> tuple[str, list]:
    """SQL for the ``model`` rows matching ``query``: columns ``id`` and
    ``score`` (higher is better), and its parameters."""
    content_type = ContentType.objects.get_for_model(model).pk
    if connection.vendor == "postgresql":
        where, params = _postgres_match(query, content_type)
        # The score is how well the headline and takeaways match (the
        # "title" vector; a prefix alone scores what its letters find among
        # the stems): ranking by the body too would read every match's body
        # vector, which is most of the time of a search that finds
        # thousands. Body-only matches tie at 0 and come newest first.
        ranked = _tsquery(query) or " & ".join(f"'{p}':*" for p in query.prefixes)
        sql = (
            "SELECT e.object_id::integer AS id, ts_rank(e.title, "
            f"to_tsquery(%s::regconfig, %s)) AS score FROM {ENTRIES} e WHERE {where}"
        )
        return sql, [_config(), ranked, *params]
    # bm25() is lower for better matches.
    sql = (
        f"SELECT CAST(e.object_id AS INTEGER) AS id, -bm25({FTS}, {FTS_WEIGHTS}) "
        f"AS score FROM {FTS} JOIN {ENTRIES} e ON e.id = {FTS}.rowid "
        f"WHERE {FTS} MATCH %s AND e.content_type_id = %s"
    )
    return sql, [_fts5(query), content_type]


def headline_prefix(model, words: tuple[str, ...]) -> RawSQL:
    """Return a subquery of ``model`` ids whose headline has ``words``, the last
    one as a prefix (what a reader has typed so far)."""
    content_type = ContentType.objects.get_for_model(model).pk
    *whole, last = words
    if connection.vendor == "postgresql":
        tsquery = " & ".join([*(f"'{w}'" for w in whole), f"'{last}':*"])
        return RawSQL(
            f"SELECT e.object_id::integer FROM {ENTRIES} e WHERE "
            f"e.content_type_id = %s AND e.autocomplete @@ "
            f"to_tsquery('simple'::regconfig, %s)",
            [content_type, tsquery],
        )
    fts_query = "autocomplete : ({})".format(
        " AND ".join([*(f'"{w}"' for w in whole), f'"{last}"*'])
    )
    return RawSQL(
        f"SELECT CAST(e.object_id AS INTEGER) FROM {FTS} JOIN {ENTRIES} e "
        f"ON e.id = {FTS}.rowid WHERE {FTS} MATCH %s AND e.content_type_id = %s",
        [fts_query, content_type],
    )
