"""Load a large synthetic archive fast: rows written in bulk, not page by page.

``archive.generate_archive`` adds articles one ``add_child`` at a time (about
25 a second), which is right for thousands but not for the 100,000 the
search benchmark needs. Here the tree paths are computed once for the whole
batch (articles are the home page's children, so each is the next step
under it), pages go in with ``bulk_create``, the article rows (a second
table: Django cannot bulk-create a child of multi-table inheritance) with
one ``executemany``, then bylines and tags. ``fixtree`` finds the tree
valid afterwards (bench/search.py checks it). No revisions are written:
these articles were never edited.

Each article takes the text of a demo article and adds a sentence of
made-up words drawn with a Zipf-like skew, so the archive has common and
rare words as a real one does.
"""

import json
import random
import uuid
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Locale, Page

from broadsheet.demo import services
from broadsheet.demo.archive import ARCHIVE_PREFIX
from broadsheet.demo.bodytext import parse_body
from broadsheet.newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    ArticlePageTag,
    Author,
    HomePage,
    SectionPage,
)

SYLLABLES = (
    "ka lo mi nu re sa ti vo ze bra cle dri fu gor hal jin kel mor pav quo".split()
)
BATCH = 2000


def made_up_word(rank: int) -> str:
    """A pronounceable word that no dictionary has, one per rank (1, 2, ...)."""
    letters, n = [], rank + len(SYLLABLES)
    while n:
        n, digit = divmod(n, len(SYLLABLES))
        letters.append(SYLLABLES[digit])
    return "".join(letters)


def _sentence(rng: random.Random, vocabulary: int) -> str:
    # Rank r drawn with probability ~ 1/r: a few words everywhere, most rare.
    ranks = [int(vocabulary ** rng.random()) for _ in range(4)]
    words = [made_up_word(rank) for rank in ranks]
    return (
        f"Analysts tracking {words[0]} and {words[1]} compared notes on "
        f"{words[2]} with {words[3]}."
    )


def _article_rows(spec, number, sections, authors, heroes, now, rng, vocabulary):
    section = sections[spec["section"]]
    published = now - timedelta(minutes=37 * number + 60)
    body = parse_body(spec["body"], image_for=lambda *_: heroes[section.pk])
    body.append(
        {
            "type": "paragraph",
            "value": f"<p>{_sentence(rng, vocabulary)}</p>",
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
        }
    )
    title = f"{spec['title']} (archive {number + 1})"
    slug = f"{ARCHIVE_PREFIX}{number + 1:06d}-{spec['slug']}"[:80]
    return title, slug, published, section, body


@transaction.atomic
def load(total: int, *, vocabulary: int = 20_000, seed: int = 7, progress=None) -> int:
    """Add articles until the archive holds ``total``; return how many were added."""
    services.load_demo()
    home = HomePage.objects.get()
    content = services.read_content()["article"]
    sections = {s.slug: s for s in SectionPage.objects.all()}
    authors = {a.slug: a for a in Author.objects.all()}
    heroes = {a.section_id: a.hero_image_id for a in ArticlePage.objects.order_by("pk")}
    tags = {t.name: t.pk for t in Tag.objects.all()}
    existing = ArticlePage.objects.filter(slug__startswith=ARCHIVE_PREFIX).count()
    article_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    rng = random.Random(seed + existing)
    now = timezone.now()
    last = home.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last else 0
    added = 0
    for start in range(existing, total, BATCH):
        numbers = range(start, min(total, start + BATCH))
        pages, details = [], []
        for number in numbers:
            spec = content[number % len(content)]
            title, slug, published, section, body = _article_rows(
                spec, number, sections, authors, heroes, now, rng, vocabulary
            )
            step += 1
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=article_type,
                    path=Page._get_path(home.path, home.depth + 1, step),
                    depth=home.depth + 1,
                    numchild=0,
                    url_path=f"{home.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    latest_revision_created_at=published,
                    locale=locale,
                    translation_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
            details.append((spec, section, body, heroes.get(section.pk)))
        Page.objects.bulk_create(pages)
        _insert_articles(pages, details)
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(page_id=page.pk, author=authors[slug], sort_order=position)
            for page, (spec, *_) in zip(pages, details, strict=True)
            for position, slug in enumerate(spec["authors"])
        )
        ArticlePageTag.objects.bulk_create(
            ArticlePageTag(content_object_id=page.pk, tag_id=tags[name])
            for page, (spec, *_) in zip(pages, details, strict=True)
            for name in spec.get("tags", [])
            if name in tags
        )
        added += len(pages)
        if progress:
            progress(existing + added, total)
    Page.objects.filter(pk=home.pk).update(numchild=home.get_children().count())
    return added


def _insert_articles(pages, details) -> None:
    """The article table's rows, by its own fields (the page's are written)."""
    fields = list(ArticlePage._meta.local_concrete_fields)
    rows = []
    for page, (spec, section, body, section_hero) in zip(pages, details, strict=True):
        values = {
            "page_ptr": page.pk,
            "standfirst": spec["standfirst"],
            "takeaways": json.dumps(
                [
                    {"type": "takeaway", "value": t, "id": str(uuid.uuid4())}
                    for t in spec["takeaways"]
                ]
            ),
            "body": json.dumps(body),
            "hero_image": section_hero,
            "section": section.pk,
            "reading_minutes": max(1, len(spec["body"].split()) // 230),
        }
        row = []
        for field in fields:
            if field.name in values:
                row.append(values[field.name])
            else:
                row.append(field.get_db_prep_save(field.get_default(), connection))
        rows.append(row)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = quote(ArticlePage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
