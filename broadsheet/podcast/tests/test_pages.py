"""Show and episode pages: player, chapters, transcript, platform links, no cookies."""

import pytest

from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def show(publication):
    show = factories.make_show(publication["home"])
    factories.make_episode(show, number=1, transcript=True, chapters=True)
    return show


def test_episode_page_has_player_chapters_transcript_and_platforms(client, show):
    episode = show.episodes()[0]
    response = client.get(episode.url)
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert f'src="{episode.audio_path()}"' in html
    assert "data-player-rate" in html and "data-copy-address" in html
    assert 'data-seek="2.0"' in html and "The news" in html
    assert "Welcome to the test show." in html
    assert 'href="https://podcasts.apple.com/podcast/id123"' in html
    assert 'href="https://open.spotify.com/show/abc"' in html
    assert f'href="{show.feed_path()}"' in html
    assert "<script>" not in html and " onclick=" not in html


def test_show_page_lists_episodes(client, show):
    response = client.get(show.url)
    assert response.status_code == 200 and not response.cookies
    assert show.episodes()[0].title in response.content.decode()


def test_query_counts_are_bounded(client, show, django_assert_max_num_queries):
    for _ in range(5):
        factories.make_episode(show)
    episode = show.episodes()[0]
    for url in (show.url, episode.url):
        client.get(url)  # renditions made once
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_an_article_embeds_an_episode(client, publication, show):
    episode = show.episodes()[0]
    article = publication["articles"][0]
    article.body = [
        *article.body.raw_data,
        {"type": "episode", "value": {"episode": episode.pk}},
    ]
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert f'src="{episode.audio_path()}"' in html
