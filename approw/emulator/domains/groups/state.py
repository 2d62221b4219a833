"""Tables of the groups domain: ``groups`` (code unique in the pool) and ``group_members``.

Memberships reference both the group and the user ``ON DELETE CASCADE``: deleting either
removes them.  Adding and removing members are single ``INSERT OR IGNORE`` / ``DELETE``
statements, so concurrent changes to one group never overwrite each other.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ...store import Store
from ...tokens import object_id
from ...values import now_iso
from ..namespaces import rules
from ..users import state as users

DDL = """
CREATE TABLE IF NOT EXISTS groups (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS group_members (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (group_id, user_id)
);
CREATE INDEX IF NOT EXISTS group_members_user ON group_members (user_id);
"""

ORDER = users.USER_ORDER  # the same SortByEnum orders over the same column names
_SELECT = "SELECT id, code, name, description, created_at, updated_at FROM groups"


def _group(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "code": row["code"], "name": row["name"], "description": row["description"],
            "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


def by_code(store: Store, code: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(code, str):
        return None
    row = store.fetch_one(_SELECT + " WHERE code = ?", (code,))
    return None if row is None else _group(row)


def require(store: Store, code: Any) -> Dict[str, Any]:
    """The group with this code; unknown -> error 404."""
    found = by_code(store, code)
    if found is None:
        raise rules.not_found("Group", code)
    return found


def require_all(store: Store, codes: Iterable[Any]) -> List[Dict[str, Any]]:
    """The groups with these codes, in order and without repeats; any unknown -> error 404."""
    return rules.require_all(codes, lambda code: require(store, code))


def create(store: Store, code: str, name: str, description: Optional[str]) -> Dict[str, Any]:
    now = now_iso()
    try:
        store.run("INSERT INTO groups (id, code, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                  (object_id(), code, name, description, now, now))
    except sqlite3.IntegrityError:
        raise rules.taken("Group", code) from None
    return require(store, code)


def update(store: Store, group_id: str, changes: Dict[str, Any]) -> None:
    """Write ``changes`` (``code``, ``name``, ``description``); a taken code -> error 2026."""
    rules.update_row(store, "groups", group_id, changes, rules.taken("Group", changes.get("code")))


def delete(store: Store, group_id: str) -> None:
    store.run("DELETE FROM groups WHERE id = ?", (group_id,))


def page(store: Store, offset: int, limit: int, order: str = "CREATEDAT_DESC",
         user_id: Optional[str] = None) -> Tuple[int, List[Dict[str, Any]]]:
    """One page of groups (only those ``user_id`` belongs to, when given)."""
    where, params = ("1", []) if user_id is None else (
        "id IN (SELECT group_id FROM group_members WHERE user_id = ?)", [user_id])
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM groups WHERE " + where, params).fetchone()[0]
        rows = conn.execute("%s WHERE %s ORDER BY %s LIMIT ? OFFSET ?" % (_SELECT, where, ORDER[order]),
                            params + [limit, offset]).fetchall()
    return total, [_group(r) for r in rows]


def add_members(store: Store, group_id: str, user_ids: Sequence[str]) -> None:
    now = now_iso()
    for user_id in user_ids:
        store.run("INSERT OR IGNORE INTO group_members (group_id, user_id, created_at) VALUES (?, ?, ?)",
                  (group_id, user_id, now))


def remove_members(store: Store, group_id: str, user_ids: Sequence[str]) -> None:
    for user_id in user_ids:
        store.run("DELETE FROM group_members WHERE group_id = ? AND user_id = ?", (group_id, user_id))


def members_where(group_ids: Sequence[str]) -> Tuple[str, List[Any]]:
    """A ``users`` WHERE clause selecting the members of any of these groups."""
    marks = ",".join("?" * len(group_ids)) or "NULL"
    return "id IN (SELECT user_id FROM group_members WHERE group_id IN (%s))" % marks, list(group_ids)


def groups_of_user(store: Store, user_id: str) -> List[Dict[str, Any]]:
    """The groups a user belongs to, in the order joined."""
    rows = store.fetch_all(
        "SELECT g.id, g.code, g.name, g.description, g.created_at, g.updated_at FROM group_members m "
        "JOIN groups g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY m.seq", (user_id,))
    return [_group(r) for r in rows]
