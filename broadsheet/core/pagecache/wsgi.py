"""``PageCacheApp``: the layer around Django that answers repeat reader requests.

A request is looked up only when it is a GET or HEAD for a reader path
(not /admin/, /static/, /media/, documents or what apps exclude), carries no
credentials and none of the site's own cookies (session, CSRF token,
messages). A response is stored only when Django marked it
``Cache-Control: public`` (core.caching does so for anonymous reader pages
that set no cookie), it sets no cookie, and its status is one of
``TTL_SECONDS``. So a member's page, or anything that hands out a cookie,
is never stored, and a request with a session is never answered from here.

Every text response, stored or not, goes out compressed when the client
accepts it (brotli or gzip). Stored copies are compressed once per encoding.
"""

import time
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import parse_cookie

from broadsheet.core.pagecache import coherence, compression
from broadsheet.core.pagecache.keys import (
    EVERYTHING,
    KEYS_ENVIRON,
    MISSING,
    ROUTE_ENVIRON,
)
from broadsheet.core.pagecache.paths import (
    file_prefixes,
    passed_paths,
    uncached_prefixes,
)
from broadsheet.core.pagecache.store import Entry, PageStore

# How long each kind of answer is kept. Purges keep pages right; the time
# limit is a backstop for what no purge announces (a "48 hours" window).
TTL_SECONDS = {200: 600, 301: 600, 404: 60, 410: 600}
# Not found, gone and moved answers depend on what exists: any publication
# or redirect change may fix them.
_MISSING_STATUSES = {301, 404, 410}
# After a purge, the other requests get the old copy this long while one
# request renders the new one.
STALE_GRACE_SECONDS = 5.0
# Largest body read into memory to compress or store; larger ones stream.
MAX_BUFFERED_BYTES = 8 * 1024 * 1024
# Query parameters that only say where a reader came from; pages never
# read them, so they must not make every shared link a miss.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid"})
# Headers never stored with a copy (the server adds its own Date).
# The request id belongs to the request that rendered the copy, not to the
# readers answered from it.
_UNSTORED = frozenset({"content-length", "date", "age", "x-cache", "x-request-id"})


