"""Running an import again, a dry run, and undo."""

import pytest
from django.contrib.auth import get_user_model
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from broadsheet.comments.models import Comment
from broadsheet.imports.models import ImportedItem, ImportRun
from broadsheet.imports.tests.lookup import imported_article
from broadsheet.imports.tests.wxr import item, write_export, write_uploads
from broadsheet.newsroom.models import ArticlePage, Author

pytestmark = pytest.mark.django_db
MODELS = (Page, ArticlePage, Author, Tag, Comment, Redirect, Revision, ImportedItem)


def census() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "Image": get_image_model().objects.count()
    }


@pytest.fixture
def files(tmp_path):
    return write_export(tmp_path), write_uploads(tmp_path)


def test_running_twice_creates_nothing_new(publication, files, run_import):
    export, uploads = files
    run_import("wordpress", export, "--uploads", uploads)
    after_first = census()
    _, report = run_import("wordpress", export, "--uploads", uploads)
    assert census() == after_first
    assert "article: 9 unchanged" in report
    assert "created" not in report


def test_a_changed_post_is_updated_but_an_edited_article_is_kept(
    publication, tmp_path, files, run_import
):
    export, uploads = files
    run_import("wordpress", export, "--uploads", uploads)
    # The export changes (post 101 gains a paragraph): the article follows.
    export.write_text(
        export.read_text().replace("record output", "record output again")
    )
    _, report = run_import("wordpress", export, "--uploads", uploads)
    assert "article: 8 unchanged, 1 updated" in report
    assert "record output again" in imported_article("101").body[0].value.source
    # An editor changes the article here; the next import leaves it alone.
    page = imported_article("101")
    page.title = "Chip output rises to a record, corrected"
    editor = get_user_model().objects.create(username="editor")
    page.save_revision(user=editor).publish()
    export.write_text(export.read_text().replace("record output again", "three"))
    _, report = run_import("wordpress", export, "--uploads", uploads)
    assert "article: 1 kept edited, 8 unchanged" in report
    assert "was edited here since the import; left as it is" in report
    page = imported_article("101")
    assert page.title == "Chip output rises to a record, corrected"
    assert "record output again" in page.body[0].value.source


def test_a_dry_run_writes_nothing_and_says_what_would_happen(
    publication, files, run_import
):
    export, uploads = files
    before = census()
    stdout, report = run_import("wordpress", export, "--uploads", uploads, "--dry-run")
    assert census() == before
    assert report.startswith("Dry run of a wordpress export")
    assert "article: 9 created" in report
    assert "comment: 6 created" in report
    assert "image: 2 created, 1 missing" in report
    assert "Gutenberg block “acme/poll”" in report
    assert ImportRun.objects.get().status == "planned"
    assert "Undo with" not in stdout


def test_undo_removes_exactly_what_the_run_created(
    publication, tmp_path, files, run_import
):
    export, uploads = files
    before = census()
    run_import("wordpress", export, "--uploads", uploads)
    first = ImportRun.objects.get()
    after_first = census()
    # A second run adds one post; undoing it removes that post only.
    extra = item(111, "A late addition", "late", content="<p>Late news.</p>")
    export.write_text(export.read_text().replace("</channel>", extra + "</channel>"))
    run_import("wordpress", export, "--uploads", uploads)
    second = ImportRun.objects.exclude(pk=first.pk).get()
    assert imported_article("111").title == "A late addition"
    from django.core.management import call_command

    call_command("import", "undo", str(second.pk))
    assert census() == after_first
    # Something an editor made meanwhile stays: an author, a tag.
    Author.objects.create(name="Staff writer", slug="staff-writer")
    call_command("import", "undo", str(first.pk))
    expected = before | {"Author": before["Author"] + 1}
    assert census() == expected
    assert ImportRun.objects.get(pk=first.pk).status == "undone"


def test_an_image_is_imported_once_even_when_memory_forgets_it(
    publication, files, run_import, monkeypatch
):
    # Only the last address stays in memory; the rest are found in the ledger.
    monkeypatch.setattr("broadsheet.imports.images.REMEMBERED", 1)
    export, uploads = files
    images = get_image_model().objects.count()
    _, report = run_import("wordpress", export, "--uploads", uploads)
    assert get_image_model().objects.count() == images + 2
    assert "image: 2 created, 1 missing" in report
    hero = imported_article("101").hero_image_id
    assert imported_article("101").body[4].value["image"].pk == hero
