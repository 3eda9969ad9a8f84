"""Wagtail's review notifications (submitted, approved, changes requested),
sent by the background worker like every other message.

Wagtail sends them in the request, through an SMTP connection it opens
there: a slow or unreachable mail server would hold up the editor's click.
These notifiers render the same templates for the same recipients and
queue each message instead (``core.mail.send_later``).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import override
from wagtail.admin import mail as wagtail_mail
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import (
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

from broadsheet.core.mail import send_later


class _QueuedNotifier:
    def send_emails(self, template_set, context, recipients, **kwargs):
        for recipient in recipients:
            context["user"] = recipient
            with override(recipient.wagtail_userprofile.get_preferred_language()):
                subject = render_to_string(template_set["subject"], context)
                body = render_to_string(template_set["text"], context).strip()
                html = (
                    render_to_string(template_set["html"], context)
                    if getattr(settings, "WAGTAILADMIN_NOTIFICATION_USE_HTML", False)
                    else None
                )
            message = EmailMultiAlternatives(
                subject=" ".join(subject.split()),
                body=body,
                from_email=getattr(
                    settings, "WAGTAILADMIN_NOTIFICATION_FROM_EMAIL", None
                ),
                to=[recipient.email],
                headers={"Auto-Submitted": "auto-generated"},
            )
            if html:
                message.attach_alternative(html, "text/html")
            send_later(message)
        return True


class _TaskSubmitted(
    _QueuedNotifier, wagtail_mail.GroupApprovalTaskStateSubmissionEmailNotifier
):
    pass


class _WorkflowSubmitted(
    _QueuedNotifier, wagtail_mail.WorkflowStateSubmissionEmailNotifier
):
    pass


class _WorkflowApproved(
    _QueuedNotifier, wagtail_mail.WorkflowStateApprovalEmailNotifier
):
    pass


class _WorkflowRejected(
    _QueuedNotifier, wagtail_mail.WorkflowStateRejectionEmailNotifier
):
    pass


# Wagtail's dispatch_uids, so that whichever app is ready first, only these
# stay connected. Module-level instances: signals hold receivers weakly.
_NOTIFIERS = (
    (task_submitted, TaskState, _TaskSubmitted(), "group_approval_task_submitted"),
    (
        workflow_submitted,
        WorkflowState,
        _WorkflowSubmitted(),
        "workflow_state_submitted",
    ),
    (workflow_approved, WorkflowState, _WorkflowApproved(), "workflow_state_approved"),
    (workflow_rejected, WorkflowState, _WorkflowRejected(), "workflow_state_rejected"),
)


def install() -> None:
    for signal, sender, notifier, name in _NOTIFIERS:
        uid = f"{name}_email_notification"
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(notifier, sender=sender, dispatch_uid=uid)
