"""Imports in the admin (Settings → Imports), for Administrators.

Upload an export → the worker makes a dry run → read its report → confirm →
the worker imports, and the run's page shows its progress (it refreshes
itself every two seconds while the worker is busy, script or not).
"""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from broadsheet.core.admin_pages import admin_page
from broadsheet.imports.forms import ImportForm
from broadsheet.imports.models import ImportRun
from broadsheet.imports.tasks import perform_import, undo_import
from broadsheet.imports.uploads import NAMES, keep_upload, new_folder

IMPORT = "imports.add_importrun"


def _allowed(request) -> None:
    if not request.user.has_perm(IMPORT):
        raise PermissionDenied


def index(request):
    _allowed(request)
    return admin_page(
        request,
        "imports/admin/index.html",
        {"runs": ImportRun.objects.select_related("created_by")[:50]},
        title=_("Imports"),
        icon="download",
    )


def new(request):
    _allowed(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        folder = new_folder()
        upload = keep_upload(data["export"], folder, NAMES[data["platform"]])
        media = (
            keep_upload(data["media"], folder, "media.zip") if data["media"] else None
        )
        members = (
            keep_upload(data["members"], folder, "members.csv")
            if data["members"]
            else None
        )
        with transaction.atomic():
            run = ImportRun.objects.create(
                platform=data["platform"],
                file_name=data["export"].name[:255],
                upload=upload,
                content_upload=media or "",
                options={"pages": data["pages"], "members": members or ""},
                dry_run=True,
                created_by=request.user,
            )
            transaction.on_commit(lambda: perform_import.enqueue(run.pk))
        return redirect("imports_run", run.pk)
    return admin_page(
        request,
        "imports/admin/new.html",
        {"form": form},
        title=_("New import"),
        icon="download",
        status=400 if form.errors else 200,
    )


def run_page(request, pk: int):
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk)
    confirmed = (
        ImportRun.objects.filter(upload=run.upload, dry_run=False).first()
        if run.dry_run and run.upload
        else None
    )
    return admin_page(
        request,
        "imports/admin/run.html",
        {"run": run, "confirmed": confirmed},
        title=str(run),
        icon="download",
    )


def progress(request, pk: int):
    """What the run's page script follows while the worker works."""
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk)
    rate = run.items_per_second
    response = JsonResponse(
        {
            "status": run.status,
            "working": run.is_working,
            "done": run.items_done,
            "total": run.items_total,
            "rate": f"{rate:.1f}" if rate else "",
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def confirm(request, pk: int):
    """Import for real what a finished dry run planned (the button is a POST)."""
    _allowed(request)
    if request.method != "POST":
        return redirect("imports_run", pk)
    with transaction.atomic():
        plan = get_object_or_404(
            ImportRun.objects.select_for_update(),
            pk=pk,
            dry_run=True,
            status=ImportRun.Status.PLANNED,
        )
        existing = ImportRun.objects.filter(upload=plan.upload, dry_run=False).first()
        if existing:  # a second click, or a second tab
            return redirect("imports_run", existing.pk)
        run = ImportRun.objects.create(
            platform=plan.platform,
            file_name=plan.file_name,
            upload=plan.upload,
            content_upload=plan.content_upload,
            options=plan.options,
            dry_run=False,
            created_by=request.user,
        )
        transaction.on_commit(lambda: perform_import.enqueue(run.pk))
    return redirect("imports_run", run.pk)


def undo(request, pk: int):
    """Ask, then remove what a finished import created (in the worker)."""
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk, dry_run=False)
    if request.method != "POST":
        return admin_page(
            request,
            "imports/admin/undo.html",
            {"run": run, "summary": _created_summary(run)},
            title=_("Undo %(run)s") % {"run": run},
            icon="download",
        )
    with transaction.atomic():
        run = get_object_or_404(ImportRun.objects.select_for_update(), pk=pk)
        if run.status != ImportRun.Status.FINISHED:
            messages.error(request, _("Only a finished import can be undone."))
            return redirect("imports_run", run.pk)
        run.status = ImportRun.Status.UNDOING
        run.save(update_fields=["status"])
        transaction.on_commit(lambda: undo_import.enqueue(run.pk))
    return redirect("imports_run", run.pk)


def _created_summary(run: ImportRun) -> str:
    counts = Counter(run.created_items.values_list("kind", flat=True))
    return ", ".join(
        f"{n:,} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()
    ) or _("nothing")
