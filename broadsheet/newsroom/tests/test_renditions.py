"""Publishing (and saving a draft before it) makes the image renditions
readers will see, in the background, so that no reader's request waits for
a resize."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.core import images
from broadsheet.core.tasks import make_draft_renditions, make_page_renditions
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def renditions_made(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("INSERT")
        and "wagtailimages_rendition" in query["sql"]
    ]


def test_publishing_makes_every_rendition_its_readers_see(
    client, publication, django_capture_on_commit_callbacks
):
    section = publication["sections"][0]
    urls = ["/", section.url, "/feed.xml", publication["articles"][0].url]
    for url in urls:  # what was there before (logo, avatars) is made now
        client.get(url)

    hero = factories.make_image("Fresh hero", size=(1600, 900))
    figure = factories.make_image("Fresh figure", size=(1500, 1000))
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.make_article(
            publication["home"], section, publication["authors"][:1], image=hero
        )
        article.body.append(("image", {"image": figure, "alt": "A chart"}))
        article.save_revision().publish()

    made = set(hero.renditions.values_list("filter_spec", flat=True))
    assert {
        "fill-1600x900|format-webp",  # the article's own hero
        "fill-1280x720|format-webp",  # the front page's lead
        "fill-400x225|format-webp",  # a listing's card
        "fill-1200x675|format-jpeg",  # the feed
    } <= made
    assert "fill-1360x907|format-webp" in set(
        figure.renditions.values_list("filter_spec", flat=True)
    )
    for url in [*urls, article.url]:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        assert renditions_made(context.captured_queries) == [], url


def test_making_renditions_again_or_for_a_withdrawn_page_does_nothing(publication):
    article = publication["articles"][0]
    assert make_page_renditions.call(article.pk) == 1  # one image: the shared hero
    with CaptureQueriesContext(connection) as context:
        assert make_page_renditions.call(article.pk) == 1
    assert renditions_made(context.captured_queries) == []
    article.unpublish()
    assert make_page_renditions.call(article.pk) == 0
    assert make_page_renditions.call(10**9) == 0


def test_saving_a_draft_makes_its_renditions_before_it_is_published(
    client, publication, django_capture_on_commit_callbacks
):
    client.get(publication["articles"][0].url)  # bylines' pictures, made now
    hero = factories.make_image("Draft hero", size=(1600, 900))
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.make_article(
            publication["home"],
            publication["sections"][0],
            publication["authors"][:1],
            image=hero,
            live=False,
        )
    assert "fill-1600x900|format-webp" in set(
        hero.renditions.values_list("filter_spec", flat=True)
    )
    # Published later: the first reader's request makes none.
    article.get_latest_revision().publish()
    with CaptureQueriesContext(connection) as context:
        assert client.get(article.url).status_code == 200
    assert renditions_made(context.captured_queries) == []
    assert make_draft_renditions.call(10**9) == 0  # a revision since deleted


def test_an_unknown_image_shape_is_named_in_the_error():
    with pytest.raises(KeyError, match="No image shape is called 'poster'"):
        images.shape_specs("poster")
