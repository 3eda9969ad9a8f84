"""Composing issues: which articles go in, and when each newsletter is due."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from broadsheet.newsletter.models import Issue, Newsletter
from broadsheet.newsroom.selectors import article_cards

MAX_ARTICLES = 20
# Issues are composed this long before they go out, so editors can review.
COMPOSE_AHEAD = timedelta(hours=2)


def next_slot(newsletter: Newsletter, after: datetime) -> datetime:
    """Return the first send time strictly after ``after`` (aware, UTC)."""
    zone = zoneinfo.ZoneInfo(newsletter.time_zone)
    local = after.astimezone(zone)
    for offset in range(8):
        day = (local + timedelta(days=offset)).date()
        if day.weekday() not in newsletter.weekdays:
            continue
        slot = datetime.combine(day, newsletter.send_time, tzinfo=zone)
        # Compare in UTC: in the hour clocks go back, wall times repeat.
        if slot.astimezone(UTC) > after:
            return slot.astimezone(UTC)
    raise ValueError(f"{newsletter} has no sending days")


def issue_articles(issue: Issue) -> list:
    ids = issue.article_ids
    by_pk = {a.pk: a for a in article_cards().filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def articles_since(since: datetime, until: datetime) -> list[int]:
    return list(
        article_cards()
        .filter(first_published_at__gt=since, first_published_at__lte=until)
        .values_list("pk", flat=True)[:MAX_ARTICLES]
    )


def covered_until(newsletter: Newsletter, slot: datetime) -> datetime:
    """Where the issue for ``slot`` starts: where the last one sent ended."""
    previous = (
        newsletter.issues.filter(
            status__in=[Issue.Status.SENDING, Issue.Status.SENT],
            covers_until__isnull=False,
            covers_until__lt=slot,
        )
        .order_by("-covers_until")
        .first()
    )
    if previous is not None:
        return previous.covers_until
    return slot - timedelta(days=newsletter.lookback_days)


def draft_issue(*, now: datetime | None = None) -> Issue:
    """A new, unsaved issue for an editor: the articles since the last one.

    For the newsletter readers are offered first; the editor can change it,
    the articles and their order before saving.
    """
    now = now or timezone.now()
    newsletter = Newsletter.objects.order_by("-is_default", "sort_order", "pk").first()
    issue = Issue(newsletter=newsletter, scheduled_for=now, auto_articles=False)
    if newsletter is None:
        return issue
    since = covered_until(newsletter, now)
    local = now.astimezone(zoneinfo.ZoneInfo(newsletter.time_zone))
    issue.subject = f"{newsletter.name}, {format_date(local, 'l j F')}"
    issue.covers_from = since
    issue.scheduled_for = next_slot(newsletter, now) if newsletter.weekdays else now
    issue.set_articles(articles_since(since, now))
    return issue


def compose_issue(newsletter: Newsletter, slot: datetime) -> Issue:
    """Create the issue for this slot (once), scheduled, or skipped if empty."""
    since = covered_until(newsletter, slot)
    article_ids = articles_since(since, slot)
    local = slot.astimezone(zoneinfo.ZoneInfo(newsletter.time_zone))
    try:
        with transaction.atomic():
            issue = Issue(
                newsletter=newsletter,
                subject=f"{newsletter.name}, {format_date(local, 'l j F')}",
                scheduled_for=slot,
                slot=slot,
                covers_from=since,
                status=Issue.Status.SCHEDULED if article_ids else Issue.Status.SKIPPED,
            )
            issue.set_articles(article_ids)
            issue.save()
            return issue
    except IntegrityError:  # another scheduler composed it first
        return Issue.objects.get(newsletter=newsletter, slot=slot)


def compose_due_issues(now: datetime | None = None) -> list[Issue]:
    """Compose every active newsletter's next issue once it is close enough."""
    now = now or timezone.now()
    composed = []
    for newsletter in Newsletter.objects.filter(is_active=True):
        slot = next_slot(newsletter, now - timedelta(seconds=1))
        if slot - now > COMPOSE_AHEAD:
            continue
        if not newsletter.issues.filter(slot=slot).exists():
            composed.append(compose_issue(newsletter, slot))
    return composed
