"""Comments on the article page: shared caches, privacy and query counts."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.comments.models import Comment
from broadsheet.comments.services import comment_post, comments_moderate
from broadsheet.newsroom.selectors import QUERY_CEILINGS
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db
# A signed-in member's page adds session, user, member and verified-email
# reads, the content version (read early only for anonymous readers) and
# Wagtail's user bar (a page and two permission queries).
MEMBER_ARTICLE_CEILING = QUERY_CEILINGS["article"] + 8


@pytest.fixture
def article(publication, settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    return publication["articles"][0]


def test_anonymous_article_pages_set_no_cookie_and_stay_shareable(article):
    ada = factories.make_member("ada@example.com", display_name="Ada")
    comment_post(author=ada, article=article, text="Public remark")
    response = Client().get(article.url)
    assert response.status_code == 200
    assert not response.cookies
    assert response["Cache-Control"].startswith("public")
    assert "Cookie" in response["Vary"]
    assert b"Public remark" in response.content
    assert not re.search(rb'name="csrfmiddlewaretoken" value="[^"]', response.content)
    etag = response["ETag"]
    assert Client().get(article.url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_shared_page_never_carries_a_members_name_email_or_token(article):
    nia = factories.make_member("nia.secret@example.com", display_name="Nia Hidden")
    member = Client()
    member.force_login(nia)
    private = member.get(article.url)
    body = private.content.decode()
    assert "private" in private["Cache-Control"]
    assert "Nia Hidden" in body  # the member sees their own name …
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]

    shared = Client().get(article.url)
    page = shared.content.decode()
    assert shared["Cache-Control"].startswith("public")
    for secret in ("Nia Hidden", "nia.secret@example.com", token):
        assert secret not in page
    # Forms on the shared page carry an empty token field, filled on first use.
    assert not re.search(r'name="csrfmiddlewaretoken" value="[^"]', page)
    assert "Log in</a> or" in page  # … everyone else gets the invitation


def test_a_moderation_decision_changes_the_validators(
    article, django_capture_on_commit_callbacks
):
    ada = factories.make_member("ada@example.com")
    held = Comment.objects.create(
        article=article, author=ada, body="Waiting", body_html="<p>Waiting</p>"
    )
    etag = Client().get(article.url)["ETag"]
    moderator = factories.make_member("mod@example.com", superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        comments_moderate(comments=[held], action="approve", moderator=moderator)
    response = Client().get(article.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"Waiting" in response.content


def add_comments(article, count):
    members = [factories.make_member(f"m{n}@example.com") for n in range(5)]
    created = []
    for n in range(count):
        reply_to = created[n // 2] if n % 3 and created else None
        created.append(
            comment_post(
                author=members[n % 5],
                article=article,
                text=f"Comment {n} on the article",
                reply_to=reply_to,
            )
        )
    created[0].status = Comment.Status.DELETED  # a placeholder with replies
    created[0].save()
    return members


def count_queries(client, url) -> int:
    client.get(url)  # renditions and caches made once
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_article_queries_do_not_grow_with_200_comments(
    article, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "comment": ""}
    reader = Client()
    member = Client()
    member.force_login(factories.make_member("reader@example.com"))
    none_anonymous = count_queries(reader, article.url)
    none_member = count_queries(member, article.url)

    with django_capture_on_commit_callbacks(execute=True):
        add_comments(article, 200)
    assert Comment.objects.filter(article=article).count() == 200
    page = reader.get(article.url).content.decode()
    assert page.count('class="comment"') == 200
    many_anonymous = count_queries(reader, article.url)
    many_member = count_queries(member, article.url)

    assert many_anonymous == none_anonymous <= QUERY_CEILINGS["article"]
    assert many_member == none_member <= MEMBER_ARTICLE_CEILING
