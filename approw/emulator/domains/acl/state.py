"""Tables of the ACL domain: ``resources`` (definitions: code, type and actions, unique in
their namespace) and ``grants`` (a target's actions on a resource code in a namespace).

A grant is one row per (namespace, target, resource code) holding its actions in the order
granted; granting more merges into that row.  Every change runs inside the caller's
transaction.  Grants reference their namespace ``ON DELETE CASCADE``, and triggers remove
the grants of a deleted user, role or group.  Grants do not require a resource definition:
any code can be granted.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...store import Store, dumps
from ...tokens import object_id
from ...values import now_iso
from ..namespaces import rules
from ..policies.targets import IDENTIFIER_SQL
from . import patterns

DDL = """
CREATE TABLE IF NOT EXISTS resources (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    namespace_id   INTEGER NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
    code           TEXT NOT NULL,
    type           TEXT NOT NULL,
    description    TEXT,
    actions        TEXT NOT NULL,
    api_identifier TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (namespace_id, code)
);
CREATE TABLE IF NOT EXISTS grants (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace_id  INTEGER NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
    target_type   TEXT NOT NULL,
    target_id     TEXT NOT NULL,
    resource      TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    actions       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (namespace_id, target_type, target_id, resource)
);
CREATE INDEX IF NOT EXISTS grants_target ON grants (target_type, target_id);
CREATE TRIGGER IF NOT EXISTS grants_of_users AFTER DELETE ON users BEGIN
    DELETE FROM grants WHERE target_type = 'USER' AND target_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS grants_of_roles AFTER DELETE ON roles BEGIN
    DELETE FROM grants WHERE target_type = 'ROLE' AND target_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS grants_of_groups AFTER DELETE ON groups BEGIN
    DELETE FROM grants WHERE target_type = 'GROUP' AND target_id = OLD.id;
END;
"""

_RESOURCE = ("SELECT r.id, r.code, r.type, r.description, r.actions, r.api_identifier, r.created_at, r.updated_at, "
             "r.namespace_id, n.code AS namespace FROM resources r JOIN namespaces n ON n.id = r.namespace_id")


# --- resources -----------------------------------------------------------------------------


def _resource(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "code": row["code"], "type": row["type"], "description": row["description"],
            "actions": json.loads(row["actions"]), "apiIdentifier": row["api_identifier"],
            "namespaceId": row["namespace_id"], "namespace": row["namespace"],
            "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


def resource(store: Store, namespace_id: int, code: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(code, str):
        return None
    row = store.fetch_one(_RESOURCE + " WHERE r.namespace_id = ? AND r.code = ?", (namespace_id, code))
    return None if row is None else _resource(row)


def resource_by_id(store: Store, resource_id: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one(_RESOURCE + " WHERE r.id = ?", (resource_id,))
    return None if row is None else _resource(row)


def require_resource(store: Store, namespace: Dict[str, Any], code: Any) -> Dict[str, Any]:
    found = resource(store, namespace["id"], code)
    if found is None:
        raise rules.not_found("Resource", code, namespace["code"])
    return found


def create_resource(store: Store, namespace: Dict[str, Any], fields: Dict[str, Any]) -> Dict[str, Any]:
    now = now_iso()
    try:
        store.run("INSERT INTO resources (id, namespace_id, code, type, description, actions, api_identifier, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (object_id(), namespace["id"], fields["code"], fields["type"], fields.get("description"),
                   dumps(fields.get("actions") or []), fields.get("apiIdentifier"), now, now))
    except sqlite3.IntegrityError:
        raise rules.taken("Resource", fields["code"], namespace["code"]) from None
    return require_resource(store, namespace, fields["code"])


def update_resource(store: Store, resource_id: str, changes: Dict[str, Any]) -> None:
    """Write ``changes`` (``type``, ``description``, ``actions``, ``apiIdentifier``)."""
    names = {"type": "type", "description": "description", "actions": "actions", "apiIdentifier": "api_identifier"}
    columns = {names[k]: dumps(v) if k == "actions" else v for k, v in changes.items() if k in names}
    rules.update_row(store, "resources", resource_id, columns, rules.taken("Resource", None))


def delete_resource(store: Store, found: Dict[str, Any]) -> None:
    """Delete a definition and every grant on its code (a kind's items included)."""
    store.run("DELETE FROM resources WHERE id = ?", (found["id"],))
    rows = store.fetch_all("SELECT seq, resource FROM grants WHERE namespace_id = ?", (found["namespaceId"],))
    for row in rows:
        if patterns.covers(found["code"], row["resource"]):
            store.run("DELETE FROM grants WHERE seq = ?", (row["seq"],))


def resources(store: Store, namespace_id: int, resource_type: Optional[str], offset: int, limit: int
              ) -> Tuple[int, List[Dict[str, Any]]]:
    where = "r.namespace_id = ?"
    params: List[Any] = [namespace_id]
    if resource_type:
        where += " AND r.type = ?"
        params.append(resource_type)
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM resources r WHERE " + where, params).fetchone()[0]
        rows = conn.execute("%s WHERE %s ORDER BY r.created_at DESC, r.seq DESC LIMIT ? OFFSET ?" % (_RESOURCE, where),
                            params + [limit, offset]).fetchall()
    return total, [_resource(r) for r in rows]


def definitions(store: Store, namespace_ids: Sequence[int]) -> Dict[Tuple[int, str], Dict[str, Any]]:
    """``{(namespace id, code): resource}`` of these namespaces."""
    if not namespace_ids:
        return {}
    rows = store.fetch_all(_RESOURCE + " WHERE r.namespace_id IN (%s)" % ",".join("?" * len(namespace_ids)),
                           list(namespace_ids))
    return {(r["namespace_id"], r["code"]): _resource(r) for r in rows}


def type_of(store: Store, namespace_id: int, code: str) -> str:
    """The type of the resource kind ``code`` belongs to, when defined; else ``DATA``."""
    found = resource(store, namespace_id, code) or resource(store, namespace_id, patterns.kind_of(code))
    return str(found["type"]) if found else "DATA"


# --- grants --------------------------------------------------------------------------------


def grant(store: Store, namespace_id: int, target: Tuple[str, str], code: str, resource_type: str,
          actions: Sequence[str]) -> None:
    """Give ``actions`` on ``code`` to ``target`` (merged with what it holds already)."""
    row = store.fetch_one("SELECT seq, actions FROM grants WHERE namespace_id = ? AND target_type = ? "
                          "AND target_id = ? AND resource = ?", (namespace_id, target[0], target[1], code))
    now = now_iso()
    if row is None:
        store.run("INSERT INTO grants (namespace_id, target_type, target_id, resource, resource_type, actions, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (namespace_id, target[0], target[1], code, resource_type, dumps(list(dict.fromkeys(actions))),
                   now, now))
        return
    merged = list(dict.fromkeys(json.loads(row["actions"]) + list(actions)))
    store.run("UPDATE grants SET actions = ?, resource_type = ?, updated_at = ? WHERE seq = ?",
              (dumps(merged), resource_type, now, row["seq"]))


