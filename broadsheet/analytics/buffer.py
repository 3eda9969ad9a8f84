"""Events wait in the process's memory and go to the database in bulk.

Counting must never slow a page: a request only appends a ``Sighting`` to
a deque. A background thread turns them into rows (``events``) and
writes them in bulk every FLUSH_SECONDS (or sooner, at FLUSH_EVENTS),
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

# Events kept in memory at most: when the database is away for long, the
# oldest go first.
MAX_PENDING = 100_000
# A deque's append and popleft are atomic: a request adds without a lock.
_pending: deque[Sighting] = deque(maxlen=MAX_PENDING)
_held: list[Sighting] = []  # a batch the database could not take, written first
_flushing = threading.Lock()  # the flusher thread, and the flush at exit
_wake = threading.Event()
_flusher: threading.Thread | None = None
_flusher_lock = threading.Lock()
# settings.ANALYTICS, read once (``add`` runs on every request) and again
# when a test changes it.
_config: tuple[int, bool, float] | None = None


@receiver(setting_changed)
def _setting_changed(setting, **kwargs):
    global _config
    if setting == "ANALYTICS":
        _config = None


def add(seen: Sighting) -> None:
    global _config
    config = _config or _read_config()
    if len(_pending) < config[0] and _flusher is not None:
        _pending.append(seen)  # the usual case, kept short: every view comes here
        return
    if not config[1]:  # switched off
        return
    if config[2] == 0:  # written at once
        insert([row for row in [to_row(seen)] if row is not None])
        return
    _pending.append(seen)
    if _flusher is None:
        _start_flusher()
    if len(_pending) >= config[0] and not _wake.is_set():
        _wake.set()


def _read_config() -> tuple[int, bool, float]:
    """(events that wake the flusher, counting on, seconds between
    flushes), read once from settings.ANALYTICS."""
    global _config
    analytics = settings.ANALYTICS
    on, seconds = analytics["ENABLED"], analytics["FLUSH_SECONDS"]
    # With counting off or written at once, the short way never applies.
    soon = analytics["FLUSH_EVENTS"] if on and seconds else 0
    _config = (soon, on, seconds)
    return _config


def flush() -> int:
    """Write what is waiting; return how many events were written."""
    global _held
    with _flushing:
        batch, _held = _held, []
        take = _pending.popleft
        try:
            while True:
                batch.append(take())
        except IndexError:
            pass
        if not batch:
            return 0
        rows = None
        try:
            # Making rows reads the day's salt, so it may fail like the insert.
            rows = [row for row in map(to_row, batch) if row is not None]
            with transaction.atomic():
                insert(rows)
        except DatabaseError as failed:
            refused = isinstance(failed, (IntegrityError, DataError))
            if refused and rows is not None:
                return _in_halves(rows)
            logger.warning("Audience events not written yet: the database is away")
            _held = batch[-MAX_PENDING:]
            return 0
        return len(rows)


def _in_halves(rows: list[tuple]) -> int:
    """A batch the database refused for what is in it (a value it cannot
    store): write it in halves, and halves of those, so only the rows it
    refuses are dropped (they would be refused again). Returns how many
    were written."""
    try:
        with transaction.atomic():
            insert(rows)
        return len(rows)
    except (IntegrityError, DataError):
        if len(rows) == 1:
            logger.error("An audience event was dropped: the database refused it")
            return 0
        middle = len(rows) // 2
        return _in_halves(rows[:middle]) + _in_halves(rows[middle:])


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
    global _flusher, _flusher_lock, _flushing, _wake
    _flusher, _flusher_lock, _wake = None, threading.Lock(), threading.Event()
    _flushing = threading.Lock()
    _pending.clear()
    _held.clear()


os.register_at_fork(after_in_child=_forget_the_parents_flusher)
