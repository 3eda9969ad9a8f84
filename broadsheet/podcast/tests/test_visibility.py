"""A show lists, and its feed carries, only episodes every reader may see."""

import datetime

import pytest
import time_machine
from wagtail.models import PageViewRestriction

from broadsheet.podcast.models import EpisodeArticle
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def show(frozen, publication):
    return factories.make_show(publication["home"])


def _episode(show, title, slug):
    return factories.make_episode(
        show, title=title, slug=slug, release_date=NOW - datetime.timedelta(hours=1)
    )


@pytest.mark.parametrize("hidden_kind", ["password", "login", "draft"])
def test_hidden_episodes_are_not_listed_nor_in_the_feed(client, show, hidden_kind):
    _episode(show, "Visible episode title", "visible-episode")
    hidden = _episode(show, "Hidden episode title", "hidden-episode")
    if hidden_kind == "draft":
        hidden.unpublish()
    else:
        PageViewRestriction.objects.create(
            page=hidden,
            restriction_type=getattr(PageViewRestriction, hidden_kind.upper()),
            password="secret",
        )
    for url in (show.url, show.feed_path()):
        text = client.get(url).content.decode()
        assert "Visible episode title" in text, url
        assert "Hidden episode title" not in text, url
        assert "hidden-episode" not in text, url


def test_an_episode_links_only_to_visible_articles(client, show, publication):
    episode = _episode(show, "Episode with links", "linked-episode")
    shown, hidden = publication["articles"][:2]
    for position, article in enumerate((shown, hidden)):
        EpisodeArticle.objects.create(
            episode=episode, article=article, sort_order=position
        )
    PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.LOGIN
    )
    text = client.get(episode.url).content.decode()
    assert shown.title in text
    assert hidden.title not in text


@pytest.mark.parametrize("hidden_kind", ["login", "draft"])
def test_an_article_does_not_embed_a_hidden_episode(
    client, show, publication, hidden_kind, django_capture_on_commit_callbacks
):
    episode = _episode(show, "Embedded episode title", "embedded-episode")
    article = publication["articles"][0]
    article.body = [
        *article.body.raw_data,
        {"type": "episode", "value": {"episode": episode.pk}},
    ]
    article.save_revision().publish()
    assert episode.audio_path() in client.get(article.url).content.decode()
    # The article's HTML is kept until content changes: as after a real
    # request, the change is announced when its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        if hidden_kind == "draft":
            episode.unpublish()
        else:
            PageViewRestriction.objects.create(
                page=episode, restriction_type=PageViewRestriction.LOGIN
            )
    html = client.get(article.url).content.decode()
    assert article.title in html
    assert "Embedded episode title" not in html
    assert episode.audio_path() not in html
