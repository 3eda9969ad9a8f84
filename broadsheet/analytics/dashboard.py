"""The figures the admin dashboard shows, for a span of time.

"Now" (the last 30 minutes) is counted from the raw events and batches of
views; every other span
reads the roll-ups: daily tallies for whole days, hourly ones for today's
chart. Names for paths, sections, authors and episodes come from the apps'
models (``sources``), in a fixed number of queries.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from broadsheet.analytics import batches, rollup, sources
from broadsheet.analytics.models import Event, Tally, ViewBatch
from broadsheet.analytics.rollup import (
    DOWNLOADS,
    FETCHES,
    SIGNUPS,
    SUBSCRIBERS,
    VIEWS,
    VISITORS,
)

SPANS = {
    "now": "Last 30 minutes",
    "today": "Today",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "range": "Chosen dates",
}
TOP = 10
LONGEST_RANGE_DAYS = 366


class BadSpan(ValueError):
    pass


@dataclass(frozen=True)
class Span:
    key: str
    start: datetime
    end: datetime
    label: str

    @property
    def hourly(self) -> bool:
        return self.end - self.start <= timedelta(days=1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def span_from(params, now: datetime | None = None) -> Span:
    """The span a request asks for (``?span=7d`` or ``?span=range&from=…&to=…``)."""
    now = now or timezone.now()
    key = params.get("span") or "7d"
    today = timezone.localdate(now)
    if key == "now":
        return Span(key, now - timedelta(minutes=30), now, SPANS[key])
    if key == "today":
        return Span(key, _midnight(today), now, SPANS[key])
    if key in ("7d", "30d"):
        days = int(key[:-1])
        return Span(key, _midnight(today - timedelta(days=days - 1)), now, SPANS[key])
    if key != "range":
        raise BadSpan(f"Unknown span {key!r}.")
    try:
        first = date.fromisoformat(params.get("from", ""))
        last = date.fromisoformat(params.get("to", ""))
    except ValueError as error:
        raise BadSpan("Give both dates as YYYY-MM-DD.") from error
    if last < first:
        raise BadSpan("The end date is before the start date.")
    if (last - first).days >= LONGEST_RANGE_DAYS:
        raise BadSpan(f"Choose at most {LONGEST_RANGE_DAYS} days.")
    label = f"{first:%-d %b %Y} to {last:%-d %b %Y}"
    return Span(key, _midnight(first), _midnight(last + timedelta(days=1)), label)


@dataclass
class Row:
    label: str
    value: int
    link: str = ""


@dataclass
class Figures:
    span: Span
    totals: dict[str, int]
    series: list[tuple[datetime, int]]
    tables: dict[str, list[Row]] = field(default_factory=dict)


TABLES = {
    "articles": "Top pages",
    "sections": "Top sections",
    "authors": "Top authors",
    "referrers": "Top referrers",
    "campaigns": "Campaigns (utm_campaign)",
    "sources": "Campaign sources (utm_source)",
    "devices": "Devices",
    "signups": "Newsletter sign-ups by page",
    "downloads": "Podcast downloads by episode",
    "feeds": "Feeds: fetches and reported subscribers",
}


def figures(span: Span) -> Figures:
    if span.key == "now":
        return _recent(span)
    read = _reader(span)
    found = Figures(
        span=span,
        totals={
            metric: sum(value for _key, value in read(metric, "total"))
            for metric in (VIEWS, VISITORS, SIGNUPS, DOWNLOADS)
        },
        series=_series(span),
    )
    _name_tables(found, read)
    return found


def _reader(span: Span):
    """read(metric, dimension, limit) -> [(key, total)] over the span's days
    (today's daily tally is kept current by every roll-up)."""

    def read(metric, dimension, limit=None):
        return rollup.tally(
            Tally.Period.DAY, metric, dimension, span.start, span.end, limit
        )

    return read


def _series(span: Span) -> list[tuple[datetime, int]]:
    period = Tally.Period.HOUR if span.hourly else Tally.Period.DAY
    rows = dict(
        Tally.objects.filter(
            period=period,
            metric=VIEWS,
            dimension="total",
            start__gte=span.start,
            start__lt=span.end,
        ).values_list("start", "value")
    )
    step = timedelta(hours=1) if span.hourly else timedelta(days=1)
    series, moment = [], span.start
    while moment < span.end:
        series.append((moment, rows.get(moment, 0)))
        moment += step
    return series


def _name_tables(found: Figures, read) -> None:
    pages = read(VIEWS, "page", TOP)
    signups = read(SIGNUPS, "page", TOP)
    titles = _titles([key for key, _n in pages + signups])
    found.tables["articles"] = [_page_row(key, n, titles) for key, n in pages]
    sections = read(VIEWS, "section", TOP)
    section_titles = _titles([key for key, _n in sections])
    found.tables["sections"] = [_page_row(k, n, section_titles) for k, n in sections]
    authors = read(VIEWS, "author", TOP)
    names = sources.author_names([key for key, _n in authors])
    found.tables["authors"] = [Row(names.get(k, k), n) for k, n in authors]
    for table, dimension in (
        ("referrers", "referrer"),
        ("campaigns", "utm_campaign"),
        ("sources", "utm_source"),
        ("devices", "device"),
    ):
        found.tables[table] = [Row(k, n) for k, n in read(VIEWS, dimension, TOP)]
    found.tables["signups"] = [_page_row(key, n, titles) for key, n in signups]
    downloads = read(DOWNLOADS, "episode", TOP)
    episodes = sources.episode_titles([int(k) for k, _n in downloads if k.isdigit()])
    found.tables["downloads"] = [
        Row(episodes.get(int(k), f"Episode {k} (deleted)"), n) for k, n in downloads
    ]
    subscribers = dict(_latest_subscribers(found.span))
    found.tables["feeds"] = [
        Row(f"{key} ({subscribers.get(key, 0)} subscribers reported)", n, key)
        for key, n in read(FETCHES, "feed", TOP)
    ]


def _latest_subscribers(span: Span):
    """Per feed: the subscribers services reported on the span's last day
    with a report."""
    last = (
        Tally.objects.filter(
            period=Tally.Period.DAY,
            metric=SUBSCRIBERS,
            start__gte=span.start,
            start__lt=span.end,
        )
        .order_by("-start")
        .values_list("start", flat=True)
        .first()
    )
    if last is None:
        return []
    return Tally.objects.filter(
        period=Tally.Period.DAY, metric=SUBSCRIBERS, start=last
    ).values_list("key", "value")


def _titles(paths) -> dict[str, str]:
    return {path: page.title for path, page in sources.pages_for_paths(paths).items()}


def _page_row(path: str, value: int, titles: dict[str, str]) -> Row:
    return Row(titles.get(path, path), value, path)


def _recent(span: Span) -> Figures:
    """The last 30 minutes, straight from the raw events and batches."""
    events = Event.objects.filter(at__gte=span.start, at__lt=span.end)
    # Beacons the server did not count (and any view stored as an event).
    views = events.filter(kind=Event.Kind.VIEW, duplicate=False)
    pages, referrers = Counter(), Counter()
    visitors = set(views.exclude(visitor=None).values_list("visitor", flat=True))
    for row in views.values("path", "referrer").annotate(n=Count("id")).order_by():
        pages[row["path"]] += row["n"]
        if row["referrer"]:
            referrers[row["referrer"]] += row["n"]
    stored = ViewBatch.objects.filter(first_at__lt=span.end, last_at__gte=span.start)
    for batch in stored.defer("claimed"):
        groups = batches.groups(batch)
        inside = [span.start <= group.at < span.end for group in groups]
        for group in (group for group, yes in zip(groups, inside, strict=True) if yes):
            pages[group.path] += group.views
            if group.referrer:
                referrers[group.referrer] += group.views
        visitors.update(
            visitor
            for index, visitor, _pair in batches.views(batch)
            if inside[index] and visitor != batches.NOT_TRACKED
        )
    found = Figures(
        span=span,
        totals={
            VIEWS: pages.total(),
            VISITORS: len(visitors),
            SIGNUPS: events.filter(kind=Event.Kind.SIGNUP).count(),
            DOWNLOADS: events.filter(kind=Event.Kind.LISTEN, download=True).count(),
        },
        series=[],
    )
    top = pages.most_common(TOP)
    titles = _titles([path for path, _n in top])
    found.tables["articles"] = [_page_row(path, n, titles) for path, n in top]
    found.tables["referrers"] = [Row(r, n) for r, n in referrers.most_common(TOP)]
    return found
