"""Upgrading keeps what was counted: the hex hashes become the integers the
code makes now, and the roll-up's mark starts before the first event waiting."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from broadsheet.analytics import readers

BEFORE = [("analytics", "0001_initial")]
AFTER = [("analytics", "0002_integer_hashes_and_rollup_mark")]
VISITOR, PAIR, CARRY = "8f3a0c1d2e4b5a69", "00000000000000ff", "ffffffffffffffff"


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("analytics")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_hashes_are_converted_and_the_mark_starts_before_the_first_waiting():
    old = _migrate(BEFORE)
    try:
        Event = old.get_model("analytics", "Event")
        at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
        view = {"at": at, "kind": "view", "path": "/a/", "visitor": VISITOR}
        rolled = Event.objects.create(**view, pair="1", rolled=True)
        waiting = Event.objects.create(**view, pair="2")
        private = Event.objects.create(at=at, kind="view", path="/a/", pair=PAIR)
        listen = Event.objects.create(
            at=at, kind="listen", path="/p/", pair=PAIR, carry=CARRY, episode_id=1
        )
        old.get_model("analytics", "ListenWindow").objects.create(
            key=PAIR, carry=CARRY, episode_id=1, opened_at=at, bytes=10
        )

        with time_machine.travel(datetime(2026, 3, 5, 9, tzinfo=UTC), tick=False):
            new = _migrate(AFTER)  # three days on
        Event = new.get_model("analytics", "Event")
        assert Event.objects.get(id=rolled.id).visitor is None  # counted, and old
        assert new.get_model("analytics", "RollUp").objects.get().last_event_id == (
            rolled.id
        )
        converted = Event.objects.get(id=waiting.id)
        visitor = int.from_bytes(bytes.fromhex(VISITOR), "big", signed=True)
        assert converted.visitor == visitor < 0
        assert converted.pair == readers.with_path(visitor, "/a/")
        assert Event.objects.get(id=private.id).visitor is None
        assert Event.objects.get(id=private.id).pair == 255
        assert (
            Event.objects.get(id=listen.id).pair,
            Event.objects.get(id=listen.id).carry,
        ) == (255, -1)
        window = new.get_model("analytics", "ListenWindow").objects.get()
        assert (window.key, window.carry, window.bytes) == (255, -1, 10)

        back = _migrate(BEFORE)  # and back: the hashes in hex, the flag again
        Event = back.get_model("analytics", "Event")
        assert Event.objects.get(id=rolled.id).rolled
        assert not Event.objects.get(id=waiting.id).rolled
        assert Event.objects.get(id=listen.id).carry == CARRY
    finally:
        _migrate(_latest())
