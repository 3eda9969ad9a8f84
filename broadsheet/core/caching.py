"""HTTP caching for anonymous reader pages.

Every reader page shares one validator: the time of the last content change
(``ContentChange``) plus the code version. A conditional GET whose ETag or
date still matches is answered 304 before any view runs.

Pages behind a view restriction (password, login, groups) are never shared:
the same query that reads the validator asks whether the path lies under a
restricted page, and if so there is no early 304 and the response (the
password or login form, or the page itself) is ``private, no-store``. Someone
who passed a restriction carries a session, so their pages are private anyway
and Wagtail's privacy flow marks them ``no-store`` too.
"""

import hashlib
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Value
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date
from wagtail.models import PageViewRestriction

import broadsheet
from broadsheet.core.models import ContentChange
from broadsheet.core.pagecache import coherence
from broadsheet.core.pagecache.keys import (
    EVERYTHING,
    KEYS_ENVIRON,
    ROUTE_ENVIRON,
    collecting,
)
from broadsheet.core.pagecache.paths import uncached_prefixes

_MARKER_ID = 1
_ONE_TICK = timedelta(microseconds=1)


class _Batch(threading.local):
    active = False
    changed = False
    keys: set

    def __init__(self):
        self.keys = set()


_batch = _Batch()


@contextmanager
def content_changes_batched():
    """Coalesce the content changes of a bulk job (an import of thousands).

    Inside the block each change only notes itself; ``flush()`` (yielded,
    and called at the end) records one change and purges the union of the
    keys. Call it between units of work, outside their transactions, so
    readers see the work as it lands, a few seconds late at most.
    """
    _batch.active = True
    try:
        yield flush_content_changes
    finally:
        _batch.active = False
        flush_content_changes()


def flush_content_changes() -> None:
    changed, keys = _batch.changed, frozenset(_batch.keys)
    _batch.changed, _batch.keys = False, set()
    if changed or keys:
        _mark()
    if keys:
        coherence.purge(keys)


def purge_after_commit(keys) -> None:
    """Purge ``keys`` from the page caches once the transaction commits."""
    if _batch.active:
        _batch.keys |= set(keys)
        return
    transaction.on_commit(lambda: coherence.purge(keys), robust=True)


def mark_content_changed() -> None:
    """Record that something readers see has changed, invalidating every validator.

    The new mark is always later than the last one, even when the clock
    stands still (a frozen test clock) or steps back (a time server's
    correction): validators and every cache keyed by the content version
    must change with each change.
    """
    if _batch.active:
        _batch.changed = True
        return
    _mark()


def _mark() -> None:
    with transaction.atomic():
        marker = ContentChange.objects.select_for_update().filter(pk=_MARKER_ID).first()
        now = timezone.now()
        if marker is None:
            ContentChange.objects.create(pk=_MARKER_ID, changed_at=now)
            return
        marker.changed_at = max(now, marker.changed_at + _ONE_TICK)
        marker.save(update_fields=["changed_at"])


def reader_content_changed(keys=(EVERYTHING,)) -> None:
    """Once the current transaction commits: new validators, and purge ``keys``.

    For changes no model signal announces (``update()`` calls, a comment's
    status); saves of registered models do this by themselves
    (``core.signal_handlers``). Before the commit, a process re-rendering
    the page would still read the old rows.
    """
    keys = frozenset(keys)
    if _batch.active:
        _batch.changed = True
        _batch.keys |= keys
        return

    def changed():
        _mark()
        coherence.purge(keys)

    transaction.on_commit(changed, robust=True)


def last_content_change():
    marker = ContentChange.objects.filter(pk=_MARKER_ID).first()
    if marker is None:
        _mark()
        return last_content_change()
    return marker.changed_at


def _path_prefixes(path: str) -> list[str]:
    """Return "/" and every folder-like prefix of ``path``: /a/b -> /, /a/, /a/b/."""
    parts = [part for part in path.split("/") if part]
    return ["/"] + [f"/{'/'.join(parts[:end])}/" for end in range(1, len(parts) + 1)]


