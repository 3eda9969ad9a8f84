"""Who is reading, as far as counting needs to know: never who they are.

A reader is reduced, when their events are written (``events.to_row``), to
hashes under the day's random salt (site, IP address, user agent), a device
class and whether they asked not to be tracked. The address and the user
agent never leave the process's memory.
"""

import functools
import hashlib
import os
import re
import secrets
import threading
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

import crawleruseragents
from django.conf import settings
from django.core.signals import setting_changed
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from broadsheet.analytics.models import Salt

# Each day's salt, held as a BLAKE2b already keyed with it: a copy of it
# hashes a reader without working the key in again (a quarter cheaper).
_keyed: dict[date, "hashlib._Hash"] = {}
_salts_lock = threading.Lock()


def _new_lock_after_fork() -> None:
    # A lock held by a thread of the parent at the fork stays held for good
    # in the child, where that thread does not exist.
    global _salts_lock
    _salts_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_after_fork)


def _keyed_hash(day: date):
    found = _keyed.get(day)  # (a dict read is atomic: no lock for the usual case)
    if found is not None:
        return found
    with _salts_lock:
        found = _keyed.get(day)
        if found is None:
            for old in [d for d in _keyed if d < day - timedelta(days=1)]:
                del _keyed[old]
            salt = _stored_salt(day).encode()
            found = _keyed[day] = hashlib.blake2b(key=salt, digest_size=8)
        return found


def _stored_salt(day: date) -> str:
    # Every node and process must hash with the same salt: it lives in the
    # database, made by whoever needs it first.
    found = Salt.objects.filter(day=day).values_list("value", flat=True).first()
    if found:
        return found
    try:
        with transaction.atomic():
            # A new day: the days before it go now, whether or not the
            # scheduler runs (its roll-up deletes them too).
            Salt.objects.filter(day__lt=timezone.localdate()).delete()
            return Salt.objects.create(day=day, value=secrets.token_hex(32)).value
    except IntegrityError:
        return Salt.objects.get(day=day).value


def forget_old_salts(today: date) -> int:
    """Delete every salt before ``today``: yesterday's readers can no longer
    be told apart from anyone."""
    with _salts_lock:
        for old in [d for d in _keyed if d < today]:
            del _keyed[old]
    deleted, _ = Salt.objects.filter(day__lt=today).delete()
    return deleted


def _hash(day: date, text: str) -> int:
    """A BLAKE2b of ``text`` keyed with the day's salt, as a signed 64-bit
    integer (a MAC, and a few times faster than HMAC-SHA256; an integer is
    stored and indexed in half the space of its hex)."""
    keyed = _keyed_hash(day).copy()
    keyed.update(text.encode("utf-8", "replace"))
    return int.from_bytes(keyed.digest(), "big", signed=True)


def with_path(reader: int, path: str) -> int:
    """One reader's hash and one page, as one hash of the same size.

    ``reader`` is already a salted hash, so an unsalted 64-bit hash of the
    path is enough to tell a reader's pages apart within its day: a second
    keyed hash per view would double the cost of counting and hide nothing
    more. For one reader, each page gets its own value.
    """
    mixed = (reader & _MASK) ^ _path_hash(path)
    return mixed - (1 << 64) if mixed >= 1 << 63 else mixed


_MASK = (1 << 64) - 1


