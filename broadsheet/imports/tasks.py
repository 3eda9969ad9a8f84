"""The imports' half that runs in the worker: dry runs, imports and undo.

Each task is safe to run twice: a finished run is left alone, and a run
started again after a crash carries on (the import is idempotent, so what
was done is found and left, and what was not is done).
"""

import logging
import time
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from broadsheet.imports.models import ImportRun
from broadsheet.imports.records import ExportError
from broadsheet.imports.services import run_import, time_run, undo_run
from broadsheet.imports.sources import open_source
from broadsheet.imports.uploads import discard_uploads, local_files

logger = logging.getLogger(__name__)
STALLED_AFTER = timedelta(minutes=2)


class RunProgress:
    """Writes a run's progress and heartbeat, at most once a second."""

    def __init__(self, run: ImportRun):
        self.run = run
        self.written = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.written < 1.0 and done < total:
            return
        self.written = now
        ImportRun.objects.filter(pk=self.run.pk).update(
            items_done=done, items_total=total, heartbeat_at=timezone.now()
        )


@task()
def perform_import(run_id: int) -> str:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.status not in (
        ImportRun.Status.WAITING,
        ImportRun.Status.RUNNING,
    ):
        return "nothing to do"
    files = (run.upload, run.content_upload, run.options.get("members", ""))
    try:
        with local_files(*files) as (upload, media, members):
            source = open_source(
                run.platform,
                upload,
                media=media,
                members=members,
                pages=run.options.get("pages", False),
            )
            progress = RunProgress(run)
            time_run(run, lambda: run_import(source, run=run, progress=progress))
    except ExportError as error:
        _fail(run, str(error))
        return "failed"
    except Exception as error:
        logger.exception("Import %s stopped", run.pk)
        _fail(run, f"The import stopped on an unexpected error: {error}")
        return "failed"
    if not run.dry_run:
        discard_uploads(run)
    return run.status


def _fail(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FAILED, error=message, finished_at=timezone.now()
    )


@task()
def undo_import(run_id: int) -> str:
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.UNDOING).first()
    if run is None:
        return "nothing to do"
    report = undo_run(run)
    ImportRun.objects.filter(pk=run.pk).update(
        report=run.report
        + "\n"
        + report.text(run_id=run.pk).replace("Import of", "Undo of")
    )
    return "undone"


def resume_stalled(now=None) -> list[int]:
    """Start again the runs whose worker stopped (a crash, a restart)."""
    now = now or timezone.now()
    quiet = now - STALLED_AFTER
    resumed = []
    for run in ImportRun.objects.filter(
        status__in=[ImportRun.Status.RUNNING, ImportRun.Status.UNDOING],
        heartbeat_at__lt=quiet,
    ):
        ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=now)
        (
            undo_import if run.status == ImportRun.Status.UNDOING else perform_import
        ).enqueue(run.pk)
        resumed.append(run.pk)
    return resumed
