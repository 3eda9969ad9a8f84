"""Ghost JSON exports (Ghost 4, 5 and 6: Settings → Labs → Export).

The file is {"db": [{"meta": {"version": …}, "data": {table: [rows]}}]}.
A first streaming pass reads the small tables (users, tags, the post–tag and
post–author links, posts_meta, newsletters, the member–newsletter links) and
counts posts and members; the second streams the posts, the third the
members. Bodies come from Lexical (Ghost 5+), else Mobiledoc, else the HTML.

Tags: internal tags (#name) are dropped. A post's primary tag (its first)
becomes its section when a section of that name or address exists here;
every other tag is a tag. Members become subscribers only when Ghost
records their consent: a newsletter subscription (Ghost 5+), or
`subscribed` (Ghost 4).
"""

import re
from collections import defaultdict
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

from broadsheet.imports.files import MediaFolder, csv_rows
from broadsheet.imports.ghost_bodies import lexical_to_html, mobiledoc_to_html
from broadsheet.imports.jsonstream import items, walk
from broadsheet.imports.records import (
    Catalogue,
    ExportError,
    Letter,
    Person,
    Picture,
    Post,
    Reader,
    Skipped,
    Term,
)

VERSIONS = ("4.", "5.", "6.")
STATES = {"published": "published", "draft": "draft", "scheduled": "scheduled"}
WHAT = "the .json file Ghost exported (Settings → Labs → Export)"


