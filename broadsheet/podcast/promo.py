"""The podcast's box on article pages and the home page ("pick your platform").

What it shows (the show, its latest episode, its platforms) changes only
when content changes or when an episode's release time comes, so it is
built once per content version and kept until the next release, in the
process's local cache: a render costs no query for it.
"""

from datetime import datetime

from django.core.cache import caches
from django.utils import timezone
from wagtail.models import Site

from broadsheet.core.chrome import content_version
from broadsheet.core.visibility import visible_pages
from broadsheet.podcast.models import EpisodePage, PodcastPromo, PodcastShowPage

_KEEP_SECONDS = 24 * 60 * 60


def add_to_article(page, request, context: dict) -> None:
    promo = podcast_promo(request)
    context["podcast_promo"] = promo if promo and promo["on_articles"] else None


def add_to_front_page(page, request, context: dict) -> None:
    promo = podcast_promo(request)
    context["podcast_promo"] = promo if promo and promo["on_home"] else None


def podcast_promo(request) -> dict | None:
    site = Site.find_for_request(request)
    if site is None:
        return None
    now = timezone.now()
    key = f"broadsheet:podcast-promo:{site.pk}:{content_version(request).isoformat()}"
    cache = caches["local"]
    kept = cache.get(key)
    if kept is None or (kept["until"] is not None and now >= kept["until"]):
        promo = build_promo(site, now)
        kept = {"promo": promo, "until": promo and next_release(promo, now)}
        cache.set(key, kept, _KEEP_SECONDS)
    return kept["promo"]


def build_promo(site, now: datetime) -> dict | None:
    """The chosen show (or the newest), its latest released episode and its
    platform links, as plain data; None when there is no show to promote."""
    # Not for_site(): it saves a default row on first use, and a save of the
    # setting is a content change that would start this all over again.
    settings = PodcastPromo.objects.filter(site=site).first() or PodcastPromo()
    if not (settings.on_articles or settings.on_home):
        return None
    shows = visible_pages(PodcastShowPage.objects.all())
    show = (
        shows.filter(pk=settings.show_id).first()
        if settings.show_id
        else shows.order_by("-first_published_at").first()
    )
    if show is None:
        return None
    latest = (
        visible_pages(EpisodePage.objects.child_of(show))
        .filter(release_date__lte=now)
        .order_by("-release_date")
        .first()
    )
    return {
        "show_path": show.path,
        "on_articles": settings.on_articles,
        "on_home": settings.on_home,
        "title": show.title,
        "url": show.get_url(),
        "feed_path": show.feed_path(),
        "episode": latest
        and {
            "title": latest.title,
            "url": latest.get_url(),
            "duration": latest.duration_clock,
        },
        "platforms": [
            (link.get_platform_display(), link.url, link.platform)
            for link in show.platform_links.all()
        ],
    }


def next_release(promo: dict, now: datetime) -> datetime | None:
    """When the promoted show's next episode comes out, if one is waiting:
    the promo is rebuilt then, though no content changed."""
    episodes = EpisodePage.objects.filter(
        path__startswith=promo["show_path"], release_date__gt=now
    )
    return (
        visible_pages(episodes)
        .order_by("release_date")
        .values_list("release_date", flat=True)
        .first()
    )
