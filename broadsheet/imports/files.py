"""Reading an export's files safely: folders and zips of uploads, size limits.

Nothing outside the folder given is ever opened (`..`, absolute paths and
symbolic links that lead out are refused), and a zip member is read only up to
its limit, whatever its header claims, so a zip bomb stops at the limit.
"""

import csv
import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from broadsheet.imports.records import ExportError

IMAGE_LIMIT = 25 * 1024 * 1024
TEXT_LIMIT = 64 * 1024 * 1024
MEMBER_LIMIT = 200_000
# Deflate cannot shrink real photos or text 200-fold; a member that claims
# to has been built to explode.
RATIO_LIMIT = 200
_SIZE_SUFFIX = re.compile(r"-\d{1,5}x\d{1,5}(?=\.\w+$)")


class Refused(Exception):
    """A file the export names that will not be read, and why."""


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ExportError(f"{path.name} is not a zip file ({error}).") from None
    if len(archive.infolist()) > MEMBER_LIMIT:
        raise ExportError(
            f"{path.name} holds more than {MEMBER_LIMIT:,} files; refused."
        )
    return archive


def safe_member_name(name: str) -> str | None:
    """The member's normalised name, or None if it points outside the archive."""
    if name.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:", name):
        return None
    normal = posixpath.normpath(name.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return None
    return normal


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise Refused(f"{info.filename} is larger than {limit // 2**20} MB")
    if info.compress_size and info.file_size / info.compress_size > RATIO_LIMIT:
        raise Refused(f"{info.filename} expands {RATIO_LIMIT}-fold or more (zip bomb)")
    try:
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
        raise Refused(f"{info.filename} cannot be read ({error})") from None
    if len(data) > limit:
        raise Refused(f"{info.filename} is larger than its header says (zip bomb)")
    return data


class MediaFolder:
    """The images of an export: a folder or a zip, looked up by their address.

    ``marker`` is where the platform's media path starts in an address
    ("wp-content/uploads/", "content/images/"); what follows it is looked
    up under the folder, or under any folder of the zip ending in it.
    """

    def __init__(self, path: Path | None, *, marker: str):
        self.marker = marker
        self.root: Path | None = None
        self.archive: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}
        if path is None:
            return
        if not path.exists():
            raise ExportError(f"{path} does not exist.")
        if path.is_dir():
            self.root = path.resolve()
        elif zipfile.is_zipfile(path):
            self.archive = open_zip(path)
            self._index_archive()
        else:
            raise ExportError(f"{path.name} is neither a folder nor a zip file.")

    @property
    def given(self) -> bool:
        return self.root is not None or self.archive is not None

    def _index_archive(self) -> None:
        stem = self.marker.rstrip("/").rsplit("/", 1)[-1] + "/"
        for info in self.archive.infolist():
            if info.is_dir():
                continue
            name = safe_member_name(info.filename)
            if name is None:
                continue  # never looked up: it could only point outside
            for prefix in (self.marker, stem):
                if prefix in name:
                    name = name.split(prefix, 1)[1]
                    break
            self.members.setdefault(name, info)

    def relative_path(self, src: str) -> str:
        path = unquote(urlsplit(src).path)
        if self.marker in path:
            return path.split(self.marker, 1)[1]
        stem = "/" + self.marker.rstrip("/").rsplit("/", 1)[-1] + "/"
        if stem in path:
            return path.split(stem, 1)[1]
        return path.lstrip("/")

    def read(self, src: str) -> tuple[str, bytes]:
        """The file's path (relative, as found) and bytes; Refused says why not."""
        relative = self.relative_path(src)
        candidates = [relative]
        original = _SIZE_SUFFIX.sub("", relative)
        if original != relative:
            # WordPress links a resized copy; the original is better.
            candidates.insert(0, original)
        candidates.append(re.sub(r"(^|/)size/w\d+/", r"\1", relative))  # Ghost
        if self.root is not None:
            for candidate in candidates:
                found = self._read_file(candidate)
                if found is not None:
                    return candidate, found
        elif self.archive is not None:
            for candidate in candidates:
                info = self.members.get(posixpath.normpath(candidate))
                if info is not None:
                    data = read_member(self.archive, info, IMAGE_LIMIT)
                    return posixpath.normpath(candidate), data
        raise Refused(f"{relative} is not in the uploads given")

    def _read_file(self, relative: str) -> bytes | None:
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root):
            raise Refused(f"{relative} points outside the uploads folder")
        if not target.is_file():
            return None
        if target.stat().st_size > IMAGE_LIMIT:
            raise Refused(f"{relative} is larger than {IMAGE_LIMIT // 2**20} MB")
        return target.read_bytes()


def csv_rows(path: Path, *, required=("email",)):
    """(line, row) for each row of a CSV file, its header checked first."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            missing = set(required) - set(reader.fieldnames or [])
            if missing:
                raise ExportError(
                    f"{path.name} has no column {', '.join(sorted(missing))}: is it "
                    "the members CSV (Ghost: Members → Export)?"
                )
            yield from enumerate(reader, start=2)
    except UnicodeDecodeError as error:
        raise ExportError(
            f"{path.name} is not UTF-8 text (byte {error.start}): save it as UTF-8."
        ) from None
    except csv.Error as error:
        raise ExportError(f"{path.name} is not readable as CSV ({error}).") from None
