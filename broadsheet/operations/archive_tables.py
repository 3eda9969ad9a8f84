"""Tables in the archive: which ones, and how their rows become portable lines.

Each table is a gzipped JSON-lines file, one JSON array per row, with the
columns listed in the manifest. Values are encoded from the field's type,
not from a tag in the value, so a JSON field holding ``{"$date": …}`` stays
what it was: datetimes, dates and times as ISO 8601 (datetimes in UTC with
their offset), decimals as strings, UUIDs as their text, bytes as base64,
durations as microseconds, JSON as JSON. Rows are read through the ORM in
primary-key order, a chunk at a time (memory stays flat however big the
table), and written back with plain INSERTs of
``field.get_db_prep_save(value, connection)``, so a dump from SQLite loads
into PostgreSQL and back.
"""

import base64
import datetime
import decimal
import gzip
import io
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.apps import apps
from django.db import models
from django.db.models import ExpressionWrapper, F

CHUNK_ROWS = 2000
INSERT_BATCH = 1000

# Left out of the archive (an app label: all its models), each for a
# reason (docs/backup.md):
LEFT_OUT = {
    # Search indexes: rebuilt from the content by update_index after a
    # restore; their tables differ between SQLite (FTS5) and PostgreSQL.
    "wagtailsearch": "search index, rebuilt by update_index",
    "search.SearchDocument": "search documents, rebuilt by update_index",
    # The purge log the serving processes of this database follow; a new
    # database starts its own.
    "core.PagePurge": "page cache purge log of the old processes",
    # Queued and finished background jobs: run by the old site's worker.
    # A restore must not send a queued mail again; newsletter sends resume
    # from their delivery ledger (newsletter/delivery.py resume_stalled).
    "django_tasks_database.DBTaskResult": "background job queue",
    # Half-finished multiple uploads in the admin (wagtail_uploads/).
    "wagtailcore.UploadedFile": "unfinished admin uploads",
}


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    fields: tuple[models.Field, ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> list[str]:
        return [field.column for field in self.fields]


def all_tables() -> list[Table]:
    """Every table the code's models own: concrete, managed, not proxies.

    A multi-table-inheritance child has its own table (its local fields and
    the link to its parent), so each model is its own table; auto-created
    many-to-many tables are models too.
    """
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        tables.setdefault(
            meta.db_table, Table(model, tuple(meta.local_concrete_fields))
        )
    return [tables[name] for name in sorted(tables)]


def left_out(table: Table) -> bool:
    meta = table.model._meta
    return meta.label in LEFT_OUT or meta.app_label in LEFT_OUT


def archived_tables() -> list[Table]:
    return [table for table in all_tables() if not left_out(table)]


def value_type(field: models.Field) -> str:
    """The internal type of the value stored, following foreign keys to their target."""
    while field.is_relation and field.concrete:
        field = field.target_field
    return field.get_internal_type()


def _isoformat(value) -> str:
    return value.isoformat()


def _duration(value: datetime.timedelta) -> int:
    return value // datetime.timedelta(microseconds=1)


ENCODERS: dict[str, Callable] = {
    "DateTimeField": _isoformat,
    "DateField": _isoformat,
    "TimeField": _isoformat,
    "DecimalField": str,
    "UUIDField": str,
    "BinaryField": lambda value: base64.b64encode(bytes(value)).decode("ascii"),
    "DurationField": _duration,
}
DECODERS: dict[str, Callable] = {
    "DateTimeField": datetime.datetime.fromisoformat,
    "DateField": datetime.date.fromisoformat,
    "TimeField": datetime.time.fromisoformat,
    "DecimalField": decimal.Decimal,
    "UUIDField": uuid.UUID,
    "BinaryField": base64.b64decode,
    "DurationField": lambda value: datetime.timedelta(microseconds=value),
}


def _selected_values(table: Table) -> tuple[list[str], dict]:
    """values_list() names, with JSON columns read as plain JSON.

    A StreamField's own conversion builds a StreamValue (and would give
    items without an id a new one); reading the column as a plain
    JSONField keeps exactly the stored JSON, whatever decoder the field has.
    """
    names, raw_json = [], {}
    for field in table.fields:
        if value_type(field) == "JSONField":
            alias = f"backup_raw_{field.attname}"
            raw_json[alias] = ExpressionWrapper(
                F(field.attname), output_field=models.JSONField()
            )
            names.append(alias)
        else:
            names.append(field.attname)
    return names, raw_json


def dump_table(table: Table, path: Path) -> int:
    """Write the table's rows to ``path`` (gzipped JSON lines); return how many."""
    names, raw_json = _selected_values(table)
    encoders = [ENCODERS.get(value_type(field)) for field in table.fields]
    rows = (
        table.model._base_manager.annotate(**raw_json)
        .values_list(*names)
        .order_by("pk")
        .iterator(chunk_size=CHUNK_ROWS)
    )
    count = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        for row in rows:
            line = [
                value if encode is None or value is None else encode(value)
                for value, encode in zip(row, encoders, strict=True)
            ]
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


def read_rows(table: Table, source: IO[bytes]) -> Iterator[list]:
    """The rows of a dumped table as Python values the fields accept."""
    decoders = [DECODERS.get(value_type(field)) for field in table.fields]
    with io.TextIOWrapper(gzip.GzipFile(fileobj=source), encoding="utf-8") as lines:
        for line in lines:
            yield [
                value if decode is None or value is None else decode(value)
                for value, decode in zip(json.loads(line), decoders, strict=True)
            ]


def insert_rows(table: Table, rows: Iterator[list], connection) -> int:
    """INSERT the rows as they are, primary keys included; return how many.

    Values go through get_db_prep_save, which is what a save() would send,
    minus pre_save (no auto_now: the archive's timestamps are kept).
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in table.columns)
    placeholders = ", ".join(["%s"] * len(table.fields))
    sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({placeholders})"
    count, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(table.fields, row, strict=True)
                ]
            )
            if len(batch) >= INSERT_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def delete_all_rows(tables: list[Table], connection) -> None:
    """Empty the tables. Foreign keys are deferred, so the order does not matter."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table.name)}")
