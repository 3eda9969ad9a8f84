"""Load the demo publication. Safe to run again: it only adds what is missing.

Nothing that already exists is changed, so an editor's changes to demo
articles, authors or branding survive a second ``broadsheet demo``.
"""

import io
import secrets
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from modelsearch import index
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from broadsheet.accounts.services import staff_ready_to_sign_in
from broadsheet.core.models import Branding
from broadsheet.demo import artwork
from broadsheet.demo.bodytext import parse_body
from broadsheet.demo.community import load_community
from broadsheet.demo.newsletters import load_newsletter_archive
from broadsheet.demo.podcast import load_podcast
from broadsheet.newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    SectionPage,
)
from broadsheet.newsroom.setup import ensure_home_page
from broadsheet.search import indexing as search_indexing

CONTENT_FILE = Path(__file__).parent / "content" / "articles.toml"
COMMUNITY_FILE = Path(__file__).parent / "content" / "community.toml"
ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@example.com"
# How the demo's administrator is named on the masthead and beside comments.
ADMIN_NAME = ("Demo", "Editor")


@dataclass
class DemoReport:
    created_articles: int = 0
    created_sections: int = 0
    created_authors: int = 0
    existing_articles: int = 0
    created_comments: int = 0
    archived_issues: int = 0
    created_episodes: int = 0
    notes: list[str] = field(default_factory=list)


@contextmanager
def indexing_paused():
    """Skip per-save search and reference indexing; the caller rebuilds them.

    Each save would otherwise queue two background tasks: hundreds for the
    demo, ten thousand for the benchmark archive.
    """
    models = index.get_indexed_models()
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update(), search_indexing.paused():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


def read_content() -> dict:
    with CONTENT_FILE.open("rb") as handle:
        return tomllib.load(handle)


def read_community() -> dict:
    with COMMUNITY_FILE.open("rb") as handle:
        return tomllib.load(handle)


def make_image(title: str, png: bytes, *, description: str = "", filename: str):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    image = Image(title=title, description=description)
    image.file = ImageFile(io.BytesIO(png), name=filename)
    image.save()
    return image


def ensure_branding(site: Site) -> None:
    if Branding.objects.filter(site=site).exists():
        return
    logo = make_image(
        "The Broadsheet Wire logo", artwork.logo(), filename="broadsheet-logo.png"
    )
    Branding.objects.create(
        site=site,
        site_name="The Broadsheet Wire",
        tagline="Independent reporting on AI and the technology industry",
        logo=logo,
        footer_text="The Broadsheet Wire is a demonstration publication. Every story, "
        "person and company in it is fictional.",
    )


def publication_time(days_ago: int, clock: str, now: datetime) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    day = (now - timedelta(days=days_ago)).date()
    moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
    # Articles "published" later today would be in the future: keep them past.
    return min(moment, now - timedelta(minutes=5 + days_ago))


def load_demo(*, now: datetime | None = None) -> DemoReport:
    """Create the demo publication's home, sections, authors and articles."""
    with indexing_paused():
        report = _load_demo(now=now or timezone.now())
    if report.created_articles or report.created_authors or report.created_sections:
        call_command("update_index", verbosity=0)
        call_command("rebuild_references_index", verbosity=0)
    return report


@transaction.atomic
def _load_demo(*, now: datetime) -> DemoReport:
    content = read_content()
    report = DemoReport()
    home = ensure_home_page(site_name="The Broadsheet Wire")
    ensure_branding(home.get_site())

    sections = {}
    for spec in content["section"]:
        section = SectionPage.objects.filter(slug=spec["slug"]).first()
        if section is None:
            section = home.add_child(
                instance=SectionPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    intro=spec["intro"],
                    show_in_menus=True,
                )
            )
            section.save_revision().publish()
            report.created_sections += 1
        sections[spec["slug"]] = section

    authors = {}
    for spec in content["author"]:
        author = Author.objects.filter(slug=spec["slug"]).first()
        if author is None:
            avatar = make_image(
                f"Portrait of {spec['name']}",
                artwork.avatar(spec["name"], spec["slug"]),
                filename=f"{spec['slug']}.png",
            )
            author = Author.objects.create(
                name=spec["name"],
                slug=spec["slug"],
                role=spec["role"],
                bio=spec["bio"],
                avatar=avatar,
            )
            report.created_authors += 1
        authors[spec["slug"]] = author

    existing = set(ArticlePage.objects.values_list("slug", flat=True))
    # Oldest first, so the page tree order matches publication order.
    for spec in sorted(content["article"], key=lambda a: (-a["days_ago"], a["time"])):
        if spec["slug"] in existing:
            report.existing_articles += 1
            continue
        create_article(home, spec, sections, authors, now=now)
        report.created_articles += 1
    report.created_comments = load_community(read_community(), now=now)
    report.archived_issues = load_newsletter_archive(now=now)
    report.created_episodes = load_podcast(home, now=now, make_image=make_image)
    return report


def create_article(home, spec: dict, sections: dict, authors: dict, *, now: datetime):
    section_slug = spec["section"]
    hero = make_image(
        f"Illustration: {spec['title']}",
        artwork.illustration(spec["slug"], section_slug),
        description="Abstract illustration of connected nodes and bars, "
        f"in the colours of the {sections[section_slug].title} section.",
        filename=f"{spec['slug']}.jpg",
    )

    def figure(number: int, caption: str) -> int:
        return make_image(
            f"Figure {number}: {spec['title']}",
            artwork.illustration(
                f"{spec['slug']}-{number}", section_slug, size=(1360, 907)
            ),
            description=caption or "Abstract illustration",
            filename=f"{spec['slug']}-figure-{number}.jpg",
        ).pk

    article = ArticlePage(
        title=spec["title"],
        slug=spec["slug"],
        standfirst=spec["standfirst"],
        takeaways=[("takeaway", item) for item in spec["takeaways"]],
        section=sections[section_slug],
        hero_image=hero,
        hero_caption="",
        hero_credit="Illustration: Broadsheet Wire",
    )
    article.body = parse_body(spec["body"], image_for=figure)
    for position, slug in enumerate(spec["authors"]):
        article.article_authors.add(
            ArticleAuthor(author=authors[slug], sort_order=position)
        )
    article.tags.add(*spec.get("tags", []))
    home.add_child(instance=article)
    article.save_revision().publish()
    published = publication_time(spec["days_ago"], spec["time"], now)
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=published, last_published_at=published
    )
    return article


def ensure_admin_user(password_file: Path) -> tuple[str, str | None]:
    """Create the demo superuser once; return its login and known password.

    The password is random per install and kept (mode 600) in the data folder
    so that every run of the demo can print it again.
    """
    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is not None:
        staff_ready_to_sign_in(admin)
        password = password_file.read_text().strip() if password_file.exists() else None
        return admin.email, password
    password = secrets.token_urlsafe(12)
    first_name, last_name = ADMIN_NAME
    admin = User.objects.create_superuser(
        ADMIN_USERNAME,
        ADMIN_EMAIL,
        password,
        first_name=first_name,
        last_name=last_name,
    )
    staff_ready_to_sign_in(admin)
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text(password)
    password_file.chmod(0o600)
    return ADMIN_EMAIL, password
