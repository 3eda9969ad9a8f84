"""Background work of core: delivering mail rendered by a request.

``core.mail.send_later`` enqueues ``deliver_email``; this module imports
nothing from ``core.mail``, so the two do not import each other.
"""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


def build_message(payload: dict) -> EmailMultiAlternatives:
    """Rebuild the message ``core.mail.send_later`` turned into a payload."""
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or None,
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    return message


@task()
def deliver_email(payload: dict) -> None:
    """Send one message already rendered by the request that wanted it sent."""
    build_message(payload).send()
