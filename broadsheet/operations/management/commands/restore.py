"""``broadsheet restore ARCHIVE``: a backup into an empty database and the media."""

from pathlib import Path

from django.core.management.base import BaseCommand

from broadsheet.operations.archive import size_text
from broadsheet.operations.management.errors import one_line_errors
from broadsheet.operations.restore import restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by `broadsheet backup` into this database (which"
        " must hold no content unless --force) and the media storage, then"
        " rebuild the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the file `broadsheet backup` wrote")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace whatever the database holds",
        )

    def handle(self, archive, force, verbosity, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        with one_line_errors():
            summary = restore(
                Path(archive).expanduser(), force=force, progress=progress
            )
        if verbosity >= 1:
            self.stdout.write(
                f"Restored {summary.tables} tables ({summary.rows:,} rows) and"
                f" {summary.media_files:,} media files"
                f" ({size_text(summary.media_bytes)}) from {archive} in"
                f" {summary.seconds:.1f} s; search index rebuilt."
            )
