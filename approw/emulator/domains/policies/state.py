"""Tables of the policies domain: ``policies`` (code unique in its namespace, statements as
JSON) and ``policy_assignments`` (a policy given to a target, enabled or not).

Assignments reference the policy ``ON DELETE CASCADE``; triggers remove the assignments of
a deleted user, role or group, so none is left dangling.  The pool starts with the built-in
policy ``AdministratorAccess`` (every action on every resource), which can be assigned but
not changed or deleted.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ...store import Store, dumps
from ...tokens import object_id
from ...values import now_iso
from ..namespaces import rules
from .targets import IDENTIFIER_SQL

DDL = """
CREATE TABLE IF NOT EXISTS policies (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    namespace_id INTEGER NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    description  TEXT,
    statements   TEXT NOT NULL,
    is_default   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (namespace_id, code)
);
CREATE TABLE IF NOT EXISTS policy_assignments (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    policy_id   TEXT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    UNIQUE (policy_id, target_type, target_id)
);
CREATE INDEX IF NOT EXISTS policy_assignments_target ON policy_assignments (target_type, target_id);
CREATE TRIGGER IF NOT EXISTS policy_assignments_of_users AFTER DELETE ON users BEGIN
    DELETE FROM policy_assignments WHERE target_type = 'USER' AND target_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS policy_assignments_of_roles AFTER DELETE ON roles BEGIN
    DELETE FROM policy_assignments WHERE target_type = 'ROLE' AND target_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS policy_assignments_of_groups AFTER DELETE ON groups BEGIN
    DELETE FROM policy_assignments WHERE target_type = 'GROUP' AND target_id = OLD.id;
END;
INSERT OR IGNORE INTO policies (id, namespace_id, code, description, statements, is_default, created_at, updated_at)
SELECT '000000000000000000000001', id, 'AdministratorAccess', 'Every action on every resource',
       '[{"resource":"*","actions":["*"],"effect":"ALLOW","condition":null}]', 1,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM namespaces WHERE code = 'default';
