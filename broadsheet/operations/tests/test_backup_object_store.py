"""Media in an S3-compatible store (moto's S3 server over HTTP) are backed up
and restored through the Storage API, like local media."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from broadsheet.operations import restore
from broadsheet.operations.archive import ArchiveReader
from broadsheet.operations.backup import backup

pytestmark = pytest.mark.django_db

FILES = {
    "original_images/front.jpg": b"\xff\xd8 not really a JPEG " * 1000,
    "images/front.2e16d0ba.fill-640x360.format-webp.webp": b"RIFF rendition",
    "documents/episode-1.mp3": bytes(range(256)) * 4000,
    "social-cards/Zoë's card.png": b"\x89PNG card",
    "deep/er/and/deeper/file.txt": b"nested",
}


def test_media_in_an_object_store_go_into_the_archive_and_back(object_store, tmp_path):
    for name, data in FILES.items():
        assert object_store.save(name, ContentFile(data)) == name
    # Wagtail's unfinished multiple uploads stay behind.
    object_store.save("wagtail_uploads/half-done.jpg", ContentFile(b"partial"))

    summary = backup(tmp_path / "site.tar.gz")  # gzipped as a whole, this time
    assert summary.media_files == len(FILES)

    reader = ArchiveReader(summary.path)
    archived = {
        name.removeprefix("media/"): entry["sha256"]
        for name, entry in reader.manifest["files"].items()
        if name.startswith("media/")
    }
    assert archived == {
        name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()
    }
    reader.verify()

    # The store loses everything; the archive brings the media back.
    object_store.bucket.objects.all().delete()
    files, size = restore.restore_media(reader, lambda message: None)
    reader.close()
    assert (files, size) == (len(FILES), sum(len(data) for data in FILES.values()))
    for name, data in FILES.items():
        with object_store.open(name) as stored:
            assert stored.read() == data
    assert not object_store.exists("wagtail_uploads/half-done.jpg")
