"""WordPress eXtended RSS (WXR 1.0 to 1.2): the file Tools → Export writes.

Read in two streaming passes. The first (catalogue) learns the authors, the
categories and tags, the attachments (id → file, alt text, caption) and how
many posts use each category; the second yields the posts one by one with
their comments. Memory holds the catalogue, never the posts.

Categories: the most used top-level categories become sections (at most
MAX_SECTIONS, and never "Uncategorized"); every other category becomes a tag,
as WordPress tags do. A post's section is its first category that is a
section; a post with none goes to the most used section.
"""

import html
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils.text import slugify

from broadsheet.comments.models import Comment
from broadsheet.imports.files import MediaFolder
from broadsheet.imports.records import (
    Catalogue,
    ExportError,
    Person,
    Picture,
    Post,
    Remark,
    Skipped,
    Term,
)
from broadsheet.imports.spill import DiskMap
from broadsheet.imports.xmlstream import iter_elements

MAX_SECTIONS = 12
VERSIONS = {"1.0", "1.1", "1.2"}
STATES = {
    "publish": "published",
    "future": "scheduled",
    "draft": "draft",
    "pending": "draft",
    "private": "private",
}
COMMENT_STATES = {
    "1": Comment.Status.PUBLISHED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REJECTED,
}
# Post meta WordPress itself keeps; anything else is a custom field, reported.
_INTERNAL_META = re.compile(
    r"^_(edit_|wp_|thumbnail_id|encloseme|pingme|oembed_|menu_item|"
    r"wp_old_slug|wp_page_template|format_|last_|publicize|jetpack)"
)


def _name(tag: str) -> str:
    """A tag as "prefix:local" ("wp:post_id", "content:encoded", "title")."""
    if not tag.startswith("{"):
        return tag
    namespace, local = tag[1:].split("}", 1)
    if "excerpt" in namespace:
        return f"excerpt:{local}"
    if namespace.startswith("http://wordpress.org/export/"):
        return f"wp:{local}"
    if "purl.org/rss/1.0/modules/content" in namespace:
        return f"content:{local}"
    if "purl.org/dc/" in namespace:
        return f"dc:{local}"
    return local


def _fields(element) -> dict[str, str]:
    return {_name(child.tag): (child.text or "").strip() for child in element}


def _date(gmt: str, local: str = "", rfc822: str = "") -> datetime | None:
    for value in (gmt, local):
        if value and not value.startswith("0000"):
            try:
                return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            except ValueError:
                pass
    if rfc822:
        try:
            return parsedate_to_datetime(rfc822).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return None


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def author_slug(login: str) -> str:
    return slugify(login, allow_unicode=True) or "author"


