"""PostgreSQL indexes for readers' search (search/engine.py): the stemmed
document (title || body) and the plain words that prefixes match. SQLite's
FTS5 table needs none."""

from django.db import migrations

INDEXES = {
    "search_entry_document": "((title || body))",
    "search_entry_plain_words": (
        "(to_tsvector('simple'::regconfig, title_text || ' ' || body_text))"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin {expression}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create, drop)]
