"""The episode page in chromium: the audio plays, seeking asks for a byte range,
the speed control works and the platform links point where the editor said."""

from urllib.parse import urlsplit

import pytest

from broadsheet.testing import factories

pytestmark = [pytest.mark.browser]


def test_episode_plays_seeks_with_range_and_links_platforms(
    reader, live_server, live_publication
):
    show = factories.make_show(live_publication["home"])
    episode = factories.make_episode(show, seconds=20, chapters=True, transcript=True)
    page = reader
    ranges = []
    page.on(
        "request",
        lambda request: (
            ranges.append(request.headers.get("range"))
            if "/podcast/audio/" in request.url
            else None
        ),
    )
    page.goto(live_server.url + episode.url)
    links = page.eval_on_selector_all(
        "[data-platform]", "els => els.map(e => [e.dataset.platform, e.href])"
    )
    assert ["apple", "https://podcasts.apple.com/podcast/id123"] in links
    assert ["spotify", "https://open.spotify.com/show/abc"] in links
    assert ["rss", live_server.url + show.feed_path()] in links
    assert page.is_visible("[data-player-rate]")

    page.select_option("[data-player-rate]", "1.5")
    page.click("[data-seek='2.0']")  # a chapter link: seek and play
    position = 0.0
    for _ in range(50):
        page.wait_for_timeout(100)
        position = page.eval_on_selector("audio", "a => a.currentTime")
        if position > 2.3:
            break
    assert position > 2.3, "the audio did not play"
    assert page.eval_on_selector("audio", "a => a.playbackRate") == 1.5

    # Chromium fetches media with Range requests from the first byte on.
    assert any(r and r.startswith("bytes=") for r in ranges), ranges
    before = len(ranges)
    page.eval_on_selector("audio", "a => { a.currentTime = 15; }")
    for _ in range(30):
        page.wait_for_timeout(100)
        if len(ranges) > before:
            break
    if len(ranges) == before:
        # A short file may already be wholly buffered: then no request is due.
        buffered = page.eval_on_selector(
            "audio", "a => a.buffered.length ? a.buffered.end(a.buffered.length-1) : 0"
        )
        assert buffered >= 19, ranges
    else:
        assert ranges[-1].startswith("bytes="), ranges

    own = urlsplit(live_server.url).netloc
    assert all(urlsplit(url).netloc == own for url in page.requests)
    assert page.context.cookies() == []
    assert page.errors == []
    assert page.evaluate("window.__csp") == []


def test_seeking_far_into_a_long_episode_asks_for_that_byte_range(
    reader, live_server, live_publication
):
    from broadsheet.podcast.synth import tone_mp3

    show = factories.make_show(live_publication["home"], slug="long-show")
    # Ten minutes of constant-bitrate MP3: far more than chromium buffers ahead.
    long_audio = tone_mp3(3, bitrate=128) * 200
    episode = factories.make_episode(show, audio=long_audio, slug="long-episode")
    assert episode.duration >= 590
    page = reader
    starts = []

    def record(request):
        header = request.headers.get("range", "")
        if "/podcast/audio/" in request.url and header.startswith("bytes="):
            starts.append(int(header[6:].split("-")[0] or 0))

    page.on("request", record)
    page.goto(live_server.url + episode.url)
    for _ in range(50):  # wait until the browser knows the duration
        if page.eval_on_selector("audio", "a => a.readyState") >= 1:
            break
        page.wait_for_timeout(100)
    page.eval_on_selector("audio", "a => { a.currentTime = 500; }")
    for _ in range(50):
        if any(start > len(long_audio) // 2 for start in starts):
            break
        page.wait_for_timeout(100)
    assert any(start > len(long_audio) // 2 for start in starts), starts
    assert page.errors == []
