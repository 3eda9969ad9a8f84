"""Hostile and broken exports: a clear error with the position, nothing half done,
and nothing read outside the uploads given."""

import json
import os
import zipfile

import pytest
from django.core.management.base import CommandError
from wagtail.images import get_image_model

from broadsheet.comments import services as comment_services
from broadsheet.comments.models import Comment
from broadsheet.imports.models import ImportedItem
from broadsheet.imports.tests.ghostexport import ghost_export
from broadsheet.imports.tests.substackexport import write_substack
from broadsheet.imports.tests.wxr import SITE, item, write_uploads, wxr
from broadsheet.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def refused(run_import, *args, match):
    before = ArticlePage.objects.count()
    with pytest.raises(CommandError, match=match):
        run_import(*args)
    assert ArticlePage.objects.count() == before


# -- WordPress ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "match"),
    [
        ('{"db": []}', r"not an XML file \(line 1, column 1\)"),
        (wxr()[:5000], r"ends too early \(line \d+, column \d+\)"),
        (wxr(version="2.0"), r"WXR version '2.0' is not one Broadsheet knows"),
        ("<?xml version='1.0'?><feed><entry/></feed>", r"root element is <feed>"),
        (
            "<?xml version='1.0'?><rss><channel><title>x</title></channel></rss>",
            "no WXR version",
        ),
    ],
    ids=["json", "truncated", "version", "atom", "plain-rss"],
)
def test_broken_wxr_files(publication, tmp_path, run_import, data, match):
    refused(run_import, "wordpress", write(tmp_path, "export.xml", data), match=match)


def test_wrong_encoding_names_the_line(publication, tmp_path, run_import):
    text = wxr().replace("Mara Quint", "Mära Quint")
    data = text.encode("latin-1", errors="replace")
    line = text[: text.index("Mära")].count("\n") + 1
    path = write(tmp_path, "export.xml", data)
    refused(run_import, "wordpress", path, match=rf"line {line}, column \d+.*UTF-8")


