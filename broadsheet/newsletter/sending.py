"""The worker's side of sending an issue: leased batches, retries, bounces.

``send_pending`` (run by tasks.send_issue) claims batches of queued
deliveries under a lease and sends them; each is recorded as sent by a
compare-and-set that only succeeds while the lease is still this worker's
and the reader is still subscribed (see transport.py for why a crash can
neither lose nor repeat a message). A batch whose worker died is claimed
again when its lease runs out. delivery.py writes the rows and starts the
task; this module never enqueues anything, so tasks.py can import it.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from broadsheet.core.caching import reader_content_changed
from broadsheet.newsletter.mail import issue_message, render_issue
from broadsheet.newsletter.models import Delivery, Issue, Subscriber, Subscription
from broadsheet.newsletter.services import mark_bouncing
from broadsheet.newsletter.transport import (
    MAX_ERROR,
    Abandoned,
    MessageRefused,
    RecipientRefused,
    ServerUnavailable,
    TemporaryFailure,
    Transport,
)

logger = logging.getLogger("broadsheet.newsletter")
MAX_ATTEMPTS = 6


def option(name: str):
    return settings.NEWSLETTER[name]


def _claim(issue: Issue, now) -> tuple[list[Delivery], object]:
    """Take the next batch for a lease; return it and the lease's end."""
    lease = now + timedelta(seconds=option("LEASE_SECONDS"))
    with transaction.atomic():
        claimable = (
            Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
        )
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            claimable = claimable.select_for_update(skip_locked=True, of=("self",))
        subscribed = Subscription.objects.filter(
            subscriber_id=OuterRef("subscriber_id"),
            newsletter_id=issue.newsletter_id,
        )
        batch = list(
            claimable.select_related("subscriber").annotate(
                subscribed=Exists(subscribed)
            )[: option("BATCH_SIZE")]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(
            claimed_until=lease
        )
    return batch, lease


def _still_ours(delivery: Delivery, issue: Issue, lease):
    subscribed = Subscription.objects.filter(
        subscriber_id=OuterRef("subscriber_id"), newsletter_id=issue.newsletter_id
    )
    return Delivery.objects.filter(
        Exists(subscribed),
        pk=delivery.pk,
        status=Delivery.Status.QUEUED,
        claimed_until=lease,
        subscriber__status=Subscriber.Status.ACTIVE,
    )


def send_pending(issue_id: int) -> int:
    """Send queued deliveries of an issue until none are left; return how many."""
    issue = Issue.objects.select_related("newsletter").get(pk=issue_id)
    if issue.status != Issue.Status.SENDING:
        return 0
    rendered = render_issue(issue)
    pace = Pace(option("RATE_PER_SECOND"))
    sent = 0
    with Transport() as transport:
        while True:
            batch, lease = _claim(issue, timezone.now())
            if not batch:
                break
            for delivery in batch:
                pace.wait()
                try:
                    sent += _deliver(transport, rendered, issue, delivery, lease)
                except ServerUnavailable as problem:
                    # Nobody's fault but the server's: leave every row queued
                    # (its lease runs out) and let resume_stalled try later.
                    logger.warning("Newsletter %s paused: %s", issue.pk, problem)
                    return sent
            Issue.objects.filter(pk=issue.pk).update(last_progress_at=timezone.now())
    finish_if_done(issue)
    return sent


class Pace:
    """At most ``rate`` messages a second (0: no limit), without bursts."""

    def __init__(self, rate: float):
        self.interval = 1 / rate if rate else 0
        self.next_due = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_due > now:
            time.sleep(self.next_due - now)
        self.next_due = max(now, self.next_due) + self.interval


def _deliver(transport, rendered, issue, delivery, lease) -> int:
    subscriber = delivery.subscriber
    if subscriber.status != Subscriber.Status.ACTIVE or not delivery.subscribed:
        _skip_if_gone(delivery, issue, lease)
        return 0
    message = issue_message(rendered, email=subscriber.email, token=subscriber.token)

    def record_sent() -> bool:
        return bool(
            _still_ours(delivery, issue, lease).update(
                status=Delivery.Status.SENT, sent_at=timezone.now()
            )
        )

    try:
        transport.send(message, record_sent=record_sent)
    except Abandoned:
        _skip_if_gone(delivery, issue, lease)
        return 0
    except RecipientRefused as refused:
        _update(delivery, status=Delivery.Status.BOUNCED, last_error=str(refused))
        mark_bouncing(subscriber.pk, str(refused))
        return 0
    except MessageRefused as refused:
        if refused.temporary:
            _retry(delivery, refused)
        else:
            _update(delivery, status=Delivery.Status.FAILED, last_error=str(refused))
        return 0
    except TemporaryFailure as failure:
        _retry(delivery, failure)
        return 0
    except ServerUnavailable:
        raise
    except Exception as error:  # one odd address must not stop the issue
        logger.exception("Newsletter delivery %s failed", delivery.pk)
        _update(
            delivery,
            status=Delivery.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:MAX_ERROR],
        )
        return 0
    return 1


def _skip_if_gone(delivery: Delivery, issue: Issue, lease) -> None:
    """Not recorded: either the reader left (skip) or another worker has it."""
    Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.QUEUED, claimed_until=lease
    ).update(status=Delivery.Status.SKIPPED, last_error="unsubscribed")


def _retry(delivery: Delivery, failure: Exception) -> None:
    attempts = delivery.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _update(
            delivery,
            status=Delivery.Status.FAILED,
            attempts=attempts,
            last_error=str(failure),
        )
        return
    backoff = option("RETRY_SECONDS") * 2 ** (attempts - 1)
    _update(
        delivery,
        status=Delivery.Status.QUEUED,
        attempts=attempts,
        last_error=str(failure),
        claimed_until=None,
        sent_at=None,
        next_attempt_at=timezone.now() + timedelta(seconds=backoff),
    )


def _update(delivery: Delivery, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(**fields)


def finish_if_done(issue: Issue) -> None:
    if Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED).exists():
        return
    finished = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
        status=Issue.Status.SENT, sent_at=timezone.now()
    )
    if finished:
        reader_content_changed()  # the archive lists it now
