"""The podcasts on the Follow page (registered in apps.py)."""

from broadsheet.core.chrome import site_base
from broadsheet.core.visibility import visible_pages
from broadsheet.newsroom.extensions import FollowChannel
from broadsheet.podcast.models import PodcastShowPage


def podcast_channels(request) -> list[FollowChannel]:
    base = site_base(request)
    return [
        FollowChannel(
            heading=f"Podcast: {show.title}",
            text="Listen in any podcast app: paste the feed address into it, "
            "or open the show to pick your platform.",
            links=[("Open the show", show.get_url(request))],
            addresses=[("Feed address for any podcast app", base + show.feed_path())],
        )
        for show in visible_pages(PodcastShowPage.objects.order_by("title"))
    ]
