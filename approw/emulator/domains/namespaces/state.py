"""The ``namespaces`` table: permission groups, each holding roles, policies, resources and
grants (their tables reference it ``ON DELETE CASCADE``, so deleting a namespace removes
everything in it).  The ``default`` namespace exists from the start and cannot be deleted.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Dict, List, Optional, Tuple

from ...errors import NAMESPACE_NOT_FOUND, ApprowError
from ...store import Store
from ...values import now_iso
from . import rules

DEFAULT = "default"

DDL = """
CREATE TABLE IF NOT EXISTS namespaces (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
INSERT OR IGNORE INTO namespaces (code, name, description, created_at, updated_at)
VALUES ('default', 'Default', 'The default permission group',
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
"""

_SELECT = "SELECT id, code, name, description, created_at, updated_at FROM namespaces"


def _namespace(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "code": row["code"], "name": row["name"], "description": row["description"],
            "isDefault": row["code"] == DEFAULT, "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


def by_code(store: Store, code: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(code, str):
        return None
    row = store.fetch_one(_SELECT + " WHERE code = ?", (code,))
    return None if row is None else _namespace(row)


def by_id(store: Store, namespace_id: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(namespace_id, int):
        return None
    row = store.fetch_one(_SELECT + " WHERE id = ?", (namespace_id,))
    return None if row is None else _namespace(row)


def resolve(store: Store, code: Optional[str]) -> Dict[str, Any]:
    """The namespace with this code (``None`` or ``""``: ``default``); unknown -> error 3003."""
    found = by_code(store, code or DEFAULT)
    if found is None:
        raise ApprowError(NAMESPACE_NOT_FOUND, "Namespace %r does not exist" % code)
    return found


def create(store: Store, code: str, name: str, description: Optional[str]) -> Dict[str, Any]:
    now = now_iso()
    try:
        store.run("INSERT INTO namespaces (code, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                  (code, name, description, now, now))
    except sqlite3.IntegrityError:
        raise rules.taken("Namespace", code) from None
    created = by_code(store, code)
    assert created is not None
    return created


def update(store: Store, namespace_id: int, changes: Dict[str, Any]) -> None:
    """Write ``changes`` (``code``, ``name``, ``description``); a taken code -> error 2026."""
    rules.update_row(store, "namespaces", namespace_id, changes, rules.taken("Namespace", changes.get("code")))


def delete(store: Store, namespace_id: int) -> bool:
    return bool(store.run("DELETE FROM namespaces WHERE id = ?", (namespace_id,)))


def page(store: Store, offset: int, limit: int) -> Tuple[int, List[Dict[str, Any]]]:
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM namespaces").fetchone()[0]
        rows = conn.execute(_SELECT + " ORDER BY id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    return total, [_namespace(r) for r in rows]
