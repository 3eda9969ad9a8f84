"""Invalidate reader-page validators whenever reader-visible content changes."""

from django.db.models.signals import post_delete, post_save
from wagtail.images.models import AbstractImage
from wagtail.models import Page, PageViewRestriction, Site


def _reader_visible_types():
    from broadsheet.core.models import Branding
    from broadsheet.newsletter.models import Issue, Newsletter
    from broadsheet.newsroom.models import Author

    # A view restriction added or lifted changes what readers may see: every
    # shared copy of the page must be revalidated.
    return (
        Page,
        PageViewRestriction,
        AbstractImage,
        Site,
        Branding,
        Author,
        Newsletter,
        Issue,
    )


def _on_change(sender, instance, **kwargs):
    if isinstance(instance, _reader_visible_types()):
        from broadsheet.core.caching import mark_content_changed

        mark_content_changed()


def register() -> None:
    post_save.connect(_on_change, dispatch_uid="broadsheet-content-saved")
    post_delete.connect(_on_change, dispatch_uid="broadsheet-content-deleted")
