"""Run the `broadsheet` command in a subprocess against a throw-away data folder."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_env(data_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # The subprocess must use its own SQLite database, never the test one.
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
        and not key.startswith("BROADSHEET_")
    }
    env.update(BROADSHEET_DATA_DIR=str(data_dir), BROADSHEET_SCHEDULER_INTERVAL="1")
    return env


def broadsheet(*args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "broadsheet", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def shell(code: str, *, env, **kwargs) -> subprocess.CompletedProcess:
    return broadsheet("shell", "--verbosity", "0", "-c", code, env=env, **kwargs)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a command started with ``start_new_session=True`` and its children."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            # The first page view renders image sizes, so allow it time.
            requests.get(url, timeout=60)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in time")


@contextmanager
def demo_server(tmp_path: Path, *extra: str):
    """`broadsheet demo` serving from ``tmp_path``, exactly as `make demo` runs.

    Yields the base address, the environment, the command's output so far
    (with the printed admin login) and the process.
    """
    port = free_port()
    env = cli_env(tmp_path / "data")
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "broadsheet", "demo", "--port", str(port), *extra],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", time.monotonic() + 180)
        log.seek(0)
        yield {"base": base, "env": env, "output": log.read(), "process": process}
    finally:
        stop_group(process)
        log.close()


def newsletter_issue_code(subscribers: int, subject: str) -> str:
    """`broadsheet shell` code: that many subscribers to the daily newsletter
    and an issue queued for them; it prints how many deliveries the issue has.
    The scheduler may queue the issue first (it is due now), so the count is
    read back rather than taken from this call's return value."""
    return f"""
from django.utils import timezone
from broadsheet.newsletter.delivery import queue_issue
from broadsheet.newsletter.models import Issue, Newsletter, Subscriber, Subscription
daily = Newsletter.objects.get(slug="daily")
subscribers = Subscriber.objects.bulk_create(
    Subscriber(email=f"reader{{n}}@example.com", email_key=f"reader{{n}}@example.com",
               status="active", token=f"token-{{n}}")
    for n in range({subscribers})
)
Subscription.objects.bulk_create(
    Subscription(subscriber=s, newsletter=daily) for s in subscribers
)
issue = Issue.objects.create(newsletter=daily, subject={subject!r},
    scheduled_for=timezone.now(), auto_articles=False, status="scheduled")
queue_issue(issue)
print(issue.deliveries.count())
"""


# `broadsheet shell` code: the oldest live article taken down and scheduled
# to go live again in three seconds; it prints the article's slug.
SCHEDULE_AN_ARTICLE = (
    "from datetime import timedelta\n"
    "from django.utils import timezone\n"
    "from broadsheet.newsroom.models import ArticlePage\n"
    "a = ArticlePage.objects.live().order_by('pk').first()\n"
    "a.unpublish()\n"
    "a.go_live_at = timezone.now() + timedelta(seconds=3)\n"
    "a.save_revision().publish()\n"
    "print('SLUG=' + a.slug)"
)
