from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from wagtail.models import Site

from broadsheet.core.chrome import site_chrome
from broadsheet.distribution import cards, feeds
from broadsheet.distribution.models import SearchEngines
from broadsheet.distribution.sitemaps import SITEMAPS
from broadsheet.distribution.sources import feed_source
from broadsheet.newsroom.models import ArticlePage


def site_base(request) -> str:
    """Return the scheme and host readers reach this site at, without a slash."""
    return request.build_absolute_uri("/").rstrip("/")


def feed(request, format_name: str, kind: str = "site", slug: str = ""):
    chrome = site_chrome(request)
    source = feed_source(
        kind, slug, site_name=chrome["site_name"], tagline=chrome["tagline"]
    )
    base = site_base(request)
    entries = feeds.entries_for(source, base)
    language = settings.LANGUAGE_CODE.split("-")[0]
    return feeds.RENDERERS[format_name](
        source, entries, base, base + source.feed_path(format_name), language
    )


def robots_txt(request):
    site = Site.find_for_request(request)
    rules = SearchEngines.for_site(site) if site else SearchEngines()
    lines = ["User-agent: *"]
    if rules.hide_from_search_engines:
        lines.append("Disallow: /")
    else:
        lines += [
            "Disallow: /admin/",
            "Disallow: /django-admin/",
            "Disallow: /csrf/",
            "Disallow: /saved/",
            "Disallow: /offline/",
        ]
    if rules.robots_rules.strip():
        lines += ["", *(line.strip() for line in rules.robots_rules.splitlines())]
    lines += [
        "",
        f"Sitemap: {site_base(request)}{reverse('distribution:sitemap_index')}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


def sitemap_index(request):
    return sitemap_views.index(
        request, SITEMAPS, sitemap_url_name="distribution:sitemap"
    )


def sitemap(request, section: str):
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    template = "distribution/news_sitemap.xml" if section == "news" else "sitemap.xml"
    return sitemap_views.sitemap(
        request, {section: SITEMAPS[section]}, section=section, template_name=template
    )


def social_card(request, pk: int):
    """Serve the article's generated social card, drawing it the first time."""
    article = get_object_or_404(
        ArticlePage.objects.live().public().select_related("hero_image"), pk=pk
    )
    chrome = site_chrome(request)
    name = cards.ensure_card(article, chrome["site_name"], chrome["theme_colour"])
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
