"""From raw events to hourly and daily tallies, run by the scheduler each tick.

Each run takes the events after its mark (``RollUp``) in id order, up to
the first that is younger than SETTLE (so a page's server view has reached
the database before its beacon is judged), and the batches of server views
after its mark (``batches``). Then, in one transaction, it pairs beacons
with the server views they repeat, decides which podcast
requests make a download, adds their views, sign-ups, downloads and feed
fetches to the tallies of their hours and days, and moves the mark. Counting
and the mark commit together, so a crash before the commit leaves nothing
half-done and the next run counts them once; an event written late (by a
process whose database was away) is counted when it arrives. The mark never
passes an insert still in flight (``_committed_ceiling``).

A run's cost follows the events that came in since the last one, not the
size of the day: the distinct figures (each day's visitors, and the
subscribers feed services report) are counted as it goes too (``distinct``).
"""

import functools
import logging
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Max, Min, Q, Subquery, Sum
from django.utils import timezone

from broadsheet.analytics import batches, distinct, readers
from broadsheet.analytics.events import INSERTING
from broadsheet.analytics.models import Event, ListenWindow, RollUp, Tally, ViewBatch
from broadsheet.analytics.sources import episode_sizes, sections_and_authors

logger = logging.getLogger("broadsheet.analytics")
SETTLE = timedelta(seconds=10)
# A beacon repeats a server view of the same page by the same reader sent
# up to this long before it (or, with clocks a little apart, just after).
PAIR_BEFORE, PAIR_AFTER = timedelta(minutes=2), timedelta(seconds=10)
# The IAB podcast measurement rules: one download per listener and episode
# per 24 hours, once a minute of audio was asked for.
DOWNLOAD_WINDOW = timedelta(hours=24)
DOWNLOAD_SECONDS = 60
VIEWS, SIGNUPS = "views", "signups"
DOWNLOADS, FETCHES = "downloads", "feed_fetches"
VISITORS, SUBSCRIBERS = distinct.VISITORS, distinct.SUBSCRIBERS
# Added to tick by tick; visitors and subscribers are counted by ``distinct``.
ADDITIVE = (VIEWS, SIGNUPS, DOWNLOADS, FETCHES)
# Views are also counted by each of these event fields.
BREAKDOWNS = ("referrer", "utm_source", "utm_medium", "utm_campaign", "device")


def roll_up(now: datetime | None = None) -> int:
    """Roll up what is waiting; return the number of events rolled."""
    now = now or timezone.now()
    readers.forget_old_salts(timezone.localdate(now))
    _prune(now)
    return _roll_new_events(now)


def _committed_ceiling() -> tuple[int, int] | None:
    """The largest event id and batch id below which every insert has
    committed or failed, or None when that could not be known in time.

    On PostgreSQL ids are handed out when a row is inserted but seen only
    when its flush commits, so a later flush can be seen before an earlier
    one: the mark must not pass an id still in flight. Every insert holds an
    advisory lock shared (``events.INSERTING``); taking it alone waits for
    the inserts under way, and only flushers wait meanwhile (no table lock,
    so vacuum is not in the way). SQLite has one writer at a time, so what it
    shows is whole.
    """
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INSERTING])
            return (
                Event.objects.aggregate(last=Max("id"))["last"] or 0,
                ViewBatch.objects.aggregate(last=Max("id"))["last"] or 0,
            )
    except OperationalError:  # an insert held it for seconds: next tick
        logger.warning("Audience roll-up skipped: an insert held the lock")
        return None


def _roll_new_events(now: datetime) -> int:
    ceilings = _committed_ceiling()
    if ceilings is None:
        return 0
    ceiling, batch_ceiling = ceilings
    distinct.prepare(now)  # the day's readers, read before the write lock
    with transaction.atomic():
        mark = RollUp.objects.select_for_update().filter(pk=1).first()
        if mark is None:
            mark = RollUp.objects.create(pk=1)
        new = Event.objects.filter(id__gt=mark.last_event_id, id__lte=ceiling)
        # Events are taken in id order up to the first that has not settled,
        # so the mark can pass over everything before it. (An event stamped
        # well past now comes from a node whose clock is ahead: it is taken
        # at once rather than hold everyone's figures back.)
        unsettled = new.filter(at__gt=now - SETTLE, at__lte=now + SETTLE)
        first_unsettled = unsettled.aggregate(first=Min("id"))["first"]
        last = ceiling if first_unsettled is None else first_unsettled - 1
        last = max(last, mark.last_event_id)
        # A server view needs no settling: it is what beacons wait for.
        last_batch = max(batch_ceiling, mark.last_batch_id)
        if last == mark.last_event_id and last_batch == mark.last_batch_id:
            return 0
        due = new.filter(id__lte=last)
        due_batches = list(
            ViewBatch.objects.filter(id__gt=mark.last_batch_id, id__lte=last_batch)
        )
        fields = ("id", "at", "kind", "source", "pair", "carry", "episode_id", "bytes")
        _pair_beacons(list(due.filter(source=Event.Source.BEACON).only(*fields)))
        listens = due.filter(kind=Event.Kind.LISTEN).only(*fields)
        _decide_downloads(list(listens.order_by("at", "id")))
        counts, rolled = _counts(due, due_batches)
        _add(counts)
        token = uuid.uuid4().hex
        distinct.count(due, due_batches, (last, last_batch), mark.token, token, now)
        RollUp.objects.filter(pk=1).update(
            last_event_id=last, last_batch_id=last_batch, token=token
        )
    return rolled


