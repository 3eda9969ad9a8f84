from django.core.management.base import BaseCommand

from broadsheet.demo.archive import generate_archive


class Command(BaseCommand):
    help = "Load the demo, then add archive articles up to --count (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=5000)

    def handle(self, *args, count, **options):
        added = generate_archive(count)
        self.stdout.write(f"Archive: {added} articles added (target {count}).")
