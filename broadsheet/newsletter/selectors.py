from django.db.models import Count, Q

from broadsheet.newsletter.addresses import address_key
from broadsheet.newsletter.forms import ManageForm
from broadsheet.newsletter.models import Delivery, Issue, Subscriber


def newsletter_choices(user) -> ManageForm:
    """The member's newsletter form, ticked where they are subscribed and active."""
    subscriber = Subscriber.objects.filter(
        email_key=address_key(user.email or ""), status=Subscriber.Status.ACTIVE
    ).first()
    current = list(subscriber.newsletters.all()) if subscriber else []
    return ManageForm(initial={"newsletters": current})


def delivery_figures(issue: Issue) -> dict[str, int]:
    """Where an issue's deliveries stand, and who has left the newsletter since.

    Deferred: a temporary failure, to be tried again. Unsubscribed: readers it
    was sent to who no longer get this newsletter.
    """
    status = Delivery.Status
    figures = issue.deliveries.aggregate(
        queued=Count("pk", filter=Q(status=status.QUEUED, attempts=0)),
        deferred=Count("pk", filter=Q(status=status.QUEUED, attempts__gt=0)),
        sent=Count("pk", filter=Q(status=status.SENT)),
        bounced=Count("pk", filter=Q(status=status.BOUNCED)),
        failed=Count("pk", filter=Q(status=status.FAILED)),
        skipped=Count("pk", filter=Q(status=status.SKIPPED)),
    )
    figures["unsubscribed"] = (
        issue.deliveries.filter(status=status.SENT)
        .exclude(subscriber__subscription__newsletter_id=issue.newsletter_id)
        .count()
    )
    return figures
