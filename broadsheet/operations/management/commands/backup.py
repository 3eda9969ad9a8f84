"""``broadsheet backup DEST``: the database, media and a manifest in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from broadsheet.operations.archive import ArchiveError, first_line, size_text
from broadsheet.operations.backup import backup


class Command(BaseCommand):
    help = (
        "Write the database (portable: restores on SQLite or PostgreSQL), every"
        " media file and a manifest with checksums into one tar archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            help="archive file to write (.tar, or .tar.gz to compress), or a"
            " folder to write broadsheet-backup-<UTC time>.tar into",
        )

    def handle(self, destination, verbosity, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        try:
            summary = backup(Path(destination).expanduser(), progress=progress)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        except OperationalError as error:
            # Unreachable, shut down, out of space: the operator's one line.
            raise CommandError(f"The database failed: {first_line(error)}") from None
        if verbosity >= 1:
            self.stdout.write(
                f"Backed up {summary.tables} tables ({summary.rows:,} rows) and"
                f" {summary.media_files:,} media files"
                f" ({size_text(summary.media_bytes)}) to {summary.path}"
                f" ({size_text(summary.path.stat().st_size)}) in"
                f" {summary.seconds:.1f} s."
            )
