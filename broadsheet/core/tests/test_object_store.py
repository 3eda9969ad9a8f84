"""Media in an S3-compatible store (moto's S3 server over HTTP), served from /media/.

Every upload goes to the store, addresses stay on the site (so the CSP's
'self' holds), and podcast audio is read in ranges, never whole.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from broadsheet.core.object_store import ObjectStoreMedia, iter_range
from broadsheet.settings.env import object_store_options
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_storage_url_is_parsed_and_a_bad_one_refused():
    options = object_store_options(
        "s3://AK%2F1:se%40cret@s3.example.net:9000/media/site-a?region=eu-west-3"
    )
    assert options["bucket_name"] == "media" and options["location"] == "site-a"
    assert options["endpoint_url"] == "https://s3.example.net:9000"
    assert options["access_key"] == "AK/1" and options["secret_key"] == "se@cret"
    assert options["region_name"] == "eu-west-3"
    assert object_store_options("s3+http://h:1/b")["endpoint_url"] == "http://h:1"
    from django.core.exceptions import ImproperlyConfigured

    for bad in ("ftp://h/b", "s3://h", "s3:///bucket"):
        with pytest.raises(ImproperlyConfigured, match="BROADSHEET_MEDIA_STORAGE_URL"):
            object_store_options(bad)


def test_images_and_renditions_live_in_the_store_and_are_served_here(
    client, object_store
):
    assert isinstance(default_storage._wrapped, ObjectStoreMedia)
    image = factories.make_image("Stored")
    keys = {item.key for item in object_store.bucket.objects.all()}
    assert image.file.name in keys
    assert image.file.url == f"/media/{image.file.name}"
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert body(response) == object_store.open(image.file.name).read()
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["Content-Type"] == "image/png"
    again = client.get(image.file.url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304

    rendition = image.get_rendition("fill-40x40")
    keys = {item.key for item in object_store.bucket.objects.all()}
    assert rendition.file.name in keys
    assert client.get(rendition.url).status_code == 200
    assert client.get("/media/images/missing.png").status_code == 404
    # Documents stay private in the store too: only their own view serves them.
    name = object_store.save("documents/secret.pdf", ContentFile(b"%PDF"))
    assert client.get(f"/media/{name}").status_code == 404


def test_audio_ranges_come_from_the_store_in_ranged_reads(
    client, object_store, publication
):
    show = factories.make_show(publication["home"])
    episode = factories.make_episode(show, seconds=3)
    name = episode.audio.file.name
    data = object_store.open(name).read()
    sent = []  # the Range header of every GET the store receives
    object_store.connection.meta.client.meta.events.register(
        "before-send.s3.GetObject",
        lambda request, **kwargs: sent.append(request.headers.get("Range")),
    )
    assert b"".join(iter_range(object_store, name, 100, 1099)) == data[100:1100]
    response = client.get(episode.audio_path(), HTTP_RANGE="bytes=2000-2999")
    assert response.status_code == 206
    assert body(response) == data[2000:3000]
    assert sent == [b"bytes=100-1099", b"bytes=2000-2999"]
    whole = client.get(episode.audio_path())
    assert body(whole) == data
