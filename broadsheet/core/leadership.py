"""Which scheduler runs the jobs: one lock, held for as long as its process lives.

Operators run a scheduler on more than one machine so that periodic work
survives losing one. Only one may run the jobs (and forward purges to the
CDN) at a time:

- On PostgreSQL the lock is a session-level advisory lock on a connection of
  its own. PostgreSQL releases it the moment that session ends, so when the
  holder's process or machine dies, a standby's next try (one interval
  later) takes it over. The holder checks its connection on every tick, so
  a holder cut off from the database stops running jobs too.
- On SQLite every process is on one machine: an exclusive ``flock`` on a
  file beside the database, released by the kernel when the holder exits.

Django's own connection is not used for the lock: it is closed and reopened
between ticks (``close_old_connections``), which would release the lock.
"""

import fcntl
import logging
from pathlib import Path

from django.conf import settings
from django.db import connection
from psycopg import DatabaseError

logger = logging.getLogger("broadsheet.scheduler")

# pg_try_advisory_lock's key: any fixed 64-bit number, unique to this purpose.
ADVISORY_LOCK_KEY = 0x62_726F_6164_7368  # "broadsh"


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a dedicated connection."""

    def __init__(self, key: int = ADVISORY_LOCK_KEY, connect=None):
        self.key = key
        self._connect = connect or _new_session
        self._session = None

    def hold(self) -> bool:
        """Take the lock if it is free; True while this process holds it."""
        if self._session is not None:
            if self._alive():
                return True
            self.release()
        try:
            session = self._connect()
            with session.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
                taken = cursor.fetchone()[0]
        except DatabaseError as error:  # the database is away: no jobs here
            logger.warning("Scheduler lock: the database is unreachable (%s)", error)
            return False
        if taken:
            self._session = session
        else:
            session.close()
        return taken

    def _alive(self) -> bool:
        try:
            with self._session.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except DatabaseError:
            return False

    def release(self) -> None:
        if self._session is not None:
            try:
                self._session.close()  # ending the session releases the lock
            except DatabaseError:
                pass  # already gone: so is the lock
            self._session = None


def _new_session():
    """A connection of the lock's own to Django's database, outside its pool."""
    session = connection.get_new_connection(connection.get_connection_params())
    session.autocommit = True
    return session


class FileLock:
    """An exclusive flock on a file: schedulers sharing one SQLite database."""

    def __init__(self, path: Path):
        self.path = path
        self._file = None

    def hold(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a")  # kept open while held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def scheduler_lock() -> AdvisoryLock | FileLock:
    if connection.vendor == "postgresql":
        return AdvisoryLock()
    return FileLock(Path(settings.DATA_DIR) / "scheduler.lock")
