"""Search documents (models.SearchDocument): a narrow row per findable article.

On PostgreSQL each also carries the index's vectors, with GIN indexes
(documents.py fills them); the expression indexes of 0001 on Wagtail's wide
rows are no longer read, so they go. The documents themselves are written
after migrating (apps.py: post_migrate), from the index as it stands.
"""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

VECTORS = ("document", "headline", "words")
# Tag and author ids, so a filter on them is an index lookup that PostgreSQL
# can combine with the match (documents.py fills them).
ID_ARRAYS = {"tag_ids": "integer[]", "author_ids": "bigint[]"}  # as the ids
OLD_INDEXES = ("search_entry_document", "search_entry_plain_words")


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("search", "SearchDocument")._meta.db_table
    for column in VECTORS:
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {column} tsvector")
        schema_editor.execute(
            f"CREATE INDEX search_document_{column} ON {table} USING gin ({column})"
        )
    for column, kind in ID_ARRAYS.items():
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        schema_editor.execute(
            f"CREATE INDEX search_document_{column} ON {table} USING gin ({column})"
        )
    # Kept in the row, not in the TOAST table: a search that walks the newest
    # documents tests each one's vectors, and a TOAST fetch made that 5 µs a
    # row instead of 1 (bench/search.py). Only the prefix words, read through
    # their index, stay out of line.
    schema_editor.execute(
        f"ALTER TABLE {table} ALTER COLUMN document SET STORAGE MAIN, "
        "ALTER COLUMN headline SET STORAGE MAIN"
    )
    schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 8160)")
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("search", "SearchDocument")._meta.db_table
    for column in (*VECTORS, *ID_ARRAYS):
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    import_module("broadsheet.search.migrations.0001_search_indexes").create(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_optional_takeaways_longer_standfirst"),
        ("search", "0001_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "page",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="newsroom.articlepage",
                    ),
                ),
                ("published", models.DateTimeField()),
                (
                    "section",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="newsroom.sectionpage",
                    ),
                ),
            ],
            options={
                "verbose_name": "search document",
                "indexes": [
                    models.Index(
                        models.OrderBy(models.F("published"), descending=True),
                        models.OrderBy(models.F("page"), descending=True),
                        name="search_document_newest",
                    )
                ],
            },
        ),
        migrations.RunPython(add_vectors, drop_vectors),
    ]
