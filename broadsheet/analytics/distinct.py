"""Each day's distinct figures, counted as the roll-up goes.

Views add up tick by tick; readers do not: a reader seen at nine and again
at five is one visitor. The scheduler's process keeps, for today and
yesterday, the hashes the roll-up has counted (visitor hashes, and page
hashes, which stand for one reader and one page) and the subscribers each
feed service last reported. Each tick then reads only its new events and
writes the figures they change: each event is read once, however busy the
day.

That memory is only trusted if it was built up to the roll-up's mark by
this process (``RollUp.token`` is the token it last wrote, and committed).
Otherwise (the scheduler started, another one took over, a new day began,
a run rolled back) it is rebuilt from the days' raw events up to the mark,
and the days' figures are written afresh: a recount, once. The rebuild
reads the whole day, so ``prepare`` does it before the roll-up's
transaction, from the committed mark: on SQLite that transaction holds the
one write lock, and every flush waits for it. It costs about 70 bytes per
distinct reader and per distinct reader-and-page of the two days.

Events of a day before yesterday that arrive late (a process whose
database was away for a day) add their views, not their readers.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from broadsheet.analytics import batches
from broadsheet.analytics.models import Event, RollUp, Tally, ViewBatch

VISITORS, SUBSCRIBERS = "visitors", "feed_subscribers"


@dataclass
class Day:
    visitors: set[int] = field(default_factory=set)
    pairs: set[int] = field(default_factory=set)  # a reader and a page
    readers_by_page: Counter = field(default_factory=Counter)
    reported: dict[tuple[str, str], int] = field(default_factory=dict)

    def subscribers(self, path: str) -> int:
        # Each service's word on its subscribers: the largest it reported
        # that day, summed over services.
        return sum(n for (feed, _), n in self.reported.items() if feed == path)


@dataclass
class Seen:
    token: str
    days: dict[datetime, Day]
    # After a rebuild outside the roll-up: every figure of the days, to be
    # written afresh by the next roll-up (None when there is none to write).
    rebuilt: set | None = None

    def trusted(self, token: str, days: tuple[datetime, datetime]) -> bool:
        return self.token == token and set(self.days) == set(days)


_seen: Seen | None = None


def days_of(now: datetime) -> tuple[datetime, datetime]:
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=1), today


def count(
    due,
    due_batches: list[ViewBatch],
    last: tuple[int, int],
    token: str,
    new_token: str,
    now: datetime,
) -> None:
    """Add the readers and reports among ``due`` and ``due_batches`` (the
    events and batches up to the new mark ``last``, their ids) to the days'
    figures.

    Runs in the roll-up's transaction. ``token`` is the mark's token before
    this run, and ``new_token`` the one this run writes with the new mark:
    if the transaction rolls back, the memory (now holding ``new_token``) no
    longer matches the mark's, and the next run rebuilds it. The memory is
    rebuilt here only when ``prepare`` could not do it before (the first
    run, or the mark moved in between).
    """
    global _seen
    days = days_of(now)
    # Detached while it changes: if this fails half-way, nothing half-taken
    # is trusted.
    seen, _seen = _seen, None
    if seen is None or not seen.trusted(token, days):
        seen = Seen(token, {day: Day() for day in days})
        _write(seen, _rebuild(seen, last), replace=True)
    else:
        changed = _take(seen, due, due_batches)
        if seen.rebuilt is not None:
            _write(seen, changed | seen.rebuilt, replace=True)
            seen.rebuilt = None
        else:
            _write(seen, changed, replace=False)
    seen.token = new_token
    _seen = seen


def prepare(now: datetime) -> None:
    """Rebuild the memory up to the committed mark if it cannot be trusted,
    outside any transaction: the roll-up that follows then takes only its
    new events, and writes the days' figures afresh."""
    global _seen
    mark = RollUp.objects.filter(pk=1).values_list(
        "token", "last_event_id", "last_batch_id"
    )
    found = mark.first()
    if found is None:
        return  # nothing rolled up yet: nothing to remember
    token, *last = found
    days = days_of(now)
    if _seen is not None and _seen.trusted(token, days):
        return
    _seen = None
    seen = Seen(token, {day: Day() for day in days})
    seen.rebuilt = _rebuild(seen, tuple(last))
    _seen = seen


