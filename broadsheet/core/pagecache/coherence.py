"""One purge log shared by every process on every machine.

A purge is appended to the log (a table, or Redis when ``REDIS_URL`` is
set) and applied at once to this process's own store. Every process serving
pages follows the log: at most every ``PAGE_CACHE["POLL_SECONDS"]`` (a
quarter of a second by default) the first request to arrive reads what was
appended since, one indexed query or one Redis GET when nothing was. A hit
in between costs no I/O at all, and a purge reaches every process within
the interval.

The log is pruned after an hour (a scheduler job). A process that has not
looked for longer than that may have missed purges, so it forgets its
whole store rather than trust it.
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from broadsheet.core.pagecache.keys import EVERYTHING

logger = logging.getLogger("broadsheet.pagecache")

RETENTION_SECONDS = 3600
STATS_SECONDS = 2.0
_STATS_INDEX = "pagecache:stats:processes"
# More purges than this since the last look: treat as "purge everything".
_MAX_BACKLOG = 1000


class DatabaseLog:
    """The purge log as rows of core.PagePurge (the default, no extra service)."""

    def append(self, keys: frozenset[str]) -> int:
        from broadsheet.core.models import PagePurge

        return PagePurge.objects.create(keys=" ".join(sorted(keys))).pk

    def latest(self) -> int:
        from broadsheet.core.models import PagePurge

        return (
            PagePurge.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )

    def since(self, seen: int) -> list[tuple[int, frozenset[str]]]:
        from broadsheet.core.models import PagePurge

        rows = list(
            PagePurge.objects.filter(pk__gt=seen)
            .order_by("pk")
            .values_list("pk", "keys")[: _MAX_BACKLOG + 1]
        )
        if len(rows) > _MAX_BACKLOG:
            return [(rows[-1][0], frozenset({EVERYTHING}))]
        return [(pk, frozenset(keys.split())) for pk, keys in rows]

    def prune(self) -> int:
        from broadsheet.core.models import PagePurge

        cutoff = timezone.now() - timedelta(seconds=RETENTION_SECONDS)
        deleted, _ = PagePurge.objects.filter(created_at__lt=cutoff).delete()
        return deleted

    def reset(self) -> None:
        """Forget the connection after an error, so the next look reconnects."""
        connection.close()


class RedisLog:
    """The purge log in Redis: a counter and one short-lived key per purge."""

    # INCR and SET in one step, so no reader ever sees a number whose
    # purge is not there yet.
    _APPEND = (
        "local n = redis.call('INCR', KEYS[1]) "
        "redis.call('SET', KEYS[2] .. n, ARGV[1], 'EX', ARGV[2]) return n"
    )

    def __init__(self, url: str, prefix: str = "broadsheet:pagecache:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=1.0)
        self.counter = prefix + "seq"
        self.entry = prefix + "purge:"
        self._append = self.client.register_script(self._APPEND)

    def append(self, keys: frozenset[str]) -> int:
        return int(
            self._append(
                keys=[self.counter, self.entry],
                args=[" ".join(sorted(keys)), RETENTION_SECONDS],
            )
        )

    def latest(self) -> int:
        return int(self.client.get(self.counter) or 0)

    def since(self, seen: int) -> list[tuple[int, frozenset[str]]]:
        latest = self.latest()
        if latest < seen:
            # Redis restarted and the counter began again: trust nothing.
            return [(latest, frozenset({EVERYTHING}))]
        if latest == seen:
            return []
        if latest - seen > _MAX_BACKLOG:
            return [(latest, frozenset({EVERYTHING}))]
        numbers = range(seen + 1, latest + 1)
        values = self.client.mget([f"{self.entry}{n}" for n in numbers])
        # A missing entry has expired: we cannot know what it purged.
        return [
            (n, frozenset(value.decode().split()) if value else frozenset({EVERYTHING}))
            for n, value in zip(numbers, values, strict=True)
        ]

    def prune(self) -> int:
        return 0  # entries expire by themselves

    def reset(self) -> None:
        pass


_log = None
_follower = None


def purge(keys) -> None:
    """Purge every cached response depending on any of ``keys``, in every process."""
    keys = frozenset(keys)
    if not keys:
        return
    if _follower is not None:
        _follower.purge(keys)
    else:
        purge_log().append(keys)


def follow(follower) -> None:
    """Make ``follower`` this process's own (its purges apply here at once)."""
    global _follower
    _follower = follower


def purge_log():
    global _log
    if _log is None:
        _log = RedisLog(settings.REDIS_URL) if settings.REDIS_URL else DatabaseLog()
    return _log


def use_log(log) -> None:
    """Replace the purge log (tests use a second one, as another machine would)."""
    global _log
    _log = log


class Follower:
    """Keeps one process's store in step with the shared purge log."""

    def __init__(self, store, log=None, *, interval: float | None = None):
        self.store = store
        self._log = log
        self.interval = (
            settings.PAGE_CACHE["POLL_SECONDS"] if interval is None else interval
        )
        self.seen: int | None = None
        self.own: set[int] = set()
        self.last_look = 0.0
        self.last_stats = 0.0
        self._lock = threading.Lock()
        self.process = f"{socket.gethostname()}:{os.getpid()}"

    @property
    def log(self):
        return self._log or purge_log()

    def purge(self, keys: frozenset[str]) -> int:
        """Apply ``keys`` here at once and append them to the log for the others."""
        number = self.log.append(keys)
        with self._lock:
            self.own.add(number)
        return self.store.purge(keys)

    def catch_up(self) -> bool:
        """Apply the purges appended since the last look.

        Returns False if the log cannot be read (the caller then renders).
        """
        now = time.monotonic()
        if now - self.last_look < self.interval:
            return True
        if not self._lock.acquire(blocking=False):
            return True  # another thread of this process is looking right now
        try:
            log = self.log
            if self.seen is None:
                self.seen = log.latest()
            elif now - self.last_look > RETENTION_SECONDS / 2:
                self.store.clear()
                self.seen = log.latest()
            else:
                for number, keys in log.since(self.seen):
                    if number not in self.own:
                        self.store.purge(keys)
                    self.own.discard(number)
                    self.seen = number
            self.last_look = now
            if now - self.last_stats >= STATS_SECONDS:
                self.last_stats = now
                publish_stats(self.process, self.store.stats())
            return True
        except Exception:
            logger.exception("The page cache cannot read the purge log")
            self.log.reset()
            return False
        finally:
            self._lock.release()


# Figures, for `broadsheet cache stats` ---------------------------------------


def publish_stats(process: str, stats: dict) -> None:
    stats = {**stats, "updated": time.time()}
    cache.set(f"pagecache:stats:{process}", stats, 120)
    known = cache.get(_STATS_INDEX) or {}
    if process not in known:
        now = time.time()
        known = {name: seen for name, seen in known.items() if now - seen < 3600}
        known[process] = now
        cache.set(_STATS_INDEX, known, None)


def collected_stats() -> dict:
    """Sum the figures every live process published in the last two minutes."""
    known = cache.get(_STATS_INDEX) or {}
    per_process = cache.get_many([f"pagecache:stats:{name}" for name in known])
    total = {"processes": 0, "entries": 0, "bytes": 0, "routes": {}}
    for stats in per_process.values():
        total["processes"] += 1
        total["entries"] += stats["entries"]
        total["bytes"] += stats["bytes"]
        for route, outcomes in stats["routes"].items():
            into = total["routes"].setdefault(route, {})
            for outcome, number in outcomes.items():
                into[outcome] = into.get(outcome, 0) + number
    return total
