"""``broadsheet backup DEST``: the database, media and a manifest in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand

from broadsheet.operations.archive import size_text
from broadsheet.operations.backup import backup
from broadsheet.operations.management.errors import one_line_errors


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
        with one_line_errors():
            summary = backup(Path(destination).expanduser(), progress=progress)
        if verbosity >= 1:
            self.stdout.write(
                f"Backed up {summary.tables} tables ({summary.rows:,} rows) and"
                f" {summary.media_files:,} media files"
                f" ({size_text(summary.media_bytes)}) to {summary.path}"
                f" ({size_text(summary.path.stat().st_size)}) in"
                f" {summary.seconds:.1f} s."
            )
