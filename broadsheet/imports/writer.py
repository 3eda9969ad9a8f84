"""The writer: an export's records become Broadsheet's objects.

One rule for every platform. Each post is written in its own transaction
with its images, comments and redirects, so a broken post is reported with
its position and the rest goes on, and no post is ever half imported.
Every object made is linked to its item in the export (ledger.py): a second
run finds it and updates it, or leaves it if an editor has changed it since.

A dry run writes nothing: it reads the whole export, converts every body and
looks for every image, and reports what would be created, updated or left.
"""

import time
from collections.abc import Callable

from anyascii import anyascii
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction

from broadsheet.comments.models import Comment
from broadsheet.comments.services import ImportedComment, comments_import
from broadsheet.core.roles import ADMINISTRATOR, EDITOR
from broadsheet.imports.bodies import html_to_blocks
from broadsheet.imports.files import Refused
from broadsheet.imports.images import Images
from broadsheet.imports.ledger import Ledger
from broadsheet.imports.models import ImportRun
from broadsheet.imports.records import (
    Letter,
    Person,
    Post,
    Reader,
    Skipped,
    Term,
)
from broadsheet.imports.redirects import Redirects
from broadsheet.imports.report import Report
from broadsheet.newsletter.addresses import BadAddress, address_key, clean_address
from broadsheet.newsletter.models import Newsletter, Subscriber
from broadsheet.newsletter.services import subscribe
from broadsheet.newsroom.models import (
    RESERVED_SLUGS,
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
)
from broadsheet.newsroom.setup import ensure_home_page

Progress = Callable[[int, int], None]
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "AVIF"}
MAX_PIXELS = 60_000_000


def new_slug(text: str, fallback: str) -> str:
    """An ASCII slug: other scripts are transliterated ("привет" → "privet")."""
    return (slugify(anyascii(text)) or slugify(fallback) or "item")[:200].strip("-")


