"""The demo publication: complete, original, deterministic and safe to reload."""

import io
from datetime import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from broadsheet.accounts.models import Member
from broadsheet.comments.models import Comment
from broadsheet.demo import services
from broadsheet.demo.bodytext import inline_html, parse_body
from broadsheet.newsletter.models import Issue
from broadsheet.newsroom.models import ArticlePage, Author, HomePage, SectionPage
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def content():
    return services.read_content()


def test_demo_content_file_is_a_believable_publication(content):
    articles = content["article"]
    assert len(articles) >= 24
    assert len(content["section"]) >= 4
    assert len(content["author"]) >= 4
    slugs = [a["slug"] for a in articles]
    assert len(set(slugs)) == len(slugs)
    section_slugs = {s["slug"] for s in content["section"]}
    author_slugs = {a["slug"] for a in content["author"]}
    for article in articles:
        assert article["section"] in section_slugs
        assert set(article["authors"]) <= author_slugs
        assert 1 <= len(article["takeaways"]) <= 5
        kinds = {
            block["type"]
            for block in parse_body(article["body"], image_for=lambda n, caption: n)
        }
        assert {"paragraph", "subheading", "quote"} <= kinds, article["slug"]


def test_loading_the_demo_builds_the_site(client):
    report = services.load_demo()
    assert report.created_articles >= 24
    assert ArticlePage.objects.live().count() == report.created_articles
    assert SectionPage.objects.live().count() >= 4
    assert Author.objects.count() >= 4
    home = HomePage.objects.get()
    assert home.get_site().root_page_id == home.pk
    article = ArticlePage.objects.live().first()
    assert article.hero_image is not None and article.hero_alt_text
    assert article.takeaways and article.authors
    assert client.get("/").status_code == 200
    assert client.get(article.url).status_code == 200
    # Indexing was paused while loading, then rebuilt once.
    assert ArticlePage.objects.search(article.title.split()[0]).count() >= 1


def test_the_demo_has_members_threads_and_one_comment_to_moderate(client):
    report = services.load_demo()
    assert report.created_comments == len(services.read_community()["comment"])
    assert Member.objects.count() >= 4
    published = Comment.objects.filter(status=Comment.Status.PUBLISHED)
    assert published.filter(depth=2).exists()  # threads two replies deep
    assert published.values("article").distinct().count() >= 3
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1
    threaded = published.filter(depth=2).first().article
    page = client.get(threaded.url).content.decode()
    assert page.count('class="comment"') >= 3
    assert services.load_demo().created_comments == 0  # reloading adds none


@pytest.mark.any_instant  # the demo is loaded at each of these instants
@pytest.mark.parametrize("clock", ["2026-03-02T06:40:00Z", "2026-07-15T23:50:00Z"])
def test_demo_comments_come_after_what_they_answer(clock):
    now = datetime.fromisoformat(clock)
    services.load_demo(now=now)
    comments = Comment.objects.select_related("article", "reply_to")
    assert comments.count() == len(services.read_community()["comment"])
    for comment in comments:
        assert comment.article.first_published_at < comment.created_at <= now
        if comment.reply_to is not None:
            assert comment.reply_to.created_at < comment.created_at


def test_the_demo_newsletter_has_an_archive(client):
    factories.make_newsletter("daily")
    report = services.load_demo()
    assert report.archived_issues >= 1
    archive = client.get("/newsletters/daily/")
    assert archive.status_code == 200
    issue = Issue.objects.filter(status=Issue.Status.SENT).first()
    page = client.get(issue.get_absolute_url())
    assert page.status_code == 200 and issue.subject in page.content.decode()
    assert services.load_demo().archived_issues == 0


