import time

from django.core.management.base import BaseCommand

from broadsheet.demo import bulk


class Command(BaseCommand):
    help = (
        "Load the demo, then add archive articles in bulk up to --count, and "
        "comments on them up to --comments (benchmarks and load tests), "
        "showing progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=5000)
        parser.add_argument(
            "--comments", type=int, default=0, help="comments on the site in all"
        )

    def handle(self, *args, count, comments, **options):
        started = time.monotonic()
        added = bulk.load(count, progress=self._progress("articles"))
        took = time.monotonic() - started
        self.stdout.write(
            f"Archive: {added} articles added (target {count}) in {took:.1f} s."
        )
        if comments:
            started = time.monotonic()
            added = bulk.load_comments(comments, progress=self._progress("comments"))
            took = time.monotonic() - started
            self.stdout.write(
                f"Comments: {added} added (target {comments}) in {took:.1f} s."
            )

    def _progress(self, things: str):
        first: list[tuple[int, float]] = []  # how many were there, and when

        def progress(done: int, total: int) -> None:
            if not first:
                first.append((done, time.monotonic()))
                self.stdout.write(f"  {done:,} of {total:,} {things} already there")
                return
            since, at = first[0]
            rate = (done - since) / max(time.monotonic() - at, 1e-6)
            self.stdout.write(f"  {done:,} of {total:,} {things} ({rate:,.0f}/s)")

        return progress
