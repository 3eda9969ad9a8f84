"""Running an import, and undoing one: what the command and the worker call."""

import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from wagtail.models import Page

from broadsheet.core.caching import content_changes_batched
from broadsheet.imports.models import ImportedItem, ImportRun
from broadsheet.imports.records import ExportError
from broadsheet.imports.report import Report
from broadsheet.imports.writer import Importer, Progress
from broadsheet.newsroom.models import ArticlePageTag


def run_import(source, *, run: ImportRun, progress: Progress | None = None) -> Report:
    """Import (or, for a dry run, plan) everything in ``source``.

    Readers' caches hear of the changes every two seconds, not after each
    of the thousands of saves (core.caching.content_changes_batched).
    """
    with content_changes_batched() as flush:
        return Importer(source, run=run, progress=progress, flush=flush).run()


def undo_run(run: ImportRun) -> Report:
    """Remove what ``run`` created, newest kinds first; report what stays."""
    report = Report(platform=run.platform)
    order = [
        "redirect",
        "comment",
        "article",
        "subscriber",
        "image",
        "tag",
        "section",
        "newsletter",
        "author",
    ]
    items = ImportedItem.objects.filter(linked_by_run=run)
    for kind in order:
        for item in items.filter(kind=kind).select_related("content_type"):
            if item.created_by_run_id != run.pk:
                item.delete()  # it was here before the import: only the link goes
                continue
            model = item.content_type.model_class()
            obj = model._default_manager.filter(pk=item.object_id).first()
            try:
                with transaction.atomic():
                    if isinstance(obj, Page):
                        obj = obj.specific
                    if (
                        kind == "tag"
                        and ArticlePageTag.objects.filter(tag=obj).exists()
                    ):
                        raise ProtectedError("still used", [])
                    if obj is not None:
                        obj.delete()
                    item.delete()
                report.count(kind, "removed")
            except ProtectedError:
                report.count(kind, "kept")
                report.warn(
                    f"{kind} {item.source_id}", "still used by content made here; kept"
                )
    run.status = ImportRun.Status.UNDONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return report


def time_run(run: ImportRun, work: Callable[[], Report]) -> Report:
    """Run ``work`` and keep its outcome on the run row."""
    started = time.monotonic()
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        report = work()
    except ExportError as error:
        run.status = ImportRun.Status.FAILED
        run.error = str(error)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.status = ImportRun.Status.PLANNED if run.dry_run else ImportRun.Status.FINISHED
    run.counts = report.as_dict()
    run.report = report.text(run_id=run.pk, seconds=time.monotonic() - started)
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "counts", "report", "finished_at"])
    return report