def _rebuild(seen: Seen, last: tuple[int, int]) -> set:
    """Take every event and batch of the days up to ``last`` into ``seen``;
    the figures they make."""
    last_event, last_batch = last
    stored = ViewBatch.objects.filter(id__lte=last_batch, last_at__gte=min(seen.days))
    return _take(
        seen,
        Event.objects.filter(id__lte=last_event),
        stored.defer("claimed").iterator(chunk_size=20),
    )


def forget() -> None:
    """Drop the memory: the next roll-up rebuilds it (as a new process would)."""
    global _seen
    _seen = None


def _take(seen: Seen, events, stored_batches) -> set:
    """Take the readers and reports of the events and the batches of views
    into ``seen``; the figures changed."""
    changed = set()
    for batch in stored_batches:
        _take_batch(seen, batch, changed)
    for day, counted in seen.days.items():
        during = events.filter(at__gte=day, at__lt=day + timedelta(days=1))
        pairs_by_page = defaultdict(set)
        views = during.filter(kind=Event.Kind.VIEW, visitor__isnull=False)
        rows = views.values_list("visitor", "pair", "path").iterator(chunk_size=5000)
        for visitor, pair, path in rows:
            if visitor not in counted.visitors:
                counted.visitors.add(visitor)
                changed.add((day, VISITORS, "total", ""))
            if pair not in counted.pairs:
                pairs_by_page[path].add(pair)
        for path, pairs in pairs_by_page.items():
            counted.pairs |= pairs
            counted.readers_by_page[path] += len(pairs)
            changed.add((day, VISITORS, "page", path))
        feeds = during.filter(kind=Event.Kind.FEED, subscribers__isnull=False)
        for path, fetcher, n in feeds.values_list("path", "fetcher", "subscribers"):
            if n > counted.reported.get((path, fetcher), -1):
                counted.reported[(path, fetcher)] = n
                changed.add((day, SUBSCRIBERS, "feed", path))
    return changed


def _take_batch(seen: Seen, batch: ViewBatch, changed: set) -> None:
    groups = batches.groups(batch)
    # Per group: its day's memory (None for a day not kept), the day, the page.
    where = [_where(seen, group) for group in groups]
    new_visitors, new_pages = set(), set()
    for group, visitor, pair in batches.views(batch):
        counted, day, path = where[group]
        if counted is None or visitor == batches.NOT_TRACKED:
            continue
        if visitor not in counted.visitors:
            counted.visitors.add(visitor)
            new_visitors.add(day)
        if pair not in counted.pairs:
            counted.pairs.add(pair)
            counted.readers_by_page[path] += 1
            new_pages.add((day, path))
    changed.update((day, VISITORS, "total", "") for day in new_visitors)
    changed.update((day, VISITORS, "page", path) for day, path in new_pages)


def _where(seen: Seen, group: batches.Group) -> tuple:
    for day, counted in seen.days.items():
        if day <= group.at < day + timedelta(days=1):
            return counted, day, group.path
    return None, None, group.path


def _value(seen: Seen, day, metric: str, dimension: str, key: str) -> int:
    counted = seen.days[day]
    if metric == SUBSCRIBERS:
        return counted.subscribers(key)
    if dimension == "total":
        return len(counted.visitors)
    return counted.readers_by_page[key]


def _write(seen: Seen, changed: set, *, replace: bool) -> None:
    """Write the changed figures (all of the days', after a rebuild)."""
    metrics = (VISITORS, SUBSCRIBERS)
    if replace:
        Tally.objects.filter(
            period=Tally.Period.DAY, start__in=list(seen.days), metric__in=metrics
        ).delete()
        existing = {}
    else:
        keys = {key for *_, key in changed}
        existing = {
            (t.start, t.metric, t.dimension, t.key): t
            for t in Tally.objects.filter(
                period=Tally.Period.DAY,
                start__in=list(seen.days),
                metric__in=metrics,
                key__in=keys,
            )
        }
    updated, new = [], []
    for day, metric, dimension, key in changed:
        value = _value(seen, day, metric, dimension, key)
        found = existing.get((day, metric, dimension, key))
        if found is not None:
            found.value = value
            updated.append(found)
        else:
            new.append(
                Tally(
                    period=Tally.Period.DAY,
                    start=day,
                    metric=metric,
                    dimension=dimension,
                    key=key[:500],
                    value=value,
                )
            )
    Tally.objects.bulk_update(updated, ["value"], batch_size=500)
    Tally.objects.bulk_create(new, batch_size=1000)
