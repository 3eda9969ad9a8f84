"""Turn changes to what readers see into fresh validators and page cache purges.

Core knows no app, so the models whose changes readers see are a registry:
core lists Wagtail's (pages, view restrictions, images, sites, redirects)
and its own Branding; an app registers its models in its
``AppConfig.ready()`` (``register_reader_content_model``). Any save or
delete of an instance of one of them (subclasses included):

- bumps ``ContentChange``, the validator of every reader page, and
- purges the page cache, after the commit, by the keys the model declares
  for the instance (before and after the change, so an article moved from
  one section to another leaves both), or everything if it declares none.

A page's draft being saved changes nothing a reader sees, so it purges
nothing. A page published, and a page's draft saved before that, also
queue the making of its image renditions (core/images.py), so that no
reader waits for a resize.
"""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import (
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Revision,
    Site,
)
from wagtail.signals import page_published

from broadsheet.core.caching import mark_content_changed, purge_after_commit
from broadsheet.core.models import Branding
from broadsheet.core.pagecache.keys import EVERYTHING, MISSING
from broadsheet.core.tasks import make_draft_renditions, make_page_renditions

KeysFor = Callable[[object], Iterable[str]]

# A view restriction added or lifted (on a page or a collection), or a
# document moved, changes what readers may see: every shared copy must be
# revalidated.
_reader_content_models: dict[type, KeysFor | None] = {
    Page: None,
    PageViewRestriction: None,
    CollectionViewRestriction: None,
    AbstractImage: None,
    AbstractDocument: None,
    Site: None,
    Branding: None,
    Redirect: lambda redirect: [MISSING],
}
_reader_content_types: tuple[type, ...] = tuple(_reader_content_models)

# What Wagtail writes when an editor saves a draft or locks a page: none of
# it is shown to readers.
_DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "wagtail_admin_comments",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def register_reader_content_model(model: type, keys: KeysFor | None = None) -> None:
    """Refresh reader caches on every save or delete of ``model`` (or a subclass).

    Call from an app's ``ready()`` for every model whose rows readers see
    on shared pages (directly, or through the cached chrome). ``keys(instance)``
    returns the page cache keys (``core.pagecache.keys``) that responses
    showing the instance depend on; without it a change purges everything.
    """
    global _reader_content_types
    _reader_content_models[model] = keys
    _reader_content_types = tuple(_reader_content_models)


def reader_content_models() -> tuple[type, ...]:
    return _reader_content_types


def _registration(instance) -> tuple[bool, KeysFor | None]:
    """Whether ``instance``'s model is registered, and its keys (most specific)."""
    for model in type(instance).__mro__:
        if model in _reader_content_models:
            return True, _reader_content_models[model]
    return False, None


def purge_keys_for(instance) -> frozenset[str]:
    """The keys a change to ``instance`` purges (the most specific registration)."""
    registered, keys = _registration(instance)
    if not registered:
        return frozenset()
    return frozenset({EVERYTHING} if keys is None else keys(instance))


def draft_only_save(update_fields) -> bool:
    """Whether a save writes only Wagtail's draft bookkeeping (not what readers see)."""
    return update_fields is not None and frozenset(update_fields) <= _DRAFT_FIELDS


def _declares_keys(instance) -> bool:
    return _registration(instance)[1] is not None


def _remember_previous_keys(sender, instance, update_fields=None, **kwargs):
    # What the stored row depends on, before the save replaces it.
    if instance.pk is None or not isinstance(instance, _reader_content_types):
        return
    if draft_only_save(update_fields) or not _declares_keys(instance):
        return
    previous = type(instance)._default_manager.filter(pk=instance.pk).first()
    if previous is not None:
        instance._pagecache_previous_keys = purge_keys_for(previous)


def _remember_keys_before_delete(sender, instance, **kwargs):
    # Relations (an article's tags and authors) are gone after the delete.
    if isinstance(instance, _reader_content_types):
        instance._pagecache_previous_keys = purge_keys_for(instance)


def _on_change(sender, instance, update_fields=None, **kwargs):
    if not isinstance(instance, _reader_content_types):
        return
    mark_content_changed()
    if draft_only_save(update_fields):
        return
    keys = set(getattr(instance, "_pagecache_previous_keys", ()))
    if kwargs.get("signal") is post_save:
        keys |= purge_keys_for(instance)
    instance._pagecache_previous_keys = ()
    if keys:
        # After the commit: before it, a process re-rendering the page
        # would still read the old rows.
        purge_after_commit(keys)


def _on_publish(sender, instance, **kwargs) -> None:
    # After the commit, so the worker finds the published page.
    page_id = instance.pk
    transaction.on_commit(lambda: make_page_renditions.enqueue(page_id))


def _on_revision(sender, instance, created=False, **kwargs) -> None:
    # A page's draft saved: its images' sizes made now, before publishing.
    if created and instance.base_content_type_id == _page_content_type_id():
        revision_id = instance.pk
        transaction.on_commit(lambda: make_draft_renditions.enqueue(revision_id))


def _page_content_type_id() -> int:
    return ContentType.objects.get_for_model(Page).pk


def register() -> None:
    post_save.connect(
        _on_revision, sender=Revision, dispatch_uid="broadsheet-revision-saved"
    )
    page_published.connect(_on_publish, dispatch_uid="broadsheet-page-published")
    pre_save.connect(_remember_previous_keys, dispatch_uid="broadsheet-content-saving")
    pre_delete.connect(
        _remember_keys_before_delete, dispatch_uid="broadsheet-content-deleting"
    )
    post_save.connect(_on_change, dispatch_uid="broadsheet-content-saved")
    post_delete.connect(_on_change, dispatch_uid="broadsheet-content-deleted")
