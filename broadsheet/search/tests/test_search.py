"""/search/: what is found, in which order, with which filters, on either
database (CI runs this on SQLite and on PostgreSQL)."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

RESULT_TITLE = re.compile(r'class="search-result__title"><a href="[^"]+">(.+?)</a>')


def titles(client, **params) -> list[str]:
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return [
        re.sub("</?mark>", "", t).replace("&#x27;", "'")
        for t in RESULT_TITLE.findall(response.content.decode())
    ]


def test_a_sentence_only_in_the_body_finds_its_article(client, archive):
    assert titles(client, q="extreme ultraviolet") == [
        "Chip makers race to build smaller transistors"
    ]


def test_a_headline_match_ranks_above_a_body_only_match(client, archive):
    assert titles(client, q="transistors") == [
        "Chip makers race to build smaller transistors",
        "What the quarter's earnings calls revealed",
    ]
    assert titles(client, q="transistors", sort="newest")[0] == (
        "What the quarter's earnings calls revealed"
    )


def test_phrases_exclusions_and_prefixes(client, archive):
    assert titles(client, q='"smaller transistors"') == [
        "Chip makers race to build smaller transistors"
    ]
    assert titles(client, q='"transistors smaller"') == []
    assert titles(client, q="transistors -lithography") == [
        "What the quarter's earnings calls revealed"
    ]
    assert titles(client, q="regulat*") == [
        "Regulators publish draft rules for model audits"
    ]


def test_case_and_accents_do_not_matter(client, archive):
    for query in ("zurich", "ZÜRICH", "Zurich"):
        assert titles(client, q=query) == [
            "Regulators publish draft rules for model audits"
        ], query


def test_tags_sections_and_authors_are_searched(client, archive):
    assert "Chip makers race to build smaller transistors" in titles(
        client, q="manufacturing"
    )
    assert "What the quarter's earnings calls revealed" in titles(
        client, q="ben editor earnings"
    )


def test_drafts_and_restricted_articles_are_never_found(client, archive):
    assert titles(client, q="quokka") == []
    response = client.get("/search/suggest.json", {"q": "a quok"})
    assert response.json() == {"suggestions": []}


def test_the_headline_and_snippet_highlight_the_words_found(client, archive):
    html = client.get("/search/", {"q": "lithography chip"}).content.decode()
    assert "<mark>lithography</mark>" in html
    assert ">Chip</mark> makers race" in html
    hostile = client.get("/search/", {"q": "<b>chip</b>"}).content.decode()
    assert "<b>chip" not in hostile and "&lt;b&gt;chip&lt;/b&gt;" in hostile


def facet(html: str, heading: str) -> dict[str, str]:
    block = html.split(f'<h3 class="facet__heading">{heading}</h3>')[1].split("</ul>")[
        0
    ]
    found = re.findall(
        r">([^<>]+)</(?:a|strong)> <span class=\"facet__count\">\((\d+)\)", block
    )
    return {name.strip(): int(count) for name, count in found}


def test_filters_narrow_and_their_counts_are_right(client, archive):
    html = client.get("/search/", {"q": "transistors"}).content.decode()
    assert facet(html, "Section") == {"News": 1, "Analysis": 1}
    assert facet(html, "Topic") == {"chips": 1, "earnings": 1, "manufacturing": 1}
    assert facet(html, "Author") == {"Ada Reporter": 1, "Ben Editor": 1}
    assert facet(html, "Published") == {"Past week": 2, "Past month": 2, "Past year": 2}

    chosen = client.get("/search/", {"q": "transistors", "section": "analysis"})
    html = chosen.content.decode()
    assert titles(client, q="transistors", section="analysis") == [
        "What the quarter's earnings calls revealed"
    ]
    # A facet leaves its own filter out: the other section can still be chosen.
    assert facet(html, "Section") == {"News": 1, "Analysis": 1}
    assert facet(html, "Topic") == {"earnings": 1}
    assert titles(client, q="transistors", tag="manufacturing") == [
        "Chip makers race to build smaller transistors"
    ]
    assert titles(client, q="transistors", author="ben-editor") == [
        "What the quarter's earnings calls revealed"
    ]
    # A topic or author that does not exist narrows to nothing.
    assert titles(client, q="transistors", tag="no-such-topic") == []
    assert titles(client, q="transistors", author="nobody") == []


def test_date_filters(client, archive):
    from django.utils import timezone

    from broadsheet.newsroom.models import ArticlePage
    from broadsheet.search import documents

    old = archive["stories"]["body_only"]
    two_months_ago = timezone.now() - timezone.timedelta(days=60)
    ArticlePage.objects.filter(pk=old.pk).update(first_published_at=two_months_ago)
    documents.refresh([old.pk])  # what the worker does after a save
    assert titles(client, q="transistors", period="month") == [
        "Chip makers race to build smaller transistors"
    ]
    day = two_months_ago.date().isoformat()
    assert titles(client, q="transistors", start=day, end=day) == [
        "What the quarter's earnings calls revealed"
    ]
    html = client.get("/search/", {"q": "transistors"}).content.decode()
    assert facet(html, "Published") == {"Past week": 1, "Past month": 1, "Past year": 2}
    response = client.get("/search/", {"q": "x", "start": "2026-02-30"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_results_are_paginated(client, archive, settings):
    from broadsheet.search import views

    views.PAGE_SIZE, saved = 1, views.PAGE_SIZE
    try:
        first = client.get("/search/", {"q": "transistors"}).content.decode()
        second = client.get("/search/", {"q": "transistors", "page": 2})
        assert "Page 1 of 2" in first and 'rel="next"' in first
        assert "earnings calls" in second.content.decode()
        assert (
            client.get("/search/", {"q": "transistors", "page": 3}).status_code == 404
        )
    finally:
        views.PAGE_SIZE = saved


def test_a_search_reads_a_window_of_the_newest_matches(client, archive, monkeypatch):
    """Past WINDOW matches the total says "more than", and counts and
    relevance cover the newest WINDOW matches."""
    from broadsheet.search import services

    monkeypatch.setattr(services, "WINDOW", 1)
    html = client.get("/search/", {"q": "transistors"}).content.decode()
    assert "More than 1 results" in html
    assert "Counts are for the newest 1 matches." in html
    for sort in ("", "newest"):  # the older headline match is out of the window
        assert titles(client, q="transistors", sort=sort) == [
            "What the quarter's earnings calls revealed"
        ]
    assert facet(html, "Section") == {"Analysis": 1}

    monkeypatch.setattr(services, "WINDOW", 2)
    html = client.get("/search/", {"q": "transistors"}).content.decode()
    assert "2 results for" in html and "More than" not in html
    assert "Counts are for" not in html
    assert facet(html, "Section") == {"News": 1, "Analysis": 1}
    assert titles(client, q="transistors")[0] == (
        "Chip makers race to build smaller transistors"
    )


HOSTILE = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "'; DROP TABLE wagtailcore_page; --",
    '"',
    "-",
    "***",
    "AND OR NOT",
    "NEAR(chip makers)",
    "title:chip",
    "{autocomplete}: chip",
    "^chip",
    "chip:*",
    "!chip & | <->",
    "\u202echip",
    "🦘 chip",
    "x" * 10_000,
    "chip " * 300,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_page_and_a_message_never_a_500(client, archive, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html
    if response.status_code == 400:
        assert 'class="search-problem" role="alert"' in html


def test_invalid_unicode_and_nul_bytes_are_a_clear_400(client, archive):
    for raw in ("q=%FF%FEchip", "q=chip%00", "q=%ED%A0%80", "section=%00", "q=a&q=b"):
        response = client.get("/search/?" + raw)
        assert response.status_code in (200, 400), raw
    response = client.get("/search/?q=chip%00")
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


def test_empty_search_explains_itself(client, archive):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "Search every article in the archive" in response.content.decode()


def test_search_pages_set_no_cookie_and_are_cacheable(client, archive):
    response = client.get("/search/", {"q": "transistors"})
    assert not response.cookies
    assert "public" in response["Cache-Control"]
    again = client.get(
        "/search/", {"q": "transistors"}, HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304
    suggest = client.get("/search/suggest.json", {"q": "regul"})
    assert not suggest.cookies
    assert "public" in suggest["Cache-Control"]


def test_query_ceilings(client, archive):
    client.get("/search/", {"q": "transistors"})  # chrome and routing caches
    with CaptureQueriesContext(connection) as queries:
        assert (
            client.get("/search/", {"q": "transistors", "tag": "chips"}).status_code
            == 200
        )
    # content version, rate limit, count, ids, article texts, cards (+ its
    # prefetches), four facets
    assert len(queries) <= 14, [q["sql"][:120] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/suggest.json", {"q": "chip mak"})
    assert len(queries) <= 4


def test_headlines_are_suggested_as_the_reader_types(client, archive):
    response = client.get("/search/suggest.json", {"q": "chip mak"})
    assert response.status_code == 200
    assert response.json()["suggestions"] == [
        {
            "title": "Chip makers race to build smaller transistors",
            "url": archive["stories"]["transistors"].url,
            "section": "News",
        }
    ]
    opensearch = client.get(
        "/search/suggest.json", {"q": "regul", "format": "opensearch"}
    )
    assert opensearch.json() == [
        "regul",
        ["Regulators publish draft rules for model audits"],
    ]
    assert client.get("/search/suggest.json", {"q": "r"}).json() == {"suggestions": []}


def test_abusive_clients_are_rate_limited(client, archive, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "search": "2/m/ip",
        "search_suggest": "2/m/ip",
    }
    statuses = [
        client.get("/search/", {"q": f"chip {n}"}).status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert "Too many searches" in client.get("/search/", {"q": "x"}).content.decode()
    suggest = [
        client.get("/search/suggest.json", {"q": "chip"}).status_code for _ in range(3)
    ]
    assert suggest == [200, 200, 429]


def test_browsers_can_offer_the_site_search(client, archive):
    home = client.get("/").content.decode()
    assert 'rel="search" type="application/opensearchdescription+xml"' in home
    assert 'role="search"' in home and 'name="q"' in home
    graph = json.loads(
        re.search(r'<script type="application/ld\+json">(.+?)</script>', home, re.S)[1]
    )
    website = next(n for n in graph["@graph"] if n["@type"] == "WebSite")
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"].endswith("/search/?q={search_term_string}")
    description = client.get("/opensearch.xml")
    assert description["Content-Type"].startswith(
        "application/opensearchdescription+xml"
    )
    from xml.etree import ElementTree

    root = ElementTree.fromstring(description.content)
    urls = root.findall("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert any(u.get("template").endswith("/search/?q={searchTerms}") for u in urls)
