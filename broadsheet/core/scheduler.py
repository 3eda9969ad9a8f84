"""The scheduler: periodic jobs that must happen without anyone pressing a button.

``broadsheet serve`` (and so the demo) runs it as a child process. Several
may run, one per machine for resilience: only the holder of the scheduler
lock (core.leadership) runs the jobs, and the others take over within one
interval when it dies. Each tick is idempotent all the same, so a restart
mid-tick does no harm.

Core knows no app, so the jobs are a registry: core runs Wagtail's
scheduled publishing first, then the jobs apps register in their
``AppConfig.ready()`` (``register_scheduler_job``), in registration order.
"""

import logging
import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import close_old_connections

from broadsheet.core.leadership import scheduler_lock
from broadsheet.core.pagecache.cdn import CdnPurgeForwarder
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
    """Tick every ``interval`` seconds while holding the scheduler lock.

    The holder also forwards page cache purges to the CDN (if one is
    configured), so each purge reaches it once, however many nodes run.
    """
    logger.info("Scheduler started, running every %s s", interval)
    lock = scheduler_lock()
    forwarder = CdnPurgeForwarder.from_settings()
    leading = None  # unknown until the first look
    while True:
        close_old_connections()
        holds = lock.hold()
        if holds != leading:
            leading = holds
            if holds:
                logger.info("Scheduler holds the lock: running the jobs")
            else:
                logger.info("Another scheduler holds the lock: standing by")
            if forwarder:
                forwarder.start() if holds else forwarder.stop()
        if holds:
            try:
                tick()
            except Exception:
                logger.exception("Scheduler tick failed")
        # A standby looks twice an interval, so it takes over within one.
        time.sleep(interval if holds else interval / 2)
