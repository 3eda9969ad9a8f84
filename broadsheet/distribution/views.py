from django.conf import settings

from broadsheet.core.chrome import site_chrome
from broadsheet.distribution import feeds
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
