"""The show's feed parses in two independent parsers and carries Apple's and
Podcasting 2.0's tags, with lengths and durations read from the files."""

import uuid

import feedparser
import pytest
from django.conf import settings
from lxml import etree

from broadsheet.podcast.feeds import ITUNES, PODCAST
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db
NS = {"itunes": ITUNES, "podcast": PODCAST}


@pytest.fixture
def show(publication):
    show = factories.make_show(publication["home"])
    factories.make_episode(show, seconds=3, number=1, transcript=True, chapters=True)
    factories.make_episode(show, seconds=2, number=2, episode_type="bonus")
    return show


def test_feed_parses_in_feedparser_with_enclosures(client, show):
    response = client.get(show.feed_path())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "The Test Show"
    assert {"itunes", "podcast"} <= set(feed.namespaces)
    assert feed.feed.podcast_guid == str(show.podcast_guid)
    assert len(feed.entries) == 2
    for entry, episode in zip(feed.entries, show.episodes(), strict=True):
        enclosure = entry.enclosures[0]
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == episode.audio.file.size
        assert entry.itunes_duration == str(episode.duration)
        assert entry.id == f"urn:uuid:{episode.translation_key}"
        assert (
            client.get(enclosure.href.removeprefix("http://testserver")).status_code
            == 200
        )


def test_feed_has_every_required_tag_in_its_namespace(client, show):
    root = etree.fromstring(client.get(show.feed_path()).content)
    channel = root.find("channel")
    image = channel.find("itunes:image", NS).get("href")
    assert image.startswith("http://testserver/") and image.endswith(".jpg")
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "News"
    assert category.find("itunes:category", NS).get("text") == "Tech News"
    assert channel.find("itunes:explicit", NS).text == "false"
    assert channel.find("itunes:author", NS).text == "Ada Reporter"
    owner = channel.find("itunes:owner", NS)
    assert owner.find("itunes:email", NS).text == "podcast@example.com"
    assert owner.find("itunes:name", NS).text == "The Newsroom"
    assert channel.find("itunes:type", NS).text == "episodic"
    assert channel.find("language").text == "en"
    assert channel.find("copyright").text == "© Broadsheet"
    guid = uuid.UUID(channel.find("podcast:guid", NS).text)
    # UUIDv5 of the feed address without its scheme, as Podcasting 2.0 says.
    expected = uuid.uuid5(
        uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"),
        (settings.BASE_URL + show.feed_path()).split("://")[1],
    )
    assert (guid.version, guid) == (5, expected)
    locked = channel.find("podcast:locked", NS)
    assert locked.text == "yes" and locked.get("owner") == "podcast@example.com"

    first, second = channel.findall("item")
    episode = show.episodes()[0]  # newest first: the bonus episode
    assert second.find("itunes:episode", NS).text == "1"
    assert second.find("itunes:season", NS).text == "1"
    assert first.find("itunes:episodeType", NS).text == "bonus"
    assert second.find("itunes:episodeType", NS).text == "full"
    assert first.find("itunes:duration", NS).text == str(episode.duration) == "2"
    assert first.find("itunes:explicit", NS).text == "false"
    enclosure = first.find("enclosure")
    assert int(enclosure.get("length")) == episode.audio.file.size
    assert enclosure.get("type") == "audio/mpeg"
    assert first.find("guid").get("isPermaLink") == "false"

    transcript = second.find("podcast:transcript", NS)
    assert transcript.get("type") == "text/vtt"
    vtt = client.get(transcript.get("url").removeprefix("http://testserver"))
    assert vtt.content.startswith(b"WEBVTT") and b"second line" in vtt.content
    chapters = second.find("podcast:chapters", NS)
    assert chapters.get("type") == "application/json+chapters"
    data = client.get(chapters.get("url").removeprefix("http://testserver")).json()
    assert [c["title"] for c in data["chapters"]] == ["Opening", "The news"]
    assert first.find("podcast:transcript", NS) is None


def test_guid_survives_a_new_slug_and_the_feed_answers_conditional_gets(client, show):
    episode = show.episodes()[0]
    guid = f"urn:uuid:{episode.translation_key}"
    episode.slug = "a-new-slug"
    episode.save_revision().publish()
    response = client.get(show.feed_path())
    assert guid in response.content.decode()
    assert "Set-Cookie" not in response
    again = client.get(show.feed_path(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_unknown_show_feed_is_404(client, show):
    assert client.get("/podcast/no-such-show/feed.xml").status_code == 404
