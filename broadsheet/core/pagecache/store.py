"""The page cache's memory: whole responses, bounded in bytes, oldest use out first.

One ``PageStore`` per process. An entry is never removed by a purge but
marked stale, so that while one request renders the new copy the others can
still be answered from the old one for a few seconds (stale-while-revalidate
on the server side).
"""

import threading
import time
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field

from broadsheet.core.pagecache.keys import EVERYTHING

# How many recent purges a store remembers, to tell whether one landed while
# a response was being rendered (such a copy is stored already stale).
_RECENT_PURGES = 512


@dataclass
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    keys: frozenset[str]
    route: str
    stored_at: float
    expires_at: float
    etag: str = ""
    last_modified: str = ""
    stale_since: float | None = None
    # Text long enough to be worth compressing for clients that accept it.
    compressible: bool = False
    # Compressed copies, made on the first request that accepts each, with
    # the headers they go out with.
    encoded: dict[str, tuple[bytes, list[tuple[str, str]]]] = field(
        default_factory=dict
    )

    def __post_init__(self):
        # A hit adds only Age and X-Cache to these: built once, not per hit.
        self.plain_headers = [*self.headers, ("Content-Length", str(len(self.body)))]

    @property
    def size(self) -> int:
        encoded = sum(len(body) for body, _ in self.encoded.values())
        return len(self.body) + encoded + 512

    def stale_for(self, now: float) -> float | None:
        """Seconds since this copy went stale (purged or expired), or None if fresh."""
        if self.stale_since is not None:
            return now - self.stale_since
        if now >= self.expires_at:
            return now - self.expires_at
        return None


class PageStore:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        # One response may not push out most of the cache.
        self.max_entry_bytes = max_bytes // 8
        self.bytes = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._by_key: dict[str, set[tuple]] = {}
        # The request headers each address varies on (besides Cookie and
        # Accept-Encoding, which the layer handles itself).
        self._vary: dict[tuple, tuple[str, ...]] = {}
        self._refreshing: set[tuple] = set()
        self.generation = 0
        self._recent: deque[tuple[int, frozenset[str]]] = deque(maxlen=_RECENT_PURGES)
        self.counters: Counter[tuple[str, str]] = Counter()

    # Look-up and storage -------------------------------------------------

    def vary_for(self, address: tuple) -> tuple[str, ...] | None:
        return self._vary.get(address)

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, address: tuple, vary: tuple[str, ...], key: tuple, entry: Entry):
        if entry.size > self.max_entry_bytes:
            return
        with self._lock:
            self._remove(key)
            self._vary[address] = vary
            self._entries[key] = entry
            self.bytes += entry.size
            for dependency in entry.keys:
                self._by_key.setdefault(dependency, set()).add(key)
            while self.bytes > self.max_bytes and self._entries:
                self._remove(next(iter(self._entries)))

    def grew(self, entry: Entry, added: int) -> None:
        """Account for a compressed copy added to ``entry``; evict if over."""
        with self._lock:
            self.bytes += added
            while self.bytes > self.max_bytes and len(self._entries) > 1:
                self._remove(next(iter(self._entries)))

    def _remove(self, key: tuple) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self.bytes -= entry.size
        for dependency in entry.keys:
            holders = self._by_key.get(dependency)
            if holders is not None:
                holders.discard(key)
                if not holders:
                    del self._by_key[dependency]

    # Stale-while-revalidate ----------------------------------------------

    def claim_refresh(self, key: tuple) -> bool:
        """Return True if the caller is the one to render a new copy of ``key``."""
        with self._lock:
            if key in self._refreshing:
                return False
            self._refreshing.add(key)
            return True

    def release_refresh(self, key: tuple) -> None:
        with self._lock:
            self._refreshing.discard(key)

    # Purging ----------------------------------------------------------------

    def purge(self, keys) -> int:
        """Mark every entry depending on any of ``keys`` stale; return how many."""
        keys = frozenset(keys)
        now = time.monotonic()
        with self._lock:
            self.generation += 1
            self._recent.append((self.generation, keys))
            if EVERYTHING in keys:
                targets = list(self._entries)
            else:
                targets = set(self._by_key.get(EVERYTHING, ()))
                for key in keys:
                    targets.update(self._by_key.get(key, ()))
            marked = 0
            for target in targets:
                entry = self._entries.get(target)
                if entry is not None and entry.stale_since is None:
                    entry.stale_since = now
                    marked += 1
            return marked

    def purged_since(self, generation: int, keys: frozenset[str]) -> bool:
        """Whether a purge since ``generation`` touches a response with ``keys``."""
        with self._lock:
            if self.generation == generation:
                return False
            if self._recent and self._recent[0][0] > generation + 1:
                return True  # too many purges to tell: assume so
            for purged_at, purged in self._recent:
                if purged_at <= generation:
                    continue
                if EVERYTHING in purged or EVERYTHING in keys or purged & keys:
                    return True
            return False

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._by_key.clear()
            self._vary.clear()
            self.bytes = 0
            self.generation += 1
            self._recent.append((self.generation, frozenset({EVERYTHING})))

    # Figures ------------------------------------------------------------------

    def count(self, route: str, outcome: str) -> None:
        self.counters[(route, outcome)] += 1

    def stats(self) -> dict:
        routes: dict[str, dict[str, int]] = {}
        for (route, outcome), number in list(self.counters.items()):
            routes.setdefault(route, {})[outcome] = number
        return {"entries": len(self._entries), "bytes": self.bytes, "routes": routes}
