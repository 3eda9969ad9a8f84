"""Keeping the search index in step with publishing, through the worker.

A publish (or an unpublish, a move, a delete) queues ``index_articles``
once its transaction commits, so the worker reads the article with its
authors and tags saved. The task is idempotent: it writes each article's
current text into Wagtail's index, or removes the entries of those that are
gone, brings their search documents in step (documents.py), then purges the
results pages. What readers may see is checked again at query time, so an
unpublished or restricted article drops out of results at once, even
before the worker runs; the worker then corrects the counts.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django_tasks import task
from modelsearch.backends import get_search_backends

from broadsheet.core.caching import reader_content_changed
from broadsheet.core.signal_handlers import draft_only_save
from broadsheet.search import documents

CHUNK = 200


def queue(ids) -> None:
    """Reindex these articles once the current transaction commits."""
    ids = sorted({int(pk) for pk in ids})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        transaction.on_commit(lambda chunk=chunk: index_articles.enqueue(chunk))


# Ahead of other queued work (image renditions, mail): readers expect a story
# in search within seconds of its publication.
@task(priority=50)
def index_articles(ids: list[int]) -> int:
    """Write these articles' index entries; return how many exist."""
    from broadsheet.newsroom.models import ArticlePage

    articles = list(ArticlePage.get_indexed_objects().filter(pk__in=ids))
    gone = set(ids) - {article.pk for article in articles}
    for backend in get_search_backends():
        if articles:
            backend.add_bulk(ArticlePage, articles)
        for pk in gone:
            backend.delete(ArticlePage(pk=pk, id=pk))
    documents.refresh(ids)
    reader_content_changed(keys=("search",))
    return len(articles)


_paused: ContextVar[bool] = ContextVar("search_indexing_paused", default=False)


@contextmanager
def paused():
    """Queue nothing while the block runs; the caller runs ``update_index``."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def article_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or draft_only_save(update_fields) or _paused.get():
        return
    queue([instance.pk])


def article_deleted(sender, instance, **kwargs):
    if not _paused.get():
        queue([instance.pk])


def author_saved(sender, instance, raw=False, **kwargs):
    # Bylines are indexed with each article.
    if raw or _paused.get():
        return
    queue(instance.articleauthor_set.values_list("page_id", flat=True))


def restriction_changed(sender, instance, raw=False, **kwargs):
    # Articles under a newly restricted (or freed) page leave (or rejoin)
    # the documents that searches count.
    if raw or _paused.get():
        return
    from wagtail.models import Page

    from broadsheet.newsroom.models import ArticlePage

    path = Page.objects.filter(pk=instance.page_id).values_list("path", flat=True)
    if path:  # not when the restriction goes with its page
        under = ArticlePage.objects.filter(path__startswith=path[0])
        queue(under.values_list("pk", flat=True))


def section_published(sender, instance, **kwargs):
    # A section's title is indexed with each of its articles.
    if not _paused.get():
        queue(instance.articles.values_list("pk", flat=True))


def documents_after_migrate(sender, **kwargs):
    if documents.missing():
        documents.rebuild()