def _day(hour: datetime) -> datetime:
    # Hours start in the site's time zone (``_hour``): so do days.
    return hour.replace(hour=0)


def _prune(now: datetime) -> None:
    keep = timedelta(days=settings.ANALYTICS["RETENTION_DAYS"])
    mark = RollUp.objects.filter(pk=1)
    Event.objects.filter(
        at__lt=now - keep, id__lte=Subquery(mark.values("last_event_id"))
    ).delete()
    ViewBatch.objects.filter(
        last_at__lt=now - keep, id__lte=Subquery(mark.values("last_batch_id"))
    ).delete()
    ListenWindow.objects.filter(opened_at__lt=now - DOWNLOAD_WINDOW).delete()


def _pair_beacons(beacons: list[Event]) -> None:
    """Mark each beacon that repeats a server view as a duplicate: a view of
    the same page by the same reader, from PAIR_BEFORE before the beacon to
    PAIR_AFTER after it, that no other beacon repeated."""
    if not beacons:
        return
    low = min(b.at for b in beacons) - PAIR_BEFORE
    high = max(b.at for b in beacons) + PAIR_AFTER
    wanted = {b.pair for b in beacons}
    waiting = defaultdict(list)  # pair: [(at, batch, place in it)]
    stored = ViewBatch.objects.filter(first_at__lte=high, last_at__gte=low)
    for batch in stored.defer("visitors").order_by("first_at", "id"):
        claimed, times = set(batch.claimed), [g.at for g in batches.groups(batch)]
        group_of = batches.group_of(batch)
        for place, pair in enumerate(batches.pairs(batch)):
            if pair in wanted and place not in claimed:
                waiting[pair].append((times[group_of[place]], batch, place))
    changed, duplicates = {}, []
    for beacon in beacons:
        views = waiting[beacon.pair]
        for view in views:
            at, batch, place = view
            if beacon.at - PAIR_BEFORE <= at <= beacon.at + PAIR_AFTER:
                batch.claimed.append(place)
                changed[batch.pk] = batch
                beacon.duplicate = True
                duplicates.append(beacon)
                views.remove(view)
                break
    ViewBatch.objects.bulk_update(changed.values(), ["claimed"])
    Event.objects.bulk_update(duplicates, ["duplicate"])


