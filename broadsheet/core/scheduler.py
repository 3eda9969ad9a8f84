"""The scheduler: periodic jobs that must happen without anyone pressing a button.

``broadsheet serve`` (and so the demo) runs it as a child process. Each tick
is idempotent, so two schedulers or a restart mid-tick do no harm.

Core knows no app, so the jobs are a registry: core runs Wagtail's
scheduled publishing first, then the jobs apps register in their
``AppConfig.ready()`` (``register_scheduler_job``), in registration order.
"""

import logging
import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import close_old_connections

from broadsheet.core.pagecache.coherence import purge_log

logger = logging.getLogger("broadsheet.scheduler")


def publish_scheduled() -> None:
    # Publishes pages and snippets whose go-live time has passed, and
    # unpublishes those whose expiry has passed (Wagtail's own command).
    call_command("publish_scheduled", verbosity=0)


def prune_page_purges() -> None:
    # The page cache's purge log only needs the last hour (core.pagecache).
    purge_log().prune()


_jobs: dict[str, Callable[[], object]] = {
    "publish_scheduled": publish_scheduled,
    "prune_page_purges": prune_page_purges,
}


def register_scheduler_job(name: str, job: Callable[[], object]) -> None:
    """Run ``job()`` on every tick, after the jobs registered before it.

    Call from an app's ``ready()``. The job must be idempotent: two
    schedulers, or a restart in the middle of a tick, must do no harm.
    """
    if _jobs.get(name, job) is not job:
        raise ValueError(f"A scheduler job named {name!r} is already registered.")
    _jobs[name] = job


def scheduler_jobs() -> dict[str, Callable[[], object]]:
    return dict(_jobs)


def tick() -> None:
    """Run every periodic job once, in order; a failing job ends the tick."""
    for job in list(_jobs.values()):
        job()


def run_forever(interval: int) -> None:
    logger.info("Scheduler started, running every %s s", interval)
    while True:
        close_old_connections()
        try:
            tick()
        except Exception:
            logger.exception("Scheduler tick failed")
        time.sleep(interval)
