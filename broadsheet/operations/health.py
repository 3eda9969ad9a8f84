"""Readiness: can this process reach the database, the shared cache and the media store?

Each check runs in a small pool of threads and the answer waits at most
``CHECK_SECONDS`` for all of them, so a server that hangs instead of
refusing (a dropped route, a frozen host) makes the probe fail on time
rather than hang with it. A check still running from an earlier probe is
not started again: it counts as failing until it returns, and no more than
one thread per check can ever be stuck.

The drivers' own timeouts (settings: PostgreSQL ``connect_timeout``, Redis
``socket_connect_timeout``/``socket_timeout``, the S3 client's
``connect_timeout`` and retries) decide how soon a stuck thread is freed.
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connections

logger = logging.getLogger("broadsheet.operations")

CHECK_SECONDS = 1.0
# A key no one stores, so the media check only asks "does the store answer?".
STORAGE_PROBE_NAME = "readyz-probe"
CACHE_PROBE_KEY = "operations:readyz"

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_running: set[str] = set()
# What failed at the previous probe: the log says when a check starts
# failing and when it recovers, not at every probe.
_failing: set[str] = set()


def check_database() -> None:
    # A connection of its own, made and closed at every probe: it proves a
    # new connection can be made, and a broken one is never kept for the
    # next probe (nor is one a request is using ever touched).
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def check_cache(cache) -> None:
    cache.set(CACHE_PROBE_KEY, time.time(), 60)


def check_storage(storage) -> None:
    storage.exists(STORAGE_PROBE_NAME)


def readiness_checks() -> dict[str, Callable[[], None]]:
    # The cache and storage objects are this request's: the very clients
    # (and connection pools) the site uses, which reconnect on their own.
    cache = caches["default"]
    return {
        "database": check_database,
        "cache": lambda: check_cache(cache),
        "storage": lambda: check_storage(default_storage),
    }


def _executor() -> ThreadPoolExecutor:
    # Made on first use, in the serving process (never before a fork).
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="readyz")
        return _pool


def _guarded(name: str, check: Callable[[], None]) -> None:
    try:
        check()
    finally:
        # A DatabaseCache uses the pool thread's own connection: close it.
        connections.close_all()
        with _lock:
            _running.discard(name)


def run_checks(
    checks: dict[str, Callable[[], None]], timeout: float = CHECK_SECONDS
) -> dict[str, str]:
    """Run ``checks`` at once; return each one's outcome: ok, failed or timeout."""
    futures = {}
    outcomes = {}
    for name, check in checks.items():
        with _lock:
            busy = name in _running
            if not busy:
                _running.add(name)
        if busy:
            outcomes[name] = "timeout"
        else:
            futures[name] = _executor().submit(_guarded, name, check)
    deadline = time.monotonic() + timeout
    errors = {}
    for name, future in futures.items():
        try:
            future.result(timeout=max(0.0, deadline - time.monotonic()))
            outcomes[name] = "ok"
        except TimeoutError as error:
            if not future.done():
                outcomes[name] = "timeout"
            else:  # the check itself timed out (a socket's own timeout)
                outcomes[name], errors[name] = "failed", error
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            outcomes[name] = "failed"
            errors[name] = error
    _log_changes(outcomes, errors)
    return {name: outcomes[name] for name in checks}


def _log_changes(outcomes: dict[str, str], errors: dict[str, Exception]) -> None:
    global _failing
    failing = {name for name, outcome in outcomes.items() if outcome != "ok"}
    with _lock:
        failing_before, _failing = _failing, failing
    for name in sorted(failing - failing_before):
        error = errors.get(name)
        logger.warning(
            "Readiness: the %s check %s%s",
            name,
            "failed" if error else f"took over {CHECK_SECONDS:g} s",
            f": {type(error).__name__}: {error}" if error else "",
        )
    for name in sorted(failing_before - failing):
        logger.info("Readiness: the %s check passes again", name)


def readiness() -> dict[str, str]:
    return run_checks(readiness_checks())
