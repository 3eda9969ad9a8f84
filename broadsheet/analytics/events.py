"""From what a request left in memory to the rows that are stored.

Requests only note a ``Sighting``: a few strings copied from the environ,
with the IP address and the user agent still in them. The flush turns each
into a row of ``Event`` (or drops it, for a bot) away from the request:
hashes under the salt of the sighting's own day, the device class, the
referring host, the campaign. The address and the user agent end here, in
memory. Rows are plain tuples written with one ``executemany``: at tens of
thousands of views a second, a model instance per view would cost more than
serving the page from the cache.
"""

import functools
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connection
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


COLUMNS = (
    "at",
    "kind",
    "source",
    "path",
    "visitor",
    "pair",
    "carry",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "device",
    "fetcher",
    "subscribers",
    "episode_id",
    "bytes",
    "duplicate",
    "paired",
    "download",
    "rolled",
)


@functools.lru_cache(maxsize=256)
def _second(at: int) -> tuple:
    """The stored time and the site's day of a whole second: events of one
    second share them (computed once; the time zone lookup is not cheap)."""
    moment = datetime.fromtimestamp(at, UTC)
    return connection.ops.adapt_datetimefield_value(moment), timezone.localdate(moment)


def to_row(seen: Sighting) -> tuple | None:
    """The Event row for a sighting (in COLUMNS order), or None for a bot.

    Built as a plain tuple: this runs for every view, and a dict or a model
    instance per view was most of the cost of counting."""
    at, day = _second(int(seen.at))
    path = seen.path[:MAX_PATH]
    kind = seen.kind
    if kind == Event.Kind.FEED:
        # Feed readers are robots by nature, so none is left out; services
        # that fetch for many people report how many.
        fetcher, subscribers = readers.feed_fetcher(seen.user_agent)
        return (at, kind, seen.source, path, "", "", "", "", "", "", "", "",
                fetcher, subscribers, None, 0, False, False, False, False)  # fmt: skip
    if readers.is_bot(seen.user_agent):
        return None
    if kind == Event.Kind.SIGNUP:
        return (at, kind, seen.source, path, "", "", "", "", "", "", "", "",
                "", None, None, 0, False, False, False, False)  # fmt: skip
    reader = readers.Reader(seen.host, seen.address, seen.user_agent, day)
    device = readers.device_class(seen.user_agent)
    if kind == Event.Kind.LISTEN:
        pair, carry, episode = reader.pair(path), reader.carry(path), seen.episode_id
        return (at, kind, seen.source, path, "", pair, carry, "", "", "", "",
                device, "", None, episode, seen.requested,
                False, False, False, False)  # fmt: skip
    visitor = "" if seen.private else reader.visitor()
    referrer = readers.referrer_domain(seen.referrer, seen.host)
    tags = readers.campaign(seen.query) if seen.query else {}
    return (at, kind, seen.source, path, visitor, reader.pair(path), "", referrer,
            tags.get("utm_source", ""), tags.get("utm_medium", ""),
            tags.get("utm_campaign", ""), device, "", None, None, 0,
            False, False, False, False)  # fmt: skip


def insert(rows: list[tuple]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(Event._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
