"""Page cache purges forwarded to the CDN in front: Varnish, or Fastly.

Responses carry their page cache keys in ``Surrogate-Key``, so a CDN can
forget exactly the copies a change touches, as our own processes do. The
purges reach the CDN from one place, the scheduler holding the lock, which
follows the shared purge log (core.pagecache.coherence): each purge is
sent once however many nodes run, and none is lost when the node that made
the change dies right after.

A purge is forwarded only once every node has applied it (twice the log's
polling interval after it was first seen). Sent earlier, the CDN could
fetch the page again from a node that still holds the old copy, and keep
that for hours.

``BROADSHEET_CDN_PURGE`` names the targets, comma separated:

- ``varnish+http://host:port`` (or ``https``): an HTTP ``BAN`` whose
  ``X-Purge-Regex`` header matches the keys in ``Surrogate-Key``; the VCL in
  docs/deployment.md turns it into a ban (vanilla Varnish, no vmod).
- ``fastly://SERVICE_ID``: Fastly's purge by surrogate key, with the API
  token from ``BROADSHEET_CDN_PURGE_TOKEN``.
"""

import logging
import re
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections

from broadsheet.core.pagecache.coherence import purge_log
from broadsheet.core.pagecache.keys import EVERYTHING

logger = logging.getLogger("broadsheet.pagecache")

_FORWARDED = "pagecache:cdn:forwarded"
_MAX_WAITING = 1000
TIMEOUT_SECONDS = 2.0


def purge_regex(keys: frozenset[str]) -> str:
    """A regex matching a ``Surrogate-Key`` header holding any of ``keys``."""
    if EVERYTHING in keys:
        return "."
    alternatives = "|".join(re.escape(key) for key in sorted(keys))
    return f"(^|\\s)({alternatives})(\\s|$)"


def _send(request: urllib.request.Request) -> None:
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        response.read()


class VarnishTarget:
    def __init__(self, address: str):
        self.address = address

    def purge(self, keys: frozenset[str]) -> None:
        request = urllib.request.Request(
            self.address,
            method="BAN",
            headers={"X-Purge-Regex": purge_regex(keys)},
        )
        _send(request)


class FastlyTarget:
    API = "https://api.fastly.com"

    def __init__(self, service: str, token: str, api: str = API):
        self.service, self.token, self.api = service, token, api

    def purge(self, keys: frozenset[str]) -> None:
        path = f"/service/{self.service}/purge"
        headers = {"Fastly-Key": self.token, "Accept": "application/json"}
        if EVERYTHING in keys:
            path += "_all"
        else:
            headers["Surrogate-Key"] = " ".join(sorted(keys))
        _send(urllib.request.Request(self.api + path, method="POST", headers=headers))


def targets_from(setting: str, token: str = "") -> list:
    """Parse ``BROADSHEET_CDN_PURGE``; an unknown scheme is a start-up error."""
    targets = []
    for item in filter(None, (part.strip() for part in setting.split(","))):
        parts = urlsplit(item)
        if parts.scheme in ("varnish+http", "varnish+https"):
            scheme = parts.scheme.removeprefix("varnish+")
            address = urlunsplit((scheme, parts.netloc, parts.path or "/", "", ""))
            targets.append(VarnishTarget(address))
        elif parts.scheme == "fastly" and parts.netloc and token:
            targets.append(FastlyTarget(parts.netloc, token))
        else:
            raise ValueError(
                f"BROADSHEET_CDN_PURGE: {item!r} is not varnish+http://host:port"
                " or fastly://SERVICE_ID (with BROADSHEET_CDN_PURGE_TOKEN)."
            )
    return targets


class CdnPurgeForwarder:
    """A thread following the purge log and sending each purge to the CDN."""

    def __init__(self, targets: list, log=None, *, settle: float | None = None):
        self.targets = targets
        self._log = log
        poll = settings.PAGE_CACHE["POLL_SECONDS"]
        self.settle = 2 * poll + 0.1 if settle is None else settle
        self.interval = poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls) -> "CdnPurgeForwarder | None":
        targets = targets_from(settings.CDN_PURGE, settings.CDN_PURGE_TOKEN)
        return cls(targets) if targets else None

    @property
    def log(self):
        return self._log or purge_log()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="cdn-purge", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        # Resume where the last holder stopped; the first holder ever starts
        # now (the CDN holds nothing older than its own purges' reach).
        seen = cache.get(_FORWARDED)
        if seen is None:
            seen = self.log.latest()
        waiting: list[tuple[float, int, frozenset[str]]] = []
        pause, failing = self.interval, False
        while not self._stop.wait(pause):
            try:
                now = time.monotonic()
                for number, keys in self.log.since(seen):
                    waiting.append((now, number, keys))
                    seen = number
                if len(waiting) > _MAX_WAITING:  # the CDN was away a long time
                    waiting = [(waiting[0][0], seen, frozenset({EVERYTHING}))]
                due = [entry for entry in waiting if now - entry[0] >= self.settle]
                if due:
                    self.forward(frozenset().union(*(keys for _, _, keys in due)))
                    waiting = waiting[len(due) :]
                    cache.set(_FORWARDED, due[-1][1], None)
                pause, failing = self.interval, False
            except Exception:
                # Kept waiting, sent again: a purge is idempotent. Logged
                # once per outage, retried at most every 10 s meanwhile.
                if not failing:
                    logger.exception("Forwarding page cache purges to the CDN failed")
                pause, failing = min(10.0, pause * 2), True
                self.log.reset()
                close_old_connections()

    def forward(self, keys: frozenset[str]) -> None:
        """Send one purge to every target; a target that fails is retried."""
        failed = []
        for target in self.targets:
            try:
                target.purge(keys)
            except (OSError, urllib.error.URLError) as error:
                failed.append((target, error))
        if failed:
            raise OSError(f"CDN purge failed: {failed}")
