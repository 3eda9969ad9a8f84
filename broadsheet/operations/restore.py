"""``broadsheet restore``: an archive back into an empty (or, forced, any) database.

Order matters: everything that can refuse the archive (format, migrations,
tables, checksums, a target holding content) runs before anything is
written. Then migrate makes the schema, one transaction swaps the rows
migrate seeded (content types, permissions, Wagtail's root page, groups…)
for the archive's, and the media go into default_storage and are read
back to check them.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from broadsheet.core.caching import reader_content_changed
from broadsheet.operations import archive_media, archive_tables
from broadsheet.operations.archive import (
    MEDIA_FOLDER,
    ArchiveError,
    ArchiveReader,
    first_line,
)

Progress = Callable[[str], None]

# Wagtail's migrations make a root page and a welcome page.
PAGES_MIGRATE_MAKES = 2


@dataclass
class RestoreSummary:
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    seconds: float


def code_migrations() -> list[str]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted(f"{app}.{name}" for app, name in graph.nodes)


def check_migrations(manifest: dict) -> None:
    archived, ours = set(manifest["migrations"]), set(code_migrations())
    if archived == ours:
        return
    only_archive, only_code = sorted(archived - ours), sorted(ours - archived)
    made_with = manifest["versions"]["broadsheet"]
    example = (only_archive or only_code)[0]
    raise ArchiveError(
        f"The archive's migrations differ from this code's ({len(only_archive)} only"
        f" in the archive, {len(only_code)} only here, e.g. {example}): restore it"
        f" with the Broadsheet it was made with ({made_with}), then upgrade."
    )


def matched_tables(manifest: dict) -> list[tuple[dict, archive_tables.Table]]:
    """Each archived table with this code's table of the same name and columns."""
    ours = {table.name: table for table in archive_tables.all_tables()}
    matched = []
    for entry in manifest["tables"]:
        table = ours.get(entry["table"])
        if table is None or table.columns != entry["columns"]:
            raise ArchiveError(
                f"The archive's table {entry['table']} does not match this code's"
                " models: restore it with the Broadsheet it was made with."
            )
        matched.append((entry, table))
    return matched


def content_held() -> str:
    """What the target already holds besides what migrate makes, or ''."""
    existing = set(connection.introspection.table_names())
    held = []
    for label, model, seeded in (
        ("accounts", get_user_model(), 0),
        ("pages", Page, PAGES_MIGRATE_MAKES),
        ("images", get_image_model(), 0),
        ("documents", get_document_model(), 0),
    ):
        if model._meta.db_table not in existing:
            continue
        count = model._base_manager.count()
        if count > seeded:
            held.append(f"{count:,} {label}")
    return ", ".join(held)


def restore(
    path: Path, *, force: bool = False, progress: Progress | None = None
) -> RestoreSummary:
    started = time.monotonic()
    say = progress or (lambda message: None)
    reader = ArchiveReader(path)
    try:
        manifest = reader.manifest
        check_migrations(manifest)
        tables = matched_tables(manifest)
        for name in reader.media_names():
            archive_media.safe_name(name)
        say(f"Checking {len(manifest['files']):,} files in {path.name} ...")
        reader.verify()
        held = content_held()
        if held and not force:
            raise ArchiveError(
                f"The database already holds content ({held}); restoring would"
                " replace all of it. Use --force to replace it."
            )
        say("Migrating the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        rows = restore_rows(reader, tables, say)
        media_files, media_bytes = restore_media(reader, say)
    finally:
        reader.close()
    say("Rebuilding the search index ...")
    call_command("update_index", verbosity=0)
    reader_content_changed()
    return RestoreSummary(
        tables=len(tables),
        rows=rows,
        media_files=media_files,
        media_bytes=media_bytes,
        seconds=time.monotonic() - started,
    )


def restore_rows(reader: ArchiveReader, tables, say) -> int:
    """Swap every table's rows for the archive's, in one transaction.

    Django makes foreign keys DEFERRABLE INITIALLY DEFERRED on SQLite and
    PostgreSQL alike, so rows go in table by table in any order and the
    keys are checked once, before the commit.
    """
    total = 0
    with transaction.atomic():
        archive_tables.delete_all_rows(archive_tables.all_tables(), connection)
        for entry, table in tables:
            with reader.open_member(entry["file"]) as source:
                try:
                    rows = archive_tables.insert_rows(
                        table, archive_tables.read_rows(table, source), connection
                    )
                except DatabaseError as error:
                    raise ArchiveError(
                        f"A row of {table.name} cannot be stored in this database:"
                        f" {first_line(error)}. Nothing was restored."
                    ) from None
            if rows != entry["rows"]:
                raise ArchiveError(
                    f"{entry['file']} holds {rows:,} rows, the manifest says"
                    f" {entry['rows']:,}. Nothing was restored."
                )
            total += rows
            say(f"  table {table.name}: {rows:,} rows")
        try:
            connection.check_constraints()
        except DatabaseError as error:
            raise ArchiveError(
                f"The archive's rows break a constraint: {first_line(error)}."
                " Nothing was restored."
            ) from None
        # New rows must not collide with restored primary keys (PostgreSQL;
        # SQLite's AUTOINCREMENT follows the largest key by itself).
        models = [table.model for _, table in tables]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    return total


def restore_media(reader: ArchiveReader, say) -> tuple[int, int]:
    files = reader.manifest["files"]
    names = reader.media_names()
    for name in names:
        with reader.open_member(MEDIA_FOLDER + name) as source:
            archive_media.write_file(
                default_storage, archive_media.safe_name(name), source
            )
        say(f"  media {name}")
    # Read back what the storage kept: a store that altered or lost a file
    # must not pass for a good restore.
    for name in names:
        if (
            archive_media.stored_sha256(default_storage, name)
            != files[MEDIA_FOLDER + name]["sha256"]
        ):
            raise ArchiveError(
                f"The media storage does not hold {name} as archived (checksum"
                " differs after writing). The database was restored; run the"
                " restore again with --force."
            )
    return len(names), sum(files[MEDIA_FOLDER + name]["size"] for name in names)
