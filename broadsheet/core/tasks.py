"""Background work of core: delivering mail rendered by a request, and making
a published page's image renditions before readers ask for them.

``core.mail.send_later`` enqueues ``deliver_email``; this module imports
nothing from ``core.mail``, so the two do not import each other.
"""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task
from wagtail.models import Page, Revision

from broadsheet.core import images


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


@task()
def make_page_renditions(page_id: int) -> int:
    """Make the renditions of the images a published page shows (core.images).

    Safe to run again or late: existing renditions are only read, and a page
    deleted or unpublished meanwhile needs none.
    """
    page = Page.objects.filter(pk=page_id, live=True).first()
    if page is None:
        return 0
    return images.make_renditions(page.specific)


@task()
def make_draft_renditions(revision_id: int) -> int:
    """Make the renditions a saved draft will show once it is published.

    Editors save drafts well before they publish, so by then the sizes
    exist and the first readers of a new article (on any node) wait for
    none. A revision deleted meanwhile needs none.
    """
    revision = Revision.page_revisions.filter(pk=revision_id).first()
    if revision is None:
        return 0
    return images.make_renditions(revision.as_object())