def _date(value) -> datetime | None:
    if not value:
        return None
    text = str(value).replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class GhostExport:
    platform = "ghost"

    def __init__(
        self, path: Path, *, content: Path | None = None, members: Path | None = None
    ):
        self.path = path
        # Ghost 5 and 6 leave members out of the JSON: Members → Export
        # writes them as a CSV, with their email consent.
        self.members_csv = members
        if content is not None and (content / "images").is_dir():
            content = content / "images"
        self.media = MediaFolder(content, marker="content/images/")
        self.root = ""
        self.catalogue_: Catalogue | None = None
        self.post_tags: dict[str, list[str]] = defaultdict(list)
        self.post_authors: dict[str, list[str]] = defaultdict(list)
        self.post_meta: dict[str, dict] = {}
        self.internal_tags: set[str] = set()
        self.member_letters: dict[str, list[str]] = defaultdict(list)
        self.version = ""

    def _prefix(self) -> str:
        """ "db.item.data" (Ghost 4+) or "data" (older layouts), from the file."""
        found = {}

        def version(prefix):
            return lambda value: found.setdefault("version", (prefix, value))

        walk(
            self.path,
            {"db.item.meta.version": version("db.item"), "meta.version": version("")},
            what=WHAT,
        )
        if "version" not in found:
            raise ExportError(
                "This JSON file has no Ghost version (meta.version): it is not a "
                "Ghost export. Export from Settings → Labs in Ghost."
            )
        base, self.version = found["version"]
        if not str(self.version).startswith(VERSIONS):
            raise ExportError(
                f"Ghost version {self.version} is not one Broadsheet reads "
                "(Ghost 4, 5 and 6). Update Ghost, then export again."
            )
        return f"{base}.data" if base else "data"

    def catalogue(self) -> Catalogue:
        if self.catalogue_ is not None:
            return self.catalogue_
        data = self.root = self._prefix()
        catalogue = Catalogue(origin="ghost")
        tags_rows, links, author_links, letters = [], [], [], []
        counters = {f"{data}.posts.item": 0, f"{data}.members.item": 0}

        def user(row):
            slug = str(row.get("slug") or row.get("id"))
            catalogue.authors.append(
                Person(
                    key=str(row.get("id")),
                    name=row.get("name") or slug,
                    slug=slug,
                    email=row.get("email") or "",
                    bio=row.get("bio") or "",
                    old_paths=[f"/author/{slug}/"],
                )
            )

        def setting(row):
            if row.get("key") == "title":
                catalogue.title = str(row.get("value") or "")
                catalogue.origin = f"ghost:{catalogue.title}"[:200]

        def member_letter(row):
            self.member_letters[str(row.get("member_id"))].append(
                str(row.get("newsletter_id"))
            )

        def post_meta(row):
            self.post_meta[str(row.get("post_id"))] = {
                "alt": row.get("feature_image_alt") or "",
                "caption": row.get("feature_image_caption") or "",
            }

        walk(
            self.path,
            {
                f"{data}.users.item": user,
                f"{data}.tags.item": tags_rows.append,
                f"{data}.posts_tags.item": links.append,
                f"{data}.posts_authors.item": author_links.append,
                f"{data}.posts_meta.item": post_meta,
                f"{data}.newsletters.item": letters.append,
                f"{data}.members_newsletters.item": member_letter,
                f"{data}.settings.item": setting,
            },
            counters=counters,
            what=WHAT,
        )
        for row in tags_rows:
            name, slug = row.get("name") or "", row.get("slug") or ""
            if row.get("visibility") == "internal" or name.startswith("#"):
                self.internal_tags.add(str(row.get("id")))
                continue
            catalogue.terms.append(
                Term(
                    key=str(row.get("id")),
                    name=name,
                    slug=slug,
                    kind="tag",
                    description=row.get("description") or "",
                    old_paths=[f"/tag/{slug}/"],
                )
            )
        for row in sorted(links, key=lambda r: r.get("sort_order") or 0):
            self.post_tags[str(row.get("post_id"))].append(str(row.get("tag_id")))
        for row in sorted(author_links, key=lambda r: r.get("sort_order") or 0):
            self.post_authors[str(row.get("post_id"))].append(str(row.get("author_id")))
        for row in letters:
            catalogue.newsletters.append(
                Letter(
                    key=str(row.get("id")),
                    name=row.get("name") or "Newsletter",
                    slug=row.get("slug") or "newsletter",
                    description=row.get("description") or "",
                    sender_name=row.get("sender_name") or "",
                )
            )
        catalogue.post_count = counters[f"{data}.posts.item"]
        catalogue.reader_count = counters[f"{data}.members.item"]
        if self.members_csv is not None:
            catalogue.reader_count += sum(1 for _ in csv_rows(self.members_csv))
        self.catalogue_ = catalogue
        return catalogue

    def items(self):
        self.catalogue()
        rows = items(self.path, f"{self.root}.posts.item", what=WHAT)
        for number, row in enumerate(rows, start=1):
            yield self._post(row, number)

    def _post(self, row: dict, number: int) -> Post | Skipped:
        post_id = str(row.get("id"))
        position = f"post {number} (id {post_id})"
        status = row.get("status") or ""
        if status not in (*STATES, "sent"):
            return Skipped("post", post_id, f"status “{status}”", position)
        notes: list[str] = []
        if row.get("lexical"):
            html = lexical_to_html(row["lexical"], notes)
        elif row.get("mobiledoc"):
            html = mobiledoc_to_html(row["mobiledoc"], notes)
        else:
            html = row.get("html") or ""
        # Ghost writes its own address as a placeholder: links to its posts
        # become this site's addresses, where the same slugs now live.
        html = html.replace("__GHOST_URL__/", "/").replace("__GHOST_URL__", "/")
        tags = [
            t for t in self.post_tags.get(post_id, []) if t not in self.internal_tags
        ]
        meta = self.post_meta.get(post_id, {})
        feature = None
        if row.get("feature_image"):
            feature = Picture(
                src=row["feature_image"],
                alt=meta.get("alt") or row.get("feature_image_alt") or "",
                caption=_plain(
                    meta.get("caption") or row.get("feature_image_caption") or ""
                ),
            )
        slug = row.get("slug") or post_id
        state = STATES.get(status, "draft")
        if status == "sent":
            notes.append("sent by email only, never on the site: imported as a draft")
        visibility = row.get("visibility") or "public"
        if state != "draft" and visibility != "public":
            state = "members"
            if visibility != "members":
                notes.append(
                    f"for {visibility} members in Ghost: here, for signed-in readers"
                )
        old_paths = [f"/{slug}/", f"/{slug}/amp/"]
        return Post(
            key=post_id,
            title=row.get("title") or slug,
            slug=slug,
            state=state,
            published_at=_date(row.get("published_at")) or _date(row.get("created_at")),
            html=html,
            standfirst=row.get("custom_excerpt") or "",
            author_keys=self.post_authors.get(post_id, []),
            tag_keys=tags,
            primary_tag_key=tags[0] if tags else "",
            feature=feature,
            old_paths=old_paths,
            notes=notes,
            position=position,
        )

    def readers(self):
        catalogue = self.catalogue()
        rows = items(self.path, f"{self.root}.members.item", what=WHAT)
        for number, row in enumerate(rows, start=1):
            yield self._member(row, number)
        if self.members_csv is None:
            return
        letters = [letter.key for letter in catalogue.newsletters[:1]]
        for line, row in csv_rows(self.members_csv):
            position = f"{self.members_csv.name} line {line}"
            if (row.get("subscribed_to_emails") or "").strip().lower() != "true":
                yield Skipped(
                    "member", row.get("id", ""), "not subscribed to emails", position
                )
            elif (row.get("deleted_at") or "").strip():
                yield Skipped("member", row.get("id", ""), "deleted in Ghost", position)
            else:
                yield Reader(
                    email=row.get("email") or "",
                    newsletter_keys=letters,
                    position=position,
                )

    def _member(self, row: dict, number: int) -> Reader | Skipped:
        member_id = str(row.get("id"))
        position = f"member {number} (id {member_id})"
        letters = self.member_letters.get(member_id, [])
        consent = bool(letters) or row.get("subscribed") is True
        if not consent or row.get("email_disabled"):
            return Skipped(
                "member", member_id, "no newsletter consent recorded", position
            )
        return Reader(
            email=row.get("email") or "", newsletter_keys=letters, position=position
        )


def _plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()
