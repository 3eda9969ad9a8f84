"""Deleting an account erases the person and keeps everyone else's work."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.test import Client

from broadsheet.accounts.models import Member
from broadsheet.comments.models import Comment, Report
from broadsheet.comments.services import comment_post, comment_report
from broadsheet.newsroom.models import ArticlePage
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a long passphrase"


@pytest.fixture
def conversation(publication, settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    article = publication["articles"][0]
    leaving = factories.make_member(
        "leaving@example.com", PASSWORD, display_name="Leaving Member"
    )
    staying = factories.make_member("staying@example.com", display_name="Staying")
    TOTP.activate(leaving, "JBSWY3DPEHPK3PXP")
    answered = comment_post(author=leaving, article=article, text="Answered text")
    lonely = comment_post(author=leaving, article=article, text="Lonely text")
    held = Comment.objects.create(
        article=article, author=leaving, body="Held text", body_html="<p>Held</p>"
    )
    reply = comment_post(
        author=staying, article=article, text="A reply that stays", reply_to=answered
    )
    own = comment_post(author=staying, article=article, text="Staying's own")
    comment_report(comment=own, reporter=leaving, reason="spam")
    return {
        "article": article,
        "leaving": leaving,
        "staying": staying,
        "answered": answered,
        "lonely": lonely,
        "held": held,
        "reply": reply,
        "own": own,
    }


def test_a_wrong_password_deletes_nothing(conversation):
    client = Client()
    client.force_login(conversation["leaving"])
    response = client.post(
        "/accounts/delete/", {"password": "not mine", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert get_user_model().objects.filter(email="leaving@example.com").exists()


def test_deleting_an_account_erases_personal_data_and_keeps_the_rest(conversation):
    leaving = conversation["leaving"]
    client = Client()
    client.force_login(leaving)
    articles_before = ArticlePage.objects.count()
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302

    # The person is gone, and so is everything that identifies them.
    assert not get_user_model().objects.filter(pk=leaving.pk).exists()
    assert not Member.objects.filter(display_name="Leaving Member").exists()
    assert not EmailAddress.objects.filter(email="leaving@example.com").exists()
    assert not Authenticator.objects.filter(user_id=leaving.pk).exists()
    assert not Comment.objects.filter(
        pk__in=[conversation["lonely"].pk, conversation["held"].pk]
    ).exists()
    texts = set(Comment.objects.values_list("body", flat=True))
    assert not texts & {"Answered text", "Lonely text", "Held text"}

    # The comment someone answered stays as an anonymous placeholder.
    placeholder = Comment.objects.get(pk=conversation["answered"].pk)
    assert placeholder.status == Comment.Status.DELETED
    assert (placeholder.author, placeholder.body, placeholder.body_html) == (
        None,
        "",
        "",
    )

    # Nobody else loses anything.
    reply = Comment.objects.get(pk=conversation["reply"].pk)
    assert (reply.body, reply.parent_id, reply.status) == (
        "A reply that stays",
        placeholder.pk,
        Comment.Status.PUBLISHED,
    )
    assert Comment.objects.filter(pk=conversation["own"].pk).exists()
    report = Report.objects.get(comment=conversation["own"])
    assert report.reporter is None  # the report stays for moderators, unsigned
    assert Member.objects.filter(display_name="Staying").exists()
    assert ArticlePage.objects.count() == articles_before

    # The session is over, and the public page shows the placeholder.
    assert client.get("/accounts/profile/").status_code == 302
    page = Client().get(conversation["article"].url).content.decode()
    assert "Comment deleted." in page and "A reply that stays" in page
    assert "Leaving Member" not in page
