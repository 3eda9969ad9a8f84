"""The newsletter in chromium, with mail through a real SMTP server: subscribe
from an article, confirm from the email, get an issue, leave from its link."""

import re

import pytest
from django.utils import timezone

from broadsheet.newsletter.delivery import queue_issue
from broadsheet.newsletter.models import Issue, IssueArticle, Subscriber
from broadsheet.testing import factories
from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser
READER = "subscriber@example.com"


def link(message, pattern: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(pattern, text)[0]


def test_subscribe_confirm_and_unsubscribe_from_the_email(
    reader, live_server, live_publication, smtp_server, settings
):
    settings.BASE_URL = live_server.url
    daily = factories.make_newsletter("daily")
    article = live_publication["articles"][0]
    page = reader

    page.goto(live_server.url + article.url)
    assert page.context.cookies() == []  # the box costs the page nothing
    box = page.locator(".newsletter-box")
    box.screenshot(path=str(SCREENSHOTS / "newsletter-box.png"))
    box.get_by_label("Email address").fill(READER)
    box.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    confirmation = smtp_server.wait_for(lambda m: READER in m.envelope_to)
    page.goto(link(confirmation, r"http://\S+/newsletters/confirm/\S+/"))
    page.get_by_role("button", name="Confirm my subscription").click()
    page.get_by_role("heading", name="You are subscribed").wait_for()
    assert "Daily briefing" in page.inner_text("main")
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE

    issue = Issue.objects.create(
        newsletter=daily,
        subject="Today's briefing",
        items=[IssueArticle(article_id=pk) for pk in [article.pk]],
        scheduled_for=timezone.now(),
        auto_articles=False,
    )
    queue_issue(issue)
    digest = smtp_server.wait_for(lambda m: m["Subject"] == "Today's briefing")
    assert article.title in digest.get_body(("html",)).get_content()
    page.goto(link(digest, r"http://\S+/newsletters/unsubscribe/\S+"))
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    assert page.errors == []
    assert page.evaluate("window.__csp") == []
