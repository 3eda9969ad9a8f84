"""Editors' newsletter tools in the Wagtail admin: review, test, send, import."""

import smtplib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from broadsheet.core.admin_pages import admin_page
from broadsheet.newsletter import selectors, services
from broadsheet.newsletter.compose import issue_articles
from broadsheet.newsletter.delivery import queue_issue, recipients_of, send_refusal
from broadsheet.newsletter.mail import issue_message, render_issue
from broadsheet.newsletter.models import Issue, Newsletter

MAX_IMPORT_BYTES = 20 * 1024 * 1024
SEND = "newsletter.send_issue"
IMPORT = "newsletter.import_subscribers"
# Actions that mail every subscriber, now or at the scheduled time.
SENDING_ACTIONS = {"send", "schedule"}
# Issues that went out: read-only, with their delivery figures.
SENT_STATUSES = (Issue.Status.SENDING, Issue.Status.SENT)


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
        if action == "send":  # sending is confirmed on a page of its own
            return redirect("newsletter_send", pk=issue.pk)
        _act(request, issue, action)
        return redirect("newsletter_review", pk=issue.pk)
    sent = issue.status in SENT_STATUSES
    return admin_page(
        request,
        "newsletter/admin/review.html",
        {
            "issue": issue,
            "articles": issue_articles(issue),
            "sent": sent,
            "figures": selectors.delivery_figures(issue) if sent else None,
            "recipients": subscriber_count(recipients_of(issue).count()),
            "can_send": request.user.has_perm(SEND),
        },
        title=_("Issue sent") if sent else _("Review issue"),
        header_title=issue.subject,
        icon="mail",
    )


def confirm_send(request, pk: int):
    """Say exactly what "Send" will do, and do it only when confirmed."""
    _require(request, SEND)
    issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=pk)
    refusal = send_refusal(issue)
    if request.method == "POST" and refusal is None:
        queued = queue_issue(issue)
        # Sending, or already sent if the worker ran it at once.
        if Issue.objects.filter(pk=issue.pk, status__in=SENT_STATUSES).exists():
            messages.success(request, subscriber_count(queued, _("Sending to %s.")))
        else:
            messages.error(request, _("The issue was not sent: it changed meanwhile."))
        return redirect("newsletter_review", pk=issue.pk)
    return admin_page(
        request,
        "newsletter/admin/confirm_send.html",
        {
            "issue": issue,
            "articles": issue_articles(issue),
            "recipients": subscriber_count(recipients_of(issue).count()),
            "refusal": refusal,
        },
        title=_("Send this issue?"),
        header_title=issue.subject,
        icon="mail",
        status=400 if refusal and request.method == "POST" else 200,
    )


def subscriber_count(n: int, sentence: str = "%s") -> str:
    """ "1 subscriber", "1,200 subscribers", put into ``sentence``."""
    words = ngettext("%(n)s subscriber", "%(n)s subscribers", n) % {
        "n": number_format(n, force_grouping=True)
    }
    return sentence % words


def _act(request, issue: Issue, action: str) -> None:
    if action == "test":
        _send_test(request, issue)
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
                request, _("The issue is now %(s)s.") % {"s": target.label.lower()}
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
    """The issue's HTML (or ``?format=text``) as a subscriber will get it."""
    _require(request, "newsletter.change_issue")
    issue = get_object_or_404(Issue.objects.select_related("newsletter"), pk=pk)
    mode = "text" if request.GET.get("format") == "text" else "html"
    return issue.serve_preview(request, mode)


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
    return admin_page(
        request,
        "newsletter/admin/import.html",
        {
            "form": form,
            "report": report,
            "error": error,
            "now": timezone.now(),
        },
        title=_("Import subscribers"),
        icon="upload",
        status=400 if error or form.errors else 200,
    )
