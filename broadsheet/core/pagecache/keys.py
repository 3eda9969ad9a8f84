"""Dependency keys: what a cached response depends on, and what a change purges.

While Django renders a reader response, code that reads something into it
calls ``depends_on("page:12", "section-list:3")``. The keys are collected for
the current request (``collecting``) and stored with the response. A change
purges by key (``coherence.purge``); every response holding one of the
purged keys goes stale.

The vocabulary (apps may add their own):

- ``page:<id>``          a page's own content (its headline, body, card, thread)
- ``articles``           the site-wide list of articles (home, latest, feeds)
- ``section-list:<id>``  which articles belong to a section
- ``tag-list:<id>``      which articles carry a tag
- ``author-list:<id>``   which articles an author wrote
- ``month-list:<y-m>``   which articles were first published in a month
- ``missing``            "not found" answers, which a publication may fix
- ``*``                  everything (a setting, the navigation, the branding)

A response that declares no key depends on everything: any purge reaches it.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

EVERYTHING = "*"
MISSING = "missing"
ARTICLES = "articles"

# Where the Django side leaves a response's keys and route name for the
# layer around it: the WSGI environ, which Django exposes as request.META.
KEYS_ENVIRON = "broadsheet.pagecache.keys"
ROUTE_ENVIRON = "broadsheet.pagecache.route"

_collected: ContextVar[set[str] | None] = ContextVar("pagecache_keys", default=None)


def page_key(pk) -> str:
    return f"page:{pk}"


def depends_on(*keys: str) -> None:
    """Record that the response being rendered depends on ``keys``."""
    collected = _collected.get()
    if collected is not None:
        collected.update(keys)


def depends_on_pages(pks: Iterable) -> None:
    collected = _collected.get()
    if collected is not None:
        collected.update(page_key(pk) for pk in pks)


@contextmanager
def collecting():
    """Collect the keys recorded while the block runs into the yielded set."""
    keys: set[str] = set()
    token = _collected.set(keys)
    try:
        yield keys
    finally:
        _collected.reset(token)
