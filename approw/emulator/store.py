"""SQLite state of the emulator (stdlib ``sqlite3``): connection, lock, transactions, meta.

One connection guarded by a re-entrant lock: the threaded HTTP server calls in from many
threads, and SQLite connections must not be used concurrently.  ``tx()`` groups several
statements into one ``BEGIN IMMEDIATE`` transaction (a check followed by a write stays
atomic); single statements lock just for themselves.  Slow work (password hashing, RSA)
is done by the callers *outside* the lock.

``:memory:`` by default; a file path keeps everything across restarts, including the
user pool's identity and the RSA keys (the file is created with mode 0600 because it
holds private keys and secrets).  Files use WAL journaling.

The store knows no table but ``meta``: each domain declares its tables (its ``DDL``,
created here when the store opens) and the functions that read and write them (its
``state`` module, calling :meth:`Store.fetch_all`, :meth:`Store.fetch_one` and
:meth:`Store.run`).  A domain that changes the columns of an existing table must raise
``SCHEMA_VERSION``; new tables need no change, since they are created in older files too.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, List, Optional, Sequence

SCHEMA_VERSION = 2  # 2: cas_tickets.app_id

_META_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def dumps(value: Any) -> str:
    """Compact JSON text, as the store keeps JSON documents."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Store:
    def __init__(self, path: Optional[str], ddl: Iterable[str]) -> None:
        """Open (or create) the state at ``path`` (None: in memory) with the tables ``ddl`` declares."""
        self.path = path or ":memory:"
        if self.path != ":memory:" and not os.path.exists(self.path):
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._lock = threading.RLock()
        self._depth = 0
        self._db: Optional[sqlite3.Connection] = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            self._db.close()
            raise RuntimeError("%s is a SQLite database of something else, not an emulator state" % self.path)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA busy_timeout = 5000")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
        for script in (_META_DDL, *ddl):
            self._db.executescript(script)
        version = self.get_meta("schema_version")
        if version is None:
            self.set_meta("schema_version", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise RuntimeError(
                "%s was written by an incompatible emulator (state schema %r, expected %d)"
                % (self.path, version, SCHEMA_VERSION)
            )

    # --- plumbing ------------------------------------------------------------------------

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the emulator's database is closed")
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    @contextmanager
    def tx(self) -> Iterator[None]:
        """One write transaction; nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._depth = 0
                self._conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self._conn.execute("COMMIT")

    @contextmanager
    def locked(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads that no write of another thread may come between."""
        with self._lock:
            yield self._conn

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> List[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Optional[sqlite3.Row]:
        with self._lock:
            row: Optional[sqlite3.Row] = self._conn.execute(sql, params).fetchone()
            return row

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute one writing statement; returns the number of rows it changed."""
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    # --- meta ----------------------------------------------------------------------------

    def get_meta(self, key: str) -> Any:
        row = self.fetch_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else json.loads(row["value"])

    def set_meta(self, key: str, value: Any) -> None:
        self.run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, dumps(value)),
        )