def _cache_key_query(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [
        (name, value)
        for name, value in pairs
        if not name.startswith(_TRACKING_PREFIXES) and name not in _TRACKING_NAMES
    ]
    return query if len(kept) == len(pairs) else urlencode(kept)


def _environ_name(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def _variant_key(address: tuple, vary: tuple[str, ...], environ) -> tuple:
    """The store's key: the address and the request headers its response varies on."""
    if not vary:
        return address
    return address + tuple(environ.get(_environ_name(name), "") for name in vary)


def _header(headers: list[tuple[str, str]], name: str) -> str:
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return ""


def _vary_with_encoding(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    vary = _header(headers, "Vary")
    names = [part.strip() for part in vary.split(",") if part.strip()]
    if any(name.lower() == "accept-encoding" for name in names):
        return headers
    names.append("Accept-Encoding")
    kept = [(key, value) for key, value in headers if key.lower() != "vary"]
    return [*kept, ("Vary", ", ".join(names))]


def _weak_etag(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # Compressed bodies differ byte for byte, so the validator is weak
    # (RFC 9110 8.8.1); If-None-Match compares weakly anyway.
    return [
        (
            key,
            f"W/{value}" if key.lower() == "etag" and value.startswith('"') else value,
        )
        for key, value in headers
    ]


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(
        tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(",")
    )


def _not_modified_since(if_modified_since: str, last_modified: str) -> bool:
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(
            if_modified_since
        )
    except (TypeError, ValueError):
        return False


class PageCacheApp:
    """WSGI middleware: a per-process cache of whole anonymous responses."""

    def __init__(self, application, *, max_bytes: int | None = None, log=None):
        self.application = application
        config = settings.PAGE_CACHE
        self.store = PageStore(config["MAX_BYTES"] if max_bytes is None else max_bytes)
        self.follower = coherence.Follower(self.store, log)
        coherence.follow(self.follower)
        self.private_cookies = frozenset(
            {
                settings.SESSION_COOKIE_NAME,
                settings.CSRF_COOKIE_NAME,
                settings.LANGUAGE_COOKIE_NAME,
                "messages",
            }
        )

    # The request side ----------------------------------------------------------

    def _shareable_request(self, environ) -> bool:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return False
        if environ.get("HTTP_AUTHORIZATION"):
            return False
        cookies = environ.get("HTTP_COOKIE")
        return not (cookies and self.private_cookies & parse_cookie(cookies).keys())

    def _address(self, environ) -> tuple:
        scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme")
        return (
            scheme,
            environ.get("HTTP_HOST", "").lower(),
            environ.get("PATH_INFO", "/"),
            _cache_key_query(environ.get("QUERY_STRING", "")),
        )

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path.startswith(file_prefixes()) or path in passed_paths():
            # Files (static, media, documents, audio): WhiteNoise and the
            # views stream them, with their own validators and ranges.
            return self.application(environ, start_response)
        if path.startswith(uncached_prefixes()) or not self._shareable_request(environ):
            return self._render(environ, start_response, None, "pass")
        if not self.follower.catch_up():
            return self._render(environ, start_response, None, "pass")
        address = self._address(environ)
        vary = self.store.vary_for(address)
        key = None
        entry = None
        if vary is not None:
            key = _variant_key(address, vary, environ)
            entry = self.store.get(key)
        if entry is None:
            return self._render(environ, start_response, address, "miss")
        stale_for = entry.stale_for(time.monotonic())
        if stale_for is None:
            return self._serve(entry, environ, start_response, "hit")
        if self.store.claim_refresh(key):
            try:
                return self._render(environ, start_response, address, "refresh")
            finally:
                self.store.release_refresh(key)
        if stale_for < STALE_GRACE_SECONDS:
            return self._serve(entry, environ, start_response, "stale")
        return self._render(environ, start_response, address, "miss")

    # Answering from a stored copy -------------------------------------------------

    def _serve(self, entry: Entry, environ, start_response, outcome: str):
        # Every request the cache answers comes through here: keep it short.
        self.store.count(entry.route, outcome)
        age = ("Age", str(int(time.monotonic() - entry.stored_at)))
        if (
            environ.get("HTTP_IF_NONE_MATCH") or environ.get("HTTP_IF_MODIFIED_SINCE")
        ) and entry.status.startswith("200"):
            if self._not_modified(entry, environ):
                headers = [
                    (key, value)
                    for key, value in entry.headers
                    if key.lower() in ("etag", "last-modified", "cache-control", "vary")
                ]
                start_response(
                    "304 Not Modified", [*headers, age, ("X-Cache", outcome)]
                )
                return []
        body, headers = entry.body, entry.plain_headers
        accept_encoding = entry.compressible and environ.get("HTTP_ACCEPT_ENCODING")
        encoding = accept_encoding and compression.negotiate(accept_encoding)
        if encoding:
            body, headers = self._encoded(entry, encoding)
        start_response(entry.status, [*headers, age, ("X-Cache", outcome)])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _encoded(self, entry: Entry, encoding: str):
        """Return the entry's body and headers in ``encoding``, compressing once."""
        encoded = entry.encoded.get(encoding)
        if encoded is None:
            body = compression.compress(entry.body, encoding, once=True)
            headers = [
                *entry.headers,
                ("Content-Length", str(len(body))),
                ("Content-Encoding", encoding),
            ]
            encoded = entry.encoded[encoding] = (body, headers)
            self.store.grew(entry, len(body))
        return encoded

    @staticmethod
    def _not_modified(entry: Entry, environ) -> bool:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match:
            return bool(entry.etag) and _etag_matches(if_none_match, entry.etag)
        if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
        return bool(if_modified_since and entry.last_modified) and _not_modified_since(
            if_modified_since, entry.last_modified
        )

    # Rendering through Django ---------------------------------------------------

    def _render(self, environ, start_response, address, outcome: str):
        generation = self.store.generation
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            captured["exc_info"] = exc_info
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.application(environ, capture)
        status, headers = captured["status"], captured["headers"]
        length = _header(headers, "Content-Length")
        if (
            not length.isdigit()
            or int(length) > MAX_BUFFERED_BYTES
            or "written" in captured
        ):
            # A stream (a file, an export): passed on as it comes.
            start_response(status, headers, captured["exc_info"])
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()  # Django's request_finished: connections, etc.

        content_type = _header(headers, "Content-Type")
        text = compression.compressible(content_type) and not _header(
            headers, "Content-Encoding"
        )
        if text:
            headers = _weak_etag(_vary_with_encoding(headers))

        route = environ.get(ROUTE_ENVIRON, "other")
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            self.store.count(route, outcome)
        if address is not None and environ["REQUEST_METHOD"] == "GET":
            self._store(environ, address, status, headers, body, route, generation)
        encoding = None
        if (
            text
            and len(body) >= compression.MIN_BYTES
            and status[:3] not in ("204", "206", "304")
        ):
            encoding = compression.negotiate(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if encoding:
            body = compression.compress(body, encoding, once=False)
            headers = [
                (key, value)
                for key, value in headers
                if key.lower() != "content-length"
            ]
            headers += [
                ("Content-Encoding", encoding),
                ("Content-Length", str(len(body))),
            ]
        headers.append(("X-Cache", outcome))
        start_response(status, headers, captured["exc_info"])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _store(self, environ, address, status, headers, body, route, generation):
        code = int(status[:3])
        ttl = TTL_SECONDS.get(code)
        if ttl is None or _header(headers, "Set-Cookie"):
            return
        cache_control = {
            part.strip().split("=")[0].lower()
            for part in _header(headers, "Cache-Control").split(",")
        }
        if "public" not in cache_control or cache_control & {
            "private",
            "no-store",
            "no-cache",
        }:
            return
        if _header(headers, "Content-Encoding"):
            return
        vary = tuple(
            name
            for name in (part.strip() for part in _header(headers, "Vary").split(","))
            if name and name.lower() not in ("cookie", "accept-encoding")
        )
        if "*" in vary:
            return
        if code in _MISSING_STATUSES:
            keys = frozenset({MISSING})
        else:
            keys = frozenset(environ.get(KEYS_ENVIRON) or {EVERYTHING})
        # Text arrives with its weak ETag and Vary: Accept-Encoding (_render).
        stored = [
            (key, value) for key, value in headers if key.lower() not in _UNSTORED
        ]
        now = time.monotonic()
        entry = Entry(
            status=status,
            headers=stored,
            body=body,
            keys=keys,
            route=route,
            stored_at=now,
            expires_at=now + ttl,
            etag=_header(stored, "ETag"),
            last_modified=_header(stored, "Last-Modified"),
            compressible=compression.compressible(_header(stored, "Content-Type"))
            and len(body) >= compression.MIN_BYTES,
        )
        if self.store.purged_since(generation, keys):
            entry.stale_since = now  # a purge landed while it rendered
        key = _variant_key(address, vary, environ)
        self.store.put(address, vary, key, entry)
