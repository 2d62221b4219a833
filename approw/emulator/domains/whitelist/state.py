"""Table of the whitelist domain: the values on each registration whitelist."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

from ...store import Store
from ...values import now_iso

DDL = """
CREATE TABLE IF NOT EXISTS whitelist (
    type       TEXT NOT NULL,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (type, value)
);
"""


def _view(row: Any) -> Dict[str, Any]:
    return {"value": row["value"], "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


def entries(store: Store, kind: str, values: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """The entries of the ``kind`` list (only those of ``values`` when given), oldest first."""
    sql = "SELECT value, created_at, updated_at FROM whitelist WHERE type = ?"
    params: List[Any] = [kind]
    if values:
        sql += " AND value IN (%s)" % ", ".join("?" * len(values))
        params.extend(values)
    return [_view(r) for r in store.fetch_all(sql + " ORDER BY rowid", params)]


def add(store: Store, kind: str, values: Sequence[str]) -> None:
    now = now_iso()
    with store.tx():
        for value in values:
            store.run("INSERT INTO whitelist (type, value, created_at, updated_at) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (type, value) DO NOTHING", (kind, value, now, now))


def remove(store: Store, kind: str, values: Sequence[str]) -> None:
    with store.tx():
        for value in values:
            store.run("DELETE FROM whitelist WHERE type = ? AND value = ?", (kind, value))


def listed(store: Store, kind: str, value: str) -> bool:
    return store.fetch_one("SELECT 1 FROM whitelist WHERE type = ? AND value = ?", (kind, value)) is not None
