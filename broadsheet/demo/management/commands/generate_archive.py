import time

from django.core.management.base import BaseCommand

from broadsheet.demo import bulk


class Command(BaseCommand):
    help = (
        "Load the demo, then add archive articles in bulk up to --count "
        "(benchmarks and load tests), showing progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=5000)

    def handle(self, *args, count, **options):
        started = time.monotonic()
        first: list[tuple[int, float]] = []  # the archive's size, and when

        def progress(done: int, total: int) -> None:
            if not first:
                first.append((done, time.monotonic()))
                self.stdout.write(f"  {done:,} of {total:,} articles already there")
                return
            since, at = first[0]
            rate = (done - since) / max(time.monotonic() - at, 1e-6)
            self.stdout.write(f"  {done:,} of {total:,} articles ({rate:,.0f}/s)")

        added = bulk.load(count, progress=progress)
        took = time.monotonic() - started
        self.stdout.write(
            f"Archive: {added} articles added (target {count}) in {took:.1f} s."
        )
