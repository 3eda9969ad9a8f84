"""What storing and rolling up one server page view costs, stage by stage.

    .venv/bin/python bench/analytics_cost.py [--views N] [--rounds R]

In one process, on a fresh SQLite database: N sightings of page views, each
from another reader (as the throughput bench sends them), are turned into
rows (``events.to_row``), stored in flushes of 5,000 (``events.insert``)
and rolled up (``rollup.roll_up``), R times. It prints the median CPU time
per view of each stage. ``bench/analytics.py`` measures the whole server;
on a shared machine its rounds differ by more than these stages cost, so
this one tells them apart. To compare with an earlier commit, run it with
``PYTHONPATH`` set to a checkout of that commit.
"""

import argparse
import os
import statistics
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=60_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["BROADSHEET_DATA_DIR"] = tempfile.mkdtemp(prefix="analytics-cost-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "broadsheet.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from broadsheet.analytics import counting, events, rollup

    call_command("migrate", verbosity=0)
    agent = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
    )
    stages: dict[str, list[float]] = {"row": [], "store": [], "roll-up": []}
    for round_ in range(args.rounds):
        first = round_ * args.views
        sightings = [
            counting._sighting(
                {
                    "PATH_INFO": f"/news/story-{n % 50}/",
                    "HTTP_USER_AGENT": agent,
                    "REMOTE_ADDR": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                },
                counting.VIEW,
            )
            for n in range(first, first + args.views)
        ]
        started = time.process_time()
        rows = [row for row in map(events.to_row, sightings) if row is not None]
        made = time.process_time()
        for start in range(0, len(rows), 5000):
            with transaction.atomic():
                events.insert(rows[start : start + 5000])
        stored = time.process_time()
        rolled = rollup.roll_up(timezone.now() + 3 * rollup.SETTLE)
        done = time.process_time()
        assert rolled == args.views, rolled
        for stage, seconds in zip(
            stages, (made - started, stored - made, done - stored), strict=True
        ):
            stages[stage].append(seconds * 1e6 / args.views)
    print(
        ", ".join(
            f"{stage} {statistics.median(us):.2f} µs" for stage, us in stages.items()
        ),
        f"per view (medians of {args.rounds} rounds of {args.views:,} views)",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
