"""Composing and sending issues through a real SMTP server (aiosmtpd)."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from broadsheet.newsletter import compose
from broadsheet.newsletter.delivery import queue_issue, resume_stalled, send_pending
from broadsheet.newsletter.models import Delivery, Issue, Subscriber
from broadsheet.newsletter.services import unsubscribe
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def daily(publication):
    return factories.make_newsletter("daily")


@pytest.fixture
def issue(daily, publication):
    now = timezone.now()
    return Issue.objects.create(
        newsletter=daily,
        subject="Daily briefing, today",
        intro="Good morning. Three stories matter today.",
        article_ids=[a.pk for a in publication["articles"][:3]],
        scheduled_for=now,
        status=Issue.Status.SCHEDULED,
        auto_articles=False,
    )


def send(issue) -> int:
    """Queue the issue; the worker task (immediate in tests) sends it."""
    queue_issue(issue)
    return Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count()


def test_a_confirmed_subscriber_gets_both_parts_and_one_click_headers(
    smtp_server, issue, daily, publication
):
    reader = factories.make_subscriber("reader@example.com", daily)
    factories.make_subscriber("pending@example.com", daily, status="pending")
    assert send(issue) == 1
    [message] = smtp_server.messages
    assert message.envelope_to == ["reader@example.com"]
    assert message["From"] == "The newsroom <news@example.com>"
    assert message["Subject"] == "Daily briefing, today"
    assert message["Message-ID"].endswith("@example.com>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = [
        part.strip(" <>") for part in message["List-Unsubscribe"].split(",")
    ]
    assert https.endswith(f"/newsletters/unsubscribe/{reader.token}/?n=daily")
    assert (
        mailto == f"mailto:unsubscribe@localhost?subject=unsubscribe%20{reader.token}"
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for article in publication["articles"][:3]:
        assert article.title in text and article.title in html
    assert "Good morning." in text and https in text and https in html
    assert "<img" not in html  # no tracking pixel, no remote images

    # RFC 8058: the mail client POSTs to the https URL, without cookies or token.
    path = urlsplit(https)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{path.path}?{path.query}", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert client.get(issue.get_absolute_url()).status_code == 200  # web archive


def test_sending_twice_sends_nobody_anything_twice(smtp_server, issue, daily):
    for n in range(5):
        factories.make_subscriber(f"r{n}@example.com", daily)
    assert send(issue) == 5
    assert queue_issue(issue) == 0 and send_pending(issue.pk) == 0
    assert resume_stalled() == []
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == [
        f"r{n}@example.com" for n in range(5)
    ]


def test_permanent_failures_mark_the_address_bouncing(smtp_server, issue, daily):
    factories.make_subscriber("gone@example.com", daily)
    factories.make_subscriber("fine@example.com", daily)
    smtp_server.refuse["gone@example.com"] = "550 5.1.1 No such user"
    send(issue)
    gone = Subscriber.objects.get(email="gone@example.com")
    assert gone.status == Subscriber.Status.BOUNCED
    assert "550" in gone.bounce_reason
    assert Delivery.objects.get(subscriber=gone).status == Delivery.Status.BOUNCED
    assert [m.envelope_to for m in smtp_server.messages] == [["fine@example.com"]]
    # The next issue does not even try.
    later = Issue.objects.create(
        newsletter=daily,
        subject="Next",
        scheduled_for=timezone.now() + datetime.timedelta(days=1),
        auto_articles=False,
    )
    queue_issue(later)
    assert not Delivery.objects.filter(issue=later, subscriber=gone).exists()


def test_temporary_failures_are_retried_with_backoff(
    smtp_server, issue, daily, settings
):
    factories.make_subscriber("busy@example.com", daily)
    smtp_server.refuse["busy@example.com"] = "451 4.3.0 Try again later"
    send(issue)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 1)
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 50 < wait <= 60
    assert send_pending(issue.pk) == 0  # not before the backoff

    del smtp_server.refuse["busy@example.com"]
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert send_pending(issue.pk) == 1
    assert Issue.objects.get().status == Issue.Status.SENT


def test_an_unsubscribe_during_sending_is_honoured(smtp_server, issue, daily):
    stays = factories.make_subscriber("stays@example.com", daily)
    leaves = factories.make_subscriber("leaves@example.com", daily)
    with transaction.atomic():  # sending starts when this commits
        queue_issue(issue)  # the ledger is written …
        unsubscribe(leaves)  # … then they leave
        assert Delivery.objects.count() == 2
    assert [m.envelope_to for m in smtp_server.messages] == [[stays.email]]
    assert Delivery.objects.get(subscriber=leaves).status == Delivery.Status.SKIPPED


def test_issues_are_composed_for_their_slot_once(daily, publication):
    daily.time_zone = "Europe/Berlin"
    daily.days = "0,1,2,3,4"  # weekdays
    daily.save()
    friday_evening = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC)
    slot = compose.next_slot(daily, friday_evening)
    assert slot == datetime.datetime(
        2026, 11, 30, 6, 0, tzinfo=datetime.UTC
    )  # Mon 07:00 CET
    early = slot - datetime.timedelta(hours=3)
    assert compose.compose_due_issues(early) == []
    close = slot - datetime.timedelta(hours=1)
    [issue] = compose.compose_due_issues(close)
    assert compose.compose_due_issues(close) == []  # once
    assert issue.subject == "Daily briefing, Monday 30 November"
    assert issue.status in (Issue.Status.SCHEDULED, Issue.Status.SKIPPED)


def test_the_scheduler_sends_an_issue_when_its_time_comes(smtp_server, daily):
    from broadsheet.core.scheduler import tick

    factories.make_subscriber("early@example.com", daily)
    issue = Issue.objects.create(
        newsletter=daily,
        subject="Due now",
        scheduled_for=timezone.now() - datetime.timedelta(minutes=1),
        status=Issue.Status.SCHEDULED,
        auto_articles=False,
    )
    tick()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert [m["Subject"] for m in smtp_server.messages] == ["Due now"]
