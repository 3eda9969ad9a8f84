"""Load a large synthetic archive fast: rows written in bulk, not page by page.

``broadsheet generate_archive --count N`` uses it. Adding articles one
``add_child`` at a time ran at about 25 a second: a million would take
eleven hours. Here the tree paths are computed once for the whole
batch (articles are the home page's children, so each is the next step
under it), pages go in with ``bulk_create``, the article rows (a second
table: Django cannot bulk-create a child of multi-table inheritance) with
one ``executemany``, then bylines and tags. ``fixtree`` finds the tree
valid afterwards (bench/search.py checks it). Each article gets the one
revision it would have had if an editor had published it, so the admin
opens and edits it like any other; its content is the page's serialised
data (``serializable_data``), made once and filled in per article, since
serialising each article through its model would take longer than the
rest of the load together.

Every batch is its own transaction: memory stays flat however many are
loaded, and a load that stops part way is topped up by running it again.

Each article takes the text of a demo article and adds a sentence of
made-up words drawn with a Zipf-like skew, so the archive has common and
rare words as a real one does.
"""

import json
import random
import uuid
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Locale, Page, Revision

from broadsheet.comments.models import Comment
from broadsheet.comments.rendering import render_comment
from broadsheet.comments.services import fingerprint
from broadsheet.core.caching import mark_content_changed
from broadsheet.demo import services
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
ARCHIVE_PREFIX = "archive-"


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
    for block in body:  # ids as the editor gives them, so revisions compare
        block.setdefault("id", str(uuid.UUID(int=rng.getrandbits(128))))
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


def load(total: int, *, vocabulary: int = 20_000, seed: int = 7, progress=None) -> int:
    """Add articles until the archive holds ``total``; return how many were added.

    ``progress(done, total)`` is called before the first batch and after
    each one."""
    services.load_demo()
    home = HomePage.objects.get()
    content = services.read_content()["article"]
    sections = {s.slug: s for s in SectionPage.objects.all()}
    authors = {a.slug: a for a in Author.objects.all()}
    # Each section's illustration, from the demo's own articles (reading the
    # archive's would cost a second a thousand articles).
    demo = ArticlePage.objects.exclude(slug__startswith=ARCHIVE_PREFIX).order_by("pk")
    heroes = dict(demo.values_list("section_id", "hero_image_id"))
    tags = {t.name: t.pk for t in Tag.objects.all()}
    existing = ArticlePage.objects.filter(slug__startswith=ARCHIVE_PREFIX).count()
    kinds = (
        ContentType.objects.get_for_model(ArticlePage),
        ContentType.objects.get_for_model(Page),
    )
    locale = Locale.get_default()
    rng = random.Random(seed + existing)
    now = timezone.now()
    added = 0
    if progress:
        progress(existing, total)
    for start in range(existing, total, BATCH):
        numbers = range(start, min(total, start + BATCH))
        with transaction.atomic():
            home = HomePage.objects.select_for_update().get(pk=home.pk)
            last = home.get_last_child()
            step = Page._str2int(last.path[-Page.steplen :]) if last else 0
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
                        content_type=kinds[0],
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
                details.append(_details(spec, section, body, heroes.get(section.pk)))
            Page.objects.bulk_create(pages)
            _insert_articles(pages, details)
            bylines = ArticleAuthor.objects.bulk_create(
                ArticleAuthor(page_id=page.pk, author=authors[slug], sort_order=place)
                for page, (spec, _) in zip(pages, details, strict=True)
                for place, slug in enumerate(spec["authors"])
            )
            tagged = ArticlePageTag.objects.bulk_create(
                ArticlePageTag(content_object_id=page.pk, tag_id=tags[name])
                for page, (spec, _) in zip(pages, details, strict=True)
                for name in spec.get("tags", [])
                if name in tags
            )
            _publish_revisions(pages, details, bylines, tagged, kinds)
            Page.objects.filter(pk=home.pk).update(numchild=home.numchild + len(pages))
        added += len(pages)
        if progress:
            progress(existing + added, total)
    if added:
        mark_content_changed()
    return added


