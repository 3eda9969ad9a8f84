"""Error pages are styled, and the 500 page needs nothing that might be broken."""

import pytest
from django.test import RequestFactory

from broadsheet.core.views import bad_request, server_error


def test_server_error_page_renders_without_the_database():
    # No django_db mark: pytest-django raises if the view touches the database.
    response = server_error(RequestFactory().get("/any/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'rel="stylesheet"' in html


def test_bad_request_page_renders_without_the_database_or_the_request():
    # Django shows it for a host that is not ours too: nothing may ask the
    # request for its host, body or user, and no database is needed.
    response = bad_request(RequestFactory().get("/any/"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not read that request" in html
    assert 'rel="stylesheet"' in html


@pytest.mark.django_db
def test_a_request_for_another_host_gets_the_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert b"We could not read that request" in response.content
