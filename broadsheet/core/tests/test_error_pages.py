"""Error pages are styled, and the 500 page needs nothing that might be broken."""

from django.test import RequestFactory

from broadsheet.core.views import server_error


def test_server_error_page_renders_without_the_database():
    # No django_db mark: pytest-django raises if the view touches the database.
    response = server_error(RequestFactory().get("/any/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'rel="stylesheet"' in html
