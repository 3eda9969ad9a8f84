"""Newsletter mail: the confirmation request and each issue's message.

An issue is rendered once; each recipient's copy only swaps in their own
links, so sending 100,000 copies renders no template 100,000 times.
"""

from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from broadsheet.core.mail import public_url, render_message
from broadsheet.newsletter import tokens
from broadsheet.newsletter.compose import issue_articles
from broadsheet.newsletter.models import Issue, Newsletter, Subscriber

UNSUBSCRIBE = "%%UNSUBSCRIBE_URL%%"
MANAGE = "%%MANAGE_URL%%"


def unsubscribe_url(token: str, newsletter_slug: str) -> str:
    path = reverse("newsletter:unsubscribe", args=[token])
    return public_url(f"{path}?n={newsletter_slug}")


def manage_url(token: str) -> str:
    return public_url(reverse("newsletter:manage", args=[token]))


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    key = tokens.confirmation_key(subscriber)
    context = {
        "subscriber": subscriber,
        "confirm_url": public_url(reverse("newsletter:confirm", args=[key])),
        "newsletters": list(
            Newsletter.objects.filter(
                Q(pk__in=subscriber.pending_newsletters)
                | Q(subscription__subscriber=subscriber)
            ).distinct()
        ),
        "hours": tokens.CONFIRM_MAX_AGE // 3600,
    }
    return render_message(
        "newsletter/email/confirm",
        context,
        to=[subscriber.email],
        subject="Confirm your newsletter subscription",
    )


@dataclass
class RenderedIssue:
    subject: str
    text: str
    html: str
    from_email: str
    newsletter_slug: str
    mail_domain: str


def render_issue(issue: Issue) -> RenderedIssue:
    context = {
        "issue": issue,
        "newsletter": issue.newsletter,
        "articles": issue_articles(issue),
        "base_url": public_url(""),
        # An issue previewed before it is first saved has no web page yet.
        "web_url": public_url(issue.get_absolute_url() if issue.pk else "/"),
        "unsubscribe_url": UNSUBSCRIBE,
        "manage_url": MANAGE,
    }
    address = issue.newsletter.sender_email or settings.DEFAULT_FROM_EMAIL
    return RenderedIssue(
        subject=issue.subject,
        text=render_to_string("newsletter/email/issue.txt", context),
        html=render_to_string("newsletter/email/issue.html", context),
        from_email=issue.newsletter.from_email,
        newsletter_slug=issue.newsletter.slug,
        mail_domain=address.rpartition("@")[2] or "localhost",
    )


def preview_response(issue: Issue, mode: str) -> HttpResponse:
    """The issue as a subscriber gets it: the HTML part, or ("text") the plain one."""
    message = issue_message(
        render_issue(issue), email="reader@example.com", token="preview"
    )
    if mode == "text":
        return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
    return HttpResponse(message.alternatives[0][0])


def issue_message(
    rendered: RenderedIssue, *, email: str, token: str
) -> EmailMultiAlternatives:
    """One recipient's copy, with RFC 8058 one-click unsubscribe headers."""
    unsubscribe = unsubscribe_url(token, rendered.newsletter_slug)
    manage = manage_url(token)
    mailbox = settings.NEWSLETTER_UNSUBSCRIBE_MAILBOX
    mailto = f"mailto:{mailbox}?subject=unsubscribe%20{token}"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(UNSUBSCRIBE, unsubscribe).replace(MANAGE, manage),
        from_email=rendered.from_email,
        to=[email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<{rendered.newsletter_slug}.{rendered.mail_domain}>",
            "Message-ID": make_msgid(domain=rendered.mail_domain),
        },
    )
    html = rendered.html.replace(UNSUBSCRIBE, unsubscribe).replace(MANAGE, manage)
    message.attach_alternative(html, "text/html")
    return message
