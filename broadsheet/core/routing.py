"""Remember which site and page answer an address, per content version.

Wagtail finds the site for every request with a query, then walks the page
tree from the site's root to the page (the root, each child by slug, then
the specific page): four queries before a view runs, a third of a cached
article page's time. Which site serves a host, and which page an address
routes to, change only when content does, and every such change (a page
published, moved, renamed or deleted; a site edited) bumps ``ContentChange``.
So the answers are kept per process under the content version, and a
remembered address costs one query: the specific page by its id.

Wagtail reads both answers from the request when they are there
(``request._wagtail_site``, ``request._wagtail_route_for_request``), so the
middleware puts them there before the view runs and everything after it,
privacy checks included, runs as before. Only reads outside the admin and
plain routes are kept: a route with arguments (a routable page's sub-view)
is walked every time.
"""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.utils.translation import get_language
from wagtail.models import Site
from wagtail.url_routing import RouteResult

from broadsheet.core.chrome import content_version
from broadsheet.core.pagecache.paths import uncached_prefixes

KEEP_SECONDS = 24 * 60 * 60
_NO_SITE = "none"


def _site_key(request, version: str) -> str:
    # get_host() refuses a host outside ALLOWED_HOSTS (a 400), so made-up
    # hosts cannot fill the cache.
    return f"broadsheet:site:{request.get_host()}:{request.get_port()}:{version}"


def _route_key(site, request, version: str) -> str:
    # Hashed: an address may be long, and a cache key should not be.
    path = hashlib.sha1(request.path_info.encode()).hexdigest()
    return f"broadsheet:route:{site.pk}:{get_language()}:{path}:{version}"


def _site_for(request, version: str):
    # The local cache pickles: each request gets its own copy of the Site.
    site = caches["local"].get_or_set(
        _site_key(request, version),
        lambda: Site._find_for_request(request) or _NO_SITE,
        KEEP_SECONDS,
    )
    return None if site == _NO_SITE else site


def _remembered_page(site, request, version: str):
    target = caches["local"].get(_route_key(site, request, version))
    if target is None:
        return None
    content_type_id, pk = target
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return model.objects.filter(pk=pk).first() if model else None


def _remember(request, version: str) -> None:
    site = getattr(request, "_wagtail_site", None)
    route = getattr(request, "_wagtail_route_for_request", None)
    if site is None or route is None:
        return
    page, args, kwargs = route
    if args or kwargs:
        return
    caches["local"].set(
        _route_key(site, request, version),
        (page.content_type_id, page.pk),
        KEEP_SECONDS,
    )


class PageRouteMiddleware:
    """Give Wagtail the request's site and page from the per-process memory."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(
            uncached_prefixes()
        ):
            return self.get_response(request)
        version = content_version(request).isoformat()
        site = request._wagtail_site = _site_for(request, version)
        remembered = False
        if site is not None:
            page = _remembered_page(site, request, version)
            if page is not None:
                request._wagtail_route_for_request = RouteResult(page)
                remembered = True
        response = self.get_response(request)
        if not remembered:
            _remember(request, version)
        return response
