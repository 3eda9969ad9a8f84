"""Posting, replying, editing, deleting and reporting, through the site's forms."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from broadsheet.comments.models import Comment, Report
from broadsheet.comments.services import comment_post
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(publication):
    return publication["articles"][0]


def post(client, article, text, **extra):
    return client.post(
        f"/comments/post/{article.pk}/",
        {"text": text, "started": "", **extra} | {"started": started()},
    )


def started():
    from broadsheet.comments.forms import started_token

    return started_token()


def member_client(client, email="ada@example.com", **kwargs):
    user = factories.make_member(email, **kwargs)
    client.force_login(user)
    return user


def test_a_new_members_first_comment_is_held_then_later_ones_publish(
    client, article, django_capture_on_commit_callbacks
):
    ada = member_client(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, article, "First thoughts on *chips*.")
    first = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#comment-{first.pk}"
    assert first.status == Comment.Status.PENDING
    assert first.author == ada
    assert first.body_html == "<p>First thoughts on <em>chips</em>.</p>\n"

    page = client.get(article.url).content.decode()
    # Said once, on the comment itself (not again as a message at the top).
    assert page.count("awaiting moderation") == 1
    assert "until then only you can see it." in page
    assert 'class="messages"' not in page
    anonymous = client.__class__().get(article.url).content.decode()
    assert "First thoughts" not in anonymous

    first.status = Comment.Status.PUBLISHED
    first.save()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, article, "A second, published at once.")
    second = Comment.objects.latest("pk")
    assert second.status == Comment.Status.PUBLISHED
    anonymous = client.__class__().get(article.url).content.decode()
    assert "A second, published at once." in anonymous
    assert 'Comments <span class="comments__count">(2)</span>' in anonymous


def test_replies_nest_two_levels_and_deeper_answers_stay_on_the_second(
    article, settings
):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    ada = factories.make_member("ada@example.com")
    ben = factories.make_member("ben@example.com")
    root = comment_post(author=ada, article=article, text="Root")
    reply = comment_post(author=ben, article=article, text="Reply", reply_to=root)
    deeper = comment_post(author=ada, article=article, text="Deeper", reply_to=reply)
    deepest = comment_post(author=ben, article=article, text="Deepest", reply_to=deeper)
    assert (root.depth, reply.depth, deeper.depth, deepest.depth) == (0, 1, 2, 2)
    assert deepest.parent == reply and deepest.reply_to == deeper


def test_reply_notification_goes_to_members_who_asked_once(
    article, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    ada = factories.make_member("ada@example.com", notify_replies=True)
    ben = factories.make_member("ben@example.com")
    root = comment_post(author=ada, article=article, text="Root")
    with django_capture_on_commit_callbacks(execute=True):
        reply = comment_post(
            author=ben, article=article, text="An answer", reply_to=root
        )
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    message = mail.outbox[0]
    assert "Member ben replied" in message.subject
    assert "An answer" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert f"#comment-{reply.pk}" in message.body

    from broadsheet.comments.tasks import send_reply_notification

    send_reply_notification.call(reply.pk)  # a second run sends nothing
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        comment_post(author=ada, article=article, text="Back", reply_to=reply)
    assert len(mail.outbox) == 1  # ben did not opt in


def test_edit_within_the_window_shows_edited_and_later_is_refused(client, article):
    ada = member_client(client)
    comment = comment_post(author=ada, article=article, text="Tpyo")
    response = client.post(
        f"/comments/{comment.pk}/edit/", {"text": "Typo fixed", "started": started()}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Typo fixed" and comment.edited_at
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(
            f"/comments/{comment.pk}/edit/", {"text": "Too late", "started": started()}
        )
    assert response.status_code == 403
    assert b"You can no longer edit this comment." in response.content
    comment.refresh_from_db()
    assert comment.body == "Typo fixed"


def test_deleting_a_comment_with_replies_leaves_a_placeholder(
    client, article, settings
):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    ada = member_client(client)
    ben = factories.make_member("ben@example.com")
    lonely = comment_post(author=ada, article=article, text="Nobody answers this")
    answered = comment_post(author=ada, article=article, text="Answered one")
    comment_post(author=ben, article=article, text="Ben's answer", reply_to=answered)
    for comment in (lonely, answered):
        assert client.post(f"/comments/{comment.pk}/delete/").status_code == 302
    page = client.__class__().get(article.url).content.decode()
    assert "Nobody answers this" not in page and "Answered one" not in page
    assert page.count("Comment deleted.") == 1
    assert "Ben&#x27;s answer" in page or "Ben's answer" in page


def test_three_reports_take_a_comment_down_until_reviewed(client, article, settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    ada = factories.make_member("ada@example.com")
    comment = comment_post(author=ada, article=article, text="Contested")
    for n in range(3):
        reporter = factories.make_member(f"r{n}@example.com")
        client.force_login(reporter)
        response = client.post(
            f"/comments/{comment.pk}/report/", {"reason": "abuse", "note": "rude"}
        )
        assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.open_reports == 3 and Report.objects.count() == 3
    again = client.post(f"/comments/{comment.pk}/report/", {"reason": "spam"})
    assert again.status_code == 404


def test_comment_counts_show_on_cards(client, publication, settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    article = publication["articles"][0]
    ada = factories.make_member("ada@example.com")
    comment_post(author=ada, article=article, text="One")
    comment_post(author=ada, article=article, text="Two")
    home = client.get("/").content.decode()
    assert f'href="{article.url}#comments">2 comments</a>' in home


def test_readers_can_sort_oldest_or_newest_first(client, article, settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    ada = factories.make_member("ada@example.com")
    comment_post(author=ada, article=article, text="Earlier remark")
    comment_post(author=ada, article=article, text="Later remark")

    def order(query):
        page = client.get(article.url + query).content.decode()
        return page.index("Earlier remark") < page.index("Later remark")

    assert order("") and order("?comments=oldest")
    assert not order("?comments=newest")
    assert order("?comments=<script>")  # anything else: the default
