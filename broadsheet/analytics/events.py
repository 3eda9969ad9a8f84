"""From what a request left in memory to what is stored.

Requests only note a ``Sighting``: a few strings copied from the environ,
with the IP address and the user agent still in them. The flush turns each
into a row (or drops it, for a bot) away from the request: hashes under the
salt of the sighting's own day, the device class, the referring host, the
campaign. The address and the user agent end here, in memory. Rows are
plain tuples: at tens of thousands of views a second, a model instance per
view would cost more than serving the page from the cache. The server's
page views are stored a flush at a time (``batches``); every other event
is a row of ``Event``, written with an ``executemany``.
"""

import functools
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from broadsheet.analytics import batches, readers
from broadsheet.analytics.models import Event

MAX_PATH = 500
# Plain strings: compared for every event.
FEED, SIGNUP = Event.Kind.FEED.value, Event.Kind.SIGNUP.value
LISTEN, SERVER = Event.Kind.LISTEN.value, Event.Source.SERVER.value


class Sighting(NamedTuple):
    kind: str
    source: str
    at: float  # time.time()
    path: str
    query: str
    referrer: str
    host: str
    remote_addr: str
    forwarded_for: str  # X-Forwarded-For, used behind a proxy only
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
    "download",
)
# A page view's row: the columns left out have defaults in the database, and
# a view is the commonest row by far (each value bound costs a little).
VIEW_COLUMNS = COLUMNS[:6] + COLUMNS[7:12]


@functools.lru_cache(maxsize=256)
def _day(second: int):
    """The site's day of a whole second (computed once for all the events of
    that second: the time zone lookup is not cheap)."""
    return timezone.localdate(datetime.fromtimestamp(second, UTC))


@functools.lru_cache(maxsize=256)
def _stored(second: int):
    return connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(second, UTC))


def to_row(seen: Sighting) -> tuple | None:
    """The row for a sighting, or None for a bot: a view's in VIEW_COLUMNS
    order, any other's in COLUMNS order, with the whole second of
    ``time.time()`` for ``at``.

    Built as a plain tuple from the sighting unpacked once: this runs for
    every view, and a dict or a model instance per view was most of the
    cost of counting."""
    (kind, source, when, path, query, referrer, host, remote_addr,
     forwarded_for, user_agent, private, episode, requested) = seen  # fmt: skip
    at = int(when)
    day = _day(at)
    path = path[:MAX_PATH]
    if kind == FEED:
        # Feed readers are robots by nature, so none is left out; services
        # that fetch for many people report how many.
        fetcher, subscribers = readers.feed_fetcher(user_agent)
        return (at, kind, source, path, None, None, None, "", "", "", "", "",
                fetcher, subscribers, None, 0, False, False)  # fmt: skip
    device = readers.agent_class(user_agent)
    if device is None:  # a bot
        return None
    if kind == SIGNUP:
        return (at, kind, source, path, None, None, None, "", "", "", "", "",
                "", None, None, 0, False, False)  # fmt: skip
    address = readers.client_address(remote_addr, forwarded_for)
    if kind == LISTEN:
        reader = readers.Reader(host, address, user_agent, day)
        return (at, kind, source, path, None, reader.pair(path), reader.carry(path),
                "", "", "", "", device, "", None, episode, requested,
                False, False)  # fmt: skip
    if private:
        visitor = None
        pair = readers.Reader(host, address, user_agent, day).pair(path)
    else:
        visitor = readers.visitor(host, address, user_agent, day)
        pair = readers.with_path(visitor, path)
    if query:
        tags = readers.campaign(query)
        utm_source, medium, name = (tags.get(f"utm_{n}", "") for n in _UTM)
    else:
        utm_source = medium = name = ""
    referred = readers.referrer_domain(referrer, host) if referrer else ""
    return (at, kind, source, path, visitor, pair, referred,
            utm_source, medium, name, device)  # fmt: skip


_UTM = ("source", "medium", "campaign")


# pg_advisory_xact_lock's key, unique to this purpose: every insert of
# events holds it shared until its transaction ends, and the roll-up waits
# for them by taking it alone (``rollup._committed_ceiling``).
INSERTING = 0x42_53_61_75_64_69_65  # "BSaudie"


def insert(rows: list[tuple]) -> None:
    """Write rows made by ``to_row``: the server's views as one batch, the
    rest as rows of ``Event``, one statement each for views and others.

    Call it in a transaction: on PostgreSQL the shared lock lasts until its end.
    """
    server_views, views, others = [], [], []
    for row in rows:
        if len(row) == len(COLUMNS):
            others.append((_stored(row[0]), *row[1:]))
        elif row[2] == SERVER:
            server_views.append(row)
        else:
            views.append((_stored(row[0]), *row[1:]))
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [INSERTING])
        for columns, batch in ((VIEW_COLUMNS, views), (COLUMNS, others)):
            if batch:
                names = ", ".join(map(connection.ops.quote_name, columns))
                marks = ", ".join(["%s"] * len(columns))
                statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"
                cursor.executemany(statement, batch)
    if server_views:
        batches.pack(server_views).save()
