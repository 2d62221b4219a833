"""SQLite state of the emulator (stdlib ``sqlite3``).

One connection guarded by a re-entrant lock: the threaded HTTP server calls in from many
threads, and SQLite connections must not be used concurrently.  ``tx()`` groups several
statements into one ``BEGIN IMMEDIATE`` transaction (a check followed by a write stays
atomic); single statements lock just for themselves.  Slow work (password hashing, RSA)
is done by the callers *outside* the lock.

``:memory:`` by default; a file path keeps everything across restarts, including the
user pool's identity and the RSA keys (the file is created with mode 0600 because it
holds private keys and secrets).  Files use WAL journaling.

A user is stored as a few indexed columns (identifiers, status, timestamps) plus a JSON
document holding every other profile field.  Password hashes live in their own column and
never appear in the dictionaries this module returns.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from .errors import USER_EXISTS, ApprowError

SCHEMA_VERSION = 1

_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    username      TEXT UNIQUE,
    email         TEXT UNIQUE,
    phone         TEXT UNIQUE,
    external_id   TEXT,
    status        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    password_hash TEXT,
    doc           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_created ON users (created_at, seq);
CREATE INDEX IF NOT EXISTS users_updated ON users (updated_at, seq);
CREATE INDEX IF NOT EXISTS users_external ON users (external_id);
CREATE TABLE IF NOT EXISTS identities (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider       TEXT NOT NULL,
    user_id_in_idp TEXT NOT NULL,
    doc            TEXT NOT NULL,
    UNIQUE (provider, user_id_in_idp)
);
CREATE INDEX IF NOT EXISTS identities_user ON identities (user_id);
CREATE TABLE IF NOT EXISTS tokens (
    jti     TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id  TEXT,
    iat     INTEGER NOT NULL,
    exp     INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id);
CREATE TABLE IF NOT EXISTS udfs (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    target_type TEXT NOT NULL,
    key         TEXT NOT NULL,
    data_type   TEXT NOT NULL,
    label       TEXT,
    options     TEXT,
    UNIQUE (target_type, key)
);
CREATE TABLE IF NOT EXISTS udvs (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    UNIQUE (target_type, target_id, key)
);
"""

# GraphQL field name -> users column, for the fields kept outside the JSON document.
USER_COLUMNS = {
    "id": "id",
    "username": "username",
    "email": "email",
    "phone": "phone",
    "externalId": "external_id",
    "status": "status",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
}
USER_ORDER = {
    "CREATEDAT_DESC": "created_at DESC, seq DESC",
    "CREATEDAT_ASC": "created_at ASC, seq ASC",
    "UPDATEDAT_DESC": "updated_at DESC, seq DESC",
    "UPDATEDAT_ASC": "updated_at ASC, seq ASC",
}
_USER_SELECT = "SELECT id, username, email, phone, external_id, status, created_at, updated_at, doc FROM users"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _user_from_row(row: sqlite3.Row) -> Dict[str, Any]:
    user: Dict[str, Any] = json.loads(row["doc"])
    for field, column in USER_COLUMNS.items():
        user[field] = row[column]
    return user


def user_field_sql(field: str) -> str:
    """SQL expression reading a user field (column or JSON member); ``field`` must be validated."""
    column = USER_COLUMNS.get(field)
    return column if column else "json_extract(doc, '$.%s')" % field


