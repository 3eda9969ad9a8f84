"""A body Django cannot read is a 400 page, never a 500, and no error page reads it.

Every form is posted as a browser would, with a valid CSRF cookie and the
token in the body, but the body itself is hostile.
"""

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from broadsheet.core import views
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
BOUNDARY = "----broadsheet-test"


def multipart(*parts: tuple[str, str], boundary: str = BOUNDARY, end: bool = True):
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in parts
    )
    return body + (f"--{boundary}--\r\n".encode() if end else b"")


def file_parts(count: int) -> bytes:
    return (
        b"".join(
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=f{i}; "
            f'filename="f{i}.txt"\r\nContent-Type: text/plain\r\n\r\nx\r\n'.encode()
            for i in range(count)
        )
        + f"--{BOUNDARY}--\r\n".encode()
    )


# name: (Content-Type, body made from the CSRF token)
HOSTILE = {
    "urlencoded-utf-16": (
        f"{FORM}; charset=utf-16",
        lambda t: f"csrfmiddlewaretoken={t}&email=a%40example.com".encode("utf-16"),
    ),
    "urlencoded-utf-32": (
        f"{FORM}; charset=utf-32",
        lambda t: f"csrfmiddlewaretoken={t}&email=a%40example.com".encode("utf-32"),
    ),
    "urlencoded-bogus-charset": (
        f"{FORM}; charset=no-such-charset",
        lambda t: f"csrfmiddlewaretoken={t}&email=a%40example.com".encode(),
    ),
    "urlencoded-latin-1": (
        f"{FORM}; charset=iso-8859-1",
        lambda t: f"csrfmiddlewaretoken={t}&email=%E9@example.com".encode(),
    ),
    "percent-escapes-not-utf-8": (
        FORM,
        lambda t: f"csrfmiddlewaretoken={t}&email=%ff%fe@example.com".encode(),
    ),
    "raw-bytes-not-utf-8": (
        FORM,
        lambda t: f"csrfmiddlewaretoken={t}&email=".encode() + b"\xff\xfe\xc0",
    ),
    "too-many-fields": (
        FORM,
        lambda t: "&".join(
            [f"csrfmiddlewaretoken={t}"]
            + [f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)]
        ).encode(),
    ),
    "too-large": (
        FORM,
        lambda t: (
            f"csrfmiddlewaretoken={t}&email=".encode()
            + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        ),
    ),
    "multipart-utf-16": (
        f"multipart/form-data; boundary={BOUNDARY}; charset=utf-16",
        lambda t: multipart(("csrfmiddlewaretoken", t), ("email", "a@b.c")),
    ),
    "multipart-truncated": (
        f"multipart/form-data; boundary={BOUNDARY}",
        lambda t: multipart(("csrfmiddlewaretoken", t), ("email", "a@b.c"), end=False)[
            :-9
        ],
    ),
    "multipart-without-boundary": (
        "multipart/form-data",
        lambda t: multipart(("csrfmiddlewaretoken", t)),
    ),
    "multipart-invalid-boundary": (
        'multipart/form-data; boundary=""',
        lambda t: multipart(("csrfmiddlewaretoken", t)),
    ),
    "multipart-other-boundary": (
        "multipart/form-data; boundary=not-the-one-used",
        lambda t: multipart(("csrfmiddlewaretoken", t)),
    ),
    "multipart-too-many-files": (
        f"multipart/form-data; boundary={BOUNDARY}",
        lambda t: (
            multipart(("csrfmiddlewaretoken", t), end=False)
            + file_parts(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
        ),
    ),
}


@pytest.fixture
def form_urls(db):
    publication = factories.make_publication(1, with_images=False)
    article = publication["articles"][0]
    return [
        "/newsletters/",
        "/newsletters/unsubscribe/no-such-token/",  # CSRF-exempt: the view reads
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        f"/comments/post/{article.pk}/",
        "/csrf/",
    ]