"""

_SELECT = ("SELECT p.id, p.code, p.description, p.statements, p.is_default, p.created_at, p.updated_at, "
           "p.namespace_id, n.code AS namespace FROM policies p JOIN namespaces n ON n.id = p.namespace_id")


def _policy(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "namespace": row["namespace"], "namespaceId": row["namespace_id"], "code": row["code"],
            "description": row["description"], "statements": json.loads(row["statements"]),
            "isDefault": bool(row["is_default"]), "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


def get(store: Store, namespace_id: int, code: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(code, str):
        return None
    row = store.fetch_one(_SELECT + " WHERE p.namespace_id = ? AND p.code = ?", (namespace_id, code))
    return None if row is None else _policy(row)


def require_all(store: Store, namespace: Dict[str, Any], codes: Iterable[Any]) -> List[Dict[str, Any]]:
    """The policies with these codes, in order and without repeats; any unknown -> error 404."""
    def require(code: Any) -> Dict[str, Any]:
        found = get(store, namespace["id"], code)
        if found is None:
            raise rules.not_found("Policy", code, namespace["code"])
        return found

    return rules.require_all(codes, require)


def create(store: Store, namespace: Dict[str, Any], code: str, description: Optional[str],
           statements: List[Dict[str, Any]]) -> Dict[str, Any]:
    now = now_iso()
    try:
        store.run("INSERT INTO policies (id, namespace_id, code, description, statements, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (object_id(), namespace["id"], code, description, dumps(statements), now, now))
    except sqlite3.IntegrityError:
        raise rules.taken("Policy", code, namespace["code"]) from None
    return require_all(store, namespace, [code])[0]


def update(store: Store, policy: Dict[str, Any], changes: Dict[str, Any]) -> None:
    """Write ``changes`` (``code``, ``description``, ``statements``); a taken code -> 2026."""
    if "statements" in changes:
        changes = dict(changes, statements=dumps(changes["statements"]))
    rules.update_row(store, "policies", policy["id"], changes,
                     rules.taken("Policy", changes.get("code"), policy["namespace"]))


def delete(store: Store, policy_id: str) -> None:
    store.run("DELETE FROM policies WHERE id = ?", (policy_id,))


def page(store: Store, namespace_id: int, offset: int, limit: int, exclude_default: bool
         ) -> Tuple[int, List[Dict[str, Any]]]:
    where = "p.namespace_id = ?" + (" AND p.is_default = 0" if exclude_default else "")
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM policies p WHERE " + where, (namespace_id,)).fetchone()[0]
        rows = conn.execute("%s WHERE %s ORDER BY p.created_at DESC, p.seq DESC LIMIT ? OFFSET ?" % (_SELECT, where),
                            (namespace_id, limit, offset)).fetchall()
    return total, [_policy(r) for r in rows]


# --- assignments ---------------------------------------------------------------------------


def assign(store: Store, policy_id: str, target_type: str, target_ids: Sequence[str]) -> None:
    now = now_iso()
    for target_id in target_ids:
        store.run("INSERT OR IGNORE INTO policy_assignments (policy_id, target_type, target_id, created_at) "
                  "VALUES (?, ?, ?, ?)", (policy_id, target_type, target_id, now))


def unassign(store: Store, policy_id: str, target_type: str, target_ids: Sequence[str]) -> None:
    for target_id in target_ids:
        store.run("DELETE FROM policy_assignments WHERE policy_id = ? AND target_type = ? AND target_id = ?",
                  (policy_id, target_type, target_id))


def set_enabled(store: Store, policy_id: str, target_type: str, target_id: str, enabled: bool) -> bool:
    """False if there is no such assignment."""
    return bool(store.run("UPDATE policy_assignments SET enabled = ? WHERE policy_id = ? AND target_type = ? "
                          "AND target_id = ?", (int(enabled), policy_id, target_type, target_id)))


def forget_target(store: Store, target_type: str, target_id: str) -> None:
    """Drop every assignment to a target that no longer exists (an org node)."""
    store.run("DELETE FROM policy_assignments WHERE target_type = ? AND target_id = ?", (target_type, target_id))


def count_assignments(store: Store, policy_id: str) -> int:
    row = store.fetch_one("SELECT count(*) FROM policy_assignments WHERE policy_id = ?", (policy_id,))
    return int(row[0]) if row else 0


def assignments(store: Store, namespace_id: int, offset: int, limit: Optional[int], policy_id: Optional[str] = None,
                target: Optional[Tuple[str, str]] = None) -> Tuple[int, List[Dict[str, Any]]]:
    """``{code, targetType, targetIdentifier, enabled}`` of the assignments of one namespace's
    policies, filtered by policy and/or target, in the order made."""
    where: List[str] = ["p.namespace_id = ?"]
    params: List[Any] = [namespace_id]
    if policy_id is not None:
        where.append("a.policy_id = ?")
        params.append(policy_id)
    if target is not None:
        where.append("a.target_type = ? AND a.target_id = ?")
        params.extend(target)
    base = "FROM policy_assignments a JOIN policies p ON p.id = a.policy_id WHERE " + " AND ".join(where)
    identifier = IDENTIFIER_SQL % {"t": "a.target_type", "i": "a.target_id"}
    sql = "SELECT p.code, a.target_type, %s AS identifier, a.enabled %s ORDER BY a.seq" % (identifier, base)
    page_params = list(params)
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        page_params += [limit, offset]
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) " + base, params).fetchone()[0]
        rows = conn.execute(sql, page_params).fetchall()
    return total, [{"code": r[0], "targetType": r[1], "targetIdentifier": r[2], "enabled": bool(r[3])} for r in rows]


def statements_of(store: Store, subjects: Sequence[Tuple[str, str]], namespace_id: Optional[int] = None
                  ) -> List[Dict[str, Any]]:
    """The statements of the enabled policies assigned to any of these ``(type, id)`` subjects
    (in one namespace, or all), each with its policy's ``namespaceId``."""
    if not subjects:
        return []
    pairs = " OR ".join("(a.target_type = ? AND a.target_id = ?)" for _ in subjects)
    params: List[Any] = [v for pair in subjects for v in pair]
    sql = ("SELECT DISTINCT p.id, p.namespace_id, p.statements, p.seq FROM policy_assignments a "
           "JOIN policies p ON p.id = a.policy_id WHERE a.enabled = 1 AND (%s)" % pairs)
    if namespace_id is not None:
        sql += " AND p.namespace_id = ?"
        params.append(namespace_id)
    out = []
    for row in store.fetch_all(sql + " ORDER BY p.seq", params):
        for statement in json.loads(row["statements"]):
            out.append(dict(statement, namespaceId=row["namespace_id"]))
    return out
