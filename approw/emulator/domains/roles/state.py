"""Tables of the roles domain: ``roles`` (code unique in its namespace, optional parent) and
who holds them: users (``role_users``), groups (``role_groups``) and org nodes
(``role_nodes``, node ids of the organisations domain).

Memberships reference the role ``ON DELETE CASCADE`` (users and groups too), so deleting a
role, its namespace, a user or a group removes them; a role's custom data goes with it (a
trigger).  Adding and removing holders are single ``INSERT OR IGNORE`` / ``DELETE``
statements: concurrent changes to one role never overwrite each other.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ...store import Store
from ...tokens import object_id
from ...values import now_iso
from ..namespaces import rules
from ..users import state as users

DDL = """
CREATE TABLE IF NOT EXISTS roles (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    namespace_id INTEGER NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    description  TEXT,
    parent_id    TEXT REFERENCES roles (id) ON DELETE SET NULL,
    is_system    INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (namespace_id, code)
);
CREATE INDEX IF NOT EXISTS roles_parent ON roles (parent_id);
CREATE TABLE IF NOT EXISTS role_users (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    role_id    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (role_id, user_id)
);
CREATE INDEX IF NOT EXISTS role_users_user ON role_users (user_id);
CREATE TABLE IF NOT EXISTS role_groups (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    role_id    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    group_id   TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (role_id, group_id)
);
CREATE INDEX IF NOT EXISTS role_groups_group ON role_groups (group_id);
CREATE TABLE IF NOT EXISTS role_nodes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    role_id    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    node_id    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (role_id, node_id)
);
CREATE INDEX IF NOT EXISTS role_nodes_node ON role_nodes (node_id);
CREATE TRIGGER IF NOT EXISTS roles_custom_data AFTER DELETE ON roles BEGIN
    DELETE FROM udvs WHERE target_type = 'ROLE' AND target_id = OLD.id;
