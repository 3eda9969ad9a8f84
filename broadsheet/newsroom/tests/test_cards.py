"""Cards are rendered once per content version and their rows fetched only then."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.template import Context
from django.test.utils import CaptureQueriesContext

from broadsheet.newsroom.cards import CardLoader, render_cards
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

LISTINGS = ["home", "section", "tag", "author", "latest"]


def card_row_queries(client, url) -> int:
    """How many times the page fetched card rows (their bylines come with them)."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return sum(
        'FROM "newsroom_articleauthor"' in query["sql"]
        for query in context.captured_queries
    )


@pytest.mark.parametrize("page", LISTINGS)
def test_a_listing_fetches_card_rows_once_then_serves_cached_cards(
    client, publication, page
):
    url = factories.reader_urls(publication)[page]
    first = client.get(url).content.decode()
    assert card_row_queries(client, url) == 0
    assert client.get(url).content.decode() == first


def test_the_front_page_fetches_all_its_cards_in_one_go(client, publication):
    # Lead, latest and the section rails: one fetch for the lot.
    for index in range(12):
        factories.make_article(
            publication["home"],
            publication["sections"][index % 2],
            publication["authors"][:1],
        )
    assert card_row_queries(client, "/") == 1


def test_cards_change_with_any_content_change(client, publication):
    article = publication["articles"][0]
    author = publication["authors"][0]
    assert "Ada Reporter" in client.get("/").content.decode()

    # Neither the article nor its revision changes: the byline must still follow.
    author.name = "Ada Correspondent"
    author.save()
    home = client.get("/").content.decode()
    assert "Ada Correspondent" in home and "Ada Reporter" not in home

    section = publication["sections"][0]
    section.title = "Breaking"
    section.save_revision().publish()
    assert ">Breaking</a></p>" in client.get("/").content.decode()  # kicker

    article.title = "A new headline"
    article.save_revision().publish()
    assert "A new headline" in client.get("/").content.decode()


def test_a_preview_neither_reads_nor_fills_the_card_cache(rf, publication):
    article = publication["articles"][0]
    request = rf.get("/")
    request.is_preview = True
    html = render_cards(Context({"request": request}), [article], wrap="li")
    assert html.startswith('<li>\n<article class="card') and article.title in html
    assert not any(":card:" in key for key in caches["local"]._cache)

    del request.is_preview
    render_cards(Context({"request": request}), [article], wrap="li")
    assert any(":card:" in key for key in caches["local"]._cache)


def test_a_loader_fetches_each_card_once_even_one_gone_meanwhile():
    calls = []

    def load(ids):
        calls.append(list(ids))
        return [type("Row", (), {"pk": pk})() for pk in ids if pk != 2]

    loader = CardLoader(load)
    first, gone = loader.cards([1, 2])
    later = loader.card(3)
    assert gone.article is None and first.article.pk == 1
    assert later.article.pk == 3 and gone.article is None
    assert calls == [[2, 1, 3]]  # all at once, the gone one never asked again
