"""A demo archive: last week's daily briefings, as if they had been sent."""

from datetime import datetime, timedelta

from broadsheet.newsletter import compose
from broadsheet.newsletter.models import Issue, Newsletter

ARCHIVE_DAYS = 3


def load_newsletter_archive(*, now: datetime) -> int:
    """Compose and mark sent the last few daily issues; return how many made."""
    daily = Newsletter.objects.filter(slug="daily").first()
    if daily is None or daily.issues.exists():
        return 0
    made = 0
    slot = now - timedelta(days=ARCHIVE_DAYS + 1)
    for _ in range(ARCHIVE_DAYS):
        slot = compose.next_slot(daily, slot)
        if slot > now:
            break
        issue = compose.compose_issue(daily, slot)
        if issue.article_ids:
            issue.intro = "Good morning. Here is what happened since yesterday."
            issue.status, issue.sent_at, issue.covers_until = (
                Issue.Status.SENT,
                slot,
                slot,
            )
            issue.save(update_fields=["intro", "status", "sent_at", "covers_until"])
            made += 1
    return made
