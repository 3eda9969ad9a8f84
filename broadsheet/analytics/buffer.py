"""Events wait in the process's memory and go to the database in bulk.

Counting must never slow a page: a request only appends a ``Sighting`` to
a list. A background thread turns the list into rows (``events``) and
writes them in one insert every FLUSH_SECONDS (or sooner, at FLUSH_EVENTS),
and once more when the process exits normally. A crash loses what is
waiting: at most FLUSH_SECONDS of counts (2 s by default). With
FLUSH_SECONDS at 0 each is written at once.
"""

import atexit
import logging
import os
import threading
from collections import deque

from django.conf import settings
from django.core.signals import setting_changed
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    close_old_connections,
    transaction,
)
from django.dispatch import receiver

from broadsheet.analytics.events import Sighting, insert, to_row

logger = logging.getLogger("broadsheet.analytics")

# Events kept when the database is away, before the oldest are dropped.
MAX_PENDING = 100_000
# A deque's append and popleft are atomic: a request adds without a lock.
_pending: deque[Sighting] = deque()
_held: list[Sighting] = []  # a batch the database refused, written first
_wake = threading.Event()
_flusher: threading.Thread | None = None
_flusher_lock = threading.Lock()
# settings.ANALYTICS, read once (``add`` runs on every request) and again
# when a test changes it.
_config: dict | None = None


@receiver(setting_changed)
def _setting_changed(setting, **kwargs):
    global _config
    if setting == "ANALYTICS":
        _config = None


def add(seen: Sighting) -> None:
    global _config
    config = _config or settings.ANALYTICS
    _config = config
    if not config["ENABLED"]:
        return
    if not config["FLUSH_SECONDS"]:
        insert([row for row in [to_row(seen)] if row is not None])
        return
    _pending.append(seen)
    if _flusher is None:
        _start_flusher()
    if len(_pending) >= config["FLUSH_EVENTS"]:
        _wake.set()


def flush() -> int:
    """Write what is waiting; return how many events were written."""
    global _held
    batch, _held = _held, []
    take = _pending.popleft
    batch += [take() for _ in range(len(_pending))]
    if not batch:
        return 0
    try:
        # Making rows reads the day's salt, so it may fail like the insert.
        rows = [row for row in map(to_row, batch) if row is not None]
        with transaction.atomic():
            insert(rows)
    except (IntegrityError, DataError):
        # Refused for what is in it: it would be refused again, and hold up
        # every event behind it.
        logger.exception("Audience events dropped: the database refused them")
        return 0
    except DatabaseError:
        logger.warning("Audience events not written yet: the database is away")
        _held = batch[-MAX_PENDING:]  # the oldest go first when it is too many
        return 0
    return len(rows)


def pending() -> int:
    return len(_held) + len(_pending)


def _run() -> None:
    while True:
        _wake.wait(settings.ANALYTICS["FLUSH_SECONDS"])
        _wake.clear()
        close_old_connections()
        try:
            flush()
        except Exception:  # a bug must not stop counting for good
            logger.exception("Audience events could not be written")


def _start_flusher() -> None:
    global _flusher
    with _flusher_lock:
        if _flusher is None:
            _flusher = threading.Thread(target=_run, name="audience-flush", daemon=True)
            _flusher.start()
            atexit.register(flush)


def _forget_the_parents_flusher() -> None:
    # A forked web worker has no thread of its parent's, and its events are
    # its own: it starts a flusher when it counts its first.
    global _flusher, _flusher_lock, _wake
    _flusher, _flusher_lock, _wake = None, threading.Lock(), threading.Event()
    _pending.clear()
    _held.clear()


os.register_at_fork(after_in_child=_forget_the_parents_flusher)
