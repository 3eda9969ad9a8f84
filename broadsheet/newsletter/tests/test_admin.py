"""Editors' side: CSV import with a validation report, export, review and send."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from broadsheet.newsletter.models import Delivery, Issue, Subscriber
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(publication):
    client = Client()
    client.force_login(factories.make_member("ed@example.com", superuser=True))
    return client


@pytest.fixture
def daily(db):
    return factories.make_newsletter("daily")


def upload(editor, daily, content: bytes, name="list.csv"):
    return editor.post(
        "/admin/newsletters/subscribers/import/",
        {"file": SimpleUploadedFile(name, content), "newsletters": [daily.pk]},
    )


def test_import_keeps_valid_rows_and_reports_each_bad_one(editor, daily):
    factories.make_subscriber("left@example.com", daily, status="unsubscribed")
    csv = (
        "Email,Consent,Name\n"
        "good@example.com,yes,Good\n"
        "GOOD@example.com,yes,Twice\n"
        "not-an-address,yes,Bad\n"
        "noconsent@example.com,no,Nope\n"
        '"evil@example.com\r\nBcc: x@example.com",yes,Injection\n'
        f"{'a' * 300}@example.com,yes,Long\n"
        "left@example.com,yes,Unsubscribed before\n"
        "second@example.com,1,Good too\n"
    ).encode()
    response = upload(editor, daily, csv)
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 added, 0 already known and updated, 6 rows not imported." in page
    for expected in (
        "Line 3: GOOD@example.com appears twice",
        "Line 4: “not-an-address” is not an email address.",
        "Line 5: noconsent@example.com has no recorded consent",
        "cannot contain line breaks",
        "longer than 254 characters",
        "left@example.com unsubscribed or bounced before",
    ):
        assert expected in page, expected
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
    assert sorted(active.values_list("email", flat=True)) == [
        "good@example.com",
        "second@example.com",
    ]
    assert Subscriber.objects.get(email="left@example.com").status == "unsubscribed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("email,consent\né@example.com,yes\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not UTF-8"),
        (b"address,ok\na@example.com,yes\n", "must name the columns"),
        (b"", "The submitted file is empty."),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(editor, daily, content, message):
    response = upload(editor, daily, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()


def test_utf16_spreadsheets_import(editor, daily):
    response = upload(
        editor, daily, "email,consent,name\nzoe@example.com,yes,Zoë\n".encode("utf-16")
    )
    assert "1 added" in response.content.decode()


def test_export_streams_the_filtered_list(editor, daily):
    factories.make_subscriber("one@example.com", daily)
    factories.make_subscriber("two@example.com", daily, status="bounced")
    response = editor.get(
        "/admin/snippets/newsletter/subscriber/?export=csv&status=active"
    )
    body = b"".join(response.streaming_content).decode()
    assert "one@example.com" in body and "two@example.com" not in body


def test_review_preview_test_send_and_skip(editor, daily, publication):
    issue = Issue.objects.create(
        newsletter=daily,
        subject="Morning",
        intro="Hello",
        article_ids=[publication["articles"][0].pk],
        scheduled_for=timezone.now(),
        status=Issue.Status.SCHEDULED,
    )
    review = editor.get(f"/admin/newsletters/issues/{issue.pk}/review/")
    assert review.status_code == 200 and b"Send now" in review.content
    preview = editor.get(f"/admin/newsletters/issues/{issue.pk}/preview/")
    assert publication["articles"][0].title.encode() in preview.content
    text = editor.get(f"/admin/newsletters/issues/{issue.pk}/preview/?format=text")
    assert text["Content-Type"].startswith("text/plain")
    editor.post(f"/admin/newsletters/issues/{issue.pk}/review/", {"action": "test"})
    assert mail.outbox[0].to == ["ed@example.com"]
    assert mail.outbox[0].subject == "[Test] Morning"
    editor.post(f"/admin/newsletters/issues/{issue.pk}/review/", {"action": "skip"})
    assert Issue.objects.get().status == Issue.Status.SKIPPED
    refused = editor.post(
        f"/admin/newsletters/issues/{issue.pk}/review/", {"action": "send"}, follow=True
    )
    assert "cannot be done" in refused.content.decode()
    assert (
        Client().get(f"/admin/newsletters/issues/{issue.pk}/review/").status_code == 302
    )


def test_staff_without_newsletter_permissions_are_turned_away(daily, publication):
    from django.contrib.auth.models import Permission

    staff = factories.make_member("staff@example.com")
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(staff)
    issue = Issue.objects.create(
        newsletter=daily, subject="S", scheduled_for=timezone.now()
    )
    for url in (
        f"/admin/newsletters/issues/{issue.pk}/review/",
        f"/admin/newsletters/issues/{issue.pk}/preview/",
        "/admin/newsletters/subscribers/import/",
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
    client.post(f"/admin/newsletters/issues/{issue.pk}/review/", {"action": "send"})
    assert Issue.objects.get().status == Issue.Status.DRAFT


def _staff_with(email: str, *codenames: str) -> Client:
    from django.contrib.auth.models import Permission

    staff = factories.make_member(email)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", *codenames])
    )
    client = Client()
    client.force_login(staff)
    return client


def test_sending_and_scheduling_need_the_send_permission(daily, publication):
    factories.make_subscriber("reader@example.com", daily)
    issue = Issue.objects.create(
        newsletter=daily,
        subject="Morning",
        article_ids=[publication["articles"][0].pk],
        scheduled_for=timezone.now(),
    )
    review = f"/admin/newsletters/issues/{issue.pk}/review/"
    changer = _staff_with("changer@example.com", "change_issue", "view_issue")
    page = changer.get(review)
    assert page.status_code == 200
    assert b"Send now" not in page.content and b'value="schedule"' not in page.content
    for action in ("send", "schedule"):
        refused = changer.post(review, {"action": action})
        assert (refused.status_code, refused["Location"]) == (302, "/admin/"), action
        assert Issue.objects.get().status == Issue.Status.DRAFT
    assert not Delivery.objects.exists()
    changer.post(review, {"action": "skip"})  # editing the plan is still theirs
    assert Issue.objects.get().status == Issue.Status.SKIPPED

    sender = _staff_with("sender@example.com", "change_issue", "send_issue")
    sender.post(review, {"action": "schedule"})
    assert Issue.objects.get().status == Issue.Status.SCHEDULED
    assert b"Send now" in sender.get(review).content
    sender.post(review, {"action": "send"})
    assert Issue.objects.get().status in (Issue.Status.SENDING, Issue.Status.SENT)
    assert Delivery.objects.filter(issue=issue).count() == 1


def test_import_and_its_menu_item_need_the_import_permission(daily, publication):
    adder = _staff_with("adder@example.com", "add_subscriber", "view_subscriber")
    assert b"Import subscribers" not in adder.get("/admin/").content
    refused = adder.get("/admin/newsletters/subscribers/import/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    upload = {
        "file": SimpleUploadedFile("l.csv", b"email,consent\nx@example.com,yes\n"),
        "newsletters": [daily.pk],
    }
    adder.post("/admin/newsletters/subscribers/import/", upload)
    assert not Subscriber.objects.exists()

    importer = _staff_with("importer@example.com", "import_subscribers")
    assert b"Import subscribers" in importer.get("/admin/").content
    upload["file"].seek(0)
    response = importer.post("/admin/newsletters/subscribers/import/", upload)
    assert response.status_code == 200
    assert Subscriber.objects.get().email == "x@example.com"


def test_editors_may_send_issues_and_moderators_may_not(db):
    from django.contrib.auth.models import Group

    def codenames(name):
        return set(
            Group.objects.get(name=name).permissions.values_list("codename", flat=True)
        )

    assert "send_issue" in codenames("Editors")
    assert "send_issue" not in codenames("Moderators")
    assert "import_subscribers" not in codenames("Moderators")
