"""The bulk archive loader leaves a valid page tree and readable articles."""

import pytest
from wagtail.models import Page

from broadsheet.demo import bulk
from broadsheet.newsroom.models import ArticlePage
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def test_bulk_articles_are_valid_pages_readers_can_open(client):
    factories.ensure_wagtail_roots()
    before = ArticlePage.objects.count()
    assert bulk.load(before + 40) == 40
    assert bulk.load(before + 40) == 0  # topped up already
    problems = Page.find_problems()
    assert all(not found for found in problems), problems
    article = ArticlePage.objects.filter(slug__startswith="archive-").last()
    assert article.authors and article.tags.exists()
    assert "Analysts tracking" in article.body_text()
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_made_up_words_are_distinct():
    words = {bulk.made_up_word(rank) for rank in range(1, 5000)}
    assert len(words) == 4999
