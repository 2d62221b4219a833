"""Table of the userpool domain: the pool's environment variables (``/api/v2/env``), read by
pipeline functions in the service.  The pool's identity and keys are kept by
:mod:`approw.emulator.pool` and its settings by :mod:`.settings`, both in the ``meta`` table."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ...store import Store, dumps
from ...tokens import object_id
from ...values import now_iso

DDL = """
CREATE TABLE IF NOT EXISTS env (
    id         TEXT PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


def _view(row: Any, pool_id: str) -> Dict[str, Any]:
    return {"id": row["id"], "userPoolId": pool_id, "key": row["key"], "value": json.loads(row["value"]),
            "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


def envs(store: Store, pool_id: str) -> List[Dict[str, Any]]:
    """Every variable, in the order first set."""
    return [_view(r, pool_id) for r in store.fetch_all("SELECT * FROM env ORDER BY created_at, rowid")]


def env(store: Store, pool_id: str, key: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one("SELECT * FROM env WHERE key = ?", (key,))
    return None if row is None else _view(row, pool_id)


def set_env(store: Store, pool_id: str, key: str, value: Any) -> Dict[str, Any]:
    """Create the variable or replace its value (its id and creation time stay)."""
    now = now_iso()
    with store.tx():
        store.run(
            "INSERT INTO env (id, key, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (object_id(), key, dumps(value), now, now),
        )
        found = env(store, pool_id, key)
    assert found is not None
    return found


def remove_env(store: Store, key: str) -> bool:
    return bool(store.run("DELETE FROM env WHERE key = ?", (key,)))
