"""Which site and page answer an address is remembered per content version."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

pytestmark = pytest.mark.django_db


def tables_read(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return response.status_code, " ".join(q["sql"] for q in context.captured_queries)


def test_a_remembered_address_skips_the_site_lookup_and_the_tree_walk(publication):
    article = publication["articles"][0]
    reader = Client()
    status, first = tables_read(reader, article.url)
    assert status == 200 and '"wagtailcore_site"' in first
    status, second = tables_read(reader, article.url)
    assert status == 200
    assert '"wagtailcore_site"' not in second
    assert second.count('FROM "newsroom_articlepage"') == 1  # the page, by id
    assert article.title in reader.get(article.url).content.decode()


def test_a_renamed_address_moves_at_once(
    publication, django_capture_on_commit_callbacks
):
    article = publication["articles"][0]
    old_url = article.url
    reader = Client()
    assert reader.get(old_url).status_code == 200
    article.slug = "a-new-address"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert reader.get("/a-new-address/").status_code == 200
    assert reader.get(old_url).status_code in (301, 404)  # redirected, or gone


def test_an_unpublished_page_is_not_found_though_its_address_was_remembered(
    publication, django_capture_on_commit_callbacks
):
    article = publication["articles"][0]
    reader = Client()
    assert reader.get(article.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert reader.get(article.url).status_code == 404


def test_a_restriction_still_applies_to_a_remembered_address(publication):
    article = publication["articles"][0]
    reader = Client()
    assert reader.get(article.url).status_code == 200
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="x1"
    )
    response = reader.get(article.url)
    assert article.standfirst not in response.content.decode()
    assert "password" in response.content.decode().lower()


def test_each_host_keeps_its_own_site(publication, settings):
    settings.ALLOWED_HOSTS = ["testserver", "analysis.example.org"]
    analysis = publication["sections"][1]
    Site.objects.create(
        hostname="analysis.example.org", port=80, root_page=analysis, site_name="A"
    )
    main, other = Client(), Client(HTTP_HOST="analysis.example.org")
    for _ in range(2):  # the second time from memory
        assert main.get("/").context["page"].pk == publication["home"].pk
        assert other.get("/").context["page"].pk == analysis.pk


def test_a_host_outside_allowed_hosts_is_refused_and_not_remembered(publication):
    response = Client(HTTP_HOST="made-up.example").get("/")
    assert response.status_code == 400
    assert not [key for key in caches["local"]._cache if "made-up.example" in key]
