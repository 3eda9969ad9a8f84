"""broadsheet import wordpress|ghost|substack FILE …, and import undo RUN_ID."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from broadsheet.imports.models import ImportRun
from broadsheet.imports.records import ExportError
from broadsheet.imports.services import run_import, time_run, undo_run
from broadsheet.imports.sources import open_source


class ProgressBar:
    """One line, redrawn at most four times a second: done/total, items per second."""

    def __init__(self, stream, label: str = "items"):
        self.stream = stream
        self.label = label
        self.started = time.monotonic()
        self.shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.25 and done < total:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-6)
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(
            f"\r[{bar}] {done:,}/{total:,} {self.label} · {rate:,.1f} items/s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a publication from WordPress, Ghost or Substack, or undo an import."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="platform", required=True)
        for platform, media, help_text in (
            ("wordpress", "--uploads", "a WXR file (Tools → Export)"),
            ("ghost", "--content", "a Ghost JSON export"),
            ("substack", None, "a Substack export zip"),
        ):
            command = sub.add_parser(platform, help=help_text)
            command.add_argument("file", type=Path)
            if media:
                command.add_argument(
                    media,
                    dest="media",
                    type=Path,
                    help="folder or zip holding the images (never fetched online)",
                )
            if platform == "ghost":
                command.add_argument(
                    "--members",
                    type=Path,
                    help="the members CSV (Ghost: Members → Export)",
                )
            if platform == "wordpress":
                command.add_argument(
                    "--pages", action="store_true", help="import pages as articles too"
                )
            command.add_argument(
                "--dry-run", action="store_true", help="report what would happen"
            )
            command.add_argument(
                "--report", type=Path, help="where to write the report"
            )
        undo = sub.add_parser("undo", help="remove what one import run created")
        undo.add_argument("run_id", type=int)

    def handle(self, *args, **options):
        if options["platform"] == "undo":
            return self.undo(options["run_id"])
        path: Path = options["file"]
        try:
            source = open_source(
                options["platform"],
                path,
                media=options.get("media"),
                members=options.get("members"),
                pages=options.get("pages", False),
            )
            run = ImportRun.objects.create(
                platform=options["platform"],
                file_name=path.name[:255],
                dry_run=options["dry_run"],
            )
            bar = ProgressBar(sys.stderr)
            time_run(run, lambda: run_import(source, run=run, progress=bar))
        except ExportError as error:
            raise CommandError(str(error)) from None
        run.refresh_from_db()
        target = options["report"] or Path(f"import-{run.pk}-report.txt")
        target.write_text(run.report, encoding="utf-8")
        self.stdout.write(run.report)
        self.stdout.write(f"Report written to {target}")
        if not run.dry_run:
            self.stdout.write(f"Undo with: broadsheet import undo {run.pk}")
        return None

    def undo(self, run_id: int):
        run = ImportRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"There is no import run {run_id}.")
        if run.dry_run:
            raise CommandError(f"Run {run_id} was a dry run: it created nothing.")
        if run.status == ImportRun.Status.UNDONE:
            raise CommandError(f"Run {run_id} was undone already.")
        report = undo_run(run)
        self.stdout.write(report.text(run_id=run_id).replace("Import of", "Undo of"))
