"""Subscribing, confirming, managing and leaving, through the reader's forms."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from broadsheet.newsletter.models import Subscriber
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def daily(db):
    return factories.make_newsletter("daily")


@pytest.fixture
def weekly(db):
    return factories.make_newsletter("weekly", days="5")


def subscribe(client, email, *newsletters):
    return client.post(
        "/newsletters/", {"email": email, "newsletters": [n.pk for n in newsletters]}
    )


def confirm_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/newsletters/confirm/[^/\s]+/)", message.body)[
        1
    ]


def test_double_opt_in(client, daily, weekly, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "Reader@Example.COM", daily, weekly)
    assert response["Location"] == "/newsletters/check-your-inbox/"
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == (
        "Reader@example.com",
        Subscriber.Status.PENDING,
    )
    [message] = mail.outbox
    assert message.to == ["Reader@example.com"]
    assert "Daily briefing" in message.body and message.alternatives
    link = confirm_link(message)

    page = client.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and b"Confirm my subscription" in page.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    done = client.post(link)
    assert b"You are subscribed" in done.content
    assert done["Cache-Control"] == "private, no-store"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert {n.slug for n in subscriber.newsletters.all()} == {"daily", "weekly"}
    assert client.post(link).status_code == 200  # twice is harmless


def test_the_same_address_differently_written_is_one_subscriber(
    client, daily, weekly, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "ana@example.com", daily)
        again = subscribe(client, "  ANA@EXAMPLE.com ", weekly)
    assert again["Location"] == "/newsletters/check-your-inbox/"
    subscriber = Subscriber.objects.get()
    assert sorted(subscriber.pending_newsletters) == [daily.pk, weekly.pk]
    assert not subscriber.newsletters.exists()  # only once confirmed
    assert len(mail.outbox) == 1  # a second confirmation waits ten minutes
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        with django_capture_on_commit_callbacks(execute=True):
            subscribe(client, "ana@example.com", daily)
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not an address", "is not an email address"),
        ("a@b.c\r\nBcc: victim@example.com", "cannot contain line breaks"),
        ("x@example.com\nSubject: hi", "cannot contain line breaks"),
        ("a" * 250 + "@example.com", "longer than 254 characters"),
        ("", "This field is required."),
        ("<script>@example.com", "is not an email address"),
    ],
)
def test_bad_addresses_get_a_clear_message(client, daily, email, message):
    response = subscribe(client, email, daily)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def test_choosing_nothing_is_refused(client, daily):
    response = client.post("/newsletters/", {"email": "a@example.com"})
    assert response.status_code == 400
    assert "Choose at least one newsletter." in response.content.decode()


def test_expired_and_tampered_links_explain_themselves(
    client, daily, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "late@example.com", daily)
    link = confirm_link(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        expired = client.post(link)
    assert expired.status_code == 400
    assert "This confirmation link has expired." in expired.content.decode()
    tampered = client.post(link[:-3] + "xx/")
    assert tampered.status_code == 400
    assert "This confirmation link is not valid." in tampered.content.decode()
    assert client.get("/newsletters/confirm/" + "A" * 5000 + "/").status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_one_click_unsubscribe_needs_no_login_or_token(daily, weekly):
    subscriber = factories.make_subscriber("leaving@example.com", daily, weekly)
    client = Client(enforce_csrf_checks=True)
    url = f"/newsletters/unsubscribe/{subscriber.token}/?n=daily"
    page = client.get(url)  # looking does not unsubscribe
    assert b"Unsubscribe" in page.content
    assert subscriber.newsletters.count() == 2
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert [n.slug for n in subscriber.newsletters.all()] == ["weekly"]
    client.post(f"/newsletters/unsubscribe/{subscriber.token}/")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert client.post("/newsletters/unsubscribe/nope/").status_code == 404


def test_the_manage_page_changes_choices(client, daily, weekly):
    subscriber = factories.make_subscriber("m@example.com", daily)
    url = f"/newsletters/manage/{subscriber.token}/"
    assert b"m@example.com" in client.get(url).content
    client.post(url, {"newsletters": [weekly.pk]})
    assert [n.slug for n in subscriber.newsletters.all()] == ["weekly"]
    client.post(url, {})
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_members_with_a_confirmed_address_subscribe_in_one_click(client, daily):
    member = factories.make_member("member@example.com")
    client.force_login(member)
    page = client.get("/accounts/profile/").content.decode()
    assert "Daily briefing" in page
    response = client.post("/newsletters/member/", {"newsletters": [daily.pk]})
    assert response["Location"] == "/accounts/profile/"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.user == member
    assert not mail.outbox  # no confirmation needed
    client.post("/newsletters/member/", {})
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_signups_are_rate_limited(client, daily):
    statuses = [
        subscribe(client, f"s{n}@example.com", daily).status_code for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    assert (
        "Too many sign-ups"
        in subscribe(client, "t@example.com", daily).content.decode()
    )


def test_the_signup_box_keeps_article_pages_cookie_free(client, publication, daily):
    article = publication["articles"][0]
    response = client.get(article.url)
    page = response.content.decode()
    assert 'action="/newsletters/"' in page and "data-csrf-deferred" in page
    assert not response.cookies
    assert response["Cache-Control"].startswith("public")
    assert 'action="/newsletters/"' in client.get("/").content.decode()


def test_mailto_unsubscribe_messages_are_acted_on(daily, monkeypatch, capsys):
    import io
    import sys

    from django.core.management import call_command

    subscriber = factories.make_subscriber("mailer@example.com", daily)
    raw = (
        "From: mailer@example.com\r\nTo: unsubscribe@localhost\r\n"
        f"Subject: unsubscribe {subscriber.token}\r\n\r\n"
    ).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("newsletter_unsubscribe_mail")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Subject: hi\r\n\r\n"))
    )
    call_command("newsletter_unsubscribe_mail")
    assert "ignored" in capsys.readouterr().out
