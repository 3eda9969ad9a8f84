"""What a request leaves for the figures: as little work as possible.

The WSGI layer (``wsgi``), the beacon and the apps' notes come here. Each
function copies what it needs from the WSGI environ (Django's
``request.META``) into a ``Sighting`` and hands it to the buffer; the
hashing and the rest happen at the flush (``events``), away from the
request. A page served from the page cache takes a few microseconds, so
counting has to take less.
"""

import json
import re
import time

from broadsheet.analytics import buffer, readers
from broadsheet.analytics.events import Sighting
from broadsheet.analytics.models import Event

_AUDIO = re.compile(r"^/podcast/audio/(\d+)\.\w+$")
_FEEDS = re.compile(r"^/(?:feed\.\w+|feeds/.+|podcast/[-\w]+/feed\.xml)$")
MAX_BEACON_BYTES = 2048
# Plain strings: an enum member costs a lookup on every request.
VIEW, FEED = Event.Kind.VIEW.value, Event.Kind.FEED.value
LISTEN, SIGNUP = Event.Kind.LISTEN.value, Event.Kind.SIGNUP.value
SERVER, BEACON = Event.Source.SERVER.value, Event.Source.BEACON.value


def is_feed(path: str) -> bool:
    return path.startswith(("/feed", "/podcast/")) and bool(_FEEDS.match(path))


def audio_episode(path: str) -> int | None:
    if not path.startswith("/podcast/audio/"):
        return None
    found = _AUDIO.match(path)
    return int(found.group(1)) if found else None


_new = tuple.__new__  # a Sighting without the keyword handling of its __new__


def _sighting(
    environ,
    kind,
    source=SERVER,
    path=None,
    query=None,
    referrer=None,
    episode_id=None,
    requested=0,
) -> Sighting:
    get = environ.get
    return _new(
        Sighting,
        (
            kind,
            source,
            time.time(),
            get("PATH_INFO", "/") if path is None else path,
            get("QUERY_STRING", "") if query is None else query,
            get("HTTP_REFERER", "") if referrer is None else referrer,
            get("HTTP_HOST") or get("SERVER_NAME", ""),
            get("REMOTE_ADDR", ""),
            get("HTTP_X_FORWARDED_FOR", ""),
            get("HTTP_USER_AGENT", ""),
            readers.asks_not_to_be_tracked(environ),
            episode_id,
            requested,
        ),
    )


def count_server_view(environ) -> None:
    buffer.add(_sighting(environ, VIEW))


class BadBeacon(ValueError):
    pass


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
    buffer.add(
        _sighting(environ, VIEW, BEACON, path=path, query=query, referrer=referrer)
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
    buffer.add(_sighting(environ, FEED))


def count_listen(environ, episode_id: int, requested_bytes: int) -> None:
    """A podcast audio request; the roll-up decides which make a download."""
    if requested_bytes > 0:
        buffer.add(
            _sighting(environ, LISTEN, episode_id=episode_id, requested=requested_bytes)
        )


def on_note(kind: str, request, **fields) -> None:
    """core.audience's listener: a newsletter sign-up, from the page it was made on."""
    if kind != "signup":
        return
    page = fields.get("page") or request.META.get("HTTP_REFERER", "")
    own = readers.referrer_domain(page, request.get_host()) == ""
    path = readers.own_path(page) if own else ""
    buffer.add(_sighting(request.META, SIGNUP, path=path))
