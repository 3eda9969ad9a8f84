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
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction

from broadsheet.analytics.events import Sighting, insert, to_row

logger = logging.getLogger("broadsheet.analytics")

_pending: list[Sighting] = []
_lock = threading.Lock()
_wake = threading.Event()
_flusher: threading.Thread | None = None
# Events kept when the database is away, before the oldest are dropped.
MAX_PENDING = 100_000


def add(seen: Sighting) -> None:
    config = settings.ANALYTICS
    if not config["ENABLED"]:
        return
    if not config["FLUSH_SECONDS"]:
        insert([row for row in [to_row(seen)] if row is not None])
        return
    with _lock:
        _pending.append(seen)
        if len(_pending) > MAX_PENDING:
            del _pending[: len(_pending) - MAX_PENDING]
        full = len(_pending) >= config["FLUSH_EVENTS"]
    _ensure_flusher()
    if full:
        _wake.set()


def flush() -> int:
    """Write what is waiting; return how many events were written."""
    with _lock:
        batch = _pending[:]
        _pending.clear()
    if not batch:
        return 0
    try:
        # Making rows reads the day's salt, so it may fail like the insert.
        rows = [row for row in map(to_row, batch) if row is not None]
        with transaction.atomic():
            insert(rows)
    except DatabaseError:
        logger.warning("Audience events not written yet: the database is away")
        with _lock:  # back in front, to try again at the next flush
            _pending[:0] = batch
        return 0
    return len(rows)


def pending() -> int:
    return len(_pending)


def _run() -> None:
    while True:
        _wake.wait(settings.ANALYTICS["FLUSH_SECONDS"])
        _wake.clear()
        close_old_connections()
        flush()


def _ensure_flusher() -> None:
    global _flusher
    if _flusher is not None and _flusher.is_alive():
        return
    with _lock:
        if _flusher is not None and _flusher.is_alive():
            return
        _flusher = threading.Thread(target=_run, name="audience-flush", daemon=True)
        _flusher.start()
        atexit.register(flush)
