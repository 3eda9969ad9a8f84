"""The backup archive: one tar file holding the database, the media and a manifest.

Layout::

    database/<table>.jsonl.gz   one per table: a JSON array per row (archive_tables.py)
    media/<storage name>        every file of default_storage, as stored
    manifest.json               versions, migrations, tables and row counts,
                                and the sha256 and size of every other member

The manifest comes last because it lists the checksums of what comes before
it. The tar itself is left uncompressed by default: the table files are
gzipped already and media (JPEG, MP3) does not shrink, so compressing again
would cost time for nothing, and an uncompressed tar lets a reader jump to
the manifest without reading the whole file. A name ending in .gz or .tgz
still gets a gzipped tar; reading accepts either.
"""

import hashlib
import json
import tarfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

FORMAT = "broadsheet-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FOLDER = "database/"
MEDIA_FOLDER = "media/"
CHUNK = 1024 * 1024

# What a damaged tar raises while being read, whichever layer notices first.
DAMAGE = (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError)


class ArchiveError(Exception):
    """A problem with an archive or a destination, told in one line."""


def compressed(path: Path) -> bool:
    return path.name.endswith((".gz", ".tgz"))


class HashingReader:
    """Reads through to ``source`` and keeps the sha256 and size of what passed."""

    def __init__(self, source: IO[bytes]):
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Adds members to a new tar, recording each one's checksum for the manifest."""

    def __init__(self, path: Path, *, gzip: bool = False):
        # PAX headers: long and non-ASCII media names survive intact.
        if gzip:
            self.tar = tarfile.open(
                path, "w:gz", format=tarfile.PAX_FORMAT, compresslevel=6
            )
        else:
            self.tar = tarfile.open(path, "w", format=tarfile.PAX_FORMAT)
        self.files: dict[str, dict] = {}

    def add_stream(self, name: str, source: IO[bytes], size: int) -> None:
        """Copy ``size`` bytes of ``source`` into the member ``name``.

        A tar header states the size before the data, so the caller says it
        (storage.size()); a source that ends sooner is an error, not a
        silently short member.
        """
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(time.time())
        info.mode = 0o644
        reader = HashingReader(source)
        self.tar.addfile(info, reader)
        self.files[name] = {"sha256": reader.sha256.hexdigest(), "size": size}

    def add_file(self, name: str, path: Path) -> None:
        with path.open("rb") as source:
            self.add_stream(name, source, path.stat().st_size)

    def finish(self, manifest: dict) -> None:
        manifest = {**manifest, "files": self.files}
        data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(time.time())
        info.mode = 0o644
        self.tar.addfile(info, _BytesReader(data))
        self.tar.close()

    def abandon(self) -> None:
        self.tar.close()


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk = self.data[self.offset : end]
        self.offset += len(chunk)
        return bytes(chunk)


class ArchiveReader:
    """An archive opened for restoring: its manifest, checked members, their data."""

    def __init__(self, path: Path):
        self.path = path
        if not path.is_file():
            raise ArchiveError(f"{path} does not exist or is not a file.")
        try:
            self.tar = tarfile.open(path, "r:*")
        except DAMAGE:
            raise ArchiveError(
                f"{path} is not a tar archive, or is damaged at its start."
            ) from None
        self.manifest = self._read_manifest()

    def close(self) -> None:
        self.tar.close()

    def _read_manifest(self) -> dict:
        try:
            member = self.tar.getmember(MANIFEST)
            manifest = json.loads(self.tar.extractfile(member).read())
        except KeyError:
            raise ArchiveError(
                f"{self.path} has no {MANIFEST}: it is truncated, or not a"
                " Broadsheet backup."
            ) from None
        except (*DAMAGE, ValueError) as error:
            raise ArchiveError(
                f"{self.path} is truncated or corrupt ({error})."
            ) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError(f"{self.path} is not a Broadsheet backup.")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                f"{self.path} is a backup in format version"
                f" {manifest.get('format_version')}; this Broadsheet reads"
                f" version {FORMAT_VERSION}."
            )
        return manifest

    def verify(self, progress=None) -> None:
        """Read every member and compare it with the manifest; raise on any difference.

        Nothing is written before this passes, so a damaged archive never
        leaves a half-restored site.
        """
        expected = self.manifest["files"]
        seen = set()
        try:
            for member in self.tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile():
                    raise ArchiveError(
                        f"{self.path} holds {member.name!r}, which its manifest"
                        " does not list: the archive was altered."
                    )
                digest, size = _digest(self.tar.extractfile(member))
                wanted = expected[member.name]
                if digest != wanted["sha256"] or size != wanted["size"]:
                    raise ArchiveError(
                        f"Checksum mismatch in {self.path}: {member.name} is not"
                        " what was backed up. Nothing was restored."
                    )
                seen.add(member.name)
                if progress:
                    progress(member.name)
        except DAMAGE as error:
            raise ArchiveError(
                f"{self.path} is truncated or corrupt ({error}). Nothing was restored."
            ) from None
        missing = sorted(set(expected) - seen)
        if missing:
            raise ArchiveError(
                f"{self.path} is missing {len(missing)} member(s), e.g."
                f" {missing[0]}: it is truncated. Nothing was restored."
            )

    @contextmanager
    def open_member(self, name: str) -> Iterator[BinaryIO]:
        try:
            yield self.tar.extractfile(self.tar.getmember(name))
        except DAMAGE as error:
            raise ArchiveError(
                f"{self.path}: {name} could not be read ({error})."
            ) from None

    def media_names(self) -> list[str]:
        """Storage names of the media members, in archive order."""
        return [
            name[len(MEDIA_FOLDER) :]
            for name in self.manifest["files"]
            if name.startswith(MEDIA_FOLDER)
        ]


def _digest(source: IO[bytes]) -> tuple[str, int]:
    sha256, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        sha256.update(chunk)
        size += len(chunk)
    return sha256.hexdigest(), size


def sha256_of(source: IO[bytes]) -> str:
    return _digest(source)[0]


def size_text(size: float) -> str:
    """1,234 bytes, 5.1 MB: for summaries."""
    if size < 1024:
        return f"{int(size):,} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