def _restricted(path: str) -> Exists:
    # A page's address is its url_path without the site root's own segment
    # ("/home/news/story/" is served at "/news/story/"; "/home/" at "/"). A
    # restriction covers its page and everything below it, so the request is
    # restricted when one restricted page's address is a prefix of its path.
    # Site roots are children of Wagtail's root (HomePage may only go there),
    # so the root's segment is always the first one. Every site is treated
    # alike: a restriction on one site's /news/ makes /news/ private on all
    # of them, the safe side of the mistake.
    url_path = "page__url_path"
    address = Substr(url_path, StrIndex(Substr(url_path, 2), Value("/")) + 1)
    return Exists(
        PageViewRestriction.objects.annotate(address=address).filter(
            address__in=_path_prefixes(path)
        )
    )


def reader_state(path: str):
    """Return (last content change, whether ``path`` is restricted), one query."""
    row = (
        ContentChange.objects.filter(pk=_MARKER_ID)
        .annotate(restricted=_restricted(path))
        .values_list("changed_at", "restricted")
        .first()
    )
    if row is None:
        _mark()
        return reader_state(path)
    return row


def is_anonymous_read(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(uncached_prefixes()):
        return False
    # Logged-in people carry a session; their pages are never shared.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def validators_for(changed_at) -> tuple[str, int]:
    # The ETag sees microseconds, so two changes within one second still
    # differ; Last-Modified can only carry whole seconds.
    version = f"{changed_at.isoformat()}:{broadsheet.__version__}"
    digest = hashlib.sha1(version.encode()).hexdigest()
    return f'"{digest[:20]}"', int(changed_at.timestamp())


class ReaderCacheMiddleware:
    """Make anonymous reader pages cacheable and answer conditional GETs cheaply."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # What the response depends on, for the page cache around Django
        # (core.pagecache.wsgi reads it from the WSGI environ, which is
        # request.META) and, as Surrogate-Key, for a CDN in front.
        with collecting() as keys:
            response = self.respond(request)
        if keys:
            request.META[KEYS_ENVIRON] = frozenset(keys)
            if "public" in response.get("Cache-Control", ""):
                response["Surrogate-Key"] = " ".join(sorted(keys))
        match = request.resolver_match
        if match is not None and ROUTE_ENVIRON not in request.META:
            request.META[ROUTE_ENVIRON] = match.url_name or match.view_name or "other"
        return response

    def respond(self, request):
        if not is_anonymous_read(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not response.has_header(
                "Cache-Control"
            ):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        request.content_changed_at, restricted = reader_state(request.path)
        if restricted:
            return self.never_shared(self.get_response(request))
        etag, last_modified = validators_for(request.content_changed_at)
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=last_modified
        )
        if not_modified is not None:
            self.add_validators(not_modified, etag, last_modified)
            return not_modified

        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if response.cookies:
            # A page that hands out a cookie (a form's token) is this
            # reader's alone: no shared cache may keep it.
            patch_cache_control(response, private=True, no_cache=True)
        elif response.status_code == 200:
            self.add_validators(response, etag, last_modified)
        elif response.status_code in (301, 404, 410):
            # A publication may fix a "not found" any time: browsers and
            # CDNs keep none of these, only the page cache, which a
            # publication purges (core.pagecache).
            response["Cache-Control"] = "public, max-age=0"
            patch_vary_headers(response, ["Cookie"])
        return response

    @staticmethod
    def never_shared(response):
        """Mark a restricted page's response for this reader only, never stored."""
        for header in ("ETag", "Last-Modified"):
            if response.has_header(header):
                del response[header]
        # Replaces "public" if a view set it; Wagtail's own privacy flow
        # already says "private, no-store" (and more), which stays.
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    @staticmethod
    def add_validators(response, etag: str, last_modified: int) -> None:
        max_age = settings.READER_CACHE_MAX_AGE
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = (
            f"public, max-age={max_age}, stale-while-revalidate={max_age * 5}"
        )
        # A shared cache must not hand this page to someone who is logged in.
        patch_vary_headers(response, ["Cookie"])
