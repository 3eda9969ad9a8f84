"""Media in the archive: every file of default_storage, through the Storage API only.

Only listdir/size/open/save/exists/delete are used, never a filesystem
path, so the same code backs up and restores local media and media in S3
(django-storages).
"""

from collections.abc import Iterator

from django.core.files import File
from django.core.files.storage import Storage

from broadsheet.operations.archive import ArchiveError, sha256_of

# Wagtail's multiple upload parks files here until the editor finishes;
# its rows are left out of the archive too (archive_tables.LEFT_OUT).
SKIPPED_FOLDERS = ("wagtail_uploads",)


def media_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, folders walked depth first, sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return  # a site that never stored a file has no media folder yet
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        path = f"{folder}/{name}" if folder else name
        if path in SKIPPED_FOLDERS:
            continue
        yield from media_names(storage, path)


def safe_name(name: str) -> str:
    """Refuse a member name that would leave the media folder."""
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ArchiveError(
            f"The archive holds a media file with an unsafe name: {name!r}."
        )
    return name


def write_file(storage: Storage, name: str, source) -> None:
    """Store ``source`` under exactly ``name``, replacing a file already there.

    Storage.save() picks another name when one is taken, which would break
    the rows pointing at it; so an existing file is deleted first.
    """
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, File(source, name=name.rsplit("/", 1)[-1]))
    if saved != name:
        raise ArchiveError(
            f"The media storage saved {name} as {saved}; restore needs the names kept."
        )


def stored_sha256(storage: Storage, name: str) -> str:
    with storage.open(name, "rb") as stored:
        return sha256_of(stored)