@functools.lru_cache(maxsize=4096)
def _path_hash(path: str) -> int:
    digest = hashlib.blake2b(path.encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@functools.lru_cache(maxsize=4096)
def agent_class(user_agent: str) -> str | None:
    """The device class of a reader's user agent, or None for a bot: one
    lookup for each event, where the user agent is seen afresh."""
    return None if is_bot(user_agent) else device_class(user_agent)


def is_bot(user_agent: str) -> bool:
    """A crawler on the crawler-user-agents list (or no user agent at all)."""
    return not user_agent or crawleruseragents.is_crawler(user_agent)


def device_class(user_agent: str) -> str:
    """ "tablet", "mobile" or "desktop", from the user agent's usual tokens."""
    if re.search(r"iPad|Tablet|PlayBook|Silk|Kindle", user_agent) or (
        "Android" in user_agent and "Mobile" not in user_agent
    ):
        return "tablet"
    if re.search(r"Mobi|iPhone|iPod|Android|Windows Phone", user_agent):
        return "mobile"
    return "desktop"


def asks_not_to_be_tracked(environ) -> bool:
    """Global Privacy Control or Do Not Track: counted as a view, never as a visitor."""
    return environ.get("HTTP_SEC_GPC") == "1" or environ.get("HTTP_DNT") == "1"


_behind_proxy: bool | None = None


@receiver(setting_changed)
def _setting_changed(setting, **kwargs):
    global _behind_proxy
    if setting == "SECURE_PROXY_SSL_HEADER":
        _behind_proxy = None


def client_address(remote_addr: str, forwarded_for: str) -> str:
    """The reader's address: the proxy's word for it behind a proxy."""
    global _behind_proxy
    if _behind_proxy is None:  # read once: this runs for every event
        _behind_proxy = bool(settings.SECURE_PROXY_SSL_HEADER)  # BEHIND_PROXY
    if _behind_proxy and forwarded_for:
        return forwarded_for.split(",", 1)[0].strip()
    return remote_addr


def visitor(host: str, address: str, user_agent: str, day: date) -> int:
    """A reader's hash that day, the same for every page they open (one per
    view, so without making a Reader)."""
    return _hash(day, _identity(host, address, user_agent))


def _identity(host: str, address: str, user_agent: str) -> str:
    return f"{host.lower()}\x1f{address}\x1f{user_agent}"


class Reader:
    """A listener, or a reader who asked not to be tracked, on one day: the
    hashes of their pages (or episodes) only, never one for the reader."""

    __slots__ = ("_identity", "_day")

    def __init__(self, host: str, address: str, user_agent: str, day: date):
        self._identity = _identity(host, address, user_agent)
        self._day = day

    def pair(self, path: str) -> int:
        """The reader and one page (or episode) that day, for a listener or
        a reader who is no visitor (GPC or DNT): nothing in it links their
        pages to each other."""
        return _hash(self._day, f"pair\x1f{self._identity}\x1f{path}")

    def carry(self, path: str) -> int:
        """``pair`` under the next day's salt."""
        next_day = self._day + timedelta(days=1)
        return _hash(next_day, f"pair\x1f{self._identity}\x1f{path}")


_SUBSCRIBERS = re.compile(r"(\d+)\s+(?:subscribers?|readers?)\b", re.IGNORECASE)
_PRODUCT = re.compile(r"^\s*([A-Za-z][\w .+-]{0,58}?)\s*/")


def feed_fetcher(user_agent: str) -> tuple[str, int | None]:
    """The feed reader service's name and the subscribers it reports, if it does.

    Services that fetch for many people say so ("Feedly/1.0 (…; 42
    subscribers)"); the name is kept only with a count, so an ordinary
    browser's user agent leaves nothing behind.
    """
    found = _SUBSCRIBERS.search(user_agent)
    if not found:
        return "", None
    product = _PRODUCT.match(user_agent)
    name = product.group(1) if product else "unknown"
    if name == "Mozilla":  # "Mozilla/5.0 (compatible; Service/1.0; …)"
        inner = re.search(r"compatible;\s*([A-Za-z][\w .+-]{0,58}?)[/;)]", user_agent)
        name = inner.group(1) if inner else "unknown"
    return name, min(int(found.group(1)), 2_000_000_000)


@functools.lru_cache(maxsize=4096)
def referrer_domain(referrer: str, own_host: str) -> str:
    """The referring site's host name, or "" for none or this site itself."""
    if not referrer:
        return ""
    try:
        host = (urlsplit(referrer).hostname or "").lower()
    except ValueError:
        return ""
    own = own_host.split(":")[0].lower()
    if not host or host == own:
        return ""
    return host.removeprefix("www.")[:255]


def campaign(query: str) -> dict[str, str]:
    """utm_source, utm_medium and utm_campaign from a query string."""
    wanted = ("utm_source", "utm_medium", "utm_campaign")
    found = {}
    for name, value in parse_qsl(query, keep_blank_values=False):
        if name in wanted and name not in found:
            found[name] = value.strip()[:100]
    return found


def own_path(address: str) -> str:
    """The path of an address on this site ("" for none)."""
    try:
        path = urlsplit(address).path
    except ValueError:
        return ""
    return path if path.startswith("/") else ""
