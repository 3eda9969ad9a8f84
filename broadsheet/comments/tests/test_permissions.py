"""Every rule about who may do what to a comment, checked through HTTP."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from broadsheet.accounts.services import member_ban
from broadsheet.comments.forms import started_token
from broadsheet.comments.models import Comment
from broadsheet.comments.services import comment_post
from broadsheet.newsroom.models import ArticlePage
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(publication, settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    return publication["articles"][0]


@pytest.fixture
def ada(article):
    return factories.make_member("ada@example.com", display_name="Ada")


@pytest.fixture
def adas_comment(article, ada):
    return comment_post(author=ada, article=article, text="Ada's point")


def signed_in(email="ben@example.com", **kwargs) -> Client:
    client = Client()
    client.force_login(factories.make_member(email, **kwargs))
    return client


def post(client, article, text="A comment", **extra):
    data = {"text": text, "started": started_token(), **extra}
    return client.post(f"/comments/post/{article.pk}/", data)


def test_others_comments_cannot_be_edited_or_deleted(adas_comment):
    ben = signed_in()
    for action in ("edit", "delete"):
        response = ben.post(
            f"/comments/{adas_comment.pk}/{action}/",
            {"text": "Hijacked", "started": started_token()},
        )
        assert response.status_code == 403, action
    adas_comment.refresh_from_db()
    assert adas_comment.body == "Ada's point"
    assert adas_comment.status == Comment.Status.PUBLISHED


def test_anonymous_readers_are_sent_to_log_in_and_nothing_is_stored(article):
    response = post(Client(), article)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Comment.objects.exists()


def test_closed_articles_take_no_comments(article, settings):
    ArticlePage.objects.filter(pk=article.pk).update(comments_open=False)
    response = post(signed_in(), article)
    assert response.status_code == 403
    assert "Comments are closed on this article." in response.content.decode()
    assert (
        "Comments are closed on this article."
        in Client().get(article.url).content.decode()
    )

    ArticlePage.objects.filter(pk=article.pk).update(
        comments_open=True, first_published_at=timezone.now() - timedelta(days=31)
    )
    settings.COMMENTS = {**settings.COMMENTS, "CLOSE_AFTER_DAYS": 30}
    response = post(signed_in("cy@example.com"), article)
    assert response.status_code == 403
    assert "Comments closed 30 days after publication." in response.content.decode()
    assert not Comment.objects.exists()


def test_banned_members_cannot_post_and_are_told_why(article):
    client = signed_in()
    member_ban(user=_user("ben@example.com"), reason="Spam")
    response = post(client, article)
    assert response.status_code == 403
    assert "Your account can no longer post comments." in response.content.decode()
    page = client.get(article.url).content.decode()
    assert "Your account can no longer post comments." in page
    assert 'name="text"' not in page  # no form to fill in
    assert not Comment.objects.exists()


def _user(email):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=email)


def test_unverified_members_cannot_post_and_are_told_why(article):
    client = signed_in(verified=False)
    response = post(client, article)
    assert response.status_code == 403
    assert "Confirm your email address before commenting." in response.content.decode()
    assert not Comment.objects.exists()


def test_csrf_is_enforced_on_every_comment_form(article, adas_comment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(_user("ada@example.com"))
    data = {"text": "x", "started": started_token(), "reason": "spam"}
    for url in (
        f"/comments/post/{article.pk}/",
        f"/comments/{adas_comment.pk}/edit/",
        f"/comments/{adas_comment.pk}/delete/",
        f"/comments/{adas_comment.pk}/report/",
        "/accounts/profile/",
        "/accounts/delete/",
        "/admin/comments/",
    ):
        assert client.post(url, data).status_code == 403, url
    assert Comment.objects.get().body == "Ada's point"


def test_commenting_too_fast_answers_429_and_keeps_the_text(article, settings):
    client = signed_in()
    statuses = [
        post(client, article, f"Comment number {n}").status_code for n in range(5)
    ]
    assert statuses == [302, 302, 302, 302, 429]
    response = post(client, article, "The fifth, kept for later")
    assert response.status_code == 429
    page = response.content.decode()
    assert "You are commenting too fast." in page
    assert "The fifth, kept for later" in page  # nothing typed is lost
    assert Comment.objects.count() == 4


def test_sign_up_sign_in_and_reset_are_rate_limited(client):
    for n in range(10):
        client.post("/accounts/signup/", {"email": f"bot{n}@example.com"})
    response = client.post("/accounts/signup/", {"email": "bot@example.com"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()

    factories.make_member("target@example.com")
    attempts = [
        Client().post(
            "/accounts/login/", {"login": "target@example.com", "password": "wrong"}
        )
        for _ in range(6)
    ]
    last = attempts[-1].content.decode()
    assert "Too many failed login attempts" in last

    resets = [
        client.post("/accounts/password/reset/", {"email": "target@example.com"})
        for _ in range(6)
    ]
    assert [r.status_code for r in resets] == [302] * 5 + [429]
    assert "Too many attempts" in resets[-1].content.decode()


def test_the_bot_traps_refuse_with_a_message(article, settings):
    client = signed_in()
    honeypot = post(client, article, website="http://spam.example")
    assert honeypot.status_code == 400
    assert "leave the hidden" in honeypot.content.decode()
    settings.COMMENTS = {**settings.COMMENTS, "MIN_FILL_SECONDS": 5}
    too_fast = post(client, article, "Instant")
    assert too_fast.status_code == 400
    assert "quicker than anyone can write" in too_fast.content.decode()
    forged = client.post(
        f"/comments/post/{article.pk}/", {"text": "x", "started": "forged"}
    )
    assert forged.status_code == 400
    assert "This form has expired" in forged.content.decode()
    assert not Comment.objects.exists()


def test_a_quick_edit_is_not_taken_for_a_bot(article, settings):
    """The minimum fill time guards new comments; fixing a typo takes seconds."""
    client = signed_in()
    assert post(client, article, "Tpyo here").status_code == 302
    comment = Comment.objects.get()
    settings.COMMENTS = {**settings.COMMENTS, "MIN_FILL_SECONDS": 5}
    edited = client.post(
        f"/comments/{comment.pk}/edit/",
        {"text": "Typo fixed", "started": started_token()},
    )
    assert edited.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Typo fixed"


def test_duplicates_and_link_floods_are_refused(article):
    client = signed_in()
    assert post(client, article, "Same words").status_code == 302
    again = post(client, article, "same   WORDS")
    assert again.status_code == 400
    assert "You have already posted this comment." in again.content.decode()
    links = " ".join(f"https://spam{n}.example" for n in range(3))
    flood = post(client, article, links)
    assert flood.status_code == 400
    assert "at most 2 links" in flood.content.decode()


def test_replies_only_to_published_comments_on_the_same_article(
    publication, article, ada
):
    held = Comment.objects.create(
        article=article, author=ada, body="held", status=Comment.Status.PENDING
    )
    client = signed_in()
    response = post(client, article, "Answer", reply_to=held.pk)
    assert response.status_code == 400
    other_article = publication["articles"][1]
    visible = comment_post(author=ada, article=other_article, text="elsewhere")
    response = post(client, article, "Answer", reply_to=visible.pk)
    assert response.status_code == 400
    assert "no longer exists" in response.content.decode()


def test_own_comments_cannot_be_reported_and_held_ones_stay_private(
    article, ada, adas_comment
):
    client = Client()
    client.force_login(ada)
    response = client.post(f"/comments/{adas_comment.pk}/report/", {"reason": "spam"})
    assert response.status_code == 403
    held = Comment.objects.create(
        article=article, author=ada, body="secret", status=Comment.Status.PENDING
    )
    ben = signed_in()
    for action in ("reply", "edit", "delete", "report"):
        assert ben.get(f"/comments/{held.pk}/{action}/").status_code == 404, action


def test_only_moderators_reach_the_moderation_queue(article, adas_comment):
    assert signed_in().get("/admin/comments/").status_code in (302, 403)
    from django.contrib.auth.models import Permission

    staff = factories.make_member("staff@example.com")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(staff)
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    refused = client.get("/admin/comments/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    response = client.post(
        "/admin/comments/", {"ids": [adas_comment.pk], "action": "reject"}
    )
    assert response.status_code == 302
    adas_comment.refresh_from_db()
    assert adas_comment.status == Comment.Status.PUBLISHED


def test_absurd_ids_in_addresses_are_not_found(article):
    client = signed_in()
    huge = "9" * 30
    assert client.post(f"/comments/post/{huge}/", {"text": "x"}).status_code == 404
    for action in ("reply", "edit", "delete", "report"):
        assert client.get(f"/comments/{huge}/{action}/").status_code == 404