class Importer:
    def __init__(
        self, source, *, run: ImportRun, progress: Progress | None = None, flush=None
    ):
        self.source = source
        self.flush = flush
        self.flushed = time.monotonic()
        self.run_row = run
        self.dry_run = run.dry_run
        self.progress = progress
        self.report = Report(platform=source.platform, dry_run=run.dry_run)
        self.authors: dict[str, int] = {}
        self.terms: dict[str, Term] = {}
        self.sections: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.newsletters: dict[str, int] = {}
        self.tag_objects: dict[int, Tag] = {}
        self.home: HomePage | None = None
        self.journal: list[tuple[dict, object]] = []
        self.ledger = Ledger(run)
        self.pictures = Images(
            source.media,
            ledger=self.ledger,
            report=self.report,
            dry_run=self.dry_run,
            keep=self.keep,
        )
        self.addresses = Redirects(
            ledger=self.ledger,
            report=self.report,
            pages_here=lambda: self.children(Page),
            dry_run=self.dry_run,
        )

    # -- bookkeeping ----------------------------------------------------------
    def tag_rows(self, tag_ids) -> list[Tag]:
        missing = [tag_id for tag_id in tag_ids if tag_id not in self.tag_objects]
        if missing:
            self.tag_objects.update(Tag.objects.in_bulk(missing))
        return [self.tag_objects[t] for t in tag_ids if t in self.tag_objects]

    def children(self, model):
        """Pages of ``model`` under the home page (none before it exists)."""
        if self.home is None:
            return model.objects.none()
        return model.objects.child_of(self.home)

    def keep(self, cache: dict, key, value) -> None:
        """Cache what an item made; forgotten again if the item fails."""
        cache[key] = value
        self.journal.append((cache, key))

    def tick(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)
        if self.flush and time.monotonic() - self.flushed > 2:
            self.flush()
            self.flushed = time.monotonic()

    # -- the run ------------------------------------------------------------------
    def run(self) -> Report:
        catalogue = self.source.catalogue()
        self.ledger.origin = (catalogue.origin or self.source.platform)[:200]
        self.home = HomePage.objects.first()
        if self.home is None and self.dry_run:
            self.report.warn("", "the site has no home page yet: the import makes one")
        elif self.home is None:
            self.home = ensure_home_page(site_name=catalogue.title[:255])
        for note in catalogue.notes:
            self.report.warn("", note)
        total = catalogue.post_count + catalogue.reader_count
        self.tick(0, total)
        for person in catalogue.authors:
            self.guarded("author", person.key, "", lambda p=person: self.author(p))
        for term in catalogue.terms:
            self.terms[term.key] = term
            self.guarded(term.kind, term.key, "", lambda t=term: self.term(t))
        for letter in catalogue.newsletters:
            self.guarded(
                "newsletter", letter.key, "", lambda n=letter: self.newsletter(n)
            )
        done = 0
        for item in self.source.items():
            if isinstance(item, Skipped):
                self.report.skipped[f"{item.kind}: {item.reason}"] += 1
                continue
            self.guarded(
                "article", item.key, item.position, lambda p=item: self.post(p)
            )
            done += 1
            self.tick(done, total)
        for reader in self.source.readers():
            if isinstance(reader, Skipped):
                self.report.skipped[f"{reader.kind}: {reader.reason}"] += 1
                continue
            self.guarded(
                "subscriber",
                reader.email,
                reader.position,
                lambda r=reader: self.subscriber(r),
            )
            done += 1
            self.tick(done, total)
        for person in catalogue.authors:
            self.guarded(
                "redirect", person.key, "", lambda p=person: self.person_redirects(p)
            )
        for term in catalogue.terms:
            self.guarded(
                "redirect", term.key, "", lambda t=term: self.term_redirects(t)
            )
        self.tick(total, total)
        return self.report

    def guarded(self, kind: str, key: str, position: str, work: Callable) -> None:
        """Run one item's work in its own transaction; a failure is reported.

        A failed item leaves nothing behind: its rows roll back, and what it
        had counted or cached (an image id, say) is forgotten with them.
        """
        self.journal = []
        checkpoint = self.report.checkpoint()
        try:
            with transaction.atomic():
                work()
            return
        except Refused as refusal:
            action, reason = "refused", str(refusal)
        except Exception as error:  # noqa: BLE001 - one item must not stop the rest
            action, reason = "failed", f"{type(error).__name__}: {error}"
        self.report.rollback(checkpoint)
        for cache, cached in self.journal:
            cache.pop(cached, None)
        self.report.count(kind, action)
        self.report.refuse(position or f"{kind} {key}", reason)

    # -- authors, sections, tags, newsletters -----------------------------------
    def author(self, person: Person) -> None:
        item = self.ledger.find("author", person.key)
        if item and (author := Author.objects.filter(pk=item.object_id).first()):
            self.keep(self.authors, person.key, author.pk)
            self.report.count("author", "kept")
            return
        existing = Author.objects.filter(slug=person.slug).first()
        if existing:
            self.keep(self.authors, person.key, existing.pk)
            self.report.count("author", "matched")
            if not self.dry_run:
                self.ledger.remember("author", person.key, existing, created=False)
            return
        self.report.count("author", "created")
        if self.dry_run:
            self.keep(self.authors, person.key, 0)
            return
        if len(person.bio) > 1200:
            self.report.warn(
                f"author {person.key}", "biography shortened to 1,200 characters"
            )
        author = Author.objects.create(
            name=person.name[:120] or person.key[:120],
            slug=self.free_slug(Author, new_slug(person.slug, person.key)[:80]),
            bio=Truncator(person.bio).chars(1200),
            email=person.email if "@" in person.email else "",
        )
        self.keep(self.authors, person.key, author.pk)
        self.ledger.remember("author", person.key, author, created=True)

    def term(self, term: Term) -> None:
        if term.kind == "section":
            self.section(term)
        else:
            self.tag(term)

    def section(self, term: Term) -> None:
        item = self.ledger.find("section", term.key)
        if item and SectionPage.objects.filter(pk=item.object_id).exists():
            self.keep(self.sections, term.key, item.object_id)
            self.report.count("section", "kept")
            return
        slug = new_slug(term.slug, term.name)
        existing = self.children(SectionPage).filter(slug=slug).first()
        if existing:
            self.keep(self.sections, term.key, existing.pk)
            self.report.count("section", "matched")
            if not self.dry_run:
                self.ledger.remember("section", term.key, existing, created=False)
            return
        self.report.count("section", "created")
        if self.dry_run:
            self.keep(self.sections, term.key, 0)
            return
        section = SectionPage(
            title=term.name[:255],
            slug=self.free_page_slug(slug),
            intro=strip_tags(term.description)[:300],
        )
        self.home.add_child(instance=section)
        section.save_revision().publish()
        self.keep(self.sections, term.key, section.pk)
        self.ledger.remember("section", term.key, section, created=True)

    def tag(self, term: Term) -> None:
        item = self.ledger.find("tag", term.key)
        if item and Tag.objects.filter(pk=item.object_id).exists():
            self.keep(self.tags, term.key, item.object_id)
            self.report.count("tag", "kept")
            return
        name = " ".join(term.name.split())[:100] or term.slug
        # "AI" and "ai" are one tag here, as readers would expect.
        existing = (
            Tag.objects.filter(name__iexact=name).first()
            or Tag.objects.filter(slug=new_slug(term.slug, name)).first()
        )
        if existing is None:
            merged = next(
                (
                    (key, tag_id)
                    for key, tag_id in self.tags.items()
                    if self.terms[key].name.casefold() == name.casefold()
                ),
                None,
            )
            if merged:
                self.keep(self.tags, term.key, merged[1])
                self.report.count("tag", "merged")
                self.report.warn(
                    f"tag {term.slug}",
                    f"“{name}” merged with “{self.terms[merged[0]].name}” "
                    "(they differ only in case)",
                )
                return
        if existing:
            self.keep(self.tags, term.key, existing.pk)
            self.report.count("tag", "matched")
            if existing.name != name:
                self.report.warn(
                    f"tag {term.slug}",
                    f"“{name}” merged with the existing tag “{existing.name}”",
                )
            if not self.dry_run:
                self.ledger.remember("tag", term.key, existing, created=False)
            return
        self.report.count("tag", "created")
        if self.dry_run:
            self.keep(self.tags, term.key, -len(self.tags) - 1)
            return
        tag = Tag.objects.create(
            name=name, slug=self.free_slug(Tag, new_slug(term.slug, name)[:100])
        )
        self.keep(self.tags, term.key, tag.pk)
        self.ledger.remember("tag", term.key, tag, created=True)

    def newsletter(self, letter: Letter) -> None:
        item = self.ledger.find("newsletter", letter.key)
        if item and Newsletter.objects.filter(pk=item.object_id).exists():
            self.keep(self.newsletters, letter.key, item.object_id)
            self.report.count("newsletter", "kept")
            return
        slug = new_slug(letter.slug, letter.name)[:60]
        existing = Newsletter.objects.filter(slug=slug).first()
        if existing:
            self.keep(self.newsletters, letter.key, existing.pk)
            self.report.count("newsletter", "matched")
            if not self.dry_run:
                self.ledger.remember("newsletter", letter.key, existing, created=False)
            return
        self.report.count("newsletter", "created")
        if self.dry_run:
            self.keep(self.newsletters, letter.key, 0)
            return
        newsletter = Newsletter.objects.create(
            name=letter.name[:100],
            slug=slug,
            description=strip_tags(letter.description)[:300] or letter.name[:300],
            sender_name=(letter.sender_name or letter.name)[:100],
            send_time="07:00",
            # Nothing goes to thousands of imported readers until an editor
            # has looked at the schedule.
            is_active=False,
        )
        self.report.warn(
            f"newsletter {letter.slug}",
            "imported paused: set its schedule, then switch sending on",
        )
        self.keep(self.newsletters, letter.key, newsletter.pk)
        self.ledger.remember("newsletter", letter.key, newsletter, created=True)

    # -- posts ------------------------------------------------------------------
    def post(self, post: Post) -> None:
        item = self.ledger.find("article", post.key)
        fingerprint = post.fingerprint()
        page = None
        if item:
            page = ArticlePage.objects.filter(pk=item.object_id).first()
            if page is None:
                self.report.count("article", "kept deleted")
                self.report.warn(
                    post.position,
                    "deleted here since it was imported; not imported again",
                )
                return
            if page.latest_revision_id != item.revision_id:
                self.report.count("article", "kept edited")
                self.report.warn(
                    post.position,
                    f"“{page.title}” was edited here since the import; left as it is",
                )
                return
            if item.fingerprint == fingerprint:
                self.report.count("article", "unchanged")
                return
        action = "updated" if page else "created"
        self.report.count("article", action)
        for key in post.not_imported:
            self.report.warn(post.position, f"not imported: {key}")
        for note in post.notes:
            self.report.warn(post.position, note)
        blocks = self.body(post)
        if self.dry_run:
            self.feature(post)
            self.plan_comments(post)
            self.addresses.plan(post.old_paths, f"/{new_slug(post.slug, post.title)}/")
            return
        page = self.write_article(post, page, blocks)
        self.comments(post, page)
        self.addresses.add(post.old_paths, page)
        self.ledger.remember(
            "article",
            post.key,
            page,
            created=action == "created",
            fingerprint=fingerprint,
            revision_id=page.latest_revision_id,
        )

    def body(self, post: Post) -> list[dict]:
        conversion = html_to_blocks(
            post.html,
            image_for=lambda src, alt: self.pictures.find(src, alt, post.position),
            blank_line_paragraphs=post.blank_line_paragraphs,
        )
        for note in conversion.notes:
            self.report.warn(post.position, note)
        return conversion.blocks

    def feature(self, post: Post) -> int | None:
        if post.feature is None or not post.feature.src:
            return None
        return self.pictures.find(post.feature.src, post.feature.alt, post.position)

    def write_article(
        self, post: Post, page: ArticlePage | None, blocks
    ) -> ArticlePage:
        section_id = next(
            (self.sections[k] for k in post.section_keys if self.sections.get(k)), None
        )
        tag_keys = post.tag_keys
        if section_id is None and post.primary_tag_key:
            section_id = self.section_named_like(post.primary_tag_key)
            if section_id:
                tag_keys = [k for k in tag_keys if k != post.primary_tag_key]
        if section_id is None:
            section_id = self.fallback_section()
        hero = self.feature(post)
        standfirst = (
            " ".join(post.standfirst.split()) or _first_sentence(blocks) or post.title
        )
        if len(standfirst) > 600:
            self.report.warn(post.position, "standfirst shortened to 600 characters")
        if len(post.title) > 255:
            self.report.warn(post.position, "headline shortened to 255 characters")
        creating = page is None
        if creating:
            page = ArticlePage(live=False)
        page.title = Truncator(post.title or post.slug or "Untitled").chars(255)
        page.standfirst = Truncator(standfirst).chars(600)
        page.body = blocks
        page.section_id = section_id
        page.hero_image_id = hero
        if post.feature:
            page.hero_alt = post.feature.alt[:250]
            page.hero_caption = Truncator(post.feature.caption).chars(300)
        page.comments_open = post.comments_open
        authors = [self.authors[k] for k in post.author_keys if self.authors.get(k)]
        page.article_authors.set(
            [
                ArticleAuthor(author_id=a, sort_order=i)
                for i, a in enumerate(dict.fromkeys(authors))
            ]
        )
        tag_ids = list(
            dict.fromkeys(self.tags[k] for k in tag_keys if self.tags.get(k))
        )
        page.tags.set(self.tag_rows(tag_ids))
        if not authors:
            self.report.count("article", "without an author")
        if creating:
            wanted = new_slug(post.slug, post.title)
            page.slug = self.free_page_slug(wanted)
            if page.slug != wanted:
                self.report.warn(
                    post.position,
                    f"the address /{wanted}/ is taken; the article is at /{page.slug}/",
                )
            self.home.add_child(instance=page)
        published = post.published_at
        now = timezone.now()
        if post.state == "scheduled" and published and published > now:
            page.go_live_at = published
        revision = page.save_revision(log_action=False)
        if post.state == "draft":
            if page.live:
                self.report.warn(
                    post.position, "a draft now; the published version here stays live"
                )
        elif post.state == "scheduled" and published and published > now:
            revision.publish()  # Wagtail keeps it until go_live_at
        else:
            if post.state == "scheduled":
                self.report.warn(
                    post.position, "was scheduled for a date already past: published"
                )
            revision.publish()
            when = published or now
            ArticlePage.objects.filter(pk=page.pk).update(
                first_published_at=when, last_published_at=when
            )
        self.restrict(page, post, creating=creating)
        return page

    def restrict(self, page: Page, post: Post, *, creating: bool) -> None:
        if not creating:
            PageViewRestriction.objects.filter(page=page).delete()
        if post.state == "private":
            restriction = PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.GROUPS
            )
            restriction.groups.set(
                Group.objects.filter(name__in=[EDITOR, ADMINISTRATOR])
            )
        elif post.state == "members":
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.LOGIN
            )
        elif post.state == "password":
            PageViewRestriction.objects.create(
                page=page,
                restriction_type=PageViewRestriction.PASSWORD,
                password=post.password[:255],
            )

    def section_named_like(self, term_key: str) -> int | None:
        """A section here with the tag's name or address (Ghost's primary tag)."""
        if term_key not in self.sections:
            term = self.terms.get(term_key)
            sections = self.children(SectionPage)
            found = term and (
                sections.filter(slug=new_slug(term.slug, term.name)).first()
                or sections.filter(title__iexact=term.name).first()
            )
            self.keep(self.sections, term_key, found.pk if found else None)
        return self.sections[term_key]

    def fallback_section(self) -> int:
        section = self.children(SectionPage).order_by("path").first()
        if section is None:
            section = SectionPage(title="News", slug=self.free_page_slug("news"))
            self.home.add_child(instance=section)
            section.save_revision().publish()
            self.report.warn(
                "",
                "the export names no category: articles went to a new “News” section",
            )
        return section.pk

    # -- comments -----------------------------------------------------------------
    def plan_comments(self, post: Post) -> None:
        keys = {f"{post.key}:{c.key}" for c in post.comments}
        known = self.ledger.object_ids("comment", keys)
        self.report.count("comment", "created", len(keys - set(known)))
        self.report.count("comment", "kept", len(known))

    def comments(self, post: Post, page: ArticlePage) -> None:
        keys = {remark.key: f"{post.key}:{remark.key}" for remark in post.comments}
        known_ids = self.ledger.object_ids("comment", keys.values())
        rows = Comment.objects.in_bulk(known_ids.values())
        known = {
            key: rows[known_ids[source_id]]
            for key, source_id in keys.items()
            if known_ids.get(source_id) in rows
        }
        if known:
            self.report.count("comment", "kept", len(known))
        new = [
            ImportedComment(
                key=remark.key,
                parent_key=remark.parent_key,
                name=remark.name,
                html=remark.html,
                status=remark.status,
                created_at=remark.created_at,
            )
            for remark in sorted(
                post.comments, key=lambda c: (c.created_at, _number(c.key))
            )
            if remark.key not in known
        ]
        created, orphans = comments_import(article=page, comments=new, known=known)
        for key in orphans:
            self.report.warn(
                post.position,
                f"comment {key} answers a comment not imported; shown at the top level",
            )
        self.report.count("comment", "created", len(created))
        self.ledger.remember_created(
            "comment", {keys[k]: row for k, row in created.items()}
        )

    # -- redirects ----------------------------------------------------------------
    def person_redirects(self, person: Person) -> None:
        author_id = self.authors.get(person.key)
        if author_id:
            url = Author.objects.get(pk=author_id).get_absolute_url()
            self.addresses.add(person.old_paths, link=url)

    def term_redirects(self, term: Term) -> None:
        if term.kind == "section" and self.sections.get(term.key):
            section = SectionPage.objects.get(pk=self.sections[term.key])
            self.addresses.add(term.old_paths, section)
        elif term.kind == "tag" and self.tags.get(term.key, 0) > 0:
            tag = Tag.objects.get(pk=self.tags[term.key])
            self.addresses.add(term.old_paths, link=f"/tags/{tag.slug}/")

    # -- subscribers ----------------------------------------------------------------
    def subscriber(self, reader: Reader) -> None:
        try:
            address = clean_address(reader.email)
        except BadAddress as problem:
            raise Refused(str(problem)) from None
        key = address_key(address)
        existing = Subscriber.objects.filter(email_key=key).first()
        if existing and existing.status in (
            Subscriber.Status.UNSUBSCRIBED,
            Subscriber.Status.BOUNCED,
        ):
            self.report.count("subscriber", "kept unsubscribed")
            return
        letters = [
            self.newsletters[k]
            for k in reader.newsletter_keys
            if self.newsletters.get(k)
        ]
        if not letters:
            letters = list(
                Newsletter.objects.filter(is_default=True).values_list("pk", flat=True)
            ) or list(Newsletter.objects.values_list("pk", flat=True)[:1])
        self.report.count("subscriber", "updated" if existing else "created")
        if self.dry_run:
            return
        if not letters:
            raise Refused("there is no newsletter to subscribe to; create one first")
        subscriber = subscribe(
            email=address,
            newsletters=Newsletter.objects.filter(pk__in=letters),
            source=self.source.platform,
            confirmed=True,
        ).subscriber
        self.ledger.remember("subscriber", key, subscriber, created=existing is None)

    # -- slugs ---------------------------------------------------------------------
    def free_page_slug(self, slug: str) -> str:
        siblings = self.children(Page)
        candidate, number = slug or "article", 1
        while candidate in RESERVED_SLUGS or siblings.filter(slug=candidate).exists():
            number += 1
            candidate = f"{slug[:190]}-{number}"
        return candidate

    @staticmethod
    def free_slug(model, slug: str) -> str:
        candidate, number = slug or "item", 1
        while model.objects.filter(slug=candidate).exists():
            number += 1
            candidate = f"{slug[:70]}-{number}"
        return candidate


def _number(key: str) -> int:
    return int(key) if key.isdigit() else 0


def _first_sentence(blocks) -> str:
    for block in blocks:
        if block["type"] == "paragraph":
            text = " ".join(strip_tags(block["value"]).split())
            if text:
                return Truncator(text).chars(300)
    return ""
