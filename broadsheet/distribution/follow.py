"""The Follow page: every way to follow the publication, or one subject of it.

The article feeds are this app's own; newsletters and podcasts add theirs
through ``newsroom.extensions.register_follow_channels``.
"""

from broadsheet.distribution.sources import FeedSource
from broadsheet.newsroom.extensions import FollowChannel

FORMATS = (("rss", "RSS"), ("atom", "Atom"), ("json", "JSON Feed"))

FEEDS_TEXT = (
    "A feed brings every new article to a feed reader, the app of your choice, "
    "without an account, an algorithm or tracking. Paste one of these "
    "addresses into it. RSS and Atom work in every reader; JSON Feed in the "
    "newer ones. All three carry the same articles."
)


def feed_channel(
    source: FeedSource, base: str, heading: str, *, explain: bool
) -> FollowChannel:
    """The three feed addresses of ``source``, absolute, to copy; the first
    feeds on the page ``explain`` what a feed is."""
    return FollowChannel(
        heading=heading,
        text=FEEDS_TEXT if explain else "",
        addresses=[(label, base + source.feed_path(name)) for name, label in FORMATS],
    )


def numbered(channels: list[FollowChannel]) -> list[dict]:
    """Each channel with an id for its heading and for each address field."""
    return [
        {
            "id": f"follow-{n}",
            "channel": channel,
            "addresses": [
                (f"follow-{n}-{m}", label, url)
                for m, (label, url) in enumerate(channel.addresses, 1)
            ],
        }
        for n, channel in enumerate(channels, 1)
    ]
