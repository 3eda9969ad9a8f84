"""HTTP caching for anonymous reader pages.

Every reader page shares one validator: the time of the last content change
(``ContentChange``) plus the code version. A conditional GET whose ETag or
date still matches is answered 304 before any view runs.
"""

import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

import broadsheet
from broadsheet.core.models import ContentChange

_MARKER_ID = 1
# Paths whose responses are personal or handled elsewhere.
# Podcast audio has its own validators (the file's ETag) and Range handling.
_EXCLUDED_PREFIXES = (
    "/admin/",
    "/media/",
    "/static/",
    "/podcast/audio/",
)


def mark_content_changed() -> None:
    """Record that something readers see has changed, invalidating every validator."""
    ContentChange.objects.update_or_create(
        pk=_MARKER_ID, defaults={"changed_at": timezone.now()}
    )


def last_content_change():
    marker = ContentChange.objects.filter(pk=_MARKER_ID).first()
    if marker is None:
        mark_content_changed()
        return last_content_change()
    return marker.changed_at


def is_anonymous_read(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(_EXCLUDED_PREFIXES):
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
        if not is_anonymous_read(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not response.has_header(
                "Cache-Control"
            ):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        request.content_changed_at = last_content_change()
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
