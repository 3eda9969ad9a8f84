"""Outgoing mail: rendered in the request, delivered by the background worker."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from broadsheet.core.tasks import deliver_email


def public_url(path: str) -> str:
    """Return ``path`` at the site's public address (``BROADSHEET_BASE_URL``).

    Every link in every message comes from here, whether the message is
    rendered in a request or by the worker, so all mail agrees on the address.
    """
    return settings.BASE_URL + path


def send_later(message: EmailMessage) -> None:
    """Queue a rendered message for the worker once the transaction commits.

    The worker rebuilds it with ``core.tasks.build_message``.
    """
    payload = {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "html": next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        ),
    }
    transaction.on_commit(lambda: deliver_email.enqueue(payload))


def render_message(
    template_prefix: str, context: dict, *, to: list[str], subject: str
) -> EmailMultiAlternatives:
    """Build a message from ``<prefix>.txt`` and ``<prefix>.html`` templates."""
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"{template_prefix}.txt", context),
        to=to,
    )
    message.attach_alternative(
        render_to_string(f"{template_prefix}.html", context), "text/html"
    )
    return message
