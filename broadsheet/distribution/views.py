from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse
from django.urls import reverse
from wagtail.models import Site

from broadsheet.core.chrome import site_chrome
from broadsheet.distribution import feeds
from broadsheet.distribution.models import SearchEngines
from broadsheet.distribution.sitemaps import SITEMAPS
from broadsheet.distribution.sources import feed_source


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
