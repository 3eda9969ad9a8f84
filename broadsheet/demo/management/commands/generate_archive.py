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

        def progress(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  {done:,} of {total:,} articles ({rate:,.0f}/s)")

        added = bulk.load(count, progress=progress)
        took = time.monotonic() - started
        self.stdout.write(
            f"Archive: {added} articles added (target {count}) in {took:.1f} s."
        )
