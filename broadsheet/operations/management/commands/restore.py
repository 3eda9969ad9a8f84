"""``broadsheet restore ARCHIVE``: a backup into an empty database and the media."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from broadsheet.operations.archive import ArchiveError, first_line, size_text
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
        try:
            summary = restore(
                Path(archive).expanduser(), force=force, progress=progress
            )
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        except OperationalError as error:
            # Unreachable, shut down, out of space: the operator's one line.
            raise CommandError(f"The database failed: {first_line(error)}") from None
        if verbosity >= 1:
            self.stdout.write(
                f"Restored {summary.tables} tables ({summary.rows:,} rows) and"
                f" {summary.media_files:,} media files"
                f" ({size_text(summary.media_bytes)}) from {archive} in"
                f" {summary.seconds:.1f} s; search index rebuilt."
            )
