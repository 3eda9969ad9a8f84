"""The one rule for what a reader may see.

A page is visible to readers when it is live, not past its expiry time, and
not behind a view restriction (password, login or group) on itself or any
ancestor. Every reader-facing surface (pages, listings, feeds, newsletters,
sitemaps, search, comments, profiles, oEmbed, Markdown, llms.txt, podcast
episodes and their audio) asks this module and nothing else.

Restricted pages are still served to the readers they are meant for, but only
by Wagtail's own privacy flow (``Page.serve`` with its restriction check),
never through a listing, feed or machine-readable copy.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction


def _restricted() -> Exists:
    # A restriction on a page covers it and its descendants, whose tree paths
    # all start with the restricted page's path. One correlated subquery on a
    # tiny table, so a listing costs no extra query (Wagtail's own .public()
    # reads every restriction first).
    return Exists(
        PageViewRestriction.objects.annotate(prefix=Length("page__path")).filter(
            page__path=Substr(OuterRef("path"), 1, "prefix")
        )
    )


def visible_q(prefix: str = "") -> Q:
    """Return the condition on a page's own fields (no restriction check)."""
    now = timezone.now()
    return Q(**{f"{prefix}live": True}) & (
        Q(**{f"{prefix}expire_at__isnull": True}) | Q(**{f"{prefix}expire_at__gt": now})
    )


def visible_pages(pages: QuerySet) -> QuerySet:
    """Return the pages of ``pages`` that a reader may see."""
    return pages.filter(visible_q()).exclude(_restricted())


def visible_page_ids(model=Page) -> QuerySet:
    """Return a subquery of the ids of ``model`` pages a reader may see.

    For rows that belong to a page (comments, episodes' audio, tags):
    ``Comment.objects.filter(article__in=visible_page_ids(ArticlePage))``.
    """
    return visible_pages(model.objects.all()).values("pk")


def published_pages(pages: QuerySet) -> QuerySet:
    """Return the live, unexpired pages of ``pages``, restricted ones included.

    Only for what Wagtail's privacy flow serves to a reader who passed a
    restriction (a members-only show listing its episodes); every shared
    surface uses ``visible_pages``.
    """
    return pages.filter(visible_q())


def page_is_published(page) -> bool:
    """Return whether this page is live and not past its expiry time."""
    if page is None or not page.live:
        return False
    return page.expire_at is None or page.expire_at > timezone.now()


def page_is_visible(page) -> bool:
    """Return whether a reader may see this page instance."""
    if not page_is_published(page):
        return False
    step = page.steplen
    own_and_ancestors = [
        page.path[:end] for end in range(step, len(page.path) + 1, step)
    ]
    return not PageViewRestriction.objects.filter(
        page__path__in=own_and_ancestors
    ).exists()
