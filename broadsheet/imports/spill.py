"""A key → value table kept on disk, for catalogues as large as the export.

A WordPress site's attachments (one per image uploaded) are needed while the
posts are read, and there can be hundreds of thousands: a temporary SQLite
file holds them, so the importer's memory does not grow with the site.
"""

import json
import sqlite3
import tempfile


class DiskMap:
    def __init__(self):
        self._file = tempfile.NamedTemporaryFile(suffix=".sqlite3")
        self._db = sqlite3.connect(self._file.name)
        self._db.execute("CREATE TABLE item (key TEXT PRIMARY KEY, value TEXT)")
        self._pending: list[tuple[str, str]] = []

    def __setitem__(self, key: str, value) -> None:
        self._pending.append((key, json.dumps(value)))
        if len(self._pending) >= 1000:
            self._write()

    def get(self, key: str, default=None):
        self._write()
        row = self._db.execute(
            "SELECT value FROM item WHERE key = ?", (key,)
        ).fetchone()
        return json.loads(row[0]) if row else default

    def _write(self) -> None:
        if self._pending:
            self._db.executemany(
                "INSERT OR REPLACE INTO item VALUES (?, ?)", self._pending
            )
            self._pending = []

    def close(self) -> None:
        self._db.close()
        self._file.close()
