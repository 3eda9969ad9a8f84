"""Substack exports (Settings → Exports): a zip of CSV files and post HTML.

posts.csv lists the posts (post_id is "<number>.<slug>"; post_date,
is_published, audience, title, subtitle…), posts/<post_id>.html holds each
body, and email_list.<publication>.csv the subscribers. Everyone on the
email list signed up on Substack; their consent is recorded as imported
from Substack (source "substack"), except addresses whose email Substack
had switched off. Every member of the zip is read through files.py, so
sizes are capped and names that point outside the zip are refused.
"""

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from broadsheet.imports.files import (
    TEXT_LIMIT,
    MediaFolder,
    Refused,
    open_zip,
    read_member,
    safe_member_name,
)
from broadsheet.imports.records import (
    Catalogue,
    ExportError,
    Letter,
    Post,
    Reader,
    Skipped,
)

_POST_ID = re.compile(r"^(\d+)\.([\w-]{1,200})$")
TRUE = {"true", "t", "1", "yes"}


class _Limited(io.RawIOBase):
    """A zip member read as a stream, refused once it passes ``limit`` bytes."""

    def __init__(self, stream, limit: int, name: str):
        self.stream, self.left, self.name = stream, limit, name

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.stream.read(min(len(buffer), 64 * 1024))
        self.left -= len(data)
        if self.left < 0:
            raise Refused(
                f"{self.name} is larger than {TEXT_LIMIT // 2**20} MB (zip bomb?)"
            )
        buffer[: len(data)] = data
        return len(data)


def _date(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SubstackExport:
    platform = "substack"

    def __init__(self, path: Path):
        self.path = path
        self.archive = open_zip(path)
        self.members = {}
        for info in self.archive.infolist():
            name = safe_member_name(info.filename)
            if name is not None and not info.is_dir():
                self.members[name] = info
        # Substack's images live on its own servers: reported, never fetched.
        self.media = MediaFolder(None, marker="/")
        self.catalogue_: Catalogue | None = None
        self.email_list = next(
            (n for n in self.members if re.fullmatch(r"email_list\.[^/]+\.csv", n)),
            None,
        )

    def _rows(self, name: str):
        info = self.members.get(name)
        if info is None:
            raise ExportError(f"The zip has no {name}: is it a Substack export?")
        if info.compress_size and info.file_size / info.compress_size > 200:
            raise ExportError(
                f"{name} expands more than 200-fold: refused as a zip bomb."
            )
        stream = _Limited(self.archive.open(info), TEXT_LIMIT, name)
        text = io.TextIOWrapper(
            io.BufferedReader(stream), encoding="utf-8-sig", newline=""
        )
        try:
            yield from enumerate(csv.DictReader(text), start=2)
        except UnicodeDecodeError as error:
            raise ExportError(
                f"{name} is not UTF-8 text ({error.reason} at byte {error.start})."
            ) from None
        except csv.Error as error:
            raise ExportError(f"{name} is not readable as CSV ({error}).") from None
        except Refused as refusal:
            raise ExportError(str(refusal)) from None
        except (zipfile.BadZipFile, EOFError) as error:
            raise ExportError(f"{name} is damaged in the zip ({error}).") from None

    def catalogue(self) -> Catalogue:
        if self.catalogue_ is not None:
            return self.catalogue_
        publication = self.email_list.split(".")[1] if self.email_list else "substack"
        catalogue = Catalogue(
            origin=f"substack:{publication}"[:200],
            title=publication.replace("-", " ").title(),
        )
        columns_checked = False
        for _line, row in self._rows("posts.csv"):
            if not columns_checked:
                missing = {"post_id", "post_date", "is_published", "title"} - set(row)
                if missing:
                    raise ExportError(
                        "posts.csv lacks the columns "
                        + ", ".join(sorted(missing))
                        + ": it is not a Substack export, or a version unknown here."
                    )
                columns_checked = True
            catalogue.post_count += 1
        if self.email_list:
            catalogue.newsletters.append(
                Letter(
                    key="substack",
                    name=publication.replace("-", " ").title(),
                    slug=publication,
                )
            )
            catalogue.reader_count = sum(1 for _ in self._rows(self.email_list))
        catalogue.notes.append("Substack exports name no authors: add bylines here.")
        self.catalogue_ = catalogue
        return catalogue

    def items(self):
        self.catalogue()
        for line, row in self._rows("posts.csv"):
            yield self._post(row, line)

    def _post(self, row: dict, line: int) -> Post | Skipped:
        post_id = (row.get("post_id") or "").strip()
        position = f"posts.csv line {line} (post {post_id})"
        match = _POST_ID.match(post_id)
        if not match:
            return Skipped("post", post_id, "a post id Substack never writes", position)
        if (row.get("type") or "newsletter") == "thread":
            return Skipped(
                "post", post_id, "discussion threads are not imported", position
            )
        number, slug = match.groups()
        try:
            html = read_member(
                self.archive, self.members[f"posts/{post_id}.html"], TEXT_LIMIT
            )
        except KeyError:
            return Skipped("post", post_id, "its HTML file is not in the zip", position)
        except Refused as refusal:
            return Skipped("post", post_id, str(refusal), position)
        published = (row.get("is_published") or "").strip().lower() in TRUE
        audience = (row.get("audience") or "everyone").strip()
        notes = []
        state = "published" if published else "draft"
        if published and audience not in ("everyone", "only_free", ""):
            state = "members"
            notes.append(
                f"for {audience.replace('_', ' ')} subscribers on Substack: "
                "here, for signed-in readers"
            )
        if row.get("podcast_url"):
            notes.append("its podcast audio stays on Substack (podcast_url)")
        return Post(
            key=number,
            title=(row.get("title") or "").strip() or slug.replace("-", " "),
            slug=slug,
            state=state,
            published_at=_date(row.get("post_date") or ""),
            html=html.decode("utf-8", errors="replace"),
            standfirst=(row.get("subtitle") or "").strip(),
            old_paths=[f"/p/{slug}"],
            notes=notes,
            position=position,
        )

    def readers(self):
        self.catalogue()
        if not self.email_list:
            return
        for line, row in self._rows(self.email_list):
            position = f"{self.email_list} line {line}"
            if (row.get("email_disabled") or "").strip().lower() in TRUE:
                yield Skipped(
                    "subscriber",
                    row.get("email", ""),
                    "email switched off on Substack",
                    position,
                )
                continue
            yield Reader(
                email=row.get("email") or "",
                newsletter_keys=["substack"],
                position=position,
            )
