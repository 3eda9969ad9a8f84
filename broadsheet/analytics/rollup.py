"""From raw events to hourly and daily tallies, run by the scheduler each tick.

Each run takes the events not yet rolled up (older than SETTLE, so a page's
server view has reached the database before its beacon is judged), then, in
one transaction: pairs beacons with the server views they repeat, decides
which podcast requests make a download, marks the events rolled, and
recomputes every hour and day they touched from the raw events, once per
run however many events came in. Recomputing
whole periods makes a run idempotent: a crash before the commit leaves
nothing half-done, and running it again gives the same tallies.
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from broadsheet.analytics import readers
from broadsheet.analytics.models import Event, ListenWindow, Tally
from broadsheet.analytics.sources import episode_sizes, sections_and_authors

SETTLE = timedelta(seconds=10)
# A beacon repeats a server view of the same page by the same reader sent
# up to this long before it (or, with clocks a little apart, just after).
PAIR_BEFORE, PAIR_AFTER = timedelta(minutes=2), timedelta(seconds=10)
# The IAB podcast measurement rules: one download per listener and episode
# per 24 hours, once a minute of audio was asked for.
DOWNLOAD_WINDOW = timedelta(hours=24)
DOWNLOAD_SECONDS = 60
# Views are also counted by each of these event fields.
BREAKDOWNS = ("referrer", "utm_source", "utm_medium", "utm_campaign", "device")

VIEWS, VISITORS, SIGNUPS = "views", "visitors", "signups"
DOWNLOADS, FETCHES, SUBSCRIBERS = "downloads", "feed_fetches", "feed_subscribers"


def roll_up(now: datetime | None = None) -> int:
    """Roll up what is waiting; return the number of events rolled."""
    now = now or timezone.now()
    readers.forget_old_salts(timezone.localdate(now))
    _prune(now)
    waiting = Event.objects.filter(rolled=False, at__lte=now - SETTLE)
    last = waiting.aggregate(last=Max("id"))["last"]
    if last is None:
        return 0
    # Events flushed from now on have larger ids: every step below sees the
    # same events, however many arrive meanwhile.
    due = waiting.filter(id__lte=last)
    with transaction.atomic():
        fields = ("id", "at", "kind", "source", "pair", "carry", "episode_id", "bytes")
        _pair_beacons(list(due.filter(source=Event.Source.BEACON).only(*fields)))
        _decide_downloads(
            list(due.filter(kind=Event.Kind.LISTEN).only(*fields).order_by("at", "id"))
        )
        hours = set(
            due.annotate(hour=TruncHour("at")).values_list("hour", flat=True).distinct()
        )
        rolled = due.update(rolled=True)
        for hour in sorted(hours):
            recompute(Tally.Period.HOUR, hour, hour + timedelta(hours=1))
        for day in sorted({_day(hour) for hour in hours}):
            recompute(Tally.Period.DAY, day, day + timedelta(days=1))
    return rolled


def _day(hour: datetime) -> datetime:
    # Hours come truncated in the site's time zone (TruncHour): so do days.
    return hour.replace(hour=0)


def _prune(now: datetime) -> None:
    keep = timedelta(days=settings.ANALYTICS["RETENTION_DAYS"])
    Event.objects.filter(at__lt=now - keep, rolled=True).delete()
    ListenWindow.objects.filter(opened_at__lt=now - DOWNLOAD_WINDOW).delete()


def _pair_beacons(beacons: list[Event]) -> None:
    """Mark each beacon that repeats a server view as a duplicate."""
    if not beacons:
        return
    views = Event.objects.filter(
        kind=Event.Kind.VIEW,
        source=Event.Source.SERVER,
        paired=False,
        pair__in={b.pair for b in beacons},
        at__gte=min(b.at for b in beacons) - PAIR_BEFORE,
        at__lte=max(b.at for b in beacons) + PAIR_AFTER,
    ).order_by("at")
    waiting = defaultdict(list)
    for view in views:
        waiting[view.pair].append(view)
    paired = []
    for beacon in beacons:
        for view in waiting[beacon.pair]:
            if view.paired or not (
                beacon.at - PAIR_BEFORE <= view.at <= beacon.at + PAIR_AFTER
            ):
                continue
            view.paired = beacon.duplicate = True
            paired += [view, beacon]
            break
    Event.objects.bulk_update(paired, ["paired", "duplicate"])


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


def recompute(period: str, start: datetime, end: datetime) -> None:
    """Replace the tallies of one period with figures from its raw events."""
    events = Event.objects.filter(at__gte=start, at__lt=end)
    views = events.filter(kind=Event.Kind.VIEW, duplicate=False)
    visits = views.exclude(visitor="")
    figures: Counter = Counter()

    def add(metric, dimension, rows, field, count):
        for row in rows:
            figures[(metric, dimension, row[field] or "")] += row[count]

    total = views.count()
    figures[(VIEWS, "total", "")] = total
    figures[(VISITORS, "total", "")] = visits.values("visitor").distinct().count()
    add(VIEWS, "page", views.values("path").annotate(n=Count("id")), "path", "n")
    add(
        VISITORS,
        "page",
        visits.values("path").annotate(n=Count("visitor", distinct=True)),
        "path",
        "n",
    )
    for dimension in ("referrer", "utm_source", "utm_medium", "utm_campaign", "device"):
        rows = (
            views.exclude(**{dimension: ""}).values(dimension).annotate(n=Count("id"))
        )
        add(VIEWS, dimension, rows, dimension, "n")
    signups = events.filter(kind=Event.Kind.SIGNUP)
    figures[(SIGNUPS, "total", "")] = signups.count()
    add(SIGNUPS, "page", signups.values("path").annotate(n=Count("id")), "path", "n")
    downloads = events.filter(kind=Event.Kind.LISTEN, download=True)
    figures[(DOWNLOADS, "total", "")] = downloads.count()
    for row in downloads.values("episode_id").annotate(n=Count("id")):
        figures[(DOWNLOADS, "episode", str(row["episode_id"]))] += row["n"]
    feeds = events.filter(kind=Event.Kind.FEED)
    add(FETCHES, "feed", feeds.values("path").annotate(n=Count("id")), "path", "n")
    # Each service's latest word on its subscribers, per feed: the largest
    # it reported in the period, summed over services.
    reported = (
        feeds.exclude(subscribers=None)
        .values("path", "fetcher")
        .annotate(n=Max("subscribers"))
    )
    add(SUBSCRIBERS, "feed", reported, "path", "n")
    for (dimension, key), value in _pages_by_section_and_author(views).items():
        figures[(VIEWS, dimension, key)] += value
    Tally.objects.filter(period=period, start=start).delete()
    Tally.objects.bulk_create(
        [
            Tally(
                period=period,
                start=start,
                metric=metric,
                dimension=dimension,
                key=key[:500],
                value=value,
            )
            for (metric, dimension, key), value in figures.items()
            if value or dimension == "total"
        ],
        batch_size=1000,
    )


def _pages_by_section_and_author(views) -> Counter:
    by_path = dict(views.values_list("path").annotate(n=Count("id")))
    totals: Counter = Counter()
    for path, (section, authors) in sections_and_authors(by_path).items():
        if section:
            totals[("section", section)] += by_path[path]
        for author in authors:
            totals[("author", author)] += by_path[path]
    return totals


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
