"""Server page views, stored a flush at a time (``ViewBatch``).

The page cache answers tens of thousands of views a second, and a row per
view, written from Python and read back by the roll-up, cost more than
serving the page. So the views the server counts in one flush are one
row: grouped by what the additive tallies need (second, page, referrer,
campaign, device) with a count each, and, per view, only what tells
readers apart, packed: its group, its visitor hash and its page hash.
Beacons, feed fetches, audio requests and sign-ups are far fewer, and stay
rows of ``Event``.
"""

import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from broadsheet.analytics.models import ViewBatch

# A visitor hash of 0 stands for a reader who asked not to be tracked
# (a real hash is 0 once in 2**64: that reader would count as a view only).
NOT_TRACKED = 0


class Group(NamedTuple):
    """Views of one second alike in every figure that adds up."""

    at: datetime
    path: str
    referrer: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    device: str
    views: int


def pack(views: list[tuple]) -> ViewBatch:
    """An unsaved batch of server views, from rows made by ``events.to_row``:
    (second, kind, source, path, visitor, pair, referrer, utm_source,
    utm_medium, utm_campaign, device)."""
    (seconds, _kinds, _sources, paths, visitors, pairs,
     *breakdowns) = zip(*views, strict=True)  # fmt: skip
    keys = list(zip(seconds, paths, *breakdowns, strict=True))
    counts = Counter(keys)
    place = {key: index for index, key in enumerate(counts)}
    first, last = min(seconds), max(seconds)
    return ViewBatch(
        first_at=datetime.fromtimestamp(first, UTC),
        last_at=datetime.fromtimestamp(last, UTC),
        groups=[
            [second - first, *map(_storable, texts), n]
            for (second, *texts), n in counts.items()
        ],
        group_of=_bytes(array("I", map(place.__getitem__, keys))),
        visitors=_bytes(array("q", [v or NOT_TRACKED for v in visitors])),
        pairs=_bytes(array("q", pairs)),
    )


def _storable(text: str) -> str:
    # PostgreSQL stores no NUL character in text or JSON.
    return text.replace("\x00", "")


class View(NamedTuple):
    at: datetime
    path: str
    visitor: int | None  # None for a reader who asked not to be tracked
    pair: int
    referrer: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    device: str


def unpack(batch: ViewBatch) -> list[View]:
    """The batch's views one by one, in order."""
    found = groups(batch)
    return [
        View(
            found[group].at,
            found[group].path,
            None if visitor == NOT_TRACKED else visitor,
            pair,
            *found[group][2:7],
        )
        for group, visitor, pair in views(batch)
    ]


def groups(batch: ViewBatch) -> list[Group]:
    start = batch.first_at
    return [
        Group(start + timedelta(seconds=offset), *rest)
        for offset, *rest in batch.groups
    ]


def views(batch: ViewBatch) -> Iterable[tuple[int, int, int]]:
    """(group, visitor, pair) of each view, in order."""
    return zip(
        _numbers("I", batch.group_of),
        _numbers("q", batch.visitors),
        _numbers("q", batch.pairs),
        strict=True,
    )


def pairs(batch: ViewBatch) -> array:
    return _numbers("q", batch.pairs)


def group_of(batch: ViewBatch) -> array:
    return _numbers("I", batch.group_of)


# Stored little-endian, whatever the machine.
_SWAP = sys.byteorder == "big"


def _bytes(numbers: array) -> bytes:
    if _SWAP:
        numbers.byteswap()
    return numbers.tobytes()


def _numbers(code: str, stored) -> array:
    numbers = array(code)
    numbers.frombytes(bytes(stored))
    if _SWAP:
        numbers.byteswap()
    return numbers
