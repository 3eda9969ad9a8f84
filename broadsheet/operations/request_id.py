"""Request ids: one per request, on every log line and in ``X-Request-ID``.

An id arriving from a proxy or load balancer is kept when it is a sane
token, so one request can be followed across machines; anything else is
replaced by a new one (a header must not smuggle text into the logs).

The same middleware writes the access log (logger ``broadsheet.requests``,
``BROADSHEET_ACCESS_LOG=on``): method, path, status and duration, never the
address, user agent or query string of a reader.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# URL parts that are someone's secret (newsletter links, password resets,
# email confirmations): the access log names them instead of writing them.
_SECRET_URL_PARTS = frozenset({"key", "token", "uidb36", "uidb64"})

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access_log = logging.getLogger("broadsheet.requests")


def current_request_id() -> str | None:
    """The id of the request this thread is serving, or None outside one."""
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    """The incoming id when it is a sane token, else a new one."""
    if header and _SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _forget_request_id(**kwargs) -> None:
    _request_id.set(None)


# Cleared when the response is closed, not when the middleware returns:
# Django logs 4xx/5xx responses ("Not Found: /x") after the middleware
# chain, and those lines belong to the request too.
request_finished.connect(_forget_request_id, dispatch_uid="operations.request_id")


def loggable_path(request) -> str:
    """The path without query string, with secret URL parts named, not shown."""
    path = request.path
    match = request.resolver_match
    if match is not None:
        for name, value in match.kwargs.items():
            if name in _SECRET_URL_PARTS and isinstance(value, str) and value:
                path = path.replace(value, f"<{name}>")
    return path


class RequestIdMiddleware:
    """Give the request its id (contextvar and header); log it if asked to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        _request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        if settings.ACCESS_LOG:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            fields = {
                "method": request.method,
                "path": loggable_path(request),
                "status": response.status_code,
                "duration_ms": duration_ms,
            }
            access_log.info(
                "%(method)s %(path)s %(status)s %(duration_ms)sms",
                fields,
                extra=fields,
            )
        return response
