"""Sending an issue: a ledger row per recipient, written before any mail goes.

``queue_issue`` writes one Delivery per active subscriber (streamed, in
chunks), then starts the sending task (tasks.send_issue), whose worker runs
``send_pending`` (sending.py: leased batches, retries, bounces; see there and
transport.py for why a crash can neither lose nor repeat a message).
``resume_stalled`` restarts the sending task for issues that stopped making
progress, so a killed worker or a mail-server outage only pauses it.

Imports go one way: delivery -> tasks -> sending.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from broadsheet.newsletter.compose import articles_since, issue_articles
from broadsheet.newsletter.models import Delivery, Issue, Subscriber
from broadsheet.newsletter.sending import finish_if_done, option
from broadsheet.newsletter.sending import send_pending as send_pending  # re-export
from broadsheet.newsletter.tasks import send_issue

INSERT_CHUNK = 5000
QUEUEABLE = (Issue.Status.DRAFT, Issue.Status.SCHEDULED)


def queue_issue(issue: Issue, *, now=None) -> int:
    """Write a queued delivery for every active subscriber; return how many.

    Rows go in chunks, each its own transaction, so the database is never
    locked for long; the issue turns SENDING only at the end, and a second
    call (or a retry after a crash) adds nothing twice.
    """
    now = now or timezone.now()
    issue = Issue.objects.get(pk=issue.pk)
    if issue.status not in QUEUEABLE:
        return 0
    fresh = []
    if issue.auto_articles and issue.covers_from:
        fresh = articles_since(issue.covers_from, now)
    recipients = recipients_of(issue).order_by("pk").values_list("pk", flat=True)
    total, batch = 0, []
    for subscriber_id in recipients.iterator(chunk_size=INSERT_CHUNK):
        batch.append(Delivery(issue_id=issue.pk, subscriber_id=subscriber_id))
        if len(batch) == INSERT_CHUNK:
            total += _insert(batch)
            batch = []
    total += _insert(batch)
    with transaction.atomic():
        started = Issue.objects.filter(pk=issue.pk, status__in=QUEUEABLE).update(
            status=Issue.Status.SENDING,
            queued_at=now,
            last_progress_at=now,
            covers_until=now if issue.auto_articles else issue.scheduled_for,
        )
        if not started:  # skipped or sent meanwhile: the rows are never claimed
            return 0
        if fresh:  # the articles published up to now, in place of the plan's
            issue.set_articles(fresh)
            issue.items.commit()
        transaction.on_commit(lambda: _start(issue.pk))
    return total


def recipients_of(issue: Issue):
    """The subscribers an issue goes to if it is sent now."""
    return Subscriber.objects.filter(
        status=Subscriber.Status.ACTIVE,
        subscription__newsletter_id=issue.newsletter_id,
    )


def send_refusal(issue: Issue) -> str | None:
    """Why an editor may not send this issue now, or None if they may."""
    if issue.status not in QUEUEABLE:
        return _("This issue is %(status)s: it cannot be sent again.") % {
            "status": issue.get_status_display().lower()
        }
    if not issue_articles(issue):
        return _("This issue has no articles. Add at least one before sending it.")
    if not recipients_of(issue).exists():
        return _("Nobody is subscribed to %(newsletter)s yet.") % {
            "newsletter": issue.newsletter.name
        }
    return None


def _insert(batch: list[Delivery]) -> int:
    if batch:
        Delivery.objects.bulk_create(
            batch, ignore_conflicts=True, batch_size=INSERT_CHUNK
        )
    return len(batch)


def _start(issue_id: int) -> None:
    # One sending task per worker that should share the issue: each claims
    # its own leased batches (SKIP LOCKED), so none sends what another has.
    for _sender in range(option("SENDERS")):
        send_issue.enqueue(issue_id)


def resume_stalled(now=None) -> list[int]:
    """Restart sending for issues whose worker stopped (crash, outage, retry due)."""
    now = now or timezone.now()
    quiet_since = now - timedelta(seconds=option("LEASE_SECONDS"))
    resumed = []
    for issue in Issue.objects.filter(
        status=Issue.Status.SENDING, last_progress_at__lt=quiet_since
    ):
        Issue.objects.filter(pk=issue.pk).update(last_progress_at=now)
        if Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED).exists():
            _start(issue.pk)
            resumed.append(issue.pk)
        else:
            finish_if_done(issue)
    return resumed


def send_due_issues(now=None) -> list[int]:
    """Queue every scheduled issue whose time has come."""
    now = now or timezone.now()
    due = Issue.objects.filter(status=Issue.Status.SCHEDULED, scheduled_for__lte=now)
    queued = []
    for issue in due:
        queue_issue(issue, now=now)
        queued.append(issue.pk)
    return queued
