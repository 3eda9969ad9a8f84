"""/media/ serves only folders public by nature: never documents, never stray files."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from broadsheet.core.media import (
    public_folders,
    public_media_name,
    register_public_folder,
)
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_image_originals_and_renditions_are_served(client):
    image = factories.make_image("Served")
    original = client.get(f"/media/{image.file.name}")
    assert original.status_code == 200
    assert body(original) == default_storage.open(image.file.name).read()
    assert original["Cache-Control"] == "public, max-age=86400"
    rendition = image.get_rendition("fill-40x40")
    assert rendition.file.name.startswith("images/")
    assert client.get(rendition.url).status_code == 200


def test_social_cards_are_served(client):
    # Registered by the distribution app, which writes them.
    assert "social-cards" in public_folders()
    name = default_storage.save("social-cards/1-test.png", ContentFile(b"\x89PNG"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200 and body(response) == b"\x89PNG"


def test_documents_are_never_served_from_media(client):
    document = factories.make_document("report.pdf", b"%PDF-1.4 confidential")
    assert document.file.name.startswith("documents/")
    assert default_storage.exists(document.file.name)
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.head(f"/media/{document.file.name}").status_code == 404
    # ...but Wagtail's document view still serves a public one, without a redirect.
    assert document.url == f"/documents/{document.pk}/{document.filename}"
    response = client.get(document.url)
    assert response.status_code == 200
    assert body(response) == b"%PDF-1.4 confidential"


@pytest.mark.parametrize(
    "path",
    [
        "secret.txt",
        "wagtail_uploads/pending.jpg",
        "images/../secret.txt",
        "images/../documents/report.pdf",
        "images/%2e%2e/secret.txt",
        "images/..%2fsecret.txt",
        "images/..%5csecret.txt",
        "/secret.txt",
        "%2fsecret.txt",
        "images",
        "images/",
        "..",
        "../secret.txt",
        "images/%00.png",
    ],
)
def test_nothing_else_under_media_root_is_served(client, path):
    default_storage.save("secret.txt", ContentFile(b"do not serve"))
    default_storage.save("wagtail_uploads/pending.jpg", ContentFile(b"half done"))
    factories.make_document("report.pdf", b"%PDF-1.4")
    response = client.get(f"/media/{path}")
    assert response.status_code == 404, path
    assert not response.streaming and b"do not serve" not in response.content


def test_public_media_name_normalises_before_judging():
    assert public_media_name("images/a.jpg") == "images/a.jpg"
    assert public_media_name("images/./sub/../a.jpg") == "images/a.jpg"
    assert public_media_name("original_images/a.jpg") == "original_images/a.jpg"
    for refused in (
        "",
        "a.jpg",
        "images",
        "images/..",
        "images/../documents/a.pdf",
        "documents/a.pdf",
        "../images/a.jpg",
        "/images/a.jpg",
        "images\\..\\secret.txt",
        "images/a\0.jpg",
    ):
        assert public_media_name(refused) is None, refused


def test_a_public_folder_is_one_plain_name():
    for bad in ("", ".", "..", "a/b"):
        with pytest.raises(ValueError):
            register_public_folder(bad)
