"""Turn a request into an event: what is counted, and what is left out.

The WSGI layer (``wsgi``), the beacon and the apps' notes all come here.
Each function gets the WSGI environ (Django's ``request.META``), takes what
it needs from the reader (``readers``) and hands one event to the buffer.
"""

import json
import re

from django.utils import timezone

from broadsheet.analytics import buffer, readers
from broadsheet.analytics.models import Event

MAX_PATH = 500
_AUDIO = re.compile(r"^/podcast/audio/(\d+)\.\w+$")
_FEEDS = re.compile(r"^/(?:feed\.\w+|feeds/.+|podcast/[-\w]+/feed\.xml)$")


def is_feed(path: str) -> bool:
    return bool(_FEEDS.match(path))


def audio_episode(path: str) -> int | None:
    found = _AUDIO.match(path)
    return int(found.group(1)) if found else None


def _referrer(environ, referrer: str) -> str:
    return readers.referrer_domain(referrer, environ.get("HTTP_HOST", ""))


def count_view(environ, *, path: str, query: str, referrer: str, source: str):
    """A page view, from the server or from the beacon."""
    reader = readers.reader(environ)
    if reader is None:
        return
    path = path[:MAX_PATH]
    buffer.add(
        Event(
            at=timezone.now(),
            kind=Event.Kind.VIEW,
            source=source,
            path=path,
            visitor=reader.visitor,
            pair=reader.pair(path),
            referrer=_referrer(environ, referrer),
            device=reader.device,
            **readers.campaign(query),
        )
    )


def count_server_view(environ) -> None:
    count_view(
        environ,
        path=environ.get("PATH_INFO", "/"),
        query=environ.get("QUERY_STRING", ""),
        referrer=environ.get("HTTP_REFERER", ""),
        source=Event.Source.SERVER,
    )


class BadBeacon(ValueError):
    pass


MAX_BEACON_BYTES = 2048


def count_beacon(environ, body: bytes) -> None:
    """The page script's report of a view: {"p": path and query, "r": referrer}."""
    try:
        sent = json.loads(body.decode("utf-8"))
        address, referrer = sent["p"], sent.get("r", "")
    except (UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise BadBeacon("not a beacon") from error
    if not (isinstance(address, str) and isinstance(referrer, str)):
        raise BadBeacon("not a beacon")
    if not address.startswith("/") or address.startswith("//"):
        raise BadBeacon("the page must be a path on this site")
    path, _, query = address.partition("?")
    count_view(
        environ,
        path=path,
        query=query,
        referrer=referrer,
        source=Event.Source.BEACON,
    )


def take_beacon(environ, body: bytes) -> int:
    """Count a beacon; the HTTP status to answer it with (204, or 400)."""
    if not 0 < len(body) <= MAX_BEACON_BYTES:
        return 400
    try:
        count_beacon(environ, body)
    except BadBeacon:
        return 400
    return 204


def count_feed(environ) -> None:
    """A feed fetch. Feed readers are robots by nature, so none is left out;
    services that fetch for many report how many."""
    fetcher, subscribers = readers.feed_fetcher(environ.get("HTTP_USER_AGENT", ""))
    buffer.add(
        Event(
            at=timezone.now(),
            kind=Event.Kind.FEED,
            path=environ.get("PATH_INFO", "/")[:MAX_PATH],
            fetcher=fetcher,
            subscribers=subscribers,
        )
    )


def count_listen(environ, episode_id: int, requested_bytes: int) -> None:
    """A podcast audio request; the roll-up decides which make a download."""
    reader = readers.reader(environ)
    if reader is None or requested_bytes <= 0:
        return
    path = environ.get("PATH_INFO", "/")[:MAX_PATH]
    buffer.add(
        Event(
            at=timezone.now(),
            kind=Event.Kind.LISTEN,
            path=path,
            pair=reader.pair(path),
            carry=reader.carry(path),
            device=reader.device,
            episode_id=episode_id,
            bytes=requested_bytes,
        )
    )


def on_note(kind: str, request, **fields) -> None:
    """core.audience's listener: a newsletter sign-up, from the page it was made on."""
    if kind != "signup":
        return
    environ = request.META
    if readers.is_bot(environ.get("HTTP_USER_AGENT", "")):
        return
    page = fields.get("page") or environ.get("HTTP_REFERER", "")
    own = readers.referrer_domain(page, request.get_host()) == ""
    path = readers.own_path(page) if own else ""
    buffer.add(
        Event(
            at=timezone.now(),
            kind=Event.Kind.SIGNUP,
            path=path[:MAX_PATH],
        )
    )