def revoke(store: Store, namespace_id: int, target: Tuple[str, str], code: str,
           actions: Optional[Sequence[str]]) -> int:
    """Take from ``target`` its grants on every code ``code`` covers (a kind: its items too);
    with ``actions``, only those actions.  Returns how many grants changed."""
    rows = store.fetch_all("SELECT seq, resource, actions FROM grants WHERE namespace_id = ? AND target_type = ? "
                           "AND target_id = ?", (namespace_id, target[0], target[1]))
    changed = 0
    for row in rows:
        if not patterns.covers(code, row["resource"]):
            continue
        changed += 1
        left = [a for a in json.loads(row["actions"]) if actions and a not in actions]
        if left:
            store.run("UPDATE grants SET actions = ?, updated_at = ? WHERE seq = ?", (dumps(left), now_iso(), row["seq"]))
        else:
            store.run("DELETE FROM grants WHERE seq = ?", (row["seq"],))
    return changed


def forget_target(store: Store, target_type: str, target_id: str) -> None:
    store.run("DELETE FROM grants WHERE target_type = ? AND target_id = ?", (target_type, target_id))


def grants_of(store: Store, subjects: Sequence[Tuple[str, str]], namespace_id: Optional[int] = None
              ) -> List[Dict[str, Any]]:
    """``{namespaceId, targetType, targetId, resource, type, actions}`` of the grants of any of
    these ``(type, id)`` subjects (in one namespace, or all), in the order granted."""
    if not subjects:
        return []
    pairs = " OR ".join("(target_type = ? AND target_id = ?)" for _ in subjects)
    params: List[Any] = [v for pair in subjects for v in pair]
    sql = ("SELECT namespace_id, target_type, target_id, resource, resource_type, actions FROM grants WHERE (%s)"
           % pairs)
    if namespace_id is not None:
        sql += " AND namespace_id = ?"
        params.append(namespace_id)
    return [{"namespaceId": r[0], "targetType": r[1], "targetId": r[2], "resource": r[3], "type": r[4],
             "actions": json.loads(r[5])} for r in store.fetch_all(sql + " ORDER BY seq", params)]


def grants_on(store: Store, namespace_id: int, code: str) -> List[Dict[str, Any]]:
    """The grants on exactly ``code`` in a namespace, with each target's identifier."""
    identifier = IDENTIFIER_SQL % {"t": "target_type", "i": "target_id"}
    rows = store.fetch_all("SELECT target_type, %s, resource_type, actions FROM grants WHERE namespace_id = ? "
                           "AND resource = ? ORDER BY seq" % identifier, (namespace_id, code))
    return [{"targetType": r[0], "targetIdentifier": r[1], "type": r[2], "actions": json.loads(r[3])} for r in rows]


def all_grants(store: Store, namespace_id: int) -> List[Dict[str, Any]]:
    """Every grant of a namespace, oldest first, with each target's identifier (for seeds)."""
    identifier = IDENTIFIER_SQL % {"t": "target_type", "i": "target_id"}
    rows = store.fetch_all("SELECT target_type, %s, resource, resource_type, actions FROM grants "
                           "WHERE namespace_id = ? ORDER BY seq" % identifier, (namespace_id,))
    return [{"targetType": r[0], "targetIdentifier": r[1], "resource": r[2], "resourceType": r[3],
             "actions": json.loads(r[4])} for r in rows]
