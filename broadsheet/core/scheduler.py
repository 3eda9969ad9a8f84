"""The scheduler: periodic jobs that must happen without anyone pressing a button.

``broadsheet serve`` (and so the demo) runs it as a child process. Each tick
is idempotent, so two schedulers or a restart mid-tick do no harm.
"""

import logging
import time

from django.core.management import call_command
from django.db import close_old_connections

logger = logging.getLogger("broadsheet.scheduler")


def tick() -> None:
    """Run every periodic job once."""
    # Publishes pages and snippets whose go-live time has passed, and
    # unpublishes those whose expiry has passed (Wagtail's own command).
    call_command("publish_scheduled", verbosity=0)
    # Newsletters: compose upcoming issues, queue those that are due, and
    # restart sending that a crashed or restarted worker left unfinished.
    from broadsheet.newsletter import compose, delivery

    compose.compose_due_issues()
    delivery.send_due_issues()
    delivery.resume_stalled()


def run_forever(interval: int) -> None:
    logger.info("Scheduler started, running every %s s", interval)
    while True:
        close_old_connections()
        try:
            tick()
        except Exception:
            logger.exception("Scheduler tick failed")
        time.sleep(interval)
