"""Reader pages are valid HTML, checked by the Nu HTML Checker (vnu.jar).

The checker comes from the npm registry (package vnu-jar) and runs on Java;
.ci/run installs both. Without them the test is skipped with a message,
except under CI (CI=true), where that is a failure.
"""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from broadsheet.comments.services import comment_post
from broadsheet.newsletter.models import Issue, IssueArticle
from broadsheet.testing import factories
from tests.conftest import nu_errors

pytestmark = pytest.mark.django_db


def test_reader_pages_are_valid_html(client, publication, settings, tmp_path, checker):
    settings.EMBED_PROVIDERS = [factories.EXAMPLE_EMBED_PROVIDER]
    article = factories.make_article_with_embeds(
        publication,
        "https://video.example.com/watch/abc",
        "https://social.example.com/p/1",
    )
    settings.LISTING_PAGE_SIZE = 2
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    ada = factories.make_member("ada@example.com", display_name="Ada")
    root = comment_post(
        author=ada, article=article, text="A *first* [link](https://a.example)"
    )
    comment_post(
        author=ada, article=article, text="> quoted\n\n- a\n- b", reply_to=root
    )
    member = Client()
    member.force_login(factories.make_member("nia@example.com", display_name="Nia"))
    daily = factories.make_newsletter("daily")
    factories.make_newsletter("weekly", days="5")
    subscriber = factories.make_subscriber("sub@example.com", daily)
    sent = Issue.objects.create(
        newsletter=daily,
        subject="Morning",
        items=[IssueArticle(article_id=pk) for pk in [article.pk]],
        scheduled_for=timezone.now(),
        status=Issue.Status.SENT,
        sent_at=timezone.now(),
    )
    show = factories.make_show(publication["home"])
    episode = factories.make_episode(show, number=1, transcript=True, chapters=True)
    call_command("update_index", verbosity=0)  # for the search pages
    pages = {
        "podcast-show": show.url,
        "podcast-episode": episode.url,
        "home": "/",
        "article": article.url,
        "section": publication["sections"][0].url,
        "tag": "/tags/chips/",
        "topics": "/tags/",
        "follow": "/follow/",
        "follow-tag": "/follow/tag/chips/",
        "author": publication["authors"][0].get_absolute_url(),
        "authors": "/authors/",
        "latest-2": "/latest/?page=2",
        "archive-index": "/archive/",
        "archive-month": timezone.localtime(article.first_published_at).strftime(
            "/archive/%Y/%m/"
        ),
        "saved": "/saved/",
        "offline": "/offline/",
        "privacy": "/privacy/",
        "choices": "/privacy/choices/",
        "not-found": "/no-such-page/",
        "mastodon": f"/share/mastodon/?page={article.pk}&instance=not+a+server",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
        "member-page": "/members/ada/",
        "newsletters": "/newsletters/",
        "check-inbox": "/newsletters/check-your-inbox/",
        "confirm-bad-link": "/newsletters/confirm/nonsense/",
        "manage": f"/newsletters/manage/{subscriber.token}/",
        "unsubscribe": f"/newsletters/unsubscribe/{subscriber.token}/?n=daily",
        "archive": "/newsletters/daily/",
        "issue": sent.get_absolute_url(),
        "search": "/search/",
        "search-results": "/search/?q=test+article+-nothing&tag=chips",
        "search-newest": "/search/?q=%22test+article%22&sort=newest&period=week",
        "search-none": "/search/?q=zzzz",
        "search-refused": "/search/?q=" + "x" * 300,
    }
    member_pages = {
        "member-article": article.url,
        "profile": "/accounts/profile/",
        "delete-account": "/accounts/delete/",
        "reply": f"/comments/{root.pk}/reply/",
        "report": f"/comments/{root.pk}/report/",
        "comment-error": None,
        "two-factor": "/accounts/2fa/",
        "emails": "/accounts/email/",
    }
    files = []
    for name, url in [*pages.items(), *member_pages.items()]:
        visitor = client if name in pages else member
        if url is None:  # a refused comment: the form again, with the message
            response = visitor.post(f"/comments/post/{article.pk}/", {"text": ""})
        else:
            response = visitor.get(url)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    assert nu_errors(checker, files) == []
