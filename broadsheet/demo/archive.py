"""A large synthetic archive for benchmarks: many articles built from the demo's.

Bodies, takeaways and authors are reused from the demo content so that each
page costs as much to render as a real one. Search and reference indexing are
skipped: they are background work that would otherwise queue 10,000 tasks and
skew the measurements.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from broadsheet.core.caching import mark_content_changed
from broadsheet.demo import services
from broadsheet.demo.bodytext import parse_body
from broadsheet.newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
)

ARCHIVE_PREFIX = "archive-"
BATCH = 250


def generate_archive(total: int) -> int:
    """Top the archive up to ``total`` synthetic articles; return the number added."""
    services.load_demo()
    home = HomePage.objects.get()
    content = services.read_content()
    sections = {s.slug: s for s in SectionPage.objects.all()}
    authors = {a.slug: a for a in Author.objects.all()}
    heroes = {
        a.section_id: a.hero_image
        for a in ArticlePage.objects.select_related("hero_image").order_by("pk")
    }
    existing = ArticlePage.objects.filter(slug__startswith=ARCHIVE_PREFIX).count()
    now = timezone.now()
    added = 0
    with services.indexing_paused():
        for start in range(existing, total, BATCH):
            with transaction.atomic():
                for number in range(start, min(total, start + BATCH)):
                    spec = content["article"][number % len(content["article"])]
                    home.add_child(
                        instance=synthetic_article(
                            number, spec, sections, authors, heroes, now
                        )
                    )
                    added += 1
            home.refresh_from_db()
    mark_content_changed()
    return added


def synthetic_article(number, spec, sections, authors, heroes, now) -> ArticlePage:
    section = sections[spec["section"]]
    published = now - timedelta(days=60, hours=7 * number)
    article = ArticlePage(
        title=f"{spec['title']} (archive {number + 1})",
        slug=f"{ARCHIVE_PREFIX}{number + 1:05d}-{spec['slug']}"[:80],
        standfirst=spec["standfirst"],
        takeaways=[("takeaway", item) for item in spec["takeaways"]],
        body=parse_body(spec["body"], image_for=lambda *_: heroes[section.pk].pk),
        section=section,
        hero_image=heroes[section.pk],
        hero_credit="Illustration: Broadsheet Wire",
        live=True,
        first_published_at=published,
        last_published_at=published,
    )
    for position, slug in enumerate(spec["authors"]):
        link = ArticleAuthor(author=authors[slug], sort_order=position)
        article.article_authors.add(link)
    article.tags.add(*spec.get("tags", []))
    return article
