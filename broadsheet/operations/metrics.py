"""Prometheus metrics for ``/metrics``.

Two kinds:

- per process, counted as requests pass (requests Django rendered, by route
  and status; their latency). granian runs several worker processes, so with
  ``PROMETHEUS_MULTIPROC_DIR`` set every process writes its figures to files
  there and a scrape sums them (prometheus_client's multiprocess mode);
- site-wide, read at scrape time (``SiteCollector``): the page cache's
  answers as its processes publish them every 2 s (nothing is added to a
  hit, which costs microseconds), the task queue and newsletter deliveries.
  Every node reports the same site-wide figures.

Labels stay few: a route is a URL name or a page type, never a raw path.
"""

import functools
import hmac
import ipaddress
import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Count, DateTimeField, F, Min, Q, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from broadsheet.core.pagecache import coherence
from broadsheet.core.pagecache.keys import ROUTE_ENVIRON
from broadsheet.newsletter.models import Delivery, Issue

logger = logging.getLogger("broadsheet.operations")

REQUESTS = Counter(
    "broadsheet_http_requests",
    "Requests Django rendered, by route and status.",
    ["route", "status"],
)
LATENCY = Histogram(
    "broadsheet_http_request_duration_seconds",
    "Time Django took to render a response, by route.",
    ["route"],
)
# The page cache's own outcomes (core/pagecache/wsgi.py); "hit" and "stale"
# are answered from memory.
PAGE_CACHE_OUTCOMES = ("hit", "stale", "refresh", "miss", "pass")
# Deliveries are counted for issues still sending or queued this recently:
# the whole ledger grows by a row per subscriber per issue, forever.
DELIVERIES_WINDOW = timedelta(days=7)


def route_of(request) -> str:
    """The route label: the page cache's name for it (URL name or page type)."""
    route = request.META.get(ROUTE_ENVIRON)
    if route:
        return route
    match = request.resolver_match
    if match is not None:
        return match.url_name or match.view_name or "other"
    return "other"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        REQUESTS.labels(route, str(response.status_code)).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
        return response


# Site-wide figures, read at scrape time --------------------------------------


def page_cache_metrics():
    figures = coherence.collected_stats()
    answers = CounterMetricFamily(
        "broadsheet_page_cache_answers",
        "Page cache outcomes by route, summed over the serving processes "
        "that published figures in the last two minutes.",
        labels=["route", "outcome"],
    )
    served = total = 0
    for route, outcomes in sorted(figures["routes"].items()):
        for outcome in PAGE_CACHE_OUTCOMES:
            number = outcomes.get(outcome, 0)
            answers.add_metric([route, outcome], number)
            total += number
            served += number if outcome in ("hit", "stale") else 0
    yield answers
    yield GaugeMetricFamily(
        "broadsheet_page_cache_hit_ratio",
        "Share of page cache look-ups answered from memory (hit or stale).",
        value=served / total if total else 0.0,
    )
    for name, help_text in (
        ("processes", "Serving processes publishing page cache figures."),
        ("entries", "Responses held by the page caches of all processes."),
        ("bytes", "Memory held by the page caches of all processes."),
    ):
        yield GaugeMetricFamily(
            f"broadsheet_page_cache_{name}", help_text, value=figures[name]
        )


def task_queue_metrics():
    # How long a ready task has waited: since it was enqueued, or since its
    # run_after if it was scheduled for later.
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
        output_field=DateTimeField(),
    )
    rows = (
        DBTaskResult.objects.ready()
        .order_by()
        .values("queue_name")
        .annotate(depth=Count("pk"), oldest=Min(waiting_since))
    )
    figures = {"default": (0, None)}
    figures.update({row["queue_name"]: (row["depth"], row["oldest"]) for row in rows})
    depth = GaugeMetricFamily(
        "broadsheet_tasks_ready",
        "Tasks ready to run and waiting for a worker, by queue.",
        labels=["queue"],
    )
    age = GaugeMetricFamily(
        "broadsheet_tasks_oldest_ready_age_seconds",
        "How long the oldest ready task has waited, by queue (0 when none).",
        labels=["queue"],
    )
    now = timezone.now()
    for queue, (number, oldest) in sorted(figures.items()):
        depth.add_metric([queue], number)
        waited = (now - oldest).total_seconds() if oldest else 0.0
        age.add_metric([queue], max(0.0, waited))
    yield depth
    yield age


def delivery_metrics():
    recent = timezone.now() - DELIVERIES_WINDOW
    rows = (
        Delivery.objects.filter(
            Q(issue__status=Issue.Status.SENDING) | Q(issue__queued_at__gte=recent)
        )
        .order_by()
        .values("status")
        .annotate(number=Count("pk"))
    )
    counts = {row["status"]: row["number"] for row in rows}
    family = GaugeMetricFamily(
        "broadsheet_newsletter_deliveries",
        "Deliveries of newsletter issues sending now or queued in the last "
        "7 days, by state.",
        labels=["state"],
    )
    for state in Delivery.Status.values:
        family.add_metric([state], counts.get(state, 0))
    yield family


SITE_SOURCES = {
    "page_cache": page_cache_metrics,
    "tasks": task_queue_metrics,
    "newsletter": delivery_metrics,
}


class SiteCollector:
    """Reads the site-wide figures when scraped; one source failing spares the rest."""

    def collect(self):
        up = GaugeMetricFamily(
            "broadsheet_metrics_source_up",
            "Whether a site-wide source could be read at this scrape.",
            labels=["source"],
        )
        for name, source in SITE_SOURCES.items():
            try:
                families = list(source())
            except Exception:  # a scrape must not fail with one source
                logger.debug("Metrics source %s failed", name, exc_info=True)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


def render_metrics() -> tuple[bytes, str]:
    """The exposition text for a scrape, and its content type."""
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        # Every worker process's counters, from their files.
        multiprocess.MultiProcessCollector(
            registry, path=settings.PROMETHEUS_MULTIPROC_DIR
        )
    else:
        registry.register(REGISTRY)  # this process's counters and its own figures
    registry.register(SiteCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


def prepare_multiprocess_dir(path: str | None = None) -> None:
    """Empty the multiprocess folder before a node's web workers start.

    Files left by an earlier run would be summed into the new one's
    figures (and counters must start from zero). Call once per start, in
    the parent process, before any worker exists.
    """
    folder = path or settings.PROMETHEUS_MULTIPROC_DIR
    if not folder:
        return
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("*.db"):
        leftover.unlink()


# Who may scrape ---------------------------------------------------------------


def metrics_allowed(request) -> bool:
    """The bearer token if one is set; else a direct request from an allowed address."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    # Through a proxy on the same machine, REMOTE_ADDR is the proxy's own
    # 127.0.0.1 whoever asked: proxied requests never get in by address.
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    networks = _networks(tuple(settings.METRICS_ALLOW))
    return any(address in network for network in networks)


@functools.cache
def _networks(allowed: tuple[str, ...]):
    try:
        return [ipaddress.ip_network(entry, strict=False) for entry in allowed]
    except ValueError as error:
        raise ImproperlyConfigured(f"BROADSHEET_METRICS_ALLOW: {error}") from None
