"""Full-text matching, per database, as conditions on a search document ``d``.

Wagtail's database backend picks the index by database: PostgreSQL keeps
tsvectors (``title``: the fields named "title", here the headline and
takeaways; ``body``: the rest, weighted by boost), SQLite an FTS5 table
(``autocomplete``, ``body``, ``title``). Its query compilers cannot say a
prefix outside autocomplete and pass phrases to FTS5 unescaped, so the match
is written here from the parsed query's letters and digits only.

On PostgreSQL the vectors are copied into each search document (documents.py)
and matched there with their GIN indexes, so a search never reads Wagtail's
wide rows. SQLite matches its FTS5 table and keeps the ids that match.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.expressions import RawSQL
from modelsearch.backends import get_search_backend
from wagtail.search.models import IndexEntry

from broadsheet.search.query import ParsedQuery

ENTRIES = IndexEntry._meta.db_table
FTS = f"{ENTRIES}_fts"


def _lexemes(words) -> str:
    return " <-> ".join(f"'{word}'" for word in words)


def _tsquery(query: ParsedQuery) -> str:
    """Words, phrases and exclusions, for to_tsquery with the stemming config."""
    parts = [f"'{word}'" for word in query.words]
    parts += [f"({_lexemes(phrase)})" for phrase in query.phrases]
    parts += [f"!({_lexemes(words)})" for words in query.excluded]
    return " & ".join(parts)


def _any_wanted(query: ParsedQuery) -> str:
    """Any of the words, phrases and prefixes, for the headline's tsquery."""
    parts = [f"'{word}'" for word in query.words]
    parts += [f"({_lexemes(phrase)})" for phrase in query.phrases]
    parts += [f"'{prefix}':*" for prefix in query.prefixes]
    return " | ".join(parts)


def _prefixes(query: ParsedQuery) -> str:
    return " & ".join(f"'{prefix}':*" for prefix in query.prefixes)


def _fts5_wanted(query: ParsedQuery) -> list[str]:
    """The words, prefixes and phrases, each as an FTS5 string or prefix."""
    parts = [f'"{word}"' for word in query.words]
    parts += [f'"{prefix}"*' for prefix in query.prefixes]
    parts += ['"{}"'.format(" ".join(phrase)) for phrase in query.phrases]
    return parts


def _fts5(query: ParsedQuery) -> str:
    wanted = " AND ".join(_fts5_wanted(query))
    if not query.excluded:
        return wanted
    unwanted = " OR ".join('"{}"'.format(" ".join(words)) for words in query.excluded)
    return f"({wanted}) NOT ({unwanted})"


def _fts5_headline(query: ParsedQuery) -> str:
    return "title : ({})".format(" OR ".join(_fts5_wanted(query)))


def _config() -> str:
    return get_search_backend().config or "simple"


def _fts5_ids(model, fts_query: str, column: str) -> tuple[str, list]:
    content_type = ContentType.objects.get_for_model(model).pk
    return (
        f"{column} IN (SELECT CAST(e.object_id AS INTEGER) FROM {FTS} "
        f"JOIN {ENTRIES} e ON e.id = {FTS}.rowid "
        f"WHERE {FTS} MATCH %s AND e.content_type_id = %s)",
        [fts_query, content_type],
    )


def document_match(model, query: ParsedQuery, alias: str = "d") -> tuple[str, list]:
    """The condition on the document ``alias`` for matching the whole query."""
    if connection.vendor != "postgresql":
        return _fts5_ids(model, _fts5(query), f"{alias}.page_id")
    sql, params = [], []
    if query.words or query.phrases or query.excluded:
        sql.append(f"{alias}.document @@ to_tsquery(%s::regconfig, %s)")
        params += [_config(), _tsquery(query)]
    if query.prefixes:
        # The vectors hold stems ("regulators" is 'regul') and a prefix cannot
        # be stemmed ("regulat" is not 'regul'): prefixes match plain words.
        sql.append(f"{alias}.words @@ to_tsquery('simple'::regconfig, %s)")
        params.append(_prefixes(query))
    return " AND ".join(sql), params


def headline_score(model, query: ParsedQuery, alias: str) -> tuple[str, list]:
    """How well the headline of ``alias`` (a row with ``id`` and, on
    PostgreSQL, ``headline``) matches: 0 when it holds none of the query's
    words, phrases or prefixes, else 1 plus PostgreSQL's rank (0 to 1).

    SQLite's FTS5 ranks inside its own MATCH only, so there every headline
    match ranks alike (then newest first).
    """
    if connection.vendor != "postgresql":
        sql, params = _fts5_ids(model, _fts5_headline(query), f"{alias}.id")
        return f"CASE WHEN {sql} THEN 1.0 ELSE 0.0 END", params
    wanted = "to_tsquery(%s::regconfig, %s)"
    return (
        f"CASE WHEN {alias}.headline @@ {wanted} "
        f"THEN 1.0 + ts_rank({alias}.headline, {wanted}) ELSE 0.0 END",
        [_config(), _any_wanted(query)] * 2,
    )


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
