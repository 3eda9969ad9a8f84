"""The installable app: manifest, icons, service worker, offline and saved pages."""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from wagtail.models import Site

import broadsheet
from broadsheet.core import scripts
from broadsheet.core.chrome import content_version, site_chrome
from broadsheet.core.models import Branding
from broadsheet.pwa.icons import ICON_SIZES, MASKABLE_SIZE, render_icon

# Files the service worker stores on install, so the app opens offline:
# every module of the reader script, not only its entry.
SHELL_STATIC = (
    "css/broadsheet.css",
    scripts.ENTRY,
    *scripts.MODULES,
    "img/favicon.svg",
)


def app_version() -> str:
    """Change whenever the code or its static files change (hashed names do)."""
    parts = [broadsheet.__version__, *(static(path) for path in SHELL_STATIC)]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def short_name(name: str, limit: int = 12) -> str:
    """Shorten a site name for home screens: whole words, no leading "The"."""
    words = name.removeprefix("The ").split()
    short = ""
    for word in words:
        candidate = f"{short} {word}".strip()
        if len(candidate) > limit:
            break
        short = candidate
    return short or name[:limit]


def _branding(request) -> Branding:
    site = Site.find_for_request(request)
    return Branding.for_site(site) if site else Branding()


def manifest(request):
    chrome = site_chrome(request)
    icons = [
        {
            "src": reverse("pwa:icon", args=[size]),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in ICON_SIZES
    ]
    icons.append(
        {
            "src": reverse("pwa:maskable_icon"),
            "sizes": f"{MASKABLE_SIZE}x{MASKABLE_SIZE}",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    data = {
        "id": "/",
        "name": chrome["site_name"],
        "short_name": short_name(chrome["site_name"]),
        "description": chrome["tagline"],
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": chrome["theme_colour"],
        "background_color": chrome["background_colour"],
        "icons": icons,
        "shortcuts": [
            {"name": "Latest", "url": reverse("newsroom:latest"), "icons": [icons[1]]},
            {"name": "Saved", "url": reverse("pwa:saved"), "icons": [icons[1]]},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


def icon(request, size: int | None = None, maskable: bool = False):
    size = MASKABLE_SIZE if maskable else size
    if size not in ICON_SIZES and not maskable:
        raise Http404("No icon of that size.")
    key = f"broadsheet:icon:{size}:{maskable}:{content_version(request).isoformat()}"
    png = cache.get(key)
    if png is None:
        branding = _branding(request)
        logo_file = None
        if branding.logo_id:
            logo_file = branding.logo.file
            logo_file.open("rb")
        try:
            png = render_icon(
                logo_file,
                size=size,
                maskable=maskable,
                background=branding.theme_colour,
                name=branding.site_name,
            )
        finally:
            if logo_file is not None:
                logo_file.close()
        cache.set(key, png, 24 * 60 * 60)
    return HttpResponse(png, content_type="image/png")


def service_worker(request):
    precache = [
        reverse("pwa:offline"),
        reverse("pwa:saved"),
        reverse("pwa:icon", args=[192]),
        *(static(path) for path in SHELL_STATIC),
    ]
    context = {
        "version": app_version(),
        "precache_json": json.dumps(precache),
        "max_pages": settings.OFFLINE_MAX_PAGES,
    }
    response = render(request, "pwa/sw.js", context, content_type="text/javascript")
    # Browsers must always revalidate the worker to pick up a new version.
    response["Cache-Control"] = "no-cache"
    return response


def offline(request):
    return render(request, "pwa/offline.html")


def saved(request):
    return render(request, "pwa/saved.html")
