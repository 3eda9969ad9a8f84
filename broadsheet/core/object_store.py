"""Media in an S3-compatible object store, still served from the site's own address.

With ``BROADSHEET_MEDIA_STORAGE_URL`` set, every upload (images and their
renditions, documents, podcast audio, social cards) is written to the store,
so every web node and worker sees the same files and none lands on a node's
disk. Readers still fetch them under ``/media/`` (and documents and audio
through their own views) from this site, which reads the store: the page
keeps its strict Content-Security-Policy (``'self'`` only), no reader's
address reaches another host, and the CDN in front caches them like pages.
"""

from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

CHUNK = 64 * 1024


class ObjectStoreMedia(S3Storage):
    """django-storages' S3 backend, with URLs under MEDIA_URL and ranged reads."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(clean_name(name))

    def iter_range(self, name: str, start: int, end: int) -> Iterator[bytes]:
        """Yield bytes start..end (inclusive) by one ranged GET, not the whole file."""
        key = self._normalize_name(clean_name(name))
        response = self.bucket.Object(key).get(Range=f"bytes={start}-{end}")
        yield from response["Body"].iter_chunks(CHUNK)


def iter_range(storage, name: str, start: int, end: int) -> Iterator[bytes]:
    """Yield bytes start..end (inclusive) of a stored file, a chunk at a time."""
    if hasattr(storage, "iter_range"):
        yield from storage.iter_range(name, start, end)
        return
    with storage.open(name, "rb") as handle:
        handle.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def is_local(storage) -> bool:
    return isinstance(storage, FileSystemStorage)
