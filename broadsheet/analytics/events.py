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


def to_row(seen: Sighting) -> tuple | None:
    """The Event row for a sighting (in COLUMNS order), or None for a bot."""
    at = datetime.fromtimestamp(seen.at, UTC)
    path = seen.path[:MAX_PATH]
    row = dict.fromkeys(("visitor", "pair", "carry", "referrer", "device"), "")
    row |= dict.fromkeys(("utm_source", "utm_medium", "utm_campaign", "fetcher"), "")
    row |= {"subscribers": None, "episode_id": None, "bytes": 0}
    if seen.kind == Event.Kind.FEED:
        # Feed readers are robots by nature, so none is left out; services
        # that fetch for many people report how many.
        row["fetcher"], row["subscribers"] = readers.feed_fetcher(seen.user_agent)
    elif readers.is_bot(seen.user_agent):
        return None
    elif seen.kind != Event.Kind.SIGNUP:
        day = timezone.localdate(at)
        reader = readers.Reader(seen.host, seen.address, seen.user_agent, day)
        row["device"] = readers.device_class(seen.user_agent)
        row["pair"] = reader.pair(path)
        if seen.kind == Event.Kind.LISTEN:
            row["carry"] = reader.carry(path)
            row["episode_id"], row["bytes"] = seen.episode_id, seen.requested
        else:
            row["visitor"] = "" if seen.private else reader.visitor()
            row["referrer"] = readers.referrer_domain(seen.referrer, seen.host)
            if seen.query:
                row |= readers.campaign(seen.query)
    row |= {
        "at": connection.ops.adapt_datetimefield_value(at),
        "kind": seen.kind,
        "source": seen.source,
        "path": path,
        "duplicate": False,
        "paired": False,
        "download": False,
        "rolled": False,
    }
    return tuple(row[column] for column in COLUMNS)


def insert(rows: list[tuple]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(Event._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