class Store:
    def __init__(self, path: Optional[str] = None) -> None:
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
        self._db.executescript(_DDL)
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

    def _all(self, sql: str, params: Sequence[Any] = ()) -> List[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Optional[sqlite3.Row]:
        with self._lock:
            row: Optional[sqlite3.Row] = self._conn.execute(sql, params).fetchone()
            return row

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    # --- meta ----------------------------------------------------------------------------

    def get_meta(self, key: str) -> Any:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else json.loads(row["value"])

    def set_meta(self, key: str, value: Any) -> None:
        self._run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, _dumps(value)),
        )

    # --- users ---------------------------------------------------------------------------

    def _write_user(self, sql: str, user: Dict[str, Any], extra: Tuple[Any, ...]) -> None:
        doc = {k: v for k, v in user.items() if k not in USER_COLUMNS}
        params = tuple(user.get(f) for f in USER_COLUMNS) + (_dumps(doc),) + extra
        try:
            self._run(sql, params)
        except sqlite3.IntegrityError as exc:
            if any("users.%s" % c in str(exc) for c in ("username", "email", "phone")):
                raise ApprowError(USER_EXISTS) from None
            raise

    def insert_user(self, user: Dict[str, Any], password_hash: Optional[str]) -> None:
        """Insert a complete user record; duplicate username/email/phone -> error 2026."""
        self._write_user(
            "INSERT INTO users (id, username, email, phone, external_id, status, created_at, updated_at, "
            "doc, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            user,
            (password_hash,),
        )

    def replace_user(self, user: Dict[str, Any]) -> None:
        """Write back a modified user record (same id); duplicates -> error 2026."""
        self._write_user(
            "UPDATE users SET id = ?, username = ?, email = ?, phone = ?, external_id = ?, status = ?, "
            "created_at = ?, updated_at = ?, doc = ? WHERE id = ?",
            user,
            (user["id"],),
        )

    def set_password_hash(self, user_id: str, password_hash: Optional[str]) -> None:
        self._run("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    def password_hash(self, user_id: str) -> Optional[str]:
        row = self._one("SELECT password_hash FROM users WHERE id = ?", (user_id,))
        return None if row is None else row["password_hash"]

    def get_user(self, user_id: Any) -> Optional[Dict[str, Any]]:
        if not isinstance(user_id, str):
            return None
        row = self._one(_USER_SELECT + " WHERE id = ?", (user_id,))
        return None if row is None else _user_from_row(row)

    def users_where(
        self,
        where: str = "1",
        params: Sequence[Any] = (),
        order: str = "CREATEDAT_DESC",
        offset: int = 0,
        limit: Optional[int] = None,
    ) -> Tuple[int, List[Dict[str, Any]]]:
        """``(total matching, one page)``; ``where`` is SQL built by callers from validated names."""
        with self._lock:
            total = self._conn.execute("SELECT count(*) FROM users WHERE " + where, params).fetchone()[0]
            sql = "%s WHERE %s ORDER BY %s" % (_USER_SELECT, where, USER_ORDER[order])
            page_params = tuple(params)
            if limit is not None:
                sql += " LIMIT ? OFFSET ?"
                page_params += (limit, offset)
            rows = self._conn.execute(sql, page_params).fetchall()
        return total, [_user_from_row(r) for r in rows]

    def users_by(self, field: str, values: Iterable[Any]) -> Dict[Any, Dict[str, Any]]:
        """``{value: user}`` for users whose column ``field`` is one of ``values``."""
        column = USER_COLUMNS[field]
        wanted = [v for v in set(values) if isinstance(v, str)]
        if not wanted:
            return {}
        rows = self._all(
            "%s WHERE %s IN (%s)" % (_USER_SELECT, column, ",".join("?" * len(wanted))), wanted
        )
        return {r[column]: _user_from_row(r) for r in rows}

    def user_by_identity(self, provider: str, user_id_in_idp: str) -> Optional[Dict[str, Any]]:
        row = self._one(
            "SELECT user_id FROM identities WHERE provider = ? AND user_id_in_idp = ?", (provider, user_id_in_idp)
        )
        return None if row is None else self.get_user(row["user_id"])

    def delete_users(self, user_ids: Sequence[str]) -> int:
        """Delete users with their identities, tokens and custom data; returns how many existed."""
        deleted = 0
        with self.tx():
            for user_id in set(user_ids):
                if self._run("DELETE FROM users WHERE id = ?", (user_id,)):
                    deleted += 1
                    self._run("DELETE FROM udvs WHERE target_type = 'USER' AND target_id = ?", (user_id,))
        return deleted

    # --- identities ----------------------------------------------------------------------

    def add_identity(self, user_id: str, identity: Dict[str, Any]) -> None:
        try:
            self._run(
                "INSERT INTO identities (user_id, provider, user_id_in_idp, doc) VALUES (?, ?, ?, ?)",
                (user_id, identity["provider"], identity["userIdInIdp"], _dumps(identity)),
            )
        except sqlite3.IntegrityError:
            raise ApprowError(USER_EXISTS) from None

    def identities(self, user_id: str) -> List[Dict[str, Any]]:
        rows = self._all("SELECT doc FROM identities WHERE user_id = ? ORDER BY seq", (user_id,))
        return [json.loads(r["doc"]) for r in rows]

    # --- issued user tokens --------------------------------------------------------------

    def record_token(self, jti: str, user_id: str, app_id: Optional[str], iat: int, exp: int) -> None:
        self._run(
            "INSERT INTO tokens (jti, user_id, app_id, iat, exp) VALUES (?, ?, ?, ?, ?)",
            (jti, user_id, app_id, iat, exp),
        )

    def token_usable(self, jti: Any, user_id: Any) -> bool:
        """True when ``jti`` was issued to ``user_id`` and has not been revoked."""
        if not isinstance(jti, str) or not isinstance(user_id, str):
            return False
        row = self._one("SELECT revoked FROM tokens WHERE jti = ? AND user_id = ?", (jti, user_id))
        return row is not None and not row["revoked"]

    def revoke_token(self, jti: str) -> bool:
        return bool(self._run("UPDATE tokens SET revoked = 1 WHERE jti = ? AND revoked = 0", (jti,)))

    def revoke_user_tokens(self, user_id: str, app_id: Optional[str] = None) -> int:
        """Revoke a user's tokens (those issued for ``app_id`` only, when given)."""
        if app_id is None:
            return self._run("UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", (user_id,))
        return self._run(
            "UPDATE tokens SET revoked = 1 WHERE user_id = ? AND app_id = ? AND revoked = 0", (user_id, app_id)
        )

    def session_apps(self, user_id: str, now: int) -> List[str]:
        """Applications for which a user holds a live (unexpired, unrevoked) token."""
        rows = self._all(
            "SELECT DISTINCT app_id FROM tokens WHERE user_id = ? AND revoked = 0 AND exp > ? ORDER BY app_id",
            (user_id, now),
        )
        return [r[0] for r in rows]

    def purge_tokens(self, now: int) -> int:
        return self._run("DELETE FROM tokens WHERE exp <= ?", (now,))

    # --- user-defined fields and values --------------------------------------------------

    def set_udf(self, target_type: str, key: str, data_type: str, label: Optional[str], options: Optional[str]) -> None:
        self._run(
            "INSERT INTO udfs (target_type, key, data_type, label, options) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (target_type, key) DO UPDATE SET data_type = excluded.data_type, "
            "label = excluded.label, options = excluded.options",
            (target_type, key, data_type, label, options),
        )

    def udfs(self, target_type: str) -> List[Dict[str, Any]]:
        rows = self._all(
            "SELECT target_type, key, data_type, label, options FROM udfs WHERE target_type = ? ORDER BY seq",
            (target_type,),
        )
        return [
            {"targetType": r[0], "key": r[1], "dataType": r[2], "label": r[3], "options": r[4]} for r in rows
        ]

    def remove_udf(self, target_type: str, key: str) -> bool:
        with self.tx():
            self._run("DELETE FROM udvs WHERE target_type = ? AND key = ?", (target_type, key))
            return bool(self._run("DELETE FROM udfs WHERE target_type = ? AND key = ?", (target_type, key)))

    def set_udv(self, target_type: str, target_id: str, key: str, value: str) -> None:
        self._run(
            "INSERT INTO udvs (target_type, target_id, key, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (target_type, target_id, key) DO UPDATE SET value = excluded.value",
            (target_type, target_id, key, value),
        )

    def remove_udv(self, target_type: str, target_id: str, key: str) -> None:
        self._run("DELETE FROM udvs WHERE target_type = ? AND target_id = ? AND key = ?", (target_type, target_id, key))

    def udvs(self, target_type: str, target_id: str) -> List[Dict[str, Any]]:
        """Values set on one target, with their field's type and label, in the order first set."""
        rows = self._all(
            "SELECT v.key, f.data_type, v.value, f.label FROM udvs v JOIN udfs f "
            "ON f.target_type = v.target_type AND f.key = v.key "
            "WHERE v.target_type = ? AND v.target_id = ? ORDER BY v.seq",
            (target_type, target_id),
        )
        return [{"key": r[0], "dataType": r[1], "value": r[2], "label": r[3]} for r in rows]