def download_threshold(audio_size: int, duration: int) -> int:
    """Bytes in a minute of the episode (the whole file if shorter)."""
    if duration <= 0:
        return min(audio_size, 960_000) or 960_000  # a minute at 128 kbit/s
    return min(audio_size, audio_size * DOWNLOAD_SECONDS // duration)


def _thresholds(episode_ids: set[int]) -> dict[int, int]:
    return {
        pk: download_threshold(size, duration)
        for pk, (size, duration) in episode_sizes(episode_ids).items()
    }


def _decide_downloads(listens: list[Event]) -> None:
    """Mark the request that completes a listener's minute as the download."""
    if not listens:
        return
    thresholds = _thresholds({e.episode_id for e in listens})
    earliest = min(e.at for e in listens) - DOWNLOAD_WINDOW
    keys = {e.pair for e in listens}
    windows = list(
        ListenWindow.objects.filter(
            Q(key__in=keys) | Q(carry__in=keys), opened_at__gte=earliest
        ).order_by("opened_at")
    )
    downloads, touched = [], set()
    for event in listens:
        threshold = thresholds.get(event.episode_id)
        if threshold is None:
            continue  # an episode since deleted
        window = next(
            (
                w
                for w in reversed(windows)
                if event.pair in (w.key, w.carry)
                and w.episode_id == event.episode_id
                and event.at - w.opened_at < DOWNLOAD_WINDOW
            ),
            None,
        )
        if window is None:
            window = ListenWindow(
                key=event.pair,
                carry=event.carry,
                episode_id=event.episode_id,
                opened_at=event.at,
            )
            windows.append(window)
        window.bytes += event.bytes
        touched.add(id(window))
        if not window.counted and window.bytes >= threshold:
            window.counted = event.download = True
            downloads.append(event)
    Event.objects.bulk_update(downloads, ["download"])
    for window in windows:
        if id(window) in touched:
            window.save()


def _counts(due, due_batches: list[ViewBatch]) -> tuple[Counter, int]:
    """{(hour, metric, dimension, key): count} of the additive figures in
    ``due`` and ``due_batches``, and how many events they hold.

    One grouped query by the stored second, not the hour: SQLite would call
    back into Python for the hour of every row, while the distinct seconds
    are few and each is turned into its hour once here."""
    counts: Counter = Counter()
    rolled = 0
    zone = timezone.get_current_timezone()
    rows = (
        due.values(
            "kind", "duplicate", "download", "at", "path", "episode_id", *BREAKDOWNS
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        n, kind = row["n"], row["kind"]
        rolled += n
        hour = _hour(row["at"], zone)
        if kind == Event.Kind.VIEW and not row["duplicate"]:
            _add_views(counts, hour, n, row["path"], [row[d] for d in BREAKDOWNS])
        elif kind == Event.Kind.SIGNUP:
            counts[(hour, SIGNUPS, "total", "")] += n
            counts[(hour, SIGNUPS, "page", row["path"])] += n
        elif kind == Event.Kind.LISTEN and row["download"]:
            counts[(hour, DOWNLOADS, "total", "")] += n
            counts[(hour, DOWNLOADS, "episode", str(row["episode_id"]))] += n
        elif kind == Event.Kind.FEED:
            counts[(hour, FETCHES, "feed", row["path"])] += n
    for batch in due_batches:
        for at, path, *breakdown, n in batches.groups(batch):
            rolled += n
            _add_views(counts, _hour(at, zone), n, path, breakdown)
    pages = {
        key for (_h, metric, dim, key) in counts if metric == VIEWS and dim == "page"
    }
    found = sections_and_authors(pages)
    for (hour, metric, dimension, key), value in list(counts.items()):
        if metric != VIEWS or dimension != "page" or key not in found:
            continue
        section, authors = found[key]
        if section:
            counts[(hour, VIEWS, "section", section)] += value
        for author in authors:
            counts[(hour, VIEWS, "author", author)] += value
    return counts, rolled


def _add_views(counts: Counter, hour, n: int, path: str, breakdown: list) -> None:
    """Count ``n`` views of ``path``, with their values of BREAKDOWNS."""
    counts[(hour, VIEWS, "total", "")] += n
    counts[(hour, VIEWS, "page", path)] += n
    for dimension, value in zip(BREAKDOWNS, breakdown, strict=True):
        if value:
            counts[(hour, VIEWS, dimension, value)] += n


@functools.lru_cache(maxsize=4096)
def _hour(at: datetime, zone) -> datetime:
    """The start of the hour in ``zone`` that ``at`` falls in."""
    return timezone.localtime(at, zone).replace(minute=0, second=0, microsecond=0)


def _add(counts: Counter) -> None:
    """Add ``counts`` to their hours' and days' tallies."""
    wanted: Counter = Counter()
    for (hour, metric, dimension, key), value in counts.items():
        for period, start in (
            (Tally.Period.HOUR, hour),
            (Tally.Period.DAY, _day(hour)),
        ):
            wanted[(period, start, metric, dimension, key[:500])] += value
    if not wanted:
        return
    periods = Q()
    for period, start in {(period, start) for period, start, *_ in wanted}:
        periods |= Q(period=period, start=start)
    existing = {
        (t.period, t.start, t.metric, t.dimension, t.key): t
        for t in Tally.objects.filter(periods, metric__in=ADDITIVE)
    }
    changed, new = [], []
    for (period, start, metric, dimension, key), value in wanted.items():
        found = existing.get((period, start, metric, dimension, key))
        if found is not None:
            found.value += value
            changed.append(found)
        else:
            new.append(_tally(period, start, metric, dimension, key, value))
    Tally.objects.bulk_update(changed, ["value"], batch_size=500)
    Tally.objects.bulk_create(new, batch_size=1000)


def _tally(period, start, metric, dimension, key, value) -> Tally:
    return Tally(
        period=period,
        start=start,
        metric=metric,
        dimension=dimension,
        key=key[:500],
        value=value,
    )


def tally(period: str, metric: str, dimension: str, start, end, limit=None):
    """[(key, total)] for a range of periods, largest first."""
    rows = (
        Tally.objects.filter(
            period=period,
            metric=metric,
            dimension=dimension,
            start__gte=start,
            start__lt=end,
        )
        .values("key")
        .annotate(total=Sum("value"))
        .order_by("-total", "key")
    )
    return [(row["key"], row["total"]) for row in rows[:limit]]
