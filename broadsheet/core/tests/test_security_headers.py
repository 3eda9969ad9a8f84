"""Every reader, member and admin response carries the security headers."""

import subprocess
import sys

import pytest
from django.test import Client

from broadsheet.testing import factories
from broadsheet.testing.factories import reader_urls

pytestmark = pytest.mark.django_db

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (
            part.split() for part in policy.split(";") if part.strip()
        )
    }


def assert_security_headers(response):
    for header, value in COMMON.items():
        assert response[header] == value, header
    assert "camera=()" in response["Permissions-Policy"]
    assert "Content-Security-Policy" in response


def test_reader_pages_have_a_strict_policy(client, publication):
    urls = [
        *reader_urls(publication).values(),
        "/saved/",
        "/offline/",
        "/privacy/",
        "/privacy/choices/",
        "/manifest.webmanifest",
        "/sw.js",
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert_security_headers(response)
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_conditional_304s_carry_the_headers_too(client, publication):
    etag = client.get("/")["ETag"]
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert_security_headers(response)


def test_admin_pages_carry_headers_with_the_admin_policy(
    publication, django_user_model
):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "pw")
    client = Client()
    login = client.get("/accounts/login/")
    assert_security_headers(login)
    client.force_login(editor)
    for url in ("/admin/", f"/admin/pages/{publication['home'].pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_security_headers(response)
        policy = directives(response)
        assert policy["frame-ancestors"] == ["'self'"]
        assert (
            "https:" not in response["Content-Security-Policy"]
        )  # still own-site only
        assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_frames_are_allowed_only_from_known_embed_providers(
    client, publication, settings
):
    settings.EMBED_PROVIDERS = [factories.EXAMPLE_EMBED_PROVIDER]
    policy = directives(client.get("/"))
    assert policy["frame-src"] == [
        "https://platform.twitter.com",
        "https://player.vimeo.com",
        "https://video.example.com",
        "https://www.youtube-nocookie.com",
    ]


def test_member_cookies_are_httponly_samesite_and_secure_over_https(
    django_user_model, settings
):
    settings.SESSION_COOKIE_SECURE = True
    factories.make_member("r@example.com", "a long passphrase")
    client = Client()
    token_response = client.get("/csrf/")
    assert token_response["Cache-Control"] == "no-store, private"
    token = token_response.json()["token"]
    response = client.post(
        "/accounts/login/",
        {
            "login": "r@example.com",
            "password": "a long passphrase",
            "csrfmiddlewaretoken": token,
        },
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["secure"] is True


def test_https_sites_send_hsts():
    """Settings switch HSTS on for an https BASE_URL (checked in a fresh process)."""
    code = (
        "import os; os.environ['BROADSHEET_BASE_URL']='https://news.example.org';"
        "os.environ['BROADSHEET_DATA_DIR']='/tmp/broadsheet-hsts-check';"
        "from broadsheet.settings import base;"
        "print(base.SECURE_HSTS_SECONDS, base.SESSION_COOKIE_SECURE,"
        " base.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.stdout.split() == ["31536000", "True", "True"], result.stderr


def test_hsts_header_on_secure_requests(client, publication, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/")  # never over plain http


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_sign_in_pages_set_no_cookie_until_the_form_is_used(client, path):
    page = client.get(path)
    assert page.status_code == 200
    assert not page.cookies
    assert b"data-csrf-deferred" in page.content
    with_token = client.get(path + "?csrf=1")  # the no-JavaScript path
    assert "csrftoken" in with_token.cookies
    assert b'name="csrfmiddlewaretoken" value="' in with_token.content


def test_the_admin_sign_in_is_the_member_sign_in(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    # Without a destination, staff still land in the admin after signing in.
    assert (
        client.get("/admin/login/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    )
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")
