"""The show's RSS feed: RSS 2.0 with Apple's itunes: and Podcasting 2.0 tags."""

from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.rich_text import expand_db_html

from broadsheet.core.visibility import visible_pages
from broadsheet.podcast import categories
from broadsheet.podcast.models import PodcastShowPage, guid_for_feed

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ARTWORK_FILTER = "fill-1400x1400|format-jpeg"


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


class PodcastRss(Rss201rev2Feed):
    content_type = "application/rss+xml; charset=utf-8"

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:itunes": ITUNES,
            "xmlns:podcast": PODCAST,
            "xmlns:content": CONTENT,
        }

    def absolute(self, path: str) -> str:
        # Django makes the links absolute; the extras get the same origin.
        return urljoin(self.feed["link"], path)

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        feed = self.feed
        artwork = self.absolute(feed["artwork"])
        handler.addQuickElement("itunes:image", "", {"href": artwork})
        handler.startElement(
            "image", {}
        )  # RSS 2.0's own image, for readers that ignore itunes:image
        handler.addQuickElement("url", artwork)
        handler.addQuickElement("title", feed["title"])
        handler.addQuickElement("link", feed["link"])
        handler.endElement("image")
        for value in feed["categories_apple"]:
            main, sub = categories.split(value)
            handler.startElement("itunes:category", {"text": main})
            if sub:
                handler.addQuickElement("itunes:category", "", {"text": sub})
            handler.endElement("itunes:category")
        handler.addQuickElement("itunes:explicit", _yes_no(feed["explicit"]))
        handler.addQuickElement("itunes:author", feed["itunes_author"])
        handler.addQuickElement("itunes:summary", feed["description"])
        handler.startElement("itunes:owner", {})
        handler.addQuickElement("itunes:name", feed["owner_name"])
        handler.addQuickElement("itunes:email", feed["owner_email"])
        handler.endElement("itunes:owner")
        handler.addQuickElement("itunes:type", feed["show_type"])
        handler.addQuickElement("podcast:guid", feed["podcast_guid"])
        handler.addQuickElement(
            "podcast:locked",
            "yes" if feed["locked"] else "no",
            {"owner": feed["owner_email"]},
        )

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["notes_html"])
        handler.addQuickElement("itunes:duration", str(item["duration"]))
        handler.addQuickElement("itunes:episodeType", item["episode_type"])
        if item["number"] is not None:
            handler.addQuickElement("itunes:episode", str(item["number"]))
        if item["season"] is not None:
            handler.addQuickElement("itunes:season", str(item["season"]))
        handler.addQuickElement("itunes:explicit", _yes_no(item["explicit"]))
        handler.addQuickElement("itunes:summary", item["description"])
        if item["transcript_url"]:
            handler.addQuickElement(
                "podcast:transcript",
                "",
                {"url": self.absolute(item["transcript_url"]), "type": "text/vtt"},
            )
        if item["chapters_url"]:
            handler.addQuickElement(
                "podcast:chapters",
                "",
                {
                    "url": self.absolute(item["chapters_url"]),
                    "type": "application/json+chapters",
                },
            )


class ShowFeed(Feed):
    """A show's feed; every episode's GUID is its page's translation key."""

    feed_type = PodcastRss

    def get_object(self, request, slug):
        return get_object_or_404(
            visible_pages(PodcastShowPage.objects.select_related("artwork")), slug=slug
        )

    def title(self, show):
        return show.title

    def link(self, show):
        return show.url

    def description(self, show):
        return show.description

    def feed_url(self, show):
        return show.feed_path()

    def feed_copyright(self, show):
        return show.copyright or None

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj.language  # Feed.language cannot be per object
        return feed

    def items(self, show):
        return show.episodes()

    def item_title(self, episode):
        return episode.title

    def item_description(self, episode):
        return episode.summary

    def item_link(self, episode):
        return episode.url

    def item_guid(self, episode):
        return f"urn:uuid:{episode.translation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, episode):
        return episode.release_date

    def item_enclosure_url(self, episode):
        return episode.audio_path()

    def item_enclosure_length(self, episode):
        return episode.audio_size

    def item_enclosure_mime_type(self, episode):
        return episode.audio_type

    def feed_extra_kwargs(self, show):
        artwork = show.artwork.get_rendition(ARTWORK_FILTER)
        return {
            "artwork": artwork.url,
            "categories_apple": [c for c in (show.category, show.second_category) if c],
            "explicit": show.explicit,
            "itunes_author": show.author_name,
            "owner_name": show.owner_name,
            "owner_email": show.owner_email,
            "show_type": show.show_type,
            # The translation key is a UUID fixed at creation: it survives a
            # new slug, a new domain or a move to another host.
            "podcast_guid": str(
                show.podcast_guid or guid_for_feed(settings.BASE_URL + show.feed_path())
            ),
            "locked": show.feed_locked,
        }

    def item_extra_kwargs(self, episode):
        return {
            "notes_html": expand_db_html(
                episode.show_notes or f"<p>{episode.summary}</p>"
            ),
            "duration": episode.duration,
            "episode_type": episode.episode_type,
            "number": episode.number,
            "season": episode.season,
            "explicit": episode.explicit,
            "transcript_url": episode.transcript_path()
            if episode.transcript_cues
            else None,
            "chapters_url": episode.chapters_path() if episode.chapter_list else None,
        }
