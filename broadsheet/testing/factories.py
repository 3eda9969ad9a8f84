"""Build a small publication for tests, through the same APIs editors use."""

import io
import itertools
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from broadsheet.accounts.services import member_create
from broadsheet.core import roles
from broadsheet.core.models import Branding
from broadsheet.newsletter.models import Newsletter, Subscriber, Subscription
from broadsheet.newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
)
from broadsheet.podcast.models import EpisodePage, PlatformLink, PodcastShowPage
from broadsheet.podcast.synth import tone_mp3

_sequence = itertools.count(1)


def make_image(title: str = "Test image", size=(320, 180), colour="#3366aa"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    image = get_image_model()(title=title, description=f"{title} (description)")
    image.file = ImageFile(buffer, name=f"test-{next(_sequence)}.png")
    image.save()
    return image


def ensure_wagtail_roots() -> Page:
    """Recreate what Wagtail's migrations make, after a transactional test's flush."""
    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
        # The roles' page permissions hang on the root: grant them again.
        roles.sync_roles()
    return root


def review_workflow():
    """The review workflow Wagtail's migrations make (renamed by core 0005),
    made again after a transactional test's flush: an Editor approves."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    workflow = Workflow.objects.filter(name=roles.REVIEW_WORKFLOW).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=roles.REVIEW_WORKFLOW)
        task = GroupApprovalTask.objects.create(name=roles.REVIEW_TASK)
        task.groups.set([Group.objects.get(name=roles.EDITOR)])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(
        page=ensure_wagtail_roots(), defaults={"workflow": workflow}
    )
    return workflow


def make_home() -> HomePage:
    root = ensure_wagtail_roots()
    home = root.add_child(instance=HomePage(title="Home", slug="front-page"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
    Branding.for_site(home.get_site())  # created once, as the demo does
    return home


def make_section(home: HomePage, title: str) -> SectionPage:
    section = home.add_child(
        instance=SectionPage(
            title=title, slug=title.lower(), intro=f"About {title}.", show_in_menus=True
        )
    )
    section.save_revision().publish()
    return section


def make_author(name: str = "Ada Reporter", *, with_avatar: bool = False) -> Author:
    slug = name.lower().replace(" ", "-")
    return Author.objects.create(
        name=name,
        slug=slug,
        role="Reporter",
        bio=f"{name} covers technology.",
        avatar=make_image(f"Portrait of {name}", size=(96, 96))
        if with_avatar
        else None,
    )


def make_article(
    home: HomePage,
    section: SectionPage,
    authors: list[Author],
    *,
    title: str | None = None,
    published_at: datetime | None = None,
    image=None,
    tags: tuple[str, ...] = ("chips",),
    body_paragraphs: int = 3,
    owner=None,
    live: bool = True,
) -> ArticlePage:
    number = next(_sequence)
    title = title or f"Test article number {number}"
    article = ArticlePage(
        title=title,
        slug=f"test-article-{number}",
        standfirst=f"What happened in test story {number}, in one sentence.",
        takeaways=[("takeaway", "The first point."), ("takeaway", "The second point.")],
        body=[
            ("subheading", {"level": "h2", "text": "What happened"}),
            *[
                ("paragraph", f"<p>Paragraph {i} of the story with some words.</p>")
                for i in range(body_paragraphs)
            ],
            ("quote", {"quote": "It matters.", "attribution": "A. Source, analyst"}),
        ],
        section=section,
        hero_image=image,
        hero_alt="A test picture" if image else "",
        owner=owner,
        live=live,
    )
    for position, author in enumerate(authors):
        article.article_authors.add(ArticleAuthor(author=author, sort_order=position))
    article.tags.add(*tags)
    home.add_child(instance=article)
    revision = article.save_revision(user=owner)
    if live:
        revision.publish()
    if published_at is not None:
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=published_at, last_published_at=published_at
        )
        article.refresh_from_db()
    return article


def make_publication(
    articles_per_section: int = 3, *, with_images: bool = True
) -> dict:
    """Return a home page with two sections, two authors and some articles.

    Wagtail's reference index (which pages use which image or author) is not
    built for it: no test reads it, and it is a third of the time.
    """
    with disable_reference_index_auto_update():
        return _make_publication(articles_per_section, with_images)


def _make_publication(articles_per_section: int, with_images: bool) -> dict:
    home = make_home()
    sections = [make_section(home, "News"), make_section(home, "Analysis")]
    authors = [
        make_author("Ada Reporter", with_avatar=with_images),
        make_author("Ben Editor"),
    ]
    image = make_image() if with_images else None
    now = timezone.now()
    articles = []
    for index in range(articles_per_section):
        for offset, section in enumerate(sections):
            articles.append(
                make_article(
                    home,
                    section,
                    authors[: 1 + (index % 2)],
                    published_at=now - timedelta(hours=2 * index + offset + 1),
                    image=image,
                )
            )
    return {
        "home": home,
        "sections": sections,
        "authors": authors,
        "articles": articles,
    }


def reader_urls(publication: dict) -> dict[str, str]:
    """Return one URL of every reader page type of ``make_publication()``'s site."""
    return {
        "home": "/",
        "section": publication["sections"][0].url,
        "tag": "/tags/chips/",
        "author": publication["authors"][0].get_absolute_url(),
        "latest": "/latest/",
        "article": publication["articles"][0].url,
        "authors": "/authors/",
    }


# A made-up provider for tests: browsers never reach it (tests intercept it).
EXAMPLE_EMBED_PROVIDER = {
    "name": "Example Video",
    "pattern": r"^https://video\.example\.com/watch/(?P<id>\w+)",
    "frame_url": "https://video.example.com/embed/{id}",
    "frame_origin": "https://video.example.com",
}


def make_article_with_embeds(publication: dict, *urls: str) -> ArticlePage:
    """Publish an article whose body ends with an embed of each of ``urls``."""
    article = make_article(
        publication["home"],
        publication["sections"][0],
        publication["authors"],
        title="A story with a video",
    )
    article.body = [
        *article.body.raw_data,
        *(
            {"type": "embed", "value": {"url": url, "caption": "The launch event"}}
            for url in urls
        ),
    ]
    article.save_revision().publish()
    return article


def make_member(
    email: str = "reader@example.com",
    password: str = "a long passphrase",
    *,
    display_name: str | None = None,
    verified: bool = True,
    notify_replies: bool = False,
    superuser: bool = False,
):
    """Create a user with a member profile and (by default) a verified email."""

    User = get_user_model()
    username = email.split("@")[0]
    if superuser:
        user = User.objects.create_superuser(username, email, password)
    else:
        user = User.objects.create_user(username, email, password)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    member_create(
        user=user,
        display_name=display_name or f"Member {username}",
        notify_replies=notify_replies,
    )
    return user


def make_newsletter(slug: str = "daily", **fields):
    """The daily digest (or another newsletter), as the data migration makes it."""

    defaults = {
        "name": "Daily briefing" if slug == "daily" else slug.title(),
        "description": "The day's stories with their key takeaways.",
        "sender_name": "The newsroom",
        "sender_email": "news@example.com",
        "send_time": time(7, 0),
        "time_zone": "UTC",
        "days": "0,1,2,3,4,5,6",
        "is_default": slug == "daily",
        **fields,
    }
    return Newsletter.objects.update_or_create(slug=slug, defaults=defaults)[0]


def make_subscriber(email: str, *newsletters, status: str = "active"):

    subscriber = Subscriber.objects.create(
        email=email,
        email_key=email.casefold(),
        status=status,
        confirmed_at=timezone.now() if status == "active" else None,
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=subscriber, newsletter=n) for n in newsletters
    )
    return subscriber


