"""The moderation queue in the Wagtail admin, and the mail moderators get."""

import re

import pytest
from django.core import mail
from django.test import Client

from broadsheet.accounts.models import Member
from broadsheet.comments.models import Comment
from broadsheet.comments.services import comment_post, comment_report
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(publication):
    return factories.make_member("mod@example.com", superuser=True)


@pytest.fixture
def admin(moderator):
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def held(publication, moderator, django_capture_on_commit_callbacks):
    article = publication["articles"][0]
    comments = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            author = factories.make_member(f"new{n}@example.com")
            comments.append(
                comment_post(author=author, article=article, text=f"Held number {n}")
            )
    return comments


def test_held_comments_email_the_moderators(held):
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert message.to == ["mod@example.com"]
    assert message.subject == "A comment awaits review"
    assert "Held number 0" in message.body and "/admin/comments/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_the_queue_lists_filters_and_counts(admin, held, publication):
    page = admin.get("/admin/comments/")
    assert page.status_code == 200
    body = page.content.decode()
    assert all(f"Held number {n}" in body for n in range(3))
    assert "Comments (3)" in admin.get("/admin/").content.decode()  # the badge
    assert (
        "Held number"
        not in admin.get("/admin/comments/?show=published").content.decode()
    )
    found = admin.get("/admin/comments/", {"q": "held NUMBER 1"}).content.decode()
    assert "Held number 1" in found and "Held number 2" not in found
    assert admin.get("/admin/comments/?show=nonsense").status_code == 200
    assert admin.get("/admin/comments/?page=abc").status_code == 404


def test_bulk_and_single_actions(admin, held, django_capture_on_commit_callbacks):
    first, second, third = held
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/comments/", {"ids": [first.pk, second.pk], "action": "approve"}
        )
    assert response.status_code == 302
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Comment.Status.PUBLISHED
    assert b"Held number 0" in Client().get(first.article.url).content

    admin.post("/admin/comments/", {"single": f"{third.pk}:spam"})
    third.refresh_from_db()
    assert third.status == Comment.Status.SPAM

    admin.post("/admin/comments/", {"single": f"{second.pk}:ban"})
    assert Member.objects.get(user=second.author).is_banned
    admin.post("/admin/comments/", {"single": f"{second.pk}:unban"})
    assert not Member.objects.get(user=second.author).is_banned

    nothing = admin.post("/admin/comments/", {"action": "approve"}, follow=True)
    assert "Select at least one comment." in nothing.content.decode()
    odd = admin.post("/admin/comments/", {"ids": [first.pk], "action": "explode"})
    assert odd.status_code == 302
    assert Comment.objects.get(pk=first.pk).status == Comment.Status.PUBLISHED


def test_each_row_offers_only_the_actions_that_change_something(admin, held):
    first, second, _third = held

    def row_buttons(comment, show: str) -> set[str]:
        html = admin.get(f"/admin/comments/?show={show}").content.decode()
        return set(re.findall(rf'value="{comment.pk}:(\w+)"', html))

    assert row_buttons(first, "pending") == {"approve", "reject", "spam", "ban"}
    admin.post("/admin/comments/", {"single": f"{first.pk}:ban"})  # rejects it
    assert row_buttons(first, "rejected") == {"approve", "spam", "unban"}
    assert row_buttons(second, "pending") == {"approve", "reject", "spam", "ban"}
    admin.post("/admin/comments/", {"single": f"{second.pk}:approve"})
    assert row_buttons(second, "published") == {"reject", "spam", "ban"}


def test_reported_comments_join_the_queue_and_approval_clears_reports(
    admin, publication, settings
):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    article = publication["articles"][0]
    author = factories.make_member("author@example.com")
    comment = comment_post(author=author, article=article, text="Disputed claim")
    comment_report(
        comment=comment,
        reporter=factories.make_member("r@example.com"),
        reason="off_topic",
        note="Not about chips",
    )
    queue = admin.get("/admin/comments/?show=reported").content.decode()
    assert "Disputed claim" in queue and "Not about chips" in queue
    admin.post("/admin/comments/", {"single": f"{comment.pk}:approve"})
    comment.refresh_from_db()
    assert comment.open_reports == 0
    assert comment.reports.get().resolved_at is not None
    assert "Disputed claim" not in admin.get("/admin/comments/").content.decode()
