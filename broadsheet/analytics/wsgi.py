"""``AudienceApp``: the outermost WSGI layer, which counts what this node answers.

It sits around the page cache (``broadsheet.wsgi``), so a page is counted
whether a stored copy or Django answered it. It only looks at the status and
headers on their way out and hands an event to the buffer: nothing waits on
the database. It also answers the page script's beacon itself, without
going through Django: a beacon must cost next to nothing (views.beacon
answers it where this layer is not in front, as under `runserver`).
"""

from http import HTTPStatus

from broadsheet.analytics import counting
from broadsheet.core.pagecache.paths import uncached_prefixes

BEACON_PATH = "/analytics/view"
_STATIC = ("/static/", "/media/", "/documents/")


def _header(headers, name: str) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value
    return ""


def _requested_bytes(status: int, headers) -> int:
    """How much audio one answer carries: the whole file or its single range."""
    if status == 200:
        length = _header(headers, "content-length")
        return int(length) if length.isdigit() else 0
    content_range = _header(headers, "content-range")  # "bytes 0-99/1234"
    try:
        span = content_range.split(" ", 1)[1].split("/", 1)[0]
        start, end = (int(part) for part in span.split("-", 1))
    except (IndexError, ValueError):
        return 0  # several ranges at once: players never ask so
    return max(0, end - start + 1)


def _is_html(headers) -> bool:
    return _header(headers, "content-type").startswith("text/html")


def _not_a_view(environ) -> bool:
    """A prefetch or prerender (perhaps never shown: if it is, its beacon
    counts it), or a fetch by a script or the service worker (offline
    copies), not a reader opening the page."""
    purpose = environ.get("HTTP_SEC_PURPOSE") or environ.get("HTTP_PURPOSE", "")
    destination = environ.get("HTTP_SEC_FETCH_DEST", "document")
    return "prefetch" in purpose or destination != "document"


class AudienceApp:
    """Every request passes here, and most are pages served from the page
    cache in a few microseconds: a page takes one prefix test to tell it
    from the rest, and one call to count."""

    def __init__(self, application):
        self.application = application
        # Everything that is not simply a page: the beacon, audio, feeds,
        # and what no reader cache touches (files, the admin). Read once,
        # after every app has registered its prefixes.
        self._not_pages = (
            BEACON_PATH,
            "/podcast/",
            "/feed",
            *_STATIC,
            *uncached_prefixes(),
        )

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path.startswith(self._not_pages):
            return self._not_a_page(environ, start_response, path)
        if environ.get("REQUEST_METHOD") != "GET" or _not_a_view(environ):
            return self.application(environ, start_response)

        def counted(status, headers, exc_info=None):
            if status.startswith("200") and _is_html(headers):
                counting.count_server_view(environ)
            return start_response(status, headers, exc_info)

        return self.application(environ, counted)

    def _not_a_page(self, environ, start_response, path):
        if path == BEACON_PATH:
            return self._beacon(environ, start_response)
        if environ.get("REQUEST_METHOD") != "GET":
            return self.application(environ, start_response)
        episode = counting.audio_episode(path)
        if episode is not None:
            return self._observe(environ, start_response, self._listened(episode))
        if counting.is_feed(path):
            return self._observe(environ, start_response, self._fetched)
        if path.startswith((*_STATIC, *uncached_prefixes())) or _not_a_view(environ):
            return self.application(environ, start_response)
        return self._observe(environ, start_response, self._viewed)  # /podcast/…

    def _observe(self, environ, start_response, count):
        def observed(status, headers, exc_info=None):
            count(environ, int(status[:3]), headers)
            return start_response(status, headers, exc_info)

        return self.application(environ, observed)

    @staticmethod
    def _viewed(environ, status, headers):
        if status == 200 and _is_html(headers):
            counting.count_server_view(environ)

    @staticmethod
    def _fetched(environ, status, headers):
        if status in (200, 304):
            counting.count_feed(environ)

    @staticmethod
    def _listened(episode: int):
        def count(environ, status, headers):
            if status in (200, 206):
                counting.count_listen(
                    environ, episode, _requested_bytes(status, headers)
                )

        return count

    @staticmethod
    def _beacon(environ, start_response):
        headers = [("Cache-Control", "no-store"), ("Content-Length", "0")]
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed", [*headers, ("Allow", "POST")])
            return []
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        body = b""
        if 0 < length <= counting.MAX_BEACON_BYTES:
            body = environ["wsgi.input"].read(length)
        status = counting.take_beacon(environ, body)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return []
