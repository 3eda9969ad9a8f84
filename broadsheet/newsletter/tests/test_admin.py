"""Editors' side: CSV import with a validation report, export, review and send."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from broadsheet.newsletter.models import Delivery, Issue, IssueArticle, Subscriber
from broadsheet.testing import factories
from broadsheet.testing.admin_forms import issue_form

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
        items=[IssueArticle(article_id=pk) for pk in [publication["articles"][0].pk]],
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
    assert "This issue is skipped: it cannot be sent again." in refused.content.decode()
    editor.post(f"/admin/newsletters/issues/{issue.pk}/send/")
    assert Issue.objects.get().status == Issue.Status.SKIPPED
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
        items=[IssueArticle(article_id=pk) for pk in [publication["articles"][0].pk]],
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
    asked = sender.post(review, {"action": "send"})
    assert asked["Location"] == f"/admin/newsletters/issues/{issue.pk}/send/"
    assert Issue.objects.get().status == Issue.Status.SCHEDULED  # not yet
    sender.post(f"/admin/newsletters/issues/{issue.pk}/send/")
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


def test_editors_send_issues_and_only_administrators_import(db):
    from django.contrib.auth.models import Group

    from broadsheet.core import roles

    def codenames(name):
        return set(
            Group.objects.get(name=name).permissions.values_list("codename", flat=True)
        )

    assert "send_issue" in codenames(roles.EDITOR)
    assert "send_issue" not in codenames(roles.AUTHOR)
    assert "import_subscribers" not in codenames(roles.EDITOR)
    assert "import_subscribers" in codenames(roles.ADMINISTRATOR)


def morning_issue(daily, article) -> Issue:
    """An issue of one hand-picked article, due now."""
    return Issue.objects.create(
        newsletter=daily,
        subject="Morning",
        items=[IssueArticle(article=article)],
        scheduled_for=timezone.now(),
        auto_articles=False,
    )


def test_send_asks_first_says_to_whom_and_refuses_an_empty_issue(
    editor, daily, publication, django_capture_on_commit_callbacks
):
    factories.make_subscriber("one@example.com", daily)
    empty = Issue.objects.create(
        newsletter=daily, subject="Nothing yet", scheduled_for=timezone.now()
    )
    page = editor.get(f"/admin/newsletters/issues/{empty.pk}/send/").content.decode()
    assert "This issue has no articles." in page and "Send to" not in page
    refused = editor.post(f"/admin/newsletters/issues/{empty.pk}/send/")
    assert refused.status_code == 400
    assert not Delivery.objects.exists()

    issue = morning_issue(daily, publication["articles"][0])
    confirm = f"/admin/newsletters/issues/{issue.pk}/send/"
    page = editor.get(confirm).content.decode()
    for expected in (daily.name, "Morning", "1 subscriber<", "Send to 1 subscriber"):
        assert expected in page, expected
    assert not Delivery.objects.exists()  # asking sends nothing
    factories.make_subscriber("two@example.com", daily)
    assert "Send to 2 subscribers" in editor.get(confirm).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = editor.post(confirm, follow=True)
    assert "Sending to 2 subscribers." in sent.content.decode()
    assert Delivery.objects.filter(issue=issue).count() == 2


def test_a_sent_issue_is_read_only_with_its_delivery_figures(
    editor, daily, publication, django_capture_on_commit_callbacks
):
    from broadsheet.newsletter.services import unsubscribe

    readers = [factories.make_subscriber(f"r{n}@example.com", daily) for n in range(3)]
    issue = morning_issue(daily, publication["articles"][0])
    editor.post(f"/admin/newsletters/issues/{issue.pk}/send/")
    Delivery.objects.filter(subscriber=readers[0]).update(
        status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    Delivery.objects.filter(subscriber=readers[1]).update(attempts=1)
    unsubscribe(readers[0])

    listing = editor.get("/admin/snippets/newsletter/issue/").content.decode()
    assert "Review and send" not in listing and "Deliveries" in listing
    review = editor.get(f"/admin/newsletters/issues/{issue.pk}/review/")
    html = review.content.decode()
    assert "can no longer be changed" in html
    assert 'value="send"' not in html and 'value="skip"' not in html
    figures = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', html))
    assert figures == {
        "Queued": "1",
        "Deferred (to be tried again)": "1",
        "Sent": "1",
        "Bounced": "0",
        "Failed": "0",
        "Skipped (left before their turn)": "0",
        "Unsubscribed since": "1",
    }
    edit = editor.get(f"/admin/snippets/newsletter/issue/edit/{issue.pk}/")
    assert edit.status_code == 302
    assert edit["Location"] == f"/admin/newsletters/issues/{issue.pk}/review/"


def test_a_new_issue_starts_with_the_articles_since_the_last_one(
    editor, daily, publication
):
    page = editor.get("/admin/snippets/newsletter/issue/add/").content.decode()
    for article in publication["articles"]:
        assert article.title in page, article.title
    assert 'name="items-TOTAL_FORMS" value="6"' in page


def test_the_editor_chooses_removes_and_reorders_the_articles(
    editor, daily, publication
):
    first, second, third = publication["articles"][:3]
    added = editor.post(
        "/admin/snippets/newsletter/issue/add/",
        issue_form(daily, [third, first, second]),
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    issue = Issue.objects.get()
    assert issue.article_ids == [third.pk, first.pk, second.pk]
    assert not issue.auto_articles  # chosen by hand: kept as chosen

    # The rows as the editor leaves them: the first removed, the others
    # swapped (Wagtail's inline panel posts every row, with DELETE and ORDER).
    rows = {item.article_id: item.pk for item in issue.items.all()}
    form = issue_form(daily, [first, second, third])
    form.update(
        {
            "items-INITIAL_FORMS": "3",
            "items-0-id": str(rows[first.pk]),
            "items-0-DELETE": "1",
            "items-1-id": str(rows[second.pk]),
            "items-1-ORDER": "2",
            "items-2-id": str(rows[third.pk]),
            "items-2-ORDER": "1",
        }
    )
    edited = editor.post(f"/admin/snippets/newsletter/issue/edit/{issue.pk}/", form)
    assert edited.status_code == 302, edited.content.decode()[:3000]
    assert Issue.objects.get().article_ids == [third.pk, second.pk]
    text = editor.get(f"/admin/newsletters/issues/{issue.pk}/preview/?format=text")
    body = text.content.decode()
    assert body.index(third.title) < body.index(second.title)
    assert first.title not in body


def test_an_article_twice_or_unpublished_is_refused(editor, daily, publication):
    first = publication["articles"][0]
    twice = editor.post(
        "/admin/snippets/newsletter/issue/add/", issue_form(daily, [first, first])
    )
    assert twice.status_code == 200
    assert "This article is already in the issue." in twice.content.decode()
    draft = publication["articles"][1]
    draft.unpublish()
    hidden = editor.post(
        "/admin/snippets/newsletter/issue/add/", issue_form(daily, [draft])
    )
    assert "is not published: readers could not open it." in hidden.content.decode()
    assert not Issue.objects.exists()


def test_the_issue_previews_at_phone_and_desktop_width_and_as_text(
    editor, daily, publication
):
    first = publication["articles"][0]
    url = "/admin/snippets/newsletter/issue/preview/"
    checked = editor.post(url, issue_form(daily, [first]))
    assert checked.json()["is_valid"] is True
    html = editor.get(url, {"mode": "html"}).content.decode()
    assert first.title in html and "Three things today." in html
    text = editor.get(url, {"mode": "text"})
    assert text["Content-Type"].startswith("text/plain")
    assert first.title in text.content.decode()
    editing = editor.get("/admin/snippets/newsletter/issue/add/").content.decode()
    assert "Preview at phone width" in editing and "Preview at desktop width" in editing