def _details(spec, section, body, section_hero) -> tuple[dict, dict]:
    """The article's spec, and the values of its own fields (the article
    table's columns, by field name)."""
    return spec, {
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


def _publish_revisions(pages, details, bylines, tagged, kinds) -> None:
    """One published revision per article, and the page pointing at it."""
    article_type, page_type = kinds
    byline_rows, tag_rows = defaultdict(list), defaultdict(list)
    for link in bylines:
        byline_rows[link.page_id].append(
            {
                "pk": link.pk,
                "sort_order": link.sort_order,
                "page": link.page_id,
                "author": link.author_id,
            }
        )
    for item in tagged:
        tag_rows[item.content_object_id].append(
            {
                "pk": item.pk,
                "tag": item.tag_id,
                "content_object": item.content_object_id,
            }
        )
    template = _content_template(pages[0], details[0][1])
    revisions = []
    for page, (_, values) in zip(pages, details, strict=True):
        content = dict(template)
        for name in _PAGE_FIELDS:
            content[name] = getattr(page, name)
        content.update(
            values,
            pk=page.pk,
            translation_key=str(page.translation_key),
            tagged_items=tag_rows[page.pk],
            article_authors=byline_rows[page.pk],
        )
        revisions.append(
            {
                "content_type": article_type.pk,
                "base_content_type": page_type.pk,
                "object_id": str(page.pk),
                "created_at": page.first_published_at,
                "object_str": page.title,
                "content": content,
            }
        )
    _insert(Revision, revisions)
    made = dict(
        Revision.objects.filter(
            base_content_type=page_type,
            object_id__in=[r["object_id"] for r in revisions],
        ).values_list("object_id", "pk")
    )
    table = connection.ops.quote_name(Page._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET latest_revision_id = %s, live_revision_id = %s"
            " WHERE id = %s",
            [(made[str(p.pk)], made[str(p.pk)], p.pk) for p in pages],
        )


# The page's own values in a revision that differ from article to article
# (the rest is the same for every bulk article: the template's).
_PAGE_FIELDS = (
    "path", "depth", "title", "draft_title", "slug", "url_path",
    "first_published_at", "last_published_at", "latest_revision_created_at",
)  # fmt: skip


def _content_template(page: Page, values: dict) -> dict:
    """What ``serializable_data`` makes of a bulk article, with JSON-ready
    values: every revision starts from it."""
    article = ArticlePage(
        **{f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields},
        standfirst=values["standfirst"],
        takeaways=json.loads(values["takeaways"]),
        body=json.loads(values["body"]),
        hero_image_id=values["hero_image"],
        section_id=values["section"],
        reading_minutes=values["reading_minutes"],
    )
    data = article.serializable_data()
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _insert_articles(pages, details) -> None:
    """The article table's rows (the pages' are written already). Their
    values are the database's already (stream fields as JSON text)."""
    rows = [
        {**values, "page_ptr": page.pk}
        for page, (_, values) in zip(pages, details, strict=True)
    ]
    _insert(ArticlePage, rows, ArticlePage._meta.local_concrete_fields, raw=True)


def _insert(model, rows: list[dict], fields=None, *, raw=False) -> None:
    """Rows of ``model`` by field name, with one ``executemany``; the fields
    left out get their defaults, and every value is prepared for the
    database unless ``raw``. Not ``bulk_create``: Django cannot bulk-create
    a child of multi-table inheritance, and on PostgreSQL it sends the
    columns as arrays, which quotes large JSON values a character at a time
    (a revision took 6 ms)."""
    automatic = model._meta.auto_field
    fields = [f for f in fields or model._meta.concrete_fields if f is not automatic]

    def value(field, row):
        if field.name not in row:
            return field.get_db_prep_save(field.get_default(), connection)
        if raw:
            return row[field.name]
        return field.get_db_prep_save(row[field.name], connection)

    values = [[value(field, row) for field in fields] for row in rows]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


# What readers say under an archive article: a few lines, reused.
COMMENT_TEXTS = (
    "Useful summary. I would like to see the methodology behind the figures.",
    "We ran into the same limits last quarter; the workaround cost us a week.",
    "Does anyone know whether the audit results will be published in full?",
    "The second section explains the licensing change better than the notice did.",
    "Interesting, though the comparison leaves out the smaller vendors.",
    "Thanks for including the timeline. It makes the sequence much clearer.",
    "I would be curious how this plays out for teams without a data budget.",
    "Good reporting. A follow-up in six months would be worth reading.",
)
COMMENT_BATCH = 20_000
PENDING_EVERY = 50  # one comment in 50 waits for a moderator


def load_comments(total: int, *, progress=None) -> int:
    """Add comments on the archive's articles until the site holds ``total``
    comments; return how many were added.

    Comments go round the archive's articles in id order, by the demo's
    members, most published and one in PENDING_EVERY waiting for a
    moderator, each written after its article. Top-level only: replies
    need their parent's id, which bulk rows do not give back.
    ``progress(done, total)`` is called before the first batch and after
    each one."""
    archive = ArticlePage.objects.filter(slug__startswith=ARCHIVE_PREFIX)
    span = archive.aggregate(first=Min("pk"), last=Max("pk"))
    members = list(
        get_user_model()
        .objects.filter(member__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if span["first"] is None or not members:
        raise ValueError("load the demo and an archive first")
    written = [
        (text, render_comment(text), fingerprint(text)) for text in COMMENT_TEXTS
    ]
    existing = Comment.objects.count()
    added, place = 0, span["first"]
    if progress:
        progress(existing, total)
    while existing + added < total:
        articles = list(
            archive.filter(pk__gte=place)
            .order_by("pk")
            .values_list("pk", "first_published_at")[: COMMENT_BATCH // 10]
        )
        if not articles:
            place = span["first"]  # round again
            continue
        place = articles[-1][0] + 1
        rows = []
        for number in range(min(COMMENT_BATCH, total - existing - added)):
            article, published = articles[number % len(articles)]
            text, html, body_hash = written[(existing + added + number) % len(written)]
            pending = (existing + added + number) % PENDING_EVERY == 0
            rows.append(
                {
                    "article": article,
                    "author": members[number % len(members)],
                    "body": text,
                    "body_html": html,
                    "body_hash": body_hash,
                    "status": "pending" if pending else "published",
                    "created_at": published + timedelta(minutes=5 + number % 600),
                }
            )
        with transaction.atomic():
            _insert(Comment, rows)
        added += len(rows)
        if progress:
            progress(existing + added, total)
    return added
