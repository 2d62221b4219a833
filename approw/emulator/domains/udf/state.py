"""Tables of the udf domain: field definitions (``udfs``) and values (``udvs``).

Values are kept as the text the service returns (see :mod:`.customdata`), per target
(type and id) and key, in the order first set.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...store import Store

DDL = """
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


def set_udf(store: Store, target_type: str, key: str, data_type: str, label: Optional[str],
            options: Optional[str]) -> None:
    store.run(
        "INSERT INTO udfs (target_type, key, data_type, label, options) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (target_type, key) DO UPDATE SET data_type = excluded.data_type, "
        "label = excluded.label, options = excluded.options",
        (target_type, key, data_type, label, options),
    )


def udfs(store: Store, target_type: str) -> List[Dict[str, Any]]:
    rows = store.fetch_all(
        "SELECT target_type, key, data_type, label, options FROM udfs WHERE target_type = ? ORDER BY seq",
        (target_type,),
    )
    return [
        {"targetType": r[0], "key": r[1], "dataType": r[2], "label": r[3], "options": r[4]} for r in rows
    ]


def remove_udf(store: Store, target_type: str, key: str) -> bool:
    with store.tx():
        store.run("DELETE FROM udvs WHERE target_type = ? AND key = ?", (target_type, key))
        return bool(store.run("DELETE FROM udfs WHERE target_type = ? AND key = ?", (target_type, key)))


def set_udv(store: Store, target_type: str, target_id: str, key: str, value: str) -> None:
    store.run(
        "INSERT INTO udvs (target_type, target_id, key, value) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (target_type, target_id, key) DO UPDATE SET value = excluded.value",
        (target_type, target_id, key, value),
    )


def remove_udv(store: Store, target_type: str, target_id: str, key: str) -> None:
    store.run("DELETE FROM udvs WHERE target_type = ? AND target_id = ? AND key = ?", (target_type, target_id, key))


def remove_udvs(store: Store, target_type: str, target_id: str) -> None:
    """Remove every value of one target (when the target is deleted)."""
    store.run("DELETE FROM udvs WHERE target_type = ? AND target_id = ?", (target_type, target_id))


def udvs(store: Store, target_type: str, target_id: str) -> List[Dict[str, Any]]:
    """Values set on one target, with their field's type and label, in the order first set."""
    rows = store.fetch_all(
        "SELECT v.key, f.data_type, v.value, f.label FROM udvs v JOIN udfs f "
        "ON f.target_type = v.target_type AND f.key = v.key "
        "WHERE v.target_type = ? AND v.target_id = ? ORDER BY v.seq",
        (target_type, target_id),
    )
    return [{"key": r[0], "dataType": r[1], "value": r[2], "label": r[3]} for r in rows]
