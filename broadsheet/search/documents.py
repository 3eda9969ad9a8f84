"""Search documents (models.SearchDocument): kept in step with Wagtail's index.

A document exists for each article that readers may see (the one rule,
``listed_articles``) and that Wagtail's index holds. On PostgreSQL it copies
the entry's vectors: ``document`` (title || body, what a query matches),
``headline`` (the title vector: headline and takeaways, what ranks) and
``words`` (the plain words, in the 'simple' configuration, that prefixes
match), and the ids of its tags and authors (what filters test). Both
writers are set-based SQL, so a rebuild of 100,000 articles is
a few statements, not 100,000 round trips.
"""

from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F

from broadsheet.newsroom import selectors
from broadsheet.newsroom.models import ArticleAuthor, ArticlePage, ArticlePageTag
from broadsheet.search.engine import ENTRIES
from broadsheet.search.models import SearchDocument

TABLE = SearchDocument._meta.db_table
REBUILD_CHUNK = 5000
UNDATED = datetime(1970, 1, 1, tzinfo=UTC)
_POSTGRES_COLUMNS = {
    "document": "e.title || e.body",
    "headline": "e.title",
    "words": "to_tsvector('simple'::regconfig, e.title_text || ' ' || e.body_text)",
    "tag_ids": (
        f"ARRAY(SELECT t.tag_id FROM {ArticlePageTag._meta.db_table} t "
        "WHERE t.content_object_id = v.doc_id)"
    ),
    "author_ids": (
        f"ARRAY(SELECT b.author_id FROM {ArticleAuthor._meta.db_table} b "
        "WHERE b.page_id = v.doc_id)"
    ),
}


def _insert(ids) -> int:
    """Write the documents of ``ids`` that readers may see; return how many."""
    listed = (
        selectors.listed_articles()
        .filter(pk__in=ids)
        .order_by()
        .values(
            doc_id=F("pk"),
            doc_published=F("first_published_at"),
            doc_section=F("section_id"),
        )
    )
    listed_sql, listed_params = listed.query.sql_with_params()
    columns = ["page_id", "published", "section_id"]
    values = ["v.doc_id", "COALESCE(v.doc_published, %s)", "v.doc_section"]
    if connection.vendor == "postgresql":
        columns += list(_POSTGRES_COLUMNS)
        values += list(_POSTGRES_COLUMNS.values())
    content_type = ContentType.objects.get_for_model(ArticlePage).pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM ({listed_sql}) v "
            f"JOIN {ENTRIES} e ON e.content_type_id = %s "
            "AND e.object_id = CAST(v.doc_id AS TEXT)",
            [UNDATED, *listed_params, content_type],
        )
        return cursor.rowcount


def refresh(ids) -> int:
    """Bring these articles' documents up to date; return how many exist."""
    ids = sorted({int(pk) for pk in ids})
    with transaction.atomic():
        SearchDocument.objects.filter(page_id__in=ids).delete()
        return _insert(ids)


def rebuild(progress=None) -> int:
    """Write every document again; ``progress(done, total)`` after each chunk."""
    ids = list(selectors.listed_articles().order_by("pk").values_list("pk", flat=True))
    written = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        for start in range(0, len(ids), REBUILD_CHUNK):
            written += _insert(ids[start : start + REBUILD_CHUNK])
            if progress:
                progress(min(start + REBUILD_CHUNK, len(ids)), len(ids))
        if connection.vendor == "postgresql":
            _settle()
    return written


def _settle() -> None:
    """Merge the GIN indexes' pending lists and refresh the planner's figures.

    Rows inserted in bulk wait in each GIN index's pending list, which every
    search reads in full until a vacuum merges it: after a rebuild of
    100,000 articles that made searches up to twice as slow
    (bench/search.py). The statistics tell the planner how common each word,
    tag and author is, which decides how it reads the newest matches.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [TABLE],
        )
        cursor.execute(f"ANALYZE {connection.ops.quote_name(TABLE)}")


def missing() -> bool:
    """Whether readers' articles exist but no document does (a new install of
    this table, or a database restored without it)."""
    return not SearchDocument.objects.exists() and selectors.listed_articles().exists()
