"""The site's chrome: name, tagline, logo and section navigation on every page.

It changes only when content changes, so it is cached under the current
content version (see caching.py) and costs one cache read per page instead of
several queries.
"""

from django.core.cache import caches
from django.urls import reverse
from wagtail.models import Site

from broadsheet.core.caching import last_content_change
from broadsheet.core.models import Branding

LOGO_FILTER = "height-96"


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
    from broadsheet.newsroom.selectors import navigation_sections

    branding = Branding.for_site(site) if site else Branding()
    logo = None
    if branding.logo_id:
        rendition = branding.logo.get_rendition(LOGO_FILTER)
        logo = {
            "url": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
        }
    return {
        "site_name": branding.site_name,
        "tagline": branding.tagline,
        "footer_text": branding.footer_text,
        "theme_colour": branding.theme_colour,
        "background_colour": branding.background_colour,
        "logo": logo,
        "sections": [
            {"pk": section.pk, "title": section.title, "url": section.get_url()}
            for section in navigation_sections()
        ],
        "latest_url": reverse("newsroom:latest"),
        "authors_url": reverse("newsroom:author_index"),
        "newsletters": newsletters_on_offer(),
    }


def newsletters_on_offer() -> list[dict]:
    from broadsheet.newsletter.models import Newsletter

    return [
        {
            "pk": n.pk,
            "name": n.name,
            "description": n.description,
            "is_default": n.is_default,
        }
        for n in Newsletter.objects.filter(is_active=True)
    ]
