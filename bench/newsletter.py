"""Newsletter benchmark: queue an issue for N subscribers, send it to a local
SMTP sink with one worker, and record the rate and peak memory.

    make bench-newsletter            # 100,000 subscribers (and a 10,000 run)

Each stage runs in its own process so its peak memory (ru_maxrss) is its own.
The sink is aiosmtpd in another process, accepting and discarding mail. The
figures replace the newsletter section of docs/performance.md.
"""

import argparse
import datetime
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from sections import replace_section  # bench/sections.py

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- newsletter benchmark -->"


def child_env(data_dir: Path, smtp_port: int | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    env.pop("DATABASE_URL", None)
    env["BROADSHEET_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "broadsheet.settings.base"
    if smtp_port:
        env.update(
            BROADSHEET_EMAIL_HOST="127.0.0.1",
            BROADSHEET_EMAIL_PORT=str(smtp_port),
            BROADSHEET_EMAIL_TLS="false",
        )
    return env


def run_stage(stage: str, data_dir: Path, *args, smtp_port=None) -> dict:
    """Run this file as a child for one stage; it prints key=value lines."""
    result = subprocess.run(
        [sys.executable, __file__, "--stage", stage, *map(str, args)],
        env=child_env(data_dir, smtp_port),
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split("=", 1) for line in result.stdout.split() if "=" in line)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- stages, each in a fresh process ----------------------------------------


def stage_setup(count: str) -> None:
    count = int(count)
    import django

    django.setup()
    from django.core.management import call_command

    from broadsheet.newsletter.models import Newsletter, Subscriber, Subscription

    call_command("migrate", verbosity=0)
    daily = Newsletter.objects.get(slug="daily")
    chunk = 10_000
    for start in range(0, count, chunk):
        subscribers = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{n}@example.com",
                email_key=f"reader{n}@example.com",
                status="active",
                token=f"bench-{n:08d}-token",
            )
            for n in range(start, min(start + chunk, count))
        )
        Subscription.objects.bulk_create(
            Subscription(subscriber=s, newsletter=daily) for s in subscribers
        )
    print(f"subscribers={Subscriber.objects.count()}")


def stage_queue() -> None:
    import django

    django.setup()
    from django.utils import timezone

    from broadsheet.newsletter import delivery
    from broadsheet.newsletter.models import Issue, Newsletter

    issue = Issue.objects.create(
        newsletter=Newsletter.objects.get(slug="daily"),
        subject="Benchmark issue",
        intro="A benchmark of the digest.",
        scheduled_for=timezone.now(),
        auto_articles=False,
    )
    delivery._start = lambda issue_id: None  # the benchmark sends it itself
    started = time.perf_counter()
    queued = delivery.queue_issue(issue)
    print(
        f"issue={issue.pk} queued={queued} seconds={time.perf_counter() - started:.2f}"
    )
    print(f"peak_mb={peak_mb():.0f}")


def stage_send(issue_id: int) -> None:
    import django

    django.setup()
    from broadsheet.newsletter.delivery import send_pending

    started = time.perf_counter()
    sent = send_pending(int(issue_id))
    elapsed = time.perf_counter() - started
    print(f"sent={sent} seconds={elapsed:.2f} rate={sent / elapsed:.0f}")
    print(f"peak_mb={peak_mb():.0f}")


def stage_sink(port: int) -> None:
    import asyncio

    from aiosmtpd.controller import Controller

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=int(port))
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.run(asyncio.sleep(10**6))
    finally:
        controller.stop()


# ---- the benchmark ----------------------------------------------------------


def bench(count: int, data_dir: Path) -> dict:
    import shutil
    import socket

    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = subprocess.Popen(
        [sys.executable, __file__, "--stage", "sink", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    sink.stdout.readline()
    try:
        setup = run_stage("setup", data_dir, count)
        queued = run_stage("queue", data_dir)
        sent = run_stage("send", data_dir, queued["issue"], smtp_port=port)
    finally:
        sink.terminate()
        sink.wait()
    return {"subscribers": int(setup["subscribers"]), "queue": queued, "send": sent}


def write(results: list[dict], path: Path) -> None:
    lines = [
        MARKER,
        "## Newsletter delivery",
        "",
        "Measured by `make bench-newsletter` (`bench/newsletter.py`):",
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC,"
        f" {os.cpu_count()} cores, Python {platform.python_version()}, SQLite (WAL).",
        "One issue of the daily",
        "digest is queued (one ledger row per subscriber), then one worker process",
        "sends it over SMTP to a local sink (aiosmtpd, in its own process, on the",
        "same two cores). Peak memory is each process's maximum resident size.",
        "",
        "| subscribers | queued in | queue peak memory | sent "
        "| messages/s, one worker | worker peak memory |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        q, s = r["queue"], r["send"]
        lines.append(
            f"| {r['subscribers']:,} | {q['seconds']} s | {q['peak_mb']} MB |"
            f" {int(s['sent']):,} | {s['rate']} | {s['peak_mb']} MB |"
        )
    lines += [
        "",
        "Targets (issue 6): 100,000 deliveries queued in under 60 s; at least 300",
        "messages/s with one worker; peak memory under 300 MB and not growing with",
        "the number of subscribers (compare the two rows).",
        "",
    ]
    replace_section(path, MARKER, lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage")
    parser.add_argument("args", nargs="*")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    options = parser.parse_args()
    if options.stage:
        sys.path.insert(0, str(ROOT))
        {"setup": stage_setup, "queue": stage_queue, "send": stage_send,
         "sink": stage_sink}[options.stage](*options.args)  # fmt: skip
        return 0
    results = []
    for size in (int(n) for n in options.sizes.split(",")):
        print(f"== {size:,} subscribers", flush=True)
        result = bench(size, ROOT / "var" / f"bench-newsletter-{size}")
        print(result, flush=True)
        results.append(result)
    write(results, Path(options.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
