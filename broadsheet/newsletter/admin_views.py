"""Editors' newsletter tools in the Wagtail admin: review, test, send, import."""

import smtplib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from broadsheet.newsletter import services
from broadsheet.newsletter.delivery import queue_issue
from broadsheet.newsletter.mail import issue_message, render_issue
from broadsheet.newsletter.models import Issue, Newsletter

MAX_IMPORT_BYTES = 20 * 1024 * 1024
SEND = "newsletter.send_issue"
IMPORT = "newsletter.import_subscribers"
# Actions that mail every subscriber, now or at the scheduled time.
SENDING_ACTIONS = {"send", "schedule"}


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def review_issue(request, pk: int):
    _require(request, "newsletter.change_issue")
    issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in SENDING_ACTIONS:
            _require(request, SEND)
        _act(request, issue, action)
        return redirect("newsletter_review", pk=issue.pk)
    counts = dict(
        issue.deliveries.values_list("status").annotate(n=Count("pk")).order_by()
    )
    return TemplateResponse(
        request,
        "newsletter/admin/review.html",
        {
            "issue": issue,
            "counts": counts,
            "recipients": issue.newsletter.subscribers.filter(status="active").count(),
            "can_send": request.user.has_perm(SEND),
            "header_title": issue.subject,
            "page_title": _("Review issue"),
            "header_icon": "mail",
        },
    )


def _act(request, issue: Issue, action: str) -> None:
    if action == "test":
        _send_test(request, issue)
        return
    if action == "send":
        queued = queue_issue(issue)
        done = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).exists()
        if done:
            messages.success(
                request, _("Sending to %(n)d subscribers.") % {"n": queued}
            )
            return
    moves = {
        "schedule": (
            [Issue.Status.DRAFT, Issue.Status.SKIPPED],
            Issue.Status.SCHEDULED,
        ),
        "skip": ([Issue.Status.DRAFT, Issue.Status.SCHEDULED], Issue.Status.SKIPPED),
    }
    if action in moves:
        allowed, target = moves[action]
        # Conditional, so a skip cannot land on an issue that started sending.
        if Issue.objects.filter(pk=issue.pk, status__in=allowed).update(status=target):
            messages.success(
                request, _("The issue is now %(s)s.") % {"s": target.label}
            )
            return
    messages.error(
        request,
        _("That cannot be done to an issue that is %(s)s.")
        % {"s": issue.get_status_display().lower()},
    )


def _send_test(request, issue: Issue) -> None:
    if not request.user.email:
        messages.error(request, _("Add an email address to your account first."))
        return
    message = issue_message(render_issue(issue), email=request.user.email, token="test")
    message.subject = f"[Test] {message.subject}"
    try:
        message.send()
    except (smtplib.SMTPException, OSError, ValueError) as error:
        messages.error(request, _("The test could not be sent: %(e)s") % {"e": error})
    else:
        messages.success(
            request, _("A test copy went to %(email)s.") % {"email": request.user.email}
        )


def preview_issue(request, pk: int):
    """The issue's HTML as a subscriber will get it."""
    _require(request, "newsletter.change_issue")
    issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=pk)
    message = issue_message(
        render_issue(issue), email="reader@example.com", token="preview"
    )
    if request.GET.get("format") == "text":
        return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
    return HttpResponse(message.alternatives[0][0])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, consent (yes/no). Only people who agreed to receive "
            "the newsletter may be imported; they are added as confirmed."
        ),
    )
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.all(), widget=forms.CheckboxSelectMultiple
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def import_subscribers(request):
    _require(request, IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.import_csv(
                form.cleaned_data["file"].read(),
                newsletters=form.cleaned_data["newsletters"],
            )
        except services.BadAddress as problem:
            error = str(problem)
    return TemplateResponse(
        request,
        "newsletter/admin/import.html",
        {
            "form": form,
            "report": report,
            "error": error,
            "header_title": _("Import subscribers"),
            "page_title": _("Import subscribers"),
            "header_icon": "upload",
            "now": timezone.now(),
        },
        status=400 if error or form.errors else 200,
    )
