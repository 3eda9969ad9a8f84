"""Anonymous reader pages are cacheable and answer conditional GETs with 304."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction

from broadsheet.core.caching import (
    last_content_change,
    mark_content_changed,
    validators_for,
)
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


def reader_urls(publication):
    return list(factories.reader_urls(publication).values())


def test_reader_pages_carry_validators_and_public_cache_control(client, publication):
    for url in reader_urls(publication):
        response = client.get(url)
        assert response.status_code == 200
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith("GMT")
        assert "public" in response["Cache-Control"]
        assert "max-age=" in response["Cache-Control"]


def test_if_none_match_gets_304(client, publication):
    for url in reader_urls(publication):
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert not again.cookies


def test_if_modified_since_gets_304(client, publication):
    for url in reader_urls(publication):
        first = client.get(url)
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304, url


def test_conditional_get_is_answered_without_rendering(
    client, publication, django_assert_max_num_queries
):
    url = publication["articles"][0].url
    etag = client.get(url)["ETag"]
    with django_assert_max_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_publishing_changes_the_validators(client, publication):
    url = "/"
    before = client.get(url)
    factories.make_article(
        publication["home"],
        publication["sections"][0],
        publication["authors"],
        title="A fresh story",
    )
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "A fresh story" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_editing_an_author_changes_the_validators(client, publication):
    url = publication["articles"][0].url
    before = client.get(url)
    author = publication["authors"][0]
    author.bio = "A new biography."
    author.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "A new biography." in after.content.decode()


def test_a_stale_etag_gets_the_full_page(client, publication):
    response = client.get("/", HTTP_IF_NONE_MATCH='"not-the-current-one"')
    assert response.status_code == 200


def test_logged_in_pages_are_private(publication, django_user_model):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "pw")
    client = Client()
    client.force_login(editor)
    response = client.get(publication["articles"][0].url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response


def test_not_found_is_kept_by_no_browser_or_cdn(client, publication):
    # Only the page cache keeps it, and a publication purges it there.
    response = client.get("/missing-story/")
    assert response.status_code == 404
    assert response["Cache-Control"] == "public, max-age=0"
    assert "ETag" not in response


def test_a_page_that_hands_out_a_token_is_never_shared(client, publication):
    # The no-JavaScript path of a form: the page carries a CSRF token and
    # sets its cookie, so it belongs to this reader only.
    response = client.get(publication["articles"][0].url + "?csrf=1")
    assert "csrftoken" in response.cookies
    assert response["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response


def _restrict(article, restriction_type):
    from wagtail.models import PageViewRestriction

    return PageViewRestriction.objects.create(
        page=article,
        restriction_type=getattr(PageViewRestriction, restriction_type),
        password="secret",
    )


def _never_shared(response):
    cache_control = response["Cache-Control"]
    assert "public" not in cache_control
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "ETag" not in response
    assert "Last-Modified" not in response


@pytest.mark.parametrize("restriction_type", ["PASSWORD", "LOGIN"])
def test_a_restricted_page_is_never_shared(client, publication, restriction_type):
    article = publication["articles"][0]
    _restrict(article, restriction_type)
    shared_etag = client.get("/")["ETag"]

    form = client.get(article.url)
    assert form.status_code == (200 if restriction_type == "PASSWORD" else 302)
    _never_shared(form)
    # The validator every public page shares gets no early 304 here: the
    # reader cache never answers for a restricted page.
    again = Client().get(article.url, HTTP_IF_NONE_MATCH=shared_etag)
    assert again.status_code != 304
    _never_shared(again)
    # Below a restricted page (a password's session grants the subtree) too.
    deeper = Client().get(article.url + "more/", HTTP_IF_NONE_MATCH=shared_etag)
    assert deeper.status_code != 304
    # Public pages keep their shared 304.
    assert client.get("/", HTTP_IF_NONE_MATCH=shared_etag).status_code == 304


def test_a_restricted_page_served_after_its_password_is_private(client, publication):
    article = publication["articles"][0]
    restriction = _restrict(article, "PASSWORD")
    passed = client.post(
        reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk]
        ),
        {"password": "secret", "return_url": article.url},
    )
    assert passed.status_code == 302
    shared_etag = Client().get("/")["ETag"]
    response = client.get(article.url, HTTP_IF_NONE_MATCH=shared_etag)
    assert response.status_code == 200
    assert article.title in response.content.decode()
    _never_shared(response)


def test_a_restricted_page_served_to_a_member_is_private(publication):
    article = publication["articles"][0]
    _restrict(article, "LOGIN")
    member = Client()
    member.force_login(factories.make_member("ada@example.com"))
    shared_etag = Client().get("/")["ETag"]
    response = member.get(article.url, HTTP_IF_NONE_MATCH=shared_etag)
    assert response.status_code == 200
    assert article.title in response.content.decode()
    _never_shared(response)


def test_restricting_a_page_changes_the_validators(client, publication):
    article = publication["articles"][0]
    before = client.get(article.url)["ETag"]
    restriction = _restrict(article, "LOGIN")
    after = client.get("/")["ETag"]
    assert after != before
    restriction.delete()
    assert client.get("/")["ETag"] != after
    # A shared cache revalidating its old public copy gets the page again.
    assert client.get(article.url, HTTP_IF_NONE_MATCH=before).status_code == 200


def test_documents_get_no_site_wide_304_and_moving_one_changes_validators(
    client, publication
):
    # A CDN holding a document must revalidate it with Wagtail's view, which
    # checks collection privacy, never get a 304 from the content version.
    document = factories.make_document(
        "quarterly-figures.pdf", b"%PDF-1.4 quarterly figures"
    )
    url = f"/documents/{document.pk}/{document.filename}"
    first = client.get(url)
    assert first.status_code == 200
    site_etag = client.get("/")["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=site_etag).status_code != 304

    before = last_content_change()
    private = Collection.get_first_root_node().add_child(name="Board papers")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document.collection = private
    document.save()
    assert last_content_change() > before
    again = client.get(url, HTTP_IF_NONE_MATCH=site_etag)
    assert again.status_code != 304
    sent = again.streaming_content if again.streaming else [again.content]
    assert b"quarterly figures" not in b"".join(sent)


def test_each_change_gets_a_later_mark_even_when_the_clock_stands_still_or_steps_back(
    db,
):
    with time_machine.travel(datetime(2026, 5, 4, 12, 0, tzinfo=UTC), tick=False):
        mark_content_changed()
        first = last_content_change()
        mark_content_changed()
        second = last_content_change()
    with time_machine.travel(datetime(2026, 5, 4, 11, 0, tzinfo=UTC), tick=False):
        mark_content_changed()
        third = last_content_change()
    assert first < second < third
    assert validators_for(first) != validators_for(second) != validators_for(third)


def test_a_bulk_job_records_one_change_and_one_purge_per_flush(db, publication):
    from broadsheet.core.caching import content_changes_batched
    from broadsheet.core.models import PagePurge

    home, section = publication["home"], publication["sections"][0]
    before, purges = last_content_change(), PagePurge.objects.count()
    with content_changes_batched() as flush:
        first = factories.make_article(home, section, publication["authors"])
        second = factories.make_article(home, section, publication["authors"])
        # Nothing reaches readers' caches until the flush.
        assert last_content_change() == before
        assert PagePurge.objects.count() == purges
        flush()
        assert last_content_change() > before
        assert PagePurge.objects.count() == purges + 1
        keys = set(PagePurge.objects.latest("pk").keys.split())
        assert {f"page:{first.pk}", f"page:{second.pk}"} <= keys
        flushed = last_content_change()
    assert last_content_change() == flushed  # nothing left over to flush
