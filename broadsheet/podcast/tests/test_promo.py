"""The podcast's box on article pages and the home page: the show, its latest
episode and "pick your platform" links, set in the admin, absent without a
show."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from broadsheet.podcast.models import PodcastPromo
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def promo(html: str) -> str | None:
    start = html.find('<aside class="podcast-promo"')
    return None if start < 0 else html[start : html.index("</aside>", start)]


@pytest.fixture
def show(publication):
    show = factories.make_show(publication["home"])
    factories.make_episode(show, title="An older one", number=1)
    factories.make_episode(
        show,
        title="Chips, explained",
        number=2,
        release_date=timezone.now() - timedelta(minutes=5),
    )
    return show


def test_articles_and_the_home_page_promote_the_latest_episode(
    client, publication, show
):
    for url in (publication["articles"][0].url, "/"):
        box = promo(client.get(url).content.decode())
        assert box is not None, url
        assert f'<a href="{show.url}">The Test Show</a>' in box
        assert ">Chips, explained</a>" in box and "An older one" not in box
        assert 'href="https://podcasts.apple.com/podcast/id123"' in box
        assert ">Spotify</a>" in box
        assert f'href="{show.feed_path()}"' in box  # and the feed


def test_no_show_no_box_and_a_draft_show_is_no_show(client, publication):
    assert promo(client.get("/").content.decode()) is None
    show = factories.make_show(publication["home"])
    assert promo(client.get("/").content.decode()) is not None
    show.unpublish()
    assert promo(client.get("/").content.decode()) is None


def test_the_admin_chooses_the_show_and_where_it_appears(client, publication, show):
    other = factories.make_show(
        publication["home"], slug="second-show", title="Second Show"
    )
    settings = PodcastPromo.for_site(Site.objects.get(is_default_site=True))
    assert "Second Show" in promo(client.get("/").content.decode())  # the newest
    settings.show = show
    settings.on_home = False
    settings.save()
    assert promo(client.get("/").content.decode()) is None
    box = promo(client.get(publication["articles"][0].url).content.decode())
    assert "The Test Show" in box and other.title not in box
    settings.on_articles = False
    settings.save()
    assert promo(client.get(publication["articles"][0].url).content.decode()) is None


def test_an_episode_shows_up_when_its_release_time_comes(client, publication, show):
    now = timezone.now()
    factories.make_episode(
        show, title="Tomorrow's episode", release_date=now + timedelta(days=1)
    )
    assert "Tomorrow" not in promo(client.get("/").content.decode())
    with time_machine.travel(now + timedelta(days=1, minutes=1)):
        assert "Tomorrow&#x27;s episode" in promo(client.get("/").content.decode())


def test_the_box_costs_no_query_once_built(client, publication, show):
    url = publication["articles"][0].url
    client.get(url)
    with CaptureQueriesContext(connection) as with_box:
        client.get(url)
    settings = PodcastPromo.for_site(Site.objects.get(is_default_site=True))
    settings.on_articles = False
    settings.save()
    client.get(url)
    with CaptureQueriesContext(connection) as without_box:
        client.get(url)
    assert len(with_box) == len(without_box)


def test_only_the_promoted_shows_next_episode_ends_the_kept_box(publication, show):
    from broadsheet.podcast.promo import build_promo, next_release

    site = Site.objects.get(is_default_site=True)
    PodcastPromo.objects.create(site=site, show=show)
    now = timezone.now()
    other = factories.make_show(publication["home"], slug="other-show", title="Other")
    factories.make_episode(
        other, title="Soon elsewhere", number=1, release_date=now + timedelta(hours=1)
    )
    promo = build_promo(site, now)
    assert promo["title"] == "The Test Show"
    assert next_release(promo, now) is None
    soon = now + timedelta(hours=2)
    factories.make_episode(show, title="Soon here", number=3, release_date=soon)
    assert next_release(promo, now) == soon
