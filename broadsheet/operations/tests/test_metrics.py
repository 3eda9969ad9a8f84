"""/metrics: who may scrape, what moves, and what a scrape costs."""

import os
import subprocess
import sys

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from broadsheet.core.pagecache import coherence
from broadsheet.core.tasks import make_page_renditions
from broadsheet.newsletter.models import Delivery, Issue
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db
TOKEN = "a-long-random-scrape-token"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def scrape() -> dict:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert not response.cookies
        samples = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                labels = tuple(sorted(sample.labels.items()))
                samples[(sample.name, labels)] = sample.value
        return samples

    return scrape


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_refused_without_the_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": TOKEN},
    ):
        response = client.get("/metrics", **headers)
        assert response.status_code == 404
        assert TOKEN not in response.content.decode()
    ok = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/plain")


def test_without_a_token_only_direct_requests_from_allowed_addresses(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    # Through a proxy on this machine the address is the proxy's own.
    proxied = client.get(
        "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert proxied.status_code == 404
    settings.METRICS_ALLOW = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_request_counters_and_latency_move_by_route(client, scrape, publication):
    before = scrape()
    for _ in range(2):
        assert client.get("/csrf/").status_code == 200
    assert client.get(publication["articles"][0].url).status_code == 200
    after = scrape()
    requests = "broadsheet_http_requests_total"
    counted = value(after, requests, route="csrf_token", status="200") - value(
        before, requests, route="csrf_token", status="200"
    )
    assert counted == 2
    # A Wagtail page is counted by its type, never by its address.
    assert value(after, requests, route="articlepage", status="200") >= 1
    latency = "broadsheet_http_request_duration_seconds_count"
    assert (
        value(after, latency, route="csrf_token")
        - value(before, latency, route="csrf_token")
        == 2
    )
    routes = {dict(labels).get("route") for name, labels in after if name == requests}
    assert not any(route.startswith("/") for route in routes if route)


def test_page_cache_answers_come_from_the_published_figures(scrape):
    coherence.publish_stats(
        "node-a:101",
        {"entries": 3, "bytes": 4096, "routes": {"articlepage": {"hit": 6, "miss": 2}}},
    )
    coherence.publish_stats(
        "node-b:202",
        {"entries": 1, "bytes": 1024, "routes": {"articlepage": {"hit": 1, "pass": 1}}},
    )
    samples = scrape()
    answers = "broadsheet_page_cache_answers_total"
    assert value(samples, answers, route="articlepage", outcome="hit") == 7
    assert value(samples, answers, route="articlepage", outcome="miss") == 2
    assert value(samples, "broadsheet_page_cache_hit_ratio") == 0.7
    assert value(samples, "broadsheet_page_cache_processes") == 2
    assert value(samples, "broadsheet_page_cache_entries") == 4


def test_queue_depth_counts_a_queued_task(scrape, settings):
    assert value(scrape(), "broadsheet_tasks_ready", queue="default") == 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_page_renditions.enqueue(0)
    samples = scrape()
    assert value(samples, "broadsheet_tasks_ready", queue="default") == 1
    age = value(samples, "broadsheet_tasks_oldest_ready_age_seconds", queue="default")
    assert 0 <= age < 60


def test_deliveries_by_state(scrape):
    newsletter = factories.make_newsletter()
    issue = Issue.objects.create(
        newsletter=newsletter,
        subject="Today",
        scheduled_for=timezone.now(),
        status=Issue.Status.SENDING,
        queued_at=timezone.now(),
    )
    states = ["queued", "queued", "sent", "bounced"]
    for number, state in enumerate(states):
        subscriber = factories.make_subscriber(f"r{number}@example.com", newsletter)
        Delivery.objects.create(issue=issue, subscriber=subscriber, status=state)
    samples = scrape()
    deliveries = "broadsheet_newsletter_deliveries"
    assert value(samples, deliveries, state="queued") == 2
    assert value(samples, deliveries, state="sent") == 1
    assert value(samples, deliveries, state="bounced") == 1
    assert value(samples, deliveries, state="failed") == 0
    assert value(samples, "broadsheet_metrics_source_up", source="newsletter") == 1


def test_a_scrape_costs_a_bounded_number_of_queries(
    client, settings, django_assert_max_num_queries
):
    settings.METRICS_TOKEN = TOKEN
    with django_assert_max_num_queries(3):
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    families = list(text_string_to_metric_families(response.content.decode()))
    names = {family.name for family in families}
    assert {
        "broadsheet_http_requests",
        "broadsheet_page_cache_answers",
        "broadsheet_tasks_ready",
        "broadsheet_newsletter_deliveries",
    } <= names


SCRIPT = """
import django
django.setup()
from pathlib import Path
from broadsheet.operations import metrics

folder = Path(metrics.settings.PROMETHEUS_MULTIPROC_DIR)
metrics.prepare_multiprocess_dir()
assert not list(folder.glob("*.db")), "leftovers were not removed"
metrics.REQUESTS.labels("csrf_token", "200").inc(3)
print(metrics.render_metrics()[0].decode())
"""


def test_multiprocess_mode_sums_the_worker_files_and_starts_empty(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_999.db").write_bytes(b"left by an earlier run")
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "BROADSHEET_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings.test",
    }
    env.pop("DATABASE_URL", None)
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(ran.stdout)
        for sample in family.samples
    }
    key = (
        "broadsheet_http_requests_total",
        (("route", "csrf_token"), ("status", "200")),
    )
    assert samples[key] == 3
    assert list(folder.glob("counter_*.db"))