END;
"""

#: Kind of holder -> (membership table, holder column).
HOLDERS = {"USER": ("role_users", "user_id"), "GROUP": ("role_groups", "group_id"), "ORG": ("role_nodes", "node_id")}
#: The SortByEnum orders, over the ``roles r`` of :data:`_SELECT`.
ORDER = {key: ", ".join("r." + term for term in order.split(", ")) for key, order in users.USER_ORDER.items()}
_SELECT = ("SELECT r.id, r.code, r.description, r.parent_id, r.is_system, r.created_at, r.updated_at, "
           "r.namespace_id, n.code AS namespace FROM roles r JOIN namespaces n ON n.id = r.namespace_id")


def _role(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "namespace": row["namespace"], "namespaceId": row["namespace_id"], "code": row["code"],
            "description": row["description"], "parentId": row["parent_id"], "isSystem": bool(row["is_system"]),
            "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


def get(store: Store, namespace_id: int, code: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(code, str):
        return None
    row = store.fetch_one(_SELECT + " WHERE r.namespace_id = ? AND r.code = ?", (namespace_id, code))
    return None if row is None else _role(row)


def by_id(store: Store, role_id: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(role_id, str):
        return None
    row = store.fetch_one(_SELECT + " WHERE r.id = ?", (role_id,))
    return None if row is None else _role(row)


def require(store: Store, namespace: Dict[str, Any], code: Any) -> Dict[str, Any]:
    """The role ``code`` of ``namespace``; unknown -> error 404."""
    found = get(store, namespace["id"], code)
    if found is None:
        raise rules.not_found("Role", code, namespace["code"])
    return found


def require_all(store: Store, namespace: Dict[str, Any], codes: Iterable[Any]) -> List[Dict[str, Any]]:
    """The roles with these codes, in order and without repeats; any unknown -> error 404."""
    return rules.require_all(codes, lambda code: require(store, namespace, code))


def create(store: Store, namespace: Dict[str, Any], code: str, description: Optional[str],
           parent_id: Optional[str]) -> Dict[str, Any]:
    now = now_iso()
    try:
        store.run(
            "INSERT INTO roles (id, namespace_id, code, description, parent_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (object_id(), namespace["id"], code, description, parent_id, now, now))
    except sqlite3.IntegrityError:
        raise rules.taken("Role", code, namespace["code"]) from None
    return require(store, namespace, code)


def update(store: Store, role: Dict[str, Any], changes: Dict[str, Any]) -> None:
    """Write ``changes`` (``code``, ``description``); a code taken in the namespace -> 2026."""
    rules.update_row(store, "roles", role["id"], changes, rules.taken("Role", changes.get("code"), role["namespace"]))


def delete(store: Store, role_id: str) -> None:
    store.run("DELETE FROM roles WHERE id = ?", (role_id,))


def page(store: Store, namespace_id: int, offset: int, limit: int,
         order: str = "CREATEDAT_DESC") -> Tuple[int, List[Dict[str, Any]]]:
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM roles WHERE namespace_id = ?", (namespace_id,)).fetchone()[0]
        rows = conn.execute("%s WHERE r.namespace_id = ? ORDER BY %s LIMIT ? OFFSET ?" % (_SELECT, ORDER[order]),
                            (namespace_id, limit, offset)).fetchall()
    return total, [_role(r) for r in rows]


# --- holders -----------------------------------------------------------------------------


def add_holders(store: Store, role_id: str, kind: str, holder_ids: Sequence[str]) -> None:
    table, column = HOLDERS[kind]
    now = now_iso()
    for holder in holder_ids:
        store.run("INSERT OR IGNORE INTO %s (role_id, %s, created_at) VALUES (?, ?, ?)" % (table, column),
                  (role_id, holder, now))


def remove_holders(store: Store, role_id: str, kind: str, holder_ids: Sequence[str]) -> None:
    table, column = HOLDERS[kind]
    for holder in holder_ids:
        store.run("DELETE FROM %s WHERE role_id = ? AND %s = ?" % (table, column), (role_id, holder))


def forget_node(store: Store, node_id: str) -> None:
    """Drop the roles of a deleted org node."""
    store.run("DELETE FROM role_nodes WHERE node_id = ?", (node_id,))


def roles_of(store: Store, kind: str, holder_ids: Sequence[str], namespace_id: Optional[int] = None
             ) -> List[Dict[str, Any]]:
    """The roles given directly to any of these holders (in one namespace, or all), in the
    order given, without repeats."""
    if not holder_ids:
        return []
    table, column = HOLDERS[kind]
    sql = (_SELECT + " JOIN %s m ON m.role_id = r.id WHERE m.%s IN (%s)"
           % (table, column, ",".join("?" * len(holder_ids))))
    params: List[Any] = list(holder_ids)
    if namespace_id is not None:
        sql += " AND r.namespace_id = ?"
        params.append(namespace_id)
    seen: Dict[str, Dict[str, Any]] = {}
    for row in store.fetch_all(sql + " ORDER BY m.seq", params):
        seen.setdefault(row["id"], _role(row))
    return list(seen.values())


def holders_where(role_ids: Sequence[str]) -> Tuple[str, List[Any]]:
    """A ``users`` WHERE clause selecting the users given any of these roles directly."""
    marks = ",".join("?" * len(role_ids)) or "NULL"
    return "id IN (SELECT user_id FROM role_users WHERE role_id IN (%s))" % marks, list(role_ids)


def holders(store: Store, role_id: str, kind: str) -> List[str]:
    table, column = HOLDERS[kind]
    rows = store.fetch_all("SELECT %s FROM %s WHERE role_id = ? ORDER BY seq" % (column, table), (role_id,))
    return [r[0] for r in rows]


def with_ancestors(store: Store, role_ids: Iterable[str]) -> List[str]:
    """These roles and every parent above them (a role holds what its parents hold)."""
    ordered = list(dict.fromkeys(role_ids))
    seen: Set[str] = set(ordered)
    frontier = list(ordered)
    while frontier:
        rows = store.fetch_all("SELECT parent_id FROM roles WHERE id IN (%s) AND parent_id IS NOT NULL"
                               % ",".join("?" * len(frontier)), frontier)
        frontier = [r[0] for r in rows if r[0] not in seen]
        seen.update(frontier)
        ordered.extend(frontier)
    return ordered
