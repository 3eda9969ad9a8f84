"""The shapes every export reader produces, whatever the platform.

Readers (wordpress.py, ghost.py, substack.py) stream these from the file;
the writer (services.py) turns them into authors, sections, tags, articles,
comments, images, subscribers and redirects.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime


class ExportError(Exception):
    """The file cannot be imported at all: the message says why and where."""


@dataclass
class Person:
    key: str
    name: str
    slug: str
    email: str = ""
    bio: str = ""
    old_paths: list[str] = field(default_factory=list)


@dataclass
class Term:
    """A category or tag as the platform had it."""

    key: str
    name: str
    slug: str
    kind: str  # "section" or "tag"
    description: str = ""
    old_paths: list[str] = field(default_factory=list)


@dataclass
class Picture:
    """An image the post uses: where the platform kept it, and its words."""

    src: str
    alt: str = ""
    caption: str = ""


@dataclass
class Remark:
    """A comment, with its place in the thread."""

    key: str
    parent_key: str
    name: str
    html: str
    status: str  # a comments.Comment.Status value
    created_at: datetime


@dataclass
class Post:
    key: str
    title: str
    slug: str
    # "published", "draft", "scheduled", "private" (editors only),
    # "members" (signed-in readers) or "password"
    state: str
    published_at: datetime | None
    html: str
    blank_line_paragraphs: bool = False  # WordPress's classic editor
    standfirst: str = ""
    author_keys: list[str] = field(default_factory=list)
    section_keys: list[str] = field(default_factory=list)
    tag_keys: list[str] = field(default_factory=list)
    # Ghost: the first tag, the section if a section of that name exists here
    primary_tag_key: str = ""
    password: str = ""  # a password-protected post keeps its password
    comments_open: bool = True
    feature: Picture | None = None
    comments: list[Remark] = field(default_factory=list)
    old_paths: list[str] = field(default_factory=list)
    # Things the platform stored that Broadsheet does not (custom fields…).
    not_imported: list[str] = field(default_factory=list)
    # What the reader had to change on the way (a card kept as text…).
    notes: list[str] = field(default_factory=list)
    position: str = ""  # where the item is in the file, for messages

    def fingerprint(self) -> str:
        """Changes whenever the exported post changes."""
        data = asdict(self)
        data.pop("position")
        encoded = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


@dataclass
class Reader:
    """A newsletter subscriber whose consent the export records."""

    email: str
    newsletter_keys: list[str] = field(default_factory=list)
    position: str = ""


@dataclass
class Letter:
    """A newsletter (Ghost)."""

    key: str
    name: str
    slug: str
    description: str = ""
    sender_name: str = ""


@dataclass
class Skipped:
    """An item the reader recognised but will not import, and why."""

    kind: str
    key: str
    reason: str
    position: str = ""


@dataclass
class Catalogue:
    """What a reader learns in its first pass, before any post is written."""

    origin: str
    title: str = ""  # the publication's name, for a site that has none yet
    authors: list[Person] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    newsletters: list[Letter] = field(default_factory=list)
    post_count: int = 0
    reader_count: int = 0
    notes: list[str] = field(default_factory=list)
