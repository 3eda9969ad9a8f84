"""``broadsheet backup``: the database, the media and a manifest in one archive.

The tables are read inside one snapshot (a REPEATABLE READ transaction on
PostgreSQL, a read transaction on SQLite's WAL), so the dump is consistent
while the site keeps serving and writing. Media are walked afterwards: a
file uploaded meanwhile comes along unused, which is harmless.
"""

import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import django
import wagtail
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from broadsheet.operations import archive_media, archive_tables
from broadsheet.operations.archive import (
    DATABASE_FOLDER,
    FORMAT,
    FORMAT_VERSION,
    MEDIA_FOLDER,
    ArchiveError,
    ArchiveWriter,
    compressed,
)

Progress = Callable[[str], None]


@dataclass
class BackupSummary:
    path: Path
    tables: int
    rows: int
    media_files: int
    media_bytes: int
    seconds: float


def archive_path(destination: Path) -> Path:
    """The file to write: ``destination`` itself, or a dated name inside a folder."""
    if destination.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return destination / f"broadsheet-backup-{stamp}.tar"
    if not destination.parent.is_dir():
        raise ArchiveError(
            f"Cannot write {destination}: {destination.parent} does not exist."
        )
    return destination


def versions() -> dict:
    return {
        "broadsheet": metadata.version("broadsheet"),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "python": platform.python_version(),
        "database": {
            "vendor": connection.vendor,
            "version": ".".join(
                str(part) for part in connection.get_database_version()
            ),
        },
    }


def applied_migrations() -> list[str]:
    """This code's migrations, all of which must be applied to back up.

    With one pending, the tables would not match the models the rows are
    read through, nor what a restore's migrate makes.
    """
    loader = MigrationLoader(connection)
    nodes = set(loader.graph.nodes)
    pending = sorted(nodes - set(loader.applied_migrations))
    if pending:
        app, name = pending[0]
        raise ArchiveError(
            f"{len(pending)} migration(s) are not applied (e.g. {app}.{name}):"
            " run `broadsheet migrate` first."
        )
    return sorted(f"{app}.{name}" for app, name in nodes)


@contextmanager
def consistent_snapshot() -> Iterator[None]:
    """Read every table as of one moment, without stopping the site's writers."""
    if connection.in_atomic_block:
        yield  # called inside a transaction (a test): it is the snapshot
        return
    if connection.vendor == "sqlite":
        # Django would open its transactions with BEGIN IMMEDIATE (settings:
        # transaction_mode), taking the write lock for the whole dump; a
        # deferred read transaction is a WAL snapshot that writers work beside.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        yield


def backup(destination: Path, progress: Progress | None = None) -> BackupSummary:
    """Write the archive; on any failure leave nothing under its name."""
    started = time.monotonic()
    path = archive_path(destination)
    partial = path.with_name(f".{path.name}.partial")
    try:
        writer = ArchiveWriter(partial, gzip=compressed(path))
    except OSError as error:
        raise ArchiveError(f"Cannot write {path}: {error.strerror or error}.") from None
    try:
        with tempfile.TemporaryDirectory(
            dir=path.parent, prefix=".broadsheet-backup-"
        ) as scratch:
            manifest = _write_database(writer, Path(scratch), progress)
        media_files, media_bytes = _write_media(writer, progress)
        manifest["media"] = {"files": media_files, "bytes": media_bytes}
        writer.finish(manifest)
        os.replace(partial, path)
    except OSError as error:
        writer.abandon()
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"Cannot write {path}: {error.strerror or error}.") from None
    except BaseException:
        writer.abandon()
        partial.unlink(missing_ok=True)
        raise
    tables = manifest["tables"]
    return BackupSummary(
        path=path,
        tables=len(tables),
        rows=sum(table["rows"] for table in tables),
        media_files=media_files,
        media_bytes=media_bytes,
        seconds=time.monotonic() - started,
    )


def _write_database(writer: ArchiveWriter, scratch: Path, progress) -> dict:
    with consistent_snapshot():
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "versions": versions(),
            "migrations": applied_migrations(),
            "left_out": archive_tables.LEFT_OUT,
            "tables": [],
        }
        for table in archive_tables.archived_tables():
            dump = scratch / f"{table.name}.jsonl.gz"
            rows = archive_tables.dump_table(table, dump)
            member = f"{DATABASE_FOLDER}{table.name}.jsonl.gz"
            writer.add_file(member, dump)
            dump.unlink()
            manifest["tables"].append(
                {
                    "table": table.name,
                    "model": table.model._meta.label,
                    "file": member,
                    "columns": table.columns,
                    "rows": rows,
                }
            )
            if progress:
                progress(f"  table {table.name}: {rows:,} rows")
    return manifest


def _write_media(writer: ArchiveWriter, progress) -> tuple[int, int]:
    files = total = 0
    for name in archive_media.media_names(default_storage):
        try:
            size = default_storage.size(name)
            with default_storage.open(name, "rb") as source:
                writer.add_stream(f"{MEDIA_FOLDER}{name}", source, size)
        except FileNotFoundError:
            continue  # deleted since it was listed: the rows no longer need it
        files += 1
        total += size
        if progress:
            progress(f"  media {name} ({size:,} bytes)")
    return files, total
