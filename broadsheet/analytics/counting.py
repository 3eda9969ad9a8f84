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


def is_feed(path: str) -> bool:
    return bool(_FEEDS.match(path))


def audio_episode(path: str) -> int | None:
    found = _AUDIO.match(path)
    return int(found.group(1)) if found else None


def _sighting(environ, kind, **fields) -> Sighting:
    return Sighting(
        kind=kind,
        source=fields.pop("source", Event.Source.SERVER),
        at=time.time(),
        path=fields.pop("path") if "path" in fields else environ.get("PATH_INFO", "/"),
        query=fields.pop("query", environ.get("QUERY_STRING", "")),
        referrer=fields.pop("referrer", environ.get("HTTP_REFERER", "")),
        host=environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
        address=readers.client_address(environ),
        user_agent=environ.get("HTTP_USER_AGENT", ""),
        private=readers.asks_not_to_be_tracked(environ),
        **fields,
    )


def count_server_view(environ) -> None:
    buffer.add(_sighting(environ, Event.Kind.VIEW))


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
        _sighting(
            environ,
            Event.Kind.VIEW,
            source=Event.Source.BEACON,
            path=path,
            query=query,
            referrer=referrer,
        )
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
    buffer.add(_sighting(environ, Event.Kind.FEED))


def count_listen(environ, episode_id: int, requested_bytes: int) -> None:
    """A podcast audio request; the roll-up decides which make a download."""
    if requested_bytes > 0:
        buffer.add(
            _sighting(
                environ,
                Event.Kind.LISTEN,
                episode_id=episode_id,
                requested=requested_bytes,
            )
        )


def on_note(kind: str, request, **fields) -> None:
    """core.audience's listener: a newsletter sign-up, from the page it was made on."""
    if kind != "signup":
        return
    page = fields.get("page") or request.META.get("HTTP_REFERER", "")
    own = readers.referrer_domain(page, request.get_host()) == ""
    path = readers.own_path(page) if own else ""
    buffer.add(_sighting(request.META, Event.Kind.SIGNUP, path=path))