def make_document(name: str, data: bytes, title: str | None = None):
    """Store a file as a Wagtail document, as an editor's upload would."""

    document = get_document_model()(title=title or name)
    document.file = ContentFile(data, name=name)
    document.save()
    return document


TRANSCRIPT_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:01.500
Welcome to the test show.

00:00:01.500 --> 00:00:03.000
This is the <v Host>second</v> line.
"""
CHAPTERS_JSON = (
    b'{"version": "1.2.0", "chapters": ['
    b'{"startTime": 0, "title": "Opening"}, {"startTime": 2, "title": "The news"}]}'
)


def make_show(home, *, slug: str = "the-test-show", platforms=None, **fields):
    """Publish a podcast show with square artwork and platform links."""

    show = PodcastShowPage(
        title=fields.pop("title", "The Test Show"),
        slug=slug,
        description="A show about tests, made for tests.",
        artwork=fields.pop("artwork", None)
        or make_image("Show artwork", size=(1400, 1400)),
        author_name="Ada Reporter",
        owner_name="The Newsroom",
        owner_email="podcast@example.com",
        language="en",
        category="News › Tech News",
        second_category="Technology",
        copyright="© Broadsheet",
        **fields,
    )
    if platforms is None:
        platforms = {
            "apple": "https://podcasts.apple.com/podcast/id123",
            "spotify": "https://open.spotify.com/show/abc",
        }
    for position, (platform, url) in enumerate(platforms.items()):
        show.platform_links.add(
            PlatformLink(platform=platform, url=url, sort_order=position)
        )
    home.add_child(instance=show)
    show.save_revision().publish()
    return show


def make_episode(
    show,
    *,
    seconds: float = 3,
    audio: bytes | None = None,
    transcript: bool = False,
    chapters: bool = False,
    number: int | None = None,
    **fields,
):
    """Publish an episode whose audio (a tone) is measured like an upload's."""

    index = next(_sequence)
    episode = EpisodePage(
        title=fields.pop("title", f"Episode {index}"),
        slug=fields.pop("slug", f"episode-{index}"),
        number=number,
        season=fields.pop("season", 1),
        summary=f"What episode {index} is about.",
        show_notes="<p>Links and <b>notes</b>.</p>",
        audio=make_document(
            f"episode-{index}.mp3", audio or tone_mp3(seconds), f"Audio {index}"
        ),
        transcript=make_document(f"episode-{index}.vtt", TRANSCRIPT_VTT)
        if transcript
        else None,
        chapters=make_document(f"episode-{index}.json", CHAPTERS_JSON)
        if chapters
        else None,
        release_date=fields.pop("release_date", timezone.now() - timedelta(hours=1)),
        **fields,
    )
    episode.read_files()
    show.add_child(instance=episode)
    episode.save_revision().publish()
    return episode
