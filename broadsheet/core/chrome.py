"""The site's chrome: name, tagline, logo and what apps add, on every page.

It changes only when content changes, so it is cached under the current
content version (see caching.py) and costs one cache read per page instead of
several queries.

Core knows no app, so the chrome is core's branding plus parts that apps
register in their ``AppConfig.ready()`` (``register_chrome_part``): the
newsroom adds the section navigation and its listing addresses, newsletters
the list offered in signup boxes. Parts are built in registration order
(``INSTALLED_APPS`` order) and cached with the rest, so they may query.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from wagtail.models import Site

from broadsheet.core.caching import last_content_change
from broadsheet.core.models import Branding

LOGO_FILTER = "height-96"

# Keys core fills itself; no part may take one of them.
CORE_KEYS = frozenset(
    (
        "site_name",
        "tagline",
        "footer_text",
        "theme_colour",
        "background_colour",
        "logo",
    )
)

ChromePart = Callable[[Site | None], Any]

_parts: dict[str, ChromePart] = {}


def register_chrome_part(name: str, build: ChromePart) -> None:
    """Add ``chrome[name] = build(site)``: call from an app's ``ready()``.

    ``build`` gets the request's Site (or None) and must return something
    picklable: the chrome is cached. Its value is read only when the cache
    holds no chrome for the current content version, so it may query, and
    it must depend only on content that bumps ``ContentChange``.
    """
    if name in CORE_KEYS or _parts.get(name, build) is not build:
        raise ValueError(f"The chrome part {name!r} is already taken.")
    _parts[name] = build


def chrome_parts() -> dict[str, ChromePart]:
    return dict(_parts)


def content_version(request):
    """Return when content last changed, read once per request."""
    if not hasattr(request, "content_changed_at"):
        request.content_changed_at = last_content_change()
    return request.content_changed_at


def site_base(request) -> str:
    """Return the scheme and host readers reach this site at, without a slash."""
    return request.build_absolute_uri("/").rstrip("/")


def site_chrome(request) -> dict:
    site = Site.find_for_request(request)
    site_id = site.pk if site else 0
    key = f"broadsheet:chrome:{site_id}:{content_version(request).isoformat()}"
    cache = caches["local"]
    chrome = cache.get(key)
    if chrome is None:
        chrome = build_chrome(site)
        cache.set(key, chrome, 24 * 60 * 60)
    return chrome


def build_chrome(site) -> dict:
    branding = Branding.for_site(site) if site else Branding()
    logo = None
    if branding.logo_id:
        rendition = branding.logo.get_rendition(LOGO_FILTER)
        logo = {
            "url": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
        }
    chrome = {
        "site_name": branding.site_name,
        "tagline": branding.tagline,
        "footer_text": branding.footer_text,
        "theme_colour": branding.theme_colour,
        "background_colour": branding.background_colour,
        "logo": logo,
    }
    for name, build in _parts.items():
        chrome[name] = build(site)
    return chrome