def test_reloading_the_demo_adds_nothing_and_keeps_edits():
    services.load_demo()
    article = ArticlePage.objects.live().order_by("pk").first()
    article.title = "An editor's better headline"
    article.save_revision().publish()
    author = Author.objects.order_by("pk").first()
    author.bio = "Rewritten by the editor."
    author.save()
    counts = (
        ArticlePage.objects.count(),
        Author.objects.count(),
        SectionPage.objects.count(),
    )

    report = services.load_demo()

    assert report.created_articles == 0
    assert report.existing_articles == counts[0]
    assert (
        ArticlePage.objects.count(),
        Author.objects.count(),
        SectionPage.objects.count(),
    ) == counts
    assert ArticlePage.objects.get(pk=article.pk).title == "An editor's better headline"
    assert Author.objects.get(pk=author.pk).bio == "Rewritten by the editor."


def test_a_deleted_demo_article_is_restored_but_nothing_else_changes():
    services.load_demo()
    victim = ArticlePage.objects.order_by("pk").last()
    slug = victim.slug
    victim.delete()
    report = services.load_demo()
    assert report.created_articles == 1
    assert ArticlePage.objects.filter(slug=slug).count() == 1


def test_admin_user_is_created_once_with_a_random_password(tmp_path):
    password_file = tmp_path / "pw"
    email, password = services.ensure_admin_user(password_file)
    assert email == "admin@example.com" and len(password) >= 12
    assert password_file.read_text() == password
    again = services.ensure_admin_user(password_file)
    assert again == (email, password)
    # Staff sign in like members, so the address is verified.
    assert EmailAddress.objects.get(email=email).verified
    # The masthead names them as a person, not "admin 2".
    admin = Member.objects.get(user__email=email)
    assert admin.display_name == "Demo Editor"


def test_body_text_parser_understands_every_block():
    body = """First paragraph with [a link](https://example.org/x) & more.

## Heading two

### Heading three

> Quoted words
> that continue.
> -- Jo Smith, analyst

!! A pull quote.

[image: A caption | Illustration: Wire]

[embed: https://video.example.com/watch/1 | A video]"""
    blocks = parse_body(body, image_for=lambda n, caption: 100 + n)
    assert [b["type"] for b in blocks] == [
        "paragraph",
        "subheading",
        "subheading",
        "quote",
        "pull_quote",
        "image",
        "embed",
    ]
    assert blocks[0]["value"] == (
        "<p>First paragraph with "
        '<a href="https://example.org/x">a link</a> &amp; more.</p>'
    )
    assert blocks[2]["value"] == {"level": "h3", "text": "Heading three"}
    assert blocks[3]["value"] == {
        "quote": "Quoted words that continue.",
        "attribution": "Jo Smith, analyst",
    }
    assert blocks[5]["value"]["image"] == 101
    assert blocks[6]["value"]["url"] == "https://video.example.com/watch/1"
    assert inline_html("<b>") == "&lt;b&gt;"


def test_benchmark_archive_tops_up_to_the_requested_size(client):
    out = io.StringIO()
    call_command("generate_archive", "--count", "40", stdout=out)
    assert "40 of 40 articles" in out.getvalue()
    assert "Archive: 40 articles added (target 40)" in out.getvalue()
    call_command("generate_archive", "--count", "40", stdout=out)
    assert "Archive: 0 articles added" in out.getvalue()
    archive = ArticlePage.objects.live().filter(slug__startswith="archive-")
    assert archive.count() == 40
    article = archive.order_by("pk").last()
    assert article.takeaways and article.authors and article.tags.exists()
    assert client.get(article.url).status_code == 200
    assert client.get("/latest/?page=3").status_code == 200


def test_the_demo_podcast_has_three_episodes_with_real_audio(client):
    from broadsheet.podcast.models import EpisodePage

    report = services.load_demo()
    assert report.created_episodes == 3
    episodes = EpisodePage.objects.live()
    assert episodes.count() == 3
    assert all(e.duration >= 15 and e.audio_type == "audio/mpeg" for e in episodes)
    assert (
        episodes.filter(transcript__isnull=False, chapters__isnull=False).count() == 1
    )
    from broadsheet.podcast.models import Platform, PlatformLink

    assert {link.platform for link in PlatformLink.objects.all()} <= set(
        Platform.values
    )
    feed = client.get("/podcast/the-briefing-podcast/feed.xml")
    assert feed.status_code == 200 and feed.content.count(b"<enclosure") == 3
    assert services.load_demo().created_episodes == 0
