"""Invalidate reader-page validators whenever reader-visible content changes.

Core knows no app, so the models whose changes readers see are a registry:
core lists Wagtail's (pages, view restrictions, images, sites) and its own
Branding; an app registers its models in its ``AppConfig.ready()``
(``register_reader_content_model``). Any save or delete of an instance of
one of them (subclasses included) bumps ``ContentChange``.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, Site

from broadsheet.core.caching import mark_content_changed
from broadsheet.core.models import Branding

# A view restriction added or lifted (on a page or a collection), or a
# document moved, changes what readers may see: every shared copy must be
# revalidated.
_reader_content_models: list[type] = [
    Page,
    PageViewRestriction,
    CollectionViewRestriction,
    AbstractImage,
    AbstractDocument,
    Site,
    Branding,
]
_reader_content_types: tuple[type, ...] = tuple(_reader_content_models)


def register_reader_content_model(model: type) -> None:
    """Bump ``ContentChange`` on every save or delete of ``model`` (or a subclass).

    Call from an app's ``ready()`` for every model whose rows readers see
    on shared pages (directly, or through the cached chrome).
    """
    global _reader_content_types
    if model not in _reader_content_models:
        _reader_content_models.append(model)
        _reader_content_types = tuple(_reader_content_models)


def reader_content_models() -> tuple[type, ...]:
    return _reader_content_types


def _on_change(sender, instance, **kwargs):
    if isinstance(instance, _reader_content_types):
        mark_content_changed()


def register() -> None:
    post_save.connect(_on_change, dispatch_uid="broadsheet-content-saved")
    post_delete.connect(_on_change, dispatch_uid="broadsheet-content-deleted")