class WordPressExport:
    platform = "wordpress"
    kind_label = "WXR file"

    def __init__(self, path: Path, *, uploads: Path | None = None, pages=False):
        self.path = path
        self.include_pages = pages
        self.media = MediaFolder(uploads, marker="wp-content/uploads/")
        # Attachment id → [address, alt text, caption], on disk (spill.py).
        self.attachments = DiskMap()
        self.term_kinds: dict[str, str] = {}
        self.default_section = ""
        self.catalogue_: Catalogue | None = None

    # -- first pass -----------------------------------------------------------
    def catalogue(self) -> Catalogue:
        if self.catalogue_ is not None:
            return self.catalogue_
        catalogue = Catalogue(origin="")
        categories, usage = {}, Counter()
        tags: dict[str, Term] = {}
        version, seen_root = None, False
        for event, element in iter_elements(self.path, 2):
            if event == "start":
                if not seen_root and element.tag != "rss":
                    raise ExportError(
                        f"The file's root element is <{_name(element.tag)}>, "
                        "not <rss>: it is not a WordPress export."
                    )
                seen_root = True
                continue
            name = _name(element.tag)
            if name == "wp:wxr_version":
                version = (element.text or "").strip()
                if version not in VERSIONS:
                    raise ExportError(
                        f"WXR version {version!r} is not one Broadsheet knows "
                        "(1.0, 1.1 and 1.2, written by WordPress 3 to 6)."
                    )
            elif name == "title" and not catalogue.title:
                catalogue.title = html.unescape((element.text or "").strip())
            elif name in ("wp:base_blog_url", "wp:base_site_url", "link"):
                catalogue.origin = catalogue.origin or (element.text or "").strip()
            elif name in ("wp:author", "wp:category", "wp:tag", "item"):
                if version is None:
                    raise ExportError(
                        "This XML file has no WXR version: it is not a WordPress "
                        "export (Tools → Export in WordPress writes one)."
                    )
                self._catalogue_entry(name, element, catalogue, categories, tags, usage)
        if version is None:
            raise ExportError(
                "This XML file has no WXR version: it is not a WordPress export."
            )
        self._map_categories(catalogue, categories, tags, usage)
        self.catalogue_ = catalogue
        return catalogue

    def _catalogue_entry(self, name, element, catalogue, categories, tags, usage):
        fields = _fields(element)
        if name == "wp:author":
            login = fields.get("wp:author_login", "")
            first_last = " ".join(
                filter(
                    None,
                    [
                        fields.get("wp:author_first_name"),
                        fields.get("wp:author_last_name"),
                    ],
                )
            )
            catalogue.authors.append(
                Person(
                    key=login,
                    name=fields.get("wp:author_display_name") or first_last or login,
                    slug=author_slug(login),
                    email=fields.get("wp:author_email", ""),
                    bio=fields.get("wp:author_description", ""),
                    old_paths=[f"/author/{author_slug(login)}/"],
                )
            )
        elif name == "wp:category":
            slug = unquote(fields.get("wp:category_nicename", ""))
            categories[slug] = (
                html.unescape(fields.get("wp:cat_name", slug)),
                unquote(fields.get("wp:category_parent", "")),
                fields.get("wp:category_description", ""),
            )
        elif name == "wp:tag":
            slug = unquote(fields.get("wp:tag_slug", ""))
            tags[f"tag:{slug}"] = Term(
                key=f"tag:{slug}",
                name=html.unescape(fields.get("wp:tag_name", slug)),
                slug=slug,
                kind="tag",
                description=fields.get("wp:tag_description", ""),
                old_paths=[f"/tag/{slug}/"],
            )
        else:
            kind = fields.get("wp:post_type")
            if kind == "attachment":
                self._attachment(element, fields)
            elif kind == "post" or (kind == "page" and self.include_pages):
                catalogue.post_count += 1
                for term in element.findall("category"):
                    if term.get("domain") == "category":
                        usage[unquote(term.get("nicename", ""))] += 1

    def _attachment(self, element, fields) -> None:
        meta = {
            m.get("wp:meta_key"): m.get("wp:meta_value", "")
            for m in map(_fields, (c for c in element if _name(c.tag) == "wp:postmeta"))
        }
        self.attachments[fields.get("wp:post_id", "")] = [
            fields.get("wp:attachment_url", ""),
            meta.get("_wp_attachment_image_alt", ""),
            html.unescape(re.sub(r"<[^>]+>", "", fields.get("excerpt:encoded", ""))),
        ]

    def _map_categories(self, catalogue, categories, tags, usage) -> None:
        def path(slug, seen=()):
            name, parent, _ = categories.get(slug, (slug, "", ""))
            if parent and parent in categories and parent not in seen:
                return path(parent, (*seen, slug)) + [slug]
            return [slug]

        top = [
            slug
            for slug, (name, parent, _) in categories.items()
            if not parent and slug != "uncategorized" and usage[slug]
        ]
        top.sort(key=lambda slug: (-usage[slug], slug))
        sections = set(top[:MAX_SECTIONS])
        if len(top) > MAX_SECTIONS:
            catalogue.notes.append(
                f"{len(top)} top-level categories: the {MAX_SECTIONS} most used "
                "became sections, the others tags."
            )
        for slug, (name, _parent, description) in categories.items():
            kind = "section" if slug in sections else "tag"
            self.term_kinds[slug] = kind
            catalogue.terms.append(
                Term(
                    key=f"{kind}:{slug}",
                    name=name,
                    slug=slug,
                    kind=kind,
                    description=description,
                    old_paths=["/category/" + "/".join(path(slug)) + "/"],
                )
            )
        catalogue.terms.extend(tags.values())
        self.default_section = f"section:{top[0]}" if top else ""

    # -- second pass ----------------------------------------------------------
    def items(self) -> Iterator[Post | Skipped]:
        self.catalogue()
        number = 0
        for event, element in iter_elements(self.path, 2):
            if event != "end" or element.tag != "item":
                continue
            number += 1
            yield self._item(element, number)

    def _item(self, element, number: int) -> Post | Skipped:
        fields = _fields(element)
        post_id = fields.get("wp:post_id", "")
        position = f"item {number} (post id {post_id})"
        kind = fields.get("wp:post_type", "")
        status = fields.get("wp:status", "")
        if kind == "attachment":
            return Skipped(
                "attachment", post_id, "imported with the posts using it", position
            )
        if kind not in ("post", "page") or (kind == "page" and not self.include_pages):
            return Skipped(
                kind or "item",
                post_id,
                f"{kind or 'unknown'} items are not imported",
                position,
            )
        comments = [c for c in element if _name(c.tag) == "wp:comment"]
        if status not in STATES:
            reason = "in the trash" if status == "trash" else f"status “{status}”"
            return Skipped(kind, post_id, f"{reason} (with its comments)", position)
        slug = unquote(fields.get("wp:post_name", "")) or slugify(
            fields.get("title", ""), allow_unicode=True
        )
        post = Post(
            key=post_id,
            title=html.unescape(fields.get("title", "")),
            slug=slug,
            state=STATES[status],
            published_at=_date(
                fields.get("wp:post_date_gmt", ""),
                fields.get("wp:post_date", ""),
                fields.get("pubDate", ""),
            ),
            html=fields.get("content:encoded", ""),
            blank_line_paragraphs="<!-- wp:" not in fields.get("content:encoded", ""),
            standfirst=html.unescape(
                re.sub(r"<[^>]+>", "", fields.get("excerpt:encoded", ""))
            ),
            author_keys=[fields["dc:creator"]] if fields.get("dc:creator") else [],
            comments_open=fields.get("wp:comment_status", "open") != "closed",
            position=position,
        )
        if fields.get("wp:post_password"):
            post.state = "password"
            post.password = fields["wp:post_password"]
        self._terms(element, post)
        self._meta(element, post)
        post.comments = [self._comment(c, post) for c in comments]
        post.comments = [c for c in post.comments if c is not None]
        link = fields.get("link", "")
        paths = [_path(link)] if link and "?" not in link else []
        paths += [f"/?p={post_id}", f"/{slug}/"]
        if kind == "page":
            paths.append(f"/?page_id={post_id}")
        post.old_paths = list(dict.fromkeys(p for p in paths if p and p != "/"))
        return post

    def _terms(self, element, post: Post) -> None:
        for term in element.findall("category"):
            slug = unquote(term.get("nicename", ""))
            if term.get("domain") == "post_tag":
                post.tag_keys.append(f"tag:{slug}")
            elif term.get("domain") == "category":
                kind = self.term_kinds.get(slug, "tag")
                target = post.section_keys if kind == "section" else post.tag_keys
                target.append(f"{kind}:{slug}")
            elif term.get("domain"):
                post.not_imported.append(
                    f"taxonomy “{term.get('domain')}”: {term.text}"
                )
        if not post.section_keys and self.default_section:
            post.section_keys.append(self.default_section)

    def _meta(self, element, post: Post) -> None:
        for meta in (c for c in element if _name(c.tag) == "wp:postmeta"):
            fields = _fields(meta)
            key, value = fields.get("wp:meta_key", ""), fields.get("wp:meta_value", "")
            if key == "_thumbnail_id":
                attachment = self.attachments.get(value)
                if attachment:
                    post.feature = Picture(*attachment)
                else:
                    post.not_imported.append(
                        f"featured image {value} (not in the export)"
                    )
            elif not _INTERNAL_META.match(key):
                post.not_imported.append(f"custom field “{key}”")

    def _comment(self, element, post: Post) -> Remark | None:
        fields = _fields(element)
        kind = fields.get("wp:comment_type", "")
        if kind not in ("", "comment"):
            post.not_imported.append(f"{kind} {fields.get('wp:comment_id', '')}")
            return None
        parent = fields.get("wp:comment_parent", "0")
        return Remark(
            key=fields.get("wp:comment_id", ""),
            parent_key="" if parent in ("", "0") else parent,
            name=fields.get("wp:comment_author", ""),
            html=fields.get("wp:comment_content", ""),
            status=COMMENT_STATES.get(
                fields.get("wp:comment_approved", "0"), Comment.Status.PENDING
            ),
            created_at=_date(
                fields.get("wp:comment_date_gmt", ""), fields.get("wp:comment_date", "")
            )
            or post.published_at
            or datetime(1970, 1, 1, tzinfo=UTC),
        )

    def readers(self):
        return iter(())
