"""The editor of the spike test: publishes an article every few seconds.

Run by bench/run.py beside the load (wrk) with the benchmark's data folder
(BROADSHEET_DATA_DIR) and DJANGO_SETTINGS_MODULE=broadsheet.settings.base, so
it publishes through the same models, signals and cache invalidation as an
editor in the admin, from a process other than the web server's.

For each article it records how long after ``save_revision().publish()``
was called the home page first contained the headline (GET / polled every
``--poll`` seconds). A thread polls one unrelated article (another section,
no shared author or tag) the whole time and records its ``X-Cache`` header.

Protocol on stdout: ``READY`` once set up, then it waits for a line on stdin
before starting the clock; one ``PUBLISHED {json}`` line per article and a
final ``UNRELATED {json}`` line.
"""

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

SPIKE_SLUG_PREFIX = "bench-spike-"
SPIKE_TAG = "bench-spike"
SPIKE_AUTHOR_SLUG = "bench-spike-desk"


def fetch(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": "bench-publisher"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def cache_header(headers: dict) -> str:
    for name, value in headers.items():
        if name.lower() == "x-cache":
            return value.strip().lower()
    return "none"


class UnrelatedPoller(threading.Thread):
    """GET one unrelated article every ``interval`` seconds; keep its X-Cache values."""

    def __init__(self, url: str, interval: float):
        super().__init__(daemon=True)
        self.url, self.interval = url, interval
        self.samples: list[tuple[float, int, str]] = []  # (monotonic, status, x-cache)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                status, headers, _ = fetch(self.url)
                self.samples.append((time.monotonic(), status, cache_header(headers)))
            except OSError as error:
                self.samples.append((time.monotonic(), 0, f"error: {error}"))
            self.stopping.wait(self.interval)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--section", required=True, help="slug of the section")
    parser.add_argument("--unrelated", required=True, help="path of an article")
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--interval", type=float, default=10)
    parser.add_argument("--offset", type=float, default=3)
    parser.add_argument("--poll", type=float, default=0.02)
    parser.add_argument("--give-up", type=float, default=8)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings.base")
    import django

    django.setup()
    from broadsheet.demo import services
    from broadsheet.demo.bodytext import parse_body
    from broadsheet.newsroom.models import (
        ArticleAuthor,
        ArticlePage,
        Author,
        HomePage,
        SectionPage,
    )

    home = HomePage.objects.get()
    section = SectionPage.objects.get(slug=args.section)
    author, _ = Author.objects.get_or_create(
        slug=SPIKE_AUTHOR_SLUG,
        defaults={
            "name": "Spike Desk",
            "role": "Benchmark",
            "bio": "Publishes during the benchmark.",
        },
    )
    hero = (
        ArticlePage.objects.filter(section=section)
        .exclude(hero_image=None)
        .order_by("pk")
        .values_list("hero_image", flat=True)
        .first()
    )
    spec = services.read_content()["article"][0]
    run_id = uuid.uuid4().hex[:6]

    def publish(number: int) -> tuple[ArticlePage, str, float, float]:
        headline = f"Spike story {number} {run_id}"
        article = ArticlePage(
            title=headline,
            slug=f"{SPIKE_SLUG_PREFIX}{run_id}-{number}",
            standfirst=spec["standfirst"],
            takeaways=[("takeaway", item) for item in spec["takeaways"]],
            body=parse_body(spec["body"], image_for=lambda *_: hero),
            section=section,
            hero_image_id=hero,
            hero_credit="Illustration: Broadsheet Wire",
            live=False,  # a draft first: nothing shows it before the publish
        )
        article.article_authors.add(ArticleAuthor(author=author, sort_order=0))
        article.tags.add(SPIKE_TAG)
        home.add_child(instance=article)
        revision = article.save_revision()
        started = time.monotonic()
        revision.publish()
        returned = time.monotonic()
        return article, headline, started, returned

    print("READY", flush=True)
    sys.stdin.readline()
    poller = UnrelatedPoller(args.base + args.unrelated, 0.05)
    poller.start()
    clock = time.monotonic()
    published = []
    number = 1
    while True:
        due = clock + args.offset + (number - 1) * args.interval
        if due - clock >= args.duration:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        article, headline, started, returned = publish(number)
        needle = headline.encode()
        seen, polls, statuses = None, 0, {}
        while time.monotonic() - returned < args.give_up:
            try:
                status, _, body = fetch(args.base + "/")
            except OSError as error:
                status, body = 0, str(error).encode()
            polls += 1
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200 and needle in body:
                seen = time.monotonic()
                break
            time.sleep(args.poll)
        record = {
            "number": number,
            "headline": headline,
            "path": article.url,
            "at": round(started - clock, 3),
            "publish_call_s": round(returned - started, 4),
            # From the start of the call: work moved into the publish itself
            # (making image renditions, say) must not hide in the figure.
            "visible_after_s": None if seen is None else round(seen - started, 4),
            "polls": polls,
            "statuses": statuses,
        }
        published.append(record)
        print("PUBLISHED " + json.dumps(record), flush=True)
        number += 1
    time.sleep(max(0.0, clock + args.duration - time.monotonic()))
    poller.stopping.set()
    poller.join(timeout=15)

    counts: dict[str, int] = {}
    for _, status, value in poller.samples:
        key = value if status == 200 else f"{value} (status {status})"
        counts[key] = counts.get(key, 0) + 1
    after_publish: dict[str, int] = {}
    for record in published:
        start = clock + record["at"]
        for moment, _, value in poller.samples:
            if start <= moment <= start + 2:
                after_publish[value] = after_publish.get(value, 0) + 1
    print(
        "UNRELATED "
        + json.dumps(
            {
                "path": args.unrelated,
                "requests": len(poller.samples),
                "x_cache": counts,
                "x_cache_within_2s_of_a_publish": after_publish,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