def assert_bad_request_page(response, where):
    assert response.status_code == 400, where
    assert b"We could not read that request" in response.content, where
    assert not response.cookies, where  # no session, no new CSRF cookie
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"], where


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_form_body_is_a_400_page(form_urls, name):
    content_type, make_body = HOSTILE[name]
    # An error page that raised would come back as the 500 page here.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = client.get("/csrf/").json()["token"]
    for url in form_urls:
        response = client.generic(
            "POST", url, make_body(token), content_type=content_type
        )
        assert_bad_request_page(response, f"{name} {url}")


def test_a_member_posting_a_hostile_comment_gets_the_400_page(client, publication):
    member = factories.make_member("m@example.com", "a long passphrase")
    client.force_login(member)
    content_type, make_body = HOSTILE["urlencoded-utf-16"]
    response = client.generic(
        "POST",
        f"/comments/post/{publication['articles'][0].pk}/",
        make_body("unused"),
        content_type=content_type,
    )
    assert_bad_request_page(response, "comment")


@pytest.mark.parametrize(
    "content_type, body",
    [
        (FORM, b"login=ad%C3%A1%40example.com&password=wrong"),
        (f"{FORM}; charset=UTF-8", b"login=ad%C3%A1%40example.com&password=wrong"),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            multipart(("login", "adá@example.com"), ("password", "wrong")),
        ),
    ],
)
def test_ordinary_forms_are_not_refused(client, content_type, body):
    response = client.generic(
        "POST", "/accounts/login/", body, content_type=content_type
    )
    assert response.status_code == 200  # the form again, with an error
    assert "adá@example.com" in response.content.decode()


def test_a_body_with_a_charset_is_refused_whatever_the_method(client):
    response = client.generic(
        "GET", "/?q=x", "x".encode("utf-16"), content_type="text/plain; charset=utf-16"
    )
    assert_bad_request_page(response, "GET")


def unreadable_post():
    """A POST whose body raises as soon as anything reads it."""
    return RequestFactory().generic(
        "POST",
        "/newsletters/",
        "email=a@example.com".encode("utf-16"),
        content_type=f"{FORM}; charset=utf-16",
    )


@pytest.mark.parametrize(
    "view, status",
    [
        (views.bad_request, 400),
        (views.permission_denied, 403),
        (views.page_not_found, 404),
        (views.server_error, 500),
        (views.csrf_failure, 403),
    ],
)
def test_error_pages_never_read_the_body(view, status):
    request = unreadable_post()
    response = view(request)
    assert response.status_code == status
    assert not request._read_started
    assert not hasattr(request, "_post")


def test_the_csrf_failure_page_is_ours(client):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/newsletters/", {"email": "a@example.com"})
    assert response.status_code == 403
    assert b"Please send the form again" in response.content


def raw_post(live_server, path, content_type, body: bytes, *, length=None):
    """POST over a real socket; return (status, headers, body)."""
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", "/csrf/")
    answer = connection.getresponse()
    token = json.loads(answer.read())["token"]
    cookie = answer.getheader("Set-Cookie").split(";")[0]
    connection.close()
    with socket.create_connection((address.hostname, address.port), timeout=30) as s:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
            f"Content-Type: {content_type}\r\nCookie: {cookie}\r\n"
            f"Content-Length: {len(body(token)) if length is None else length}\r\n"
            "Connection: close\r\n\r\n"
        )
        s.sendall(head.encode() + body(token))
        s.shutdown(socket.SHUT_WR)  # a body cut short ends here
        response = b""
        while chunk := s.recv(65536):
            response += chunk
    head, _, content = response.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    return status, head.decode("latin-1"), content


@pytest.mark.parametrize(
    "name", ["urlencoded-utf-16", "multipart-truncated", "cut-short"]
)
def test_a_real_server_answers_hostile_bodies_with_the_400_page(
    live_server, transactional_db, name
):
    if name == "cut-short":  # the connection ends before Content-Length says
        content_type, make_body = HOSTILE["multipart-utf-16"]
        content_type = content_type.replace("; charset=utf-16", "")
        status, head, content = raw_post(
            live_server, "/newsletters/", content_type, make_body, length=5000
        )
    else:
        content_type, make_body = HOSTILE[name]
        status, head, content = raw_post(
            live_server, "/accounts/login/", content_type, make_body
        )
    assert status == 400, content[:500]
    assert b"We could not read that request" in content
    assert "set-cookie" not in head.lower()
