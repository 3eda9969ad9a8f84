"""The index follows publishing through the worker's task, and
``update_index`` rebuilds it with a progress bar."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from broadsheet.search.models import SearchDocument
from broadsheet.search.tests.test_search import titles
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def test_publishing_editing_unpublishing_and_restricting_change_results(
    client, archive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article = factories.make_article(
            archive["home"],
            archive["sections"][0],
            archive["authors"][:1],
            title="Wombat burrows inspire cooling design for data centres",
        )
    assert callbacks, "publishing queues the index task after the commit"
    assert titles(client, q="wombat") == [article.title]

    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Numbat colonies inspire cooling design for data centres"
        article.save_revision().publish()
    assert titles(client, q="numbat") == [article.title]
    assert titles(client, q="wombat") == []

    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert titles(client, q="numbat") == []

    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert titles(client, q="numbat") == [article.title]
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    # Checked at query time: gone before the worker has run ...
    assert titles(client, q="numbat") == []
    documents = SearchDocument.objects.filter(page_id=article.pk)
    assert documents.exists()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.save()
    # ... and out of the documents that searches count once it has.
    assert not documents.exists()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert titles(client, q="numbat") == [article.title]


def test_a_draft_save_does_not_reach_the_index(
    client, archive, django_capture_on_commit_callbacks
):
    article = archive["stories"]["transistors"]
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Platypus draft headline"
        article.save_revision()
    assert titles(client, q="platypus") == []
    assert titles(client, q="smaller transistors")


def test_renaming_an_author_reindexes_their_bylines(
    client, archive, django_capture_on_commit_callbacks
):
    author = archive["authors"][1]
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Bea Quillfeather"
        author.save()
    assert "What the quarter's earnings calls revealed" in titles(
        client, q="quillfeather"
    )


def test_deleting_an_article_removes_its_entry(
    archive, django_capture_on_commit_callbacks
):
    from wagtail.search.models import IndexEntry

    article = archive["stories"]["regulation"]
    entries = IndexEntry.objects.filter(object_id=str(article.pk))
    assert entries.exists()
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not entries.exists()


def test_update_index_shows_its_progress(archive):
    out = io.StringIO()
    call_command("update_index", stdout=out)
    text = out.getvalue()
    assert "newsroom.ArticlePage" in text
    count = len(archive["articles"]) + len(archive["stories"])
    assert f"[{'#' * 30}] {count}/{count} (100%)" in text
    # The draft and the restricted story have no search document.
    assert f"{count - 2} search documents written" in text


def test_migrating_fills_an_empty_documents_table_from_the_index(client, archive):
    SearchDocument.objects.all().delete()
    assert titles(client, q="transistors") == []
    call_command("migrate", verbosity=0)
    assert len(titles(client, q="transistors")) == 2
