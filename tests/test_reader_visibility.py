"""One rule for what a reader may see, on every reader-facing surface.

An article behind a view restriction (password or login) or an unpublished
draft must appear on no listing, feed, newsletter, sitemap, machine-readable
copy, member profile or comment view; a visible control article published
at the same time must appear on each of them (so the test can fail).
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from broadsheet.comments.forms import started_token
from broadsheet.comments.models import Comment
from broadsheet.newsletter import compose
from broadsheet.newsletter.mail import render_issue
from broadsheet.newsletter.models import Issue, IssueArticle
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)
TAG = "harbour"
HIDDEN_TITLE = "Hidden harbour inquiry"
HIDDEN_SLUG = "hidden-harbour-inquiry"
CONTROL_TITLE = "Control harbour report"
CONTROL_SLUG = "control-harbour-report"
HIDDEN_REMARK = "A remark under the hidden inquiry"
CONTROL_REMARK = "A remark under the control report"
CONTROL_MARKS = (CONTROL_TITLE, CONTROL_SLUG, CONTROL_REMARK)


def _article(publication, title, slug, minutes_ago):
    home, news = publication["home"], publication["sections"][0]
    article = factories.make_article(
        home,
        news,
        publication["authors"][:1],
        title=title,
        tags=("chips", TAG),
        published_at=NOW - datetime.timedelta(minutes=minutes_ago),
    )
    article.slug = slug
    article.save_revision().publish()
    article.refresh_from_db()
    return article


def _published_comment(article, member, text):
    return Comment.objects.create(
        article=article,
        author=member,
        body=text,
        body_html=f"<p>{text}</p>",
        status=Comment.Status.PUBLISHED,
    )


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(params=["password", "login", "draft"])
def world(request, frozen, settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}
    publication = factories.make_publication(with_images=False)
    control = _article(publication, CONTROL_TITLE, CONTROL_SLUG, minutes_ago=10)
    hidden = _article(publication, HIDDEN_TITLE, HIDDEN_SLUG, minutes_ago=5)
    member = factories.make_member("ada@example.com", display_name="Ada")
    comments = {
        "hidden": _published_comment(hidden, member, HIDDEN_REMARK),
        "control": _published_comment(control, member, CONTROL_REMARK),
    }
    daily = factories.make_newsletter("daily")
    # An issue sent before the article was hidden: its archive page must not
    # show the article any more.
    sent = Issue.objects.create(
        newsletter=daily,
        subject="Daily briefing, Wednesday",
        items=[IssueArticle(article_id=pk) for pk in [hidden.pk, control.pk]],
        scheduled_for=NOW - datetime.timedelta(minutes=1),
        sent_at=NOW - datetime.timedelta(minutes=1),
        status=Issue.Status.SENT,
        auto_articles=False,
    )

    if request.param == "draft":
        hidden.unpublish()
    else:
        restriction_type = {
            "password": PageViewRestriction.PASSWORD,
            "login": PageViewRestriction.LOGIN,
        }[request.param]
        PageViewRestriction.objects.create(
            page=hidden, restriction_type=restriction_type, password="secret"
        )
    return {
        "kind": request.param,
        "publication": publication,
        "hidden": hidden,
        "control": control,
        "member": member,
        "comments": comments,
        "daily": daily,
        "sent_issue": sent,
    }


def _text(response) -> str:
    return response.content.decode() if response.status_code == 200 else ""


def _listing_surfaces(world):
    """Surfaces that list articles: (name, callable returning the text shown)."""
    publication = world["publication"]
    news, author = publication["sections"][0], publication["authors"][0]
    feed_subjects = {"section": news.slug, "tag": TAG, "author": author.slug}
    anonymous = Client()

    def get(url, **headers):
        return lambda: _text(anonymous.get(url, **headers))

    def composed_issue():
        slot = compose.next_slot(world["daily"], NOW)
        issue = compose.compose_issue(world["daily"], slot)
        rendered = render_issue(issue)
        return rendered.html + rendered.text

    surfaces = [
        ("home", get("/")),
        ("section", get(news.url)),
        ("tag", get(reverse("newsroom:tag", args=[TAG]))),
        ("author", get(author.get_absolute_url())),
        ("latest", get(reverse("newsroom:latest"))),
        ("related rail", get(world["control"].url)),
    ]
    for format_name in ("rss", "atom", "json"):
        surfaces.append(
            (f"site {format_name}", get(reverse(f"distribution:site_{format_name}")))
        )
        for kind, slug in feed_subjects.items():
            url = reverse(
                f"distribution:{format_name}", kwargs={"kind": kind, "slug": slug}
            )
            surfaces.append((f"{kind} {format_name}", get(url)))
    surfaces += [
        ("newsletter composed issue", composed_issue),
        (
            "newsletter archive issue",
            get(
                reverse(
                    "newsletter:issue",
                    kwargs={"slug": "daily", "pk": world["sent_issue"].pk},
                )
            ),
        ),
        (
            "sitemap articles",
            get(
                reverse("distribution:article_sitemap", args=[f"{NOW:%Y}", f"{NOW:%m}"])
            ),
        ),
        ("sitemap news", get(reverse("distribution:sitemap", args=["news"]))),
        ("llms.txt", get(reverse("distribution:llms_txt"))),
        (
            "member profile",
            get(reverse("accounts:member", args=[world["member"].member.handle])),
        ),
    ]
    return surfaces


def _article_surfaces(world, article, comment):
    """Surfaces about one article: (name, callable returning the response)."""
    anonymous = Client()
    member = Client()
    member.force_login(world["member"])
    url = f"http://testserver/{article.slug}/"
    return [
        (
            "oembed",
            lambda: anonymous.get(reverse("distribution:oembed"), {"url": url}),
        ),
        (
            "markdown",
            lambda: anonymous.get(
                reverse("distribution:markdown", kwargs={"slug": article.slug})
            ),
        ),
        (
            "social card",
            lambda: anonymous.get(
                reverse("distribution:social_card", kwargs={"pk": article.pk})
            ),
        ),
        (
            "share on mastodon",
            lambda: anonymous.get(
                reverse("distribution:share_mastodon"), {"page": article.pk}
            ),
        ),
        *(
            (
                f"comment {name}",
                lambda name=name: member.get(
                    reverse(f"comments:{name}", kwargs={"pk": comment.pk})
                ),
            )
            for name in ("reply", "edit", "delete", "report")
        ),
    ]


def test_hidden_articles_appear_on_no_reader_surface(world):
    hidden, control = world["hidden"], world["control"]
    leaks, missing = [], []

    for name, shown in _listing_surfaces(world):
        text = shown()
        if HIDDEN_TITLE in text or HIDDEN_SLUG in text or HIDDEN_REMARK in text:
            leaks.append(name)
        if not any(mark in text for mark in CONTROL_MARKS):
            missing.append(name)

    for name, fetch in _article_surfaces(world, hidden, world["comments"]["hidden"]):
        if fetch().status_code != 404:
            leaks.append(name)
    for name, fetch in _article_surfaces(world, control, world["comments"]["control"]):
        if fetch().status_code != 200:
            missing.append(name)

    # Posting a comment: refused as missing for the hidden article.
    member = Client()
    member.force_login(world["member"])
    form = {"text": "Anyone here?", "started": started_token()}
    post = reverse("comments:post", kwargs={"article_id": hidden.pk})
    if member.post(post, form).status_code != 404:
        leaks.append("comment post")
    post = reverse("comments:post", kwargs={"article_id": control.pk})
    if member.post(post, form).status_code != 302:
        missing.append("comment post")

    # Accept negotiation: a tool asking for Markdown gets no copy of the
    # hidden article (a draft is a 404, a restriction asks for a password or
    # a login first).
    asked = Client().get(hidden.url, HTTP_ACCEPT="text/markdown")
    if (
        asked.status_code == 303
        or HIDDEN_TITLE in asked.content.decode()
        or f"{HIDDEN_SLUG}.md" in asked.get("Location", "")
    ):
        leaks.append("markdown negotiation")
    asked = Client().get(control.url, HTTP_ACCEPT="text/markdown")
    if asked.status_code != 303 or asked["Location"] != f"/{CONTROL_SLUG}.md":
        missing.append("markdown negotiation")

    assert leaks == [], f"{world['kind']} article shown on: {', '.join(leaks)}"
    assert missing == [], f"control article missing from: {', '.join(missing)}"


def test_a_member_on_a_restricted_article_gets_no_comment_form(frozen, settings):
    # The page itself is served to whoever passes the restriction (Wagtail's
    # privacy flow); its conversation is not, so no form posts into a 404.
    publication = factories.make_publication(with_images=False)
    article = _article(publication, HIDDEN_TITLE, HIDDEN_SLUG, minutes_ago=5)
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.LOGIN
    )
    member = Client()
    member.force_login(factories.make_member("ada@example.com"))
    response = member.get(article.url)
    assert response.status_code == 200
    text = response.content.decode()
    assert HIDDEN_TITLE in text
    assert "Comments are closed on pages with restricted access." in text
    assert reverse("comments:post", kwargs={"article_id": article.pk}) not in text
