"""The purge log on Redis (REDIS_URL), as several machines share it."""

import uuid

import pytest

from broadsheet.core.pagecache.coherence import Follower, RedisLog
from broadsheet.core.pagecache.keys import EVERYTHING
from broadsheet.core.pagecache.store import Entry, PageStore

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def log():
    prefix = f"test:{uuid.uuid4().hex}:"
    log = RedisLog(REDIS_URL, prefix=prefix)
    yield log
    keys = list(log.client.scan_iter(prefix + "*"))
    if keys:
        log.client.delete(*keys)


def _stored(store: PageStore, path: str, keys: set[str]) -> tuple:
    key = ("http", "example.org", path, "")
    entry = Entry(
        status="200 OK",
        headers=[],
        body=b"x",
        keys=frozenset(keys),
        route="test",
        stored_at=0.0,
        expires_at=float("inf"),
    )
    store.put(key, (), key, entry)
    return key


def test_purges_are_numbered_and_read_back_in_order(log):
    first = log.append(frozenset({"page:1"}))
    second = log.append(frozenset({"articles", "page:2"}))
    assert second == first + 1
    assert log.since(first - 1) == [
        (first, frozenset({"page:1"})),
        (second, frozenset({"articles", "page:2"})),
    ]
    assert log.since(second) == []


def test_a_purge_on_one_machine_reaches_the_other(log, settings):
    here, there = PageStore(1 << 20), PageStore(1 << 20)
    here_follower = Follower(here, log, interval=0)
    there_follower = Follower(there, log, interval=0)
    for follower in (here_follower, there_follower):
        assert follower.catch_up()
    story = _stored(there, "/story/", {"page:7"})
    other = _stored(there, "/other/", {"page:8"})

    here_follower.purge(frozenset({"page:7"}))
    assert there.get(story).stale_since is None  # not looked yet
    assert there_follower.catch_up()
    assert there.get(story).stale_since is not None
    assert there.get(other).stale_since is None


def test_a_restarted_redis_makes_every_process_forget(log):
    store = PageStore(1 << 20)
    follower = Follower(store, log, interval=0)
    log.append(frozenset({"page:1"}))
    log.append(frozenset({"page:2"}))
    assert follower.catch_up()
    story = _stored(store, "/story/", {"page:3"})
    log.client.delete(log.counter)  # what a Redis restart without disk does
    log.append(frozenset({"page:9"}))
    assert follower.catch_up()
    assert store.get(story).stale_since is not None


def test_an_expired_purge_is_taken_as_everything(log):
    number = log.append(frozenset({"page:1"}))
    log.client.delete(f"{log.entry}{number}")
    assert log.since(number - 1) == [(number, frozenset({EVERYTHING}))]
