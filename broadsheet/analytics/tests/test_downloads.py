"""Podcast downloads as the IAB podcast measurement rules count them: one per
listener and episode per 24 hours, once at least a minute of audio was asked for."""

from datetime import datetime, timedelta

import pytest

from broadsheet.analytics.rollup import download_threshold
from broadsheet.analytics.tests.conftest import PHONE, figures
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

APPLE = "AppleCoreMedia/1.0.0.22A3354 (iPhone; U; CPU OS 18_0 like Mac OS X; en_us)"


@pytest.fixture
def episode(publication):
    show = factories.make_show(publication["home"])
    return factories.make_episode(show, seconds=120)


def _audio(episode):
    return f"/podcast/audio/{episode.pk}.{episode.extension}"


def _minute(episode) -> int:
    return download_threshold(episode.audio_size, episode.duration)


def _downloads(episode, **day):
    return figures("downloads", "episode", key=str(episode.pk), **day)


def test_a_minute_of_audio_makes_a_download_and_less_does_not(clock, visit, episode):
    minute = _minute(episode)
    assert 0 < minute < episode.audio_size
    url = _audio(episode)
    # The player's probe, then most of a minute.
    assert visit(url, ua=APPLE, HTTP_RANGE="bytes=0-1").status == 206
    visit(url, ua=APPLE, HTTP_RANGE=f"bytes=2-{minute - 100}")
    assert _downloads(episode) == 0
    # The rest of the minute, a little later: now it is one.
    clock.shift(timedelta(minutes=2))
    visit(url, ua=APPLE, HTTP_RANGE=f"bytes={minute - 99}-{minute + 5000}")
    assert _downloads(episode) == 1
    assert figures("downloads") == 1


def test_one_listener_downloading_twice_within_24_hours_counts_once(
    clock, visit, episode
):
    url = _audio(episode)
    visit(url, ua=APPLE)  # the whole file
    clock.shift(timedelta(hours=3))
    visit(url, ua=APPLE)
    visit(url, ua=PHONE, ip="198.51.100.20")  # another listener
    assert _downloads(episode) == 2
    # 25 hours after the first: a new download.
    clock.shift(timedelta(hours=22))
    visit(url, ua=APPLE)
    assert _downloads(episode) == 1  # on Tuesday


def test_the_24_hours_run_past_midnight_though_the_salt_changes(clock, visit, episode):
    url = _audio(episode)
    clock.move_to("2026-03-02T23:40:00+00:00")
    visit(url, ua=APPLE)
    clock.move_to("2026-03-03T00:20:00+00:00")
    visit(url, ua=APPLE)
    assert _downloads(episode) == 0  # Tuesday: none new
    monday = datetime.fromisoformat("2026-03-02T00:00:00+00:00")
    assert figures("downloads", day=monday) == 1
