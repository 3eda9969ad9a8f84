"""One scheduler runs the jobs: the lock is exclusive and passes on when released."""

import secrets
import time

import psycopg
import pytest
from django.db import connection

from broadsheet.core.leadership import AdvisoryLock, FileLock, scheduler_lock

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_one_holder_at_a_time_and_the_next_takes_over(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    first, second = scheduler_lock(), scheduler_lock()
    expected = AdvisoryLock if connection.vendor == "postgresql" else FileLock
    assert isinstance(first, expected)
    try:
        assert first.hold() is True
        assert first.hold() is True  # still held on the next tick
        assert second.hold() is False
        first.release()  # as when the holder's process dies
        assert second.hold() is True
        assert first.hold() is False
    finally:
        first.release()
        second.release()


def postgresql():
    # The machine's PostgreSQL, whichever database this lane tests on: the
    # advisory lock is PostgreSQL's own, so it is tested there in both lanes.
    return psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    )


def test_a_holder_whose_session_ends_stops_running_jobs():
    key = secrets.randbits(62)  # the other lane runs this test at the same time
    holder = AdvisoryLock(key, connect=postgresql)
    standby = AdvisoryLock(key, connect=postgresql)
    try:
        assert holder.hold() and not standby.hold()
        # The database ended the session (a restart, a network cut).
        with postgresql() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                " WHERE locktype = 'advisory'"
                " AND ((classid::bigint << 32) | objid::bigint) = %s",
                [key],
            )
        # pg_terminate_backend only signals the backend; its locks go when
        # it has exited, a moment later. A standby looks again, as here.
        deadline = time.monotonic() + 5
        while not standby.hold() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert standby.hold() is True
        assert holder.hold() is False
    finally:
        holder.release()
        standby.release()
