"""Requests through the real WSGI layers (page cache, audience), in-process.

Django's test client calls the handler directly and skips the layers that
``broadsheet.wsgi`` puts around it; tests of those layers call them here.
"""

import contextlib
import gzip

import brotli
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory


class Answer:
    def __init__(self, status, headers, body):
        self.status = int(status[:3])
        self.headers = {key.lower(): value for key, value in headers}
        self.raw = body
        encoding = self.headers.get("content-encoding")
        if encoding == "br":
            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        self.body = body
        self.text = body.decode(errors="replace")

    @property
    def cache(self):
        return self.headers.get("x-cache")


def environ(path, method="GET", body: bytes = b"", **headers) -> dict:
    path, _, query = path.partition("?")
    request = RequestFactory().generic(
        method, path, data=body, QUERY_STRING=query, **headers
    )
    return request.environ


@contextlib.contextmanager
def keeping_test_transaction():
    """Django's test client does this too: the test's transaction must not
    be closed by the end-of-request hook."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def requester(app):
    """``get(path, method="GET", body=b"", **environ headers) -> Answer``."""

    def get(path, method="GET", body=b"", **headers):
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"], captured["headers"] = status, response_headers

        result = app(environ(path, method, body, **headers), start_response)
        data = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        return Answer(captured["status"], captured["headers"], data)

    get.app = app
    return get
