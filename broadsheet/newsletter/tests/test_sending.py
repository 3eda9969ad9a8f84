"""Composing and sending issues through a real SMTP server (aiosmtpd)."""

import datetime
import threading
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from broadsheet.newsletter import compose
from broadsheet.newsletter.delivery import queue_issue, resume_stalled, send_pending
from broadsheet.newsletter.models import Delivery, Issue, IssueArticle, Subscriber
from broadsheet.newsletter.services import unsubscribe
from broadsheet.newsroom.models import ArticlePage
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
        items=[
            IssueArticle(article_id=pk)
            for pk in [a.pk for a in publication["articles"][:3]]
        ],
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
    # Every test article appears long after this slot, whatever today is.
    ArticlePage.objects.update(
        first_published_at=slot + datetime.timedelta(days=1),
        last_published_at=slot + datetime.timedelta(days=1),
    )
    early = slot - datetime.timedelta(hours=3)
    assert compose.compose_due_issues(early) == []
    close = slot - datetime.timedelta(hours=1)
    [issue] = compose.compose_due_issues(close)
    assert compose.compose_due_issues(close) == []  # once
    assert issue.subject == "Daily briefing, Monday 30 November"
    assert (issue.status, issue.article_ids) == (Issue.Status.SKIPPED, [])
    # Moving the issue does not make the scheduler compose the slot again.
    Issue.objects.filter(pk=issue.pk).update(
        scheduled_for=slot + datetime.timedelta(hours=2)
    )
    assert compose.compose_due_issues(close) == []


def test_the_hour_clocks_go_back_does_not_send_into_the_past(daily):
    daily.time_zone, daily.send_time = "America/New_York", datetime.time(1, 30)
    daily.save()
    after = datetime.datetime(2026, 11, 1, 6, 15, tzinfo=datetime.UTC)  # 01:15 EST
    assert compose.next_slot(daily, after) > after


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


def test_a_reader_who_leaves_mid_batch_gets_nothing(smtp_server, issue, daily):
    """The final check happens per message, between body and '.'."""
    first = factories.make_subscriber("first@example.com", daily)
    second = factories.make_subscriber("second@example.com", daily)

    def leave_after_first(message):
        # The SMTP server runs in an event loop: touch the database elsewhere.
        def leave():
            Subscriber.objects.filter(pk=second.pk).update(status="unsubscribed")

        if first.email in message.envelope_to:
            thread = threading.Thread(target=leave)
            thread.start()
            thread.join()

    smtp_server.on_message = leave_after_first
    send(issue)
    assert [m.envelope_to for m in smtp_server.messages] == [[first.email]]
    assert Delivery.objects.get(subscriber=second).status == Delivery.Status.SKIPPED


def test_a_batch_taken_over_by_another_worker_is_not_sent_twice(
    smtp_server, issue, daily
):
    from broadsheet.newsletter import sending

    for n in range(3):
        factories.make_subscriber(f"r{n}@example.com", daily)
    with transaction.atomic():
        queue_issue(issue)
        Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)
        # Worker A claims the batch, then stalls past its lease …
        batch, lease_a = sending._claim(issue, timezone.now())
        # … so worker B claims the same rows later and sends them.
        later = timezone.now() + datetime.timedelta(minutes=5)
        Delivery.objects.update(claimed_until=later)
    rendered = sending.render_issue(issue)
    with sending.Transport() as transport:
        sent = [sending._deliver(transport, rendered, issue, d, lease_a) for d in batch]
    assert sent == [0, 0, 0]  # A finds the rows no longer its own
    assert smtp_server.messages == []
    assert Delivery.objects.filter(status=Delivery.Status.QUEUED).count() == 3


def test_a_refused_sender_pauses_the_issue_without_blaming_readers(
    smtp_server, issue, daily, settings
):
    factories.make_subscriber("one@example.com", daily)
    daily.sender_email = "blocked@example.com"
    daily.save()
    smtp_server.refuse_senders = {"blocked@example.com": "550 Sender not allowed"}
    send(issue)
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE
    assert Delivery.objects.get().status == Delivery.Status.QUEUED
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENDING


def test_odd_addresses_do_not_stop_the_issue(smtp_server, issue, daily):
    factories.make_subscriber("reader@bücher.example", daily)
    factories.make_subscriber("after@example.com", daily)
    long_reply = "550 5.1.1 " + "This mailbox does not exist. " * 20
    smtp_server.refuse["after@example.com"] = long_reply[:500]
    send(issue)
    assert [m.envelope_to for m in smtp_server.messages] == [
        ["reader@xn--bcher-kva.example"]
    ]
    bounced = Delivery.objects.get(subscriber__email="after@example.com")
    assert bounced.status == Delivery.Status.BOUNCED and len(bounced.last_error) <= 300
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


def test_several_senders_share_an_issue_and_send_each_message_once(
    smtp_server, issue, daily, settings
):
    settings.NEWSLETTER = {**settings.NEWSLETTER, "SENDERS": 3, "BATCH_SIZE": 2}
    for n in range(7):
        factories.make_subscriber(f"s{n}@example.com", daily)
    send(issue)  # three sending tasks, run one after another here
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == [
        f"s{n}@example.com" for n in range(7)
    ]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
