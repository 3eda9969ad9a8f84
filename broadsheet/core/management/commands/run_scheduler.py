from django.conf import settings
from django.core.management.base import BaseCommand

from broadsheet.core import scheduler


class Command(BaseCommand):
    help = "Run periodic jobs (scheduled publishing) until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run one tick and exit."
        )

    def handle(self, *args, once=False, **options):
        if once:
            scheduler.tick()
        else:
            scheduler.run_forever(settings.SCHEDULER_INTERVAL)
