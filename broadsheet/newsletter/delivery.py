"""Sending an issue: a ledger row per recipient, written before any mail goes.

``queue_issue`` writes one Delivery per active subscriber (streamed, in bulk).
``send_pending`` claims batches of queued deliveries for a short lease, sends
them, and records each one as it goes (see transport.py for why a crash can
neither lose nor repeat a message). A batch whose worker died is claimed
again when its lease runs out; ``resume_stalled`` re-starts the sending task
for issues that stopped making progress, so a killed worker only pauses it.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from broadsheet.newsletter.mail import issue_message, render_issue
from broadsheet.newsletter.models import Delivery, Issue, Subscriber, Subscription
from broadsheet.newsletter.services import mark_bouncing
from broadsheet.newsletter.transport import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
)

INSERT_CHUNK = 5000
MAX_ATTEMPTS = 6


def option(name: str):
    return settings.NEWSLETTER[name]


@transaction.atomic
def queue_issue(issue: Issue, *, now=None) -> int:
    """Write a queued delivery for every active subscriber; return how many."""
    from broadsheet.newsletter.compose import articles_since

    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status in (Issue.Status.SENDING, Issue.Status.SENT):
        return 0
    now = now or timezone.now()
    if issue.auto_articles and issue.covers_from:
        issue.article_ids = articles_since(issue.covers_from, now) or issue.article_ids
    recipients = (
        Subscriber.objects.filter(
            status=Subscriber.Status.ACTIVE,
            subscription__newsletter_id=issue.newsletter_id,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = 0
    batch = []
    for subscriber_id in recipients.iterator(chunk_size=INSERT_CHUNK):
        batch.append(Delivery(issue_id=issue.pk, subscriber_id=subscriber_id))
        if len(batch) == INSERT_CHUNK:
            total += _insert(batch)
            batch = []
    total += _insert(batch)
    issue.status = Issue.Status.SENDING
    issue.queued_at = issue.last_progress_at = now
    issue.save(update_fields=["status", "queued_at", "last_progress_at", "article_ids"])
    transaction.on_commit(lambda: _start(issue.pk))
    return total


def _insert(batch: list[Delivery]) -> int:
    if not batch:
        return 0
    Delivery.objects.bulk_create(batch, ignore_conflicts=True, batch_size=INSERT_CHUNK)
    return len(batch)


def _start(issue_id: int) -> None:
    from broadsheet.newsletter.tasks import send_issue

    send_issue.enqueue(issue_id)


def _claim(issue: Issue, now) -> list[Delivery]:
    """Take the next batch for a short lease; unsubscribed readers drop out here."""
    lease = timedelta(seconds=option("LEASE_SECONDS"))
    subscribed = Subscription.objects.filter(
        subscriber_id=OuterRef("subscriber_id"), newsletter_id=issue.newsletter_id
    )
    with transaction.atomic():
        claimable = (
            Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
        )
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            claimable = claimable.select_for_update(skip_locked=True, of=("self",))
        batch = list(
            claimable.select_related("subscriber").annotate(
                subscribed=Exists(subscribed)
            )[: option("BATCH_SIZE")]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(
            claimed_until=now + lease
        )
    return batch


def send_pending(issue_id: int, *, time_limit: float | None = None) -> int:
    """Send queued deliveries of an issue until none are left; return how many."""
    issue = Issue.objects.select_related("newsletter").get(pk=issue_id)
    if issue.status != Issue.Status.SENDING:
        return 0
    rendered = render_issue(issue)
    rate = option("RATE_PER_SECOND")
    started = time.monotonic()
    sent = 0
    with Transport() as transport:
        while True:
            batch = _claim(issue, timezone.now())
            if not batch:
                break
            for delivery in batch:
                if rate:
                    _pace(started, sent, rate)
                sent += _deliver(transport, rendered, delivery)
            Issue.objects.filter(pk=issue.pk).update(last_progress_at=timezone.now())
            if time_limit and time.monotonic() - started > time_limit:
                return sent
    _finish_if_done(issue)
    return sent


def _pace(started: float, sent: int, rate: float) -> None:
    due = started + sent / rate
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def _deliver(transport: Transport, rendered, delivery: Delivery) -> int:
    subscriber = delivery.subscriber
    if subscriber.status != Subscriber.Status.ACTIVE or not delivery.subscribed:
        _update(delivery, status=Delivery.Status.SKIPPED, last_error="unsubscribed")
        return 0
    message = issue_message(rendered, email=subscriber.email, token=subscriber.token)

    def record_sent():
        _update(delivery, status=Delivery.Status.SENT, sent_at=timezone.now())

    try:
        transport.send(message, record_sent=record_sent)
    except PermanentFailure as failure:
        _update(delivery, status=Delivery.Status.BOUNCED, last_error=str(failure))
        mark_bouncing(subscriber.pk, str(failure))
        return 0
    except TemporaryFailure as failure:
        attempts = delivery.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            _update(
                delivery,
                status=Delivery.Status.FAILED,
                attempts=attempts,
                last_error=str(failure),
            )
        else:
            backoff = option("RETRY_SECONDS") * 2 ** (attempts - 1)
            _update(
                delivery,
                status=Delivery.Status.QUEUED,
                attempts=attempts,
                last_error=str(failure),
                claimed_until=None,
                next_attempt_at=timezone.now() + timedelta(seconds=backoff),
            )
        return 0
    return 1


def _update(delivery: Delivery, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(**fields)


def _finish_if_done(issue: Issue) -> None:
    if not Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED).exists():
        Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, sent_at=timezone.now()
        )


def resume_stalled(now=None) -> list[int]:
    """Restart sending for issues whose worker stopped (crash, restart, retry due)."""
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
            _finish_if_done(issue)
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