@pytest.mark.parametrize(
    "doctype",
    [
        # "Billion laughs": entities that expand to gigabytes.
        '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        # An external entity that would read a file of the server.
        '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["expansion", "external"],
)
def test_entities_are_refused(publication, tmp_path, run_import, doctype):
    text = wxr().replace("<rss", doctype + "\n<rss", 1).replace("The Wire", "&b;")
    path = write(tmp_path, "export.xml", text)
    refused(run_import, "wordpress", path, match=r"Refused at line \d+.*entities")


def test_uploads_cannot_lead_outside_their_folder(publication, tmp_path, run_import):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG not really, and never to be read")
    uploads = write_uploads(tmp_path / "site")
    os.symlink(secret, uploads / "2026" / "05" / "linked.png")
    body = (
        f'<p>x</p><img src="{SITE}/wp-content/uploads/../../../secret.png" alt="a">'
        f'<img src="{SITE}/wp-content/uploads/2026/05/linked.png" alt="b">'
        f'<img src="{SITE}/wp-content/uploads/%2e%2e/%2e%2e/%2e%2e/secret.png" alt="c">'
    )
    extra = item(120, "Escaping paths", "escape", content=body)
    path = write(tmp_path, "export.xml", wxr(extra_items=[extra]))
    images = get_image_model().objects.count()
    _, report = run_import("wordpress", path, "--uploads", uploads)
    assert report.count("points outside the uploads folder") == 3
    assert get_image_model().objects.count() == images + 2  # the two real ones
    escaped = ArticlePage.objects.get(slug="escape")
    assert "never to be read" not in str(escaped.body.raw_data)


def test_a_zip_of_uploads_with_a_bomb_and_a_fake_image(
    publication, tmp_path, run_import
):
    uploads = tmp_path / "uploads.zip"
    with zipfile.ZipFile(uploads, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("wp-content/uploads/2026/05/wafer.png", b"\0" * 20_000_000)
        archive.writestr("wp-content/uploads/2026/04/arm.png", b"<svg onload=x>")
        archive.writestr("../../etc/wafer.png", b"outside")
    path = write(tmp_path, "export.xml", wxr())
    _, report = run_import("wordpress", path, "--uploads", uploads)
    assert "expands 200-fold or more (zip bomb)" in report
    assert "arm.png is not a readable image" in report
    assert ArticlePage.objects.filter(slug="chip-output-rises").exists()


def test_a_failing_post_leaves_nothing_and_the_rest_goes_on(
    publication, tmp_path, run_import, monkeypatch
):
    real = comment_services.comments_import

    def failing_after_saving(**fields):
        created = real(**fields)
        if len(created[0]) == 6:  # post 101's thread, all saved: then a failure
            raise RuntimeError("disk full")
        return created

    # Fault injection: post 101 fails after its article and comments were saved.
    monkeypatch.setattr(
        "broadsheet.imports.writer.comments_import", failing_after_saving
    )
    _, report = run_import("wordpress", write(tmp_path, "x.xml", wxr()))
    assert "item 3 (post id 101): RuntimeError: disk full" in report
    assert not ImportedItem.objects.filter(kind="article", source_id="101").exists()
    lost = ArticlePage.objects.filter(title__startswith="Chip output rises to")
    assert not lost.exists()
    assert not Comment.objects.exists()  # the saved comments went with it
    assert ArticlePage.objects.filter(slug="safety-label").exists()
    assert "article: 8 created, 1 failed" in report


# -- Ghost --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"<?xml version='1.0'?><rss/>", "not a JSON file"),
        (json.dumps(ghost_export()).encode()[:3000], "ends too early"),
        (json.dumps({"posts": []}).encode(), "no Ghost version"),
        (json.dumps(ghost_export(version="2.3.0")).encode(), "Ghost version 2.3.0"),
        (json.dumps(ghost_export()).encode("utf-16"), "UTF-16"),
        (
            json.dumps(ghost_export()).encode()[:2000] + b"\xff\xfe" + b" " * 40_000,
            "not valid",
        ),
    ],
    ids=["xml", "truncated", "no-version", "old-version", "utf16", "bad-bytes"],
)
def test_broken_ghost_files(publication, tmp_path, run_import, data, match):
    refused(run_import, "ghost", write(tmp_path, "export.json", data), match=match)


def test_ghost_errors_name_the_position(publication, tmp_path, run_import):
    data = json.dumps(ghost_export(), indent=1).encode()
    middle = data.index(b"\n", len(data) // 2) + 1
    broken = data[:middle] + b"}}}" + data[middle:]
    refused(
        run_import,
        "ghost",
        write(tmp_path, "export.json", broken),
        match=r"around line [\d,]+, byte [\d,]+",
    )


# -- Substack -----------------------------------------------------------------
def test_not_a_zip(publication, tmp_path, run_import):
    path = write(tmp_path, "export.zip", "post_id,title\n1.a,A\n")
    refused(run_import, "substack", path, match="not a zip file")


def test_a_zip_without_posts(publication, tmp_path, run_import):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused(run_import, "substack", path, match="no posts.csv")


def test_zip_bombs_and_escaping_names(publication, tmp_path, run_import):
    bomb = write_substack(
        tmp_path,
        extra={
            "posts/1005.no-file.html": b"<p>" + b" " * 50_000_000 + b"</p>",
            "../../escape.html": b"<p>outside</p>",
        },
    )
    _, report = run_import("substack", bomb)
    assert "posts/1005.no-file.html expands 200-fold or more (zip bomb)" in report
    assert ArticlePage.objects.filter(slug="inference-costs-fall").exists()
    path = tmp_path / "csvbomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "posts.csv", "post_id,post_date,is_published,title\n" + "\n" * 90_000_000
        )
    refused(run_import, "substack", path, match="refused as a zip bomb")
