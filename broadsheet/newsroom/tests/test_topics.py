"""/tags/ lists every topic readers can open, with counts; a tag page names
the topics found beside it. Neither counts what readers cannot see."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def article(publication, *tags, live=True):
    return factories.make_article(
        publication["home"],
        publication["sections"][0],
        publication["authors"][:1],
        tags=tags,
        live=live,
    )


@pytest.fixture
def tagged(publication):
    """The publication's articles are all tagged "chips"; these add more."""
    article(publication, "chips", "memory")
    article(publication, "chips", "memory", "policy")
    article(publication, "memory", "draft-only", live=False)
    restricted = article(publication, "chips", "behind-a-password")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    return publication


def topic_counts(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'href="/tags/[\w-]+/">([^<]+)</a> <span class="meta">([^<]+)<', html
        )
    )


def test_the_topic_index_counts_only_what_readers_can_open(client, tagged):
    response = client.get("/tags/")
    assert response.status_code == 200
    assert not response.cookies
    assert topic_counts(response.content.decode()) == {
        "chips": "8 articles",  # 6 of the publication's and 2 of ours
        "memory": "2 articles",
        "policy": "1 article",
    }


def test_a_tag_page_names_its_related_topics_most_shared_first(client, tagged):
    html = client.get("/tags/chips/").content.decode()
    related = html[html.index('id="related-topics"') :]
    names = re.findall(r'href="/tags/([\w-]+)/"', related)
    assert names == ["memory", "policy"]  # not chips itself, no hidden ones
    assert 'href="/tags/">All topics</a>' in related


def test_every_page_links_the_topics_from_its_footer(client, publication):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer"') :]
    assert '<a href="/tags/">Topics</a>' in footer


def test_no_topics_says_so(client, db):
    factories.make_home()
    assert "No topics yet." in client.get("/tags/").content.decode()


def test_the_topic_index_takes_a_fixed_number_of_queries(
    client, tagged, django_assert_max_num_queries
):
    def steady_queries():
        client.get("/tags/")  # the shared chrome is rebuilt after a change
        with CaptureQueriesContext(connection) as captured:
            client.get("/tags/")
        return len(captured)

    few = steady_queries()
    for n in range(10):
        article(tagged, "chips", f"extra-{n}")
    assert steady_queries() == few <= 3
