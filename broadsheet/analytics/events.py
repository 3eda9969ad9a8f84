"""From what a request left in memory to the event that is stored.

Requests only note a ``Sighting``: a few strings copied from the environ,
with the IP address and the user agent still in them. The flush turns each
into an ``Event`` (or drops it, for a bot) away from the request: hashes
under the salt of the sighting's own day, the device class, the referring
host, the campaign. The address and the user agent end here, in memory.
"""

from datetime import UTC, datetime
from typing import NamedTuple

from django.utils import timezone

from broadsheet.analytics import readers
from broadsheet.analytics.models import Event

MAX_PATH = 500


class Sighting(NamedTuple):
    kind: str
    source: str
    at: float  # time.time()
    path: str
    query: str
    referrer: str
    host: str
    address: str
    user_agent: str
    private: bool  # GPC or DNT
    episode_id: int | None = None
    requested: int = 0  # bytes of audio


def to_event(seen: Sighting) -> Event | None:
    at = datetime.fromtimestamp(seen.at, UTC)
    path = seen.path[:MAX_PATH]
    if seen.kind == Event.Kind.FEED:
        # Feed readers are robots by nature, so none is left out; services
        # that fetch for many people report how many.
        fetcher, subscribers = readers.feed_fetcher(seen.user_agent)
        return Event(
            at=at, kind=seen.kind, path=path, fetcher=fetcher, subscribers=subscribers
        )
    if readers.is_bot(seen.user_agent):
        return None
    if seen.kind == Event.Kind.SIGNUP:
        return Event(at=at, kind=seen.kind, path=path)
    reader = readers.reader(
        seen.host,
        seen.address,
        seen.user_agent,
        private=seen.private,
        day=timezone.localdate(at),
    )
    if seen.kind == Event.Kind.LISTEN:
        return Event(
            at=at,
            kind=seen.kind,
            path=path,
            pair=reader.pair(path),
            carry=reader.carry(path),
            device=reader.device,
            episode_id=seen.episode_id,
            bytes=seen.requested,
        )
    return Event(
        at=at,
        kind=seen.kind,
        source=seen.source,
        path=path,
        visitor=reader.visitor,
        pair=reader.pair(path),
        referrer=readers.referrer_domain(seen.referrer, seen.host),
        device=reader.device,
        **readers.campaign(seen.query),
    )
