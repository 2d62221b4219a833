"""Tables of the users domain: users and their identities (external accounts).

A user is stored as a few indexed columns (identifiers, status, timestamps) plus a JSON
document holding every other profile field.  Password hashes live in their own column and
never appear in the dictionaries this module returns.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ...errors import USER_EXISTS, ApprowError
from ...store import Store, dumps

DDL = """
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


def _user_from_row(row: sqlite3.Row) -> Dict[str, Any]:
    user: Dict[str, Any] = json.loads(row["doc"])
    for field, column in USER_COLUMNS.items():
        user[field] = row[column]
    return user


def user_field_sql(field: str) -> str:
    """SQL expression reading a user field (column or JSON member); ``field`` must be validated."""
    column = USER_COLUMNS.get(field)
    return column if column else "json_extract(doc, '$.%s')" % field


# --- users -------------------------------------------------------------------------------


def _write_user(store: Store, sql: str, user: Dict[str, Any], extra: Tuple[Any, ...]) -> None:
    doc = {k: v for k, v in user.items() if k not in USER_COLUMNS}
    params = tuple(user.get(f) for f in USER_COLUMNS) + (dumps(doc),) + extra
    try:
        store.run(sql, params)
    except sqlite3.IntegrityError as exc:
        if any("users.%s" % c in str(exc) for c in ("username", "email", "phone")):
            raise ApprowError(USER_EXISTS) from None
        raise


def insert_user(store: Store, user: Dict[str, Any], password_hash: Optional[str]) -> None:
    """Insert a complete user record; duplicate username/email/phone -> error 2026."""
    _write_user(
        store,
        "INSERT INTO users (id, username, email, phone, external_id, status, created_at, updated_at, "
        "doc, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        user,
        (password_hash,),
    )


def replace_user(store: Store, user: Dict[str, Any]) -> None:
    """Write back a modified user record (same id); duplicates -> error 2026."""
    _write_user(
        store,
        "UPDATE users SET id = ?, username = ?, email = ?, phone = ?, external_id = ?, status = ?, "
        "created_at = ?, updated_at = ?, doc = ? WHERE id = ?",
        user,
        (user["id"],),
    )


def set_password_hash(store: Store, user_id: str, password_hash: Optional[str]) -> None:
    store.run("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))


def password_hash(store: Store, user_id: str) -> Optional[str]:
    row = store.fetch_one("SELECT password_hash FROM users WHERE id = ?", (user_id,))
    return None if row is None else row["password_hash"]


def get_user(store: Store, user_id: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(user_id, str):
        return None
    row = store.fetch_one(_USER_SELECT + " WHERE id = ?", (user_id,))
    return None if row is None else _user_from_row(row)


def users_where(
    store: Store,
    where: str = "1",
    params: Sequence[Any] = (),
    order: str = "CREATEDAT_DESC",
    offset: int = 0,
    limit: Optional[int] = None,
) -> Tuple[int, List[Dict[str, Any]]]:
    """``(total matching, one page)``; ``where`` is SQL built by callers from validated names."""
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM users WHERE " + where, params).fetchone()[0]
        sql = "%s WHERE %s ORDER BY %s" % (_USER_SELECT, where, USER_ORDER[order])
        page_params = tuple(params)
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            page_params += (limit, offset)
        rows = conn.execute(sql, page_params).fetchall()
    return total, [_user_from_row(r) for r in rows]


def users_by(store: Store, field: str, values: Iterable[Any]) -> Dict[Any, Dict[str, Any]]:
    """``{value: user}`` for users whose column ``field`` is one of ``values``."""
    column = USER_COLUMNS[field]
    wanted = [v for v in set(values) if isinstance(v, str)]
    if not wanted:
        return {}
    rows = store.fetch_all(
        "%s WHERE %s IN (%s)" % (_USER_SELECT, column, ",".join("?" * len(wanted))), wanted
    )
    return {r[column]: _user_from_row(r) for r in rows}


def user_by_identity(store: Store, provider: str, user_id_in_idp: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one(
        "SELECT user_id FROM identities WHERE provider = ? AND user_id_in_idp = ?", (provider, user_id_in_idp)
    )
    return None if row is None else get_user(store, row["user_id"])


def delete_user(store: Store, user_id: str) -> bool:
    """Delete a user; their identities and tokens go with them (foreign keys).  False if absent."""
    return bool(store.run("DELETE FROM users WHERE id = ?", (user_id,)))


# --- identities --------------------------------------------------------------------------


def add_identity(store: Store, user_id: str, identity: Dict[str, Any]) -> None:
    try:
        store.run(
            "INSERT INTO identities (user_id, provider, user_id_in_idp, doc) VALUES (?, ?, ?, ?)",
            (user_id, identity["provider"], identity["userIdInIdp"], dumps(identity)),
        )
    except sqlite3.IntegrityError:
        raise ApprowError(USER_EXISTS) from None


def identities(store: Store, user_id: str) -> List[Dict[str, Any]]:
    rows = store.fetch_all("SELECT doc FROM identities WHERE user_id = ? ORDER BY seq", (user_id,))
    return [json.loads(r["doc"]) for r in rows]


def move_identities(store: Store, from_user: str, to_user: str) -> int:
    """Give every identity of ``from_user`` to ``to_user``; returns how many moved."""
    rows = store.fetch_all("SELECT seq, doc FROM identities WHERE user_id = ?", (from_user,))
    for row in rows:
        doc = json.loads(row["doc"])
        doc["userId"] = to_user
        store.run("UPDATE identities SET user_id = ?, doc = ? WHERE seq = ?", (to_user, dumps(doc), row["seq"]))
    return len(rows)


def remove_identities(store: Store, user_id: str, provider: str) -> int:
    """Remove a user's identities of ``provider``; returns how many there were."""
    return store.run("DELETE FROM identities WHERE user_id = ? AND provider = ?", (user_id, provider))
