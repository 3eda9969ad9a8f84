"""The one rule for what a reader may see, on page querysets and instances."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from broadsheet.core.visibility import page_is_visible, visible_page_ids, visible_pages
from broadsheet.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


def _visible_ids():
    return set(visible_pages(ArticlePage.objects.all()).values_list("pk", flat=True))


def test_live_public_articles_are_visible(publication):
    articles = publication["articles"]
    assert _visible_ids() == {a.pk for a in articles}
    assert all(page_is_visible(a) for a in articles)


@pytest.mark.parametrize(
    "restriction_type",
    [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN],
)
def test_a_restriction_hides_the_page(publication, restriction_type):
    article = publication["articles"][0]
    PageViewRestriction.objects.create(
        page=article, restriction_type=restriction_type, password="secret"
    )
    assert article.pk not in _visible_ids()
    assert not page_is_visible(article)
    assert page_is_visible(publication["articles"][1])


def test_a_restriction_covers_the_pages_below_it(publication):
    home, (news, analysis) = publication["home"], publication["sections"]
    PageViewRestriction.objects.create(
        page=news, restriction_type=PageViewRestriction.LOGIN
    )
    # Sections are siblings, so one's restriction leaves the other alone.
    assert not page_is_visible(news)
    assert page_is_visible(analysis)
    assert _visible_ids() == {a.pk for a in publication["articles"]}

    PageViewRestriction.objects.create(
        page=home, restriction_type=PageViewRestriction.LOGIN
    )
    assert _visible_ids() == set()
    assert not page_is_visible(Page.objects.get(pk=publication["articles"][0].pk))


def test_drafts_and_expired_pages_are_hidden(publication):
    draft, expired = publication["articles"][:2]
    draft.unpublish()
    ArticlePage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    expired.refresh_from_db()
    draft.refresh_from_db()
    assert not {draft.pk, expired.pk} & _visible_ids()
    assert not page_is_visible(draft)
    assert not page_is_visible(expired)


def test_a_later_expiry_is_still_visible(publication):
    article = publication["articles"][0]
    ArticlePage.objects.filter(pk=article.pk).update(
        expire_at=timezone.now() + timedelta(days=1)
    )
    article.refresh_from_db()
    assert page_is_visible(article)
    assert article.pk in set(
        ArticlePage.objects.filter(pk__in=visible_page_ids(ArticlePage)).values_list(
            "pk", flat=True
        )
    )


def test_the_rule_costs_no_extra_query(publication, django_assert_num_queries):
    PageViewRestriction.objects.create(
        page=publication["articles"][0], restriction_type=PageViewRestriction.LOGIN
    )
    with django_assert_num_queries(1):
        list(visible_pages(ArticlePage.objects.all()))
