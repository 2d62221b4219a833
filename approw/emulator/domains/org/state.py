"""Tables of the organisations domain: organisations, their nodes (departments) and members.

* ``orgs``: one row per organisation; its tree hangs from exactly one root node.
* ``org_nodes``: a node and its parent (NULL for the root).  Deleting a node deletes its
  subtree (``parent_id ... ON DELETE CASCADE``); deleting an organisation deletes every node.
  A node code is unique within its organisation (codes may repeat across organisations).
* ``org_members``: who belongs to which node, since when, whether the node is the user's main
  department and whether the user leads it.  Rows go with their node and with their user.

A user's first department becomes their main one; when the main membership ends (removal,
move, deletion of the node), the earliest remaining membership takes over.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ...store import Store
from ...values import now_iso

DDL = """
CREATE TABLE IF NOT EXISTS orgs (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS org_nodes (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    org_id           TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    parent_id        TEXT REFERENCES org_nodes (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    name_i18n        TEXT,
    description      TEXT,
    description_i18n TEXT,
    sort_order       INTEGER,
    code             TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (org_id, code)
);
CREATE INDEX IF NOT EXISTS org_nodes_org ON org_nodes (org_id);
CREATE INDEX IF NOT EXISTS org_nodes_parent ON org_nodes (parent_id);
CREATE TABLE IF NOT EXISTS org_members (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    node_id   TEXT NOT NULL REFERENCES org_nodes (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    is_main   INTEGER NOT NULL DEFAULT 0,
    is_leader INTEGER NOT NULL DEFAULT 0,
    joined_at TEXT NOT NULL,
    UNIQUE (node_id, user_id)
);
CREATE INDEX IF NOT EXISTS org_members_user ON org_members (user_id);
"""

# GraphQL / JSON field -> org_nodes column, for the fields a node is created or updated with.
NODE_COLUMNS = {
    "name": "name",
    "nameI18n": "name_i18n",
    "description": "description",
    "descriptionI18n": "description_i18n",
    "order": "sort_order",
    "code": "code",
}
_NODE_SELECT = ("SELECT id, org_id, parent_id, name, name_i18n, description, description_i18n, sort_order, "
                "code, created_at, updated_at FROM org_nodes")
# Siblings: a larger order first, then the older node.
SIBLING_ORDER = "COALESCE(sort_order, 0) DESC, seq ASC"
ORG_ORDER = {
    "CREATEDAT_DESC": "created_at DESC, seq DESC",
    "CREATEDAT_ASC": "created_at ASC, seq ASC",
    "UPDATEDAT_DESC": "updated_at DESC, seq DESC",
    "UPDATEDAT_ASC": "updated_at ASC, seq ASC",
}


class CodeTaken(Exception):
    """A node code already used in the organisation."""


def _node(row: sqlite3.Row) -> Dict[str, Any]:
    return {"id": row["id"], "orgId": row["org_id"], "parentId": row["parent_id"], "name": row["name"],
            "nameI18n": row["name_i18n"], "description": row["description"],
            "descriptionI18n": row["description_i18n"], "order": row["sort_order"], "code": row["code"],
            "createdAt": row["created_at"], "updatedAt": row["updated_at"]}


# --- organisations -------------------------------------------------------------------------


def org_exists(store: Store, org_id: Any) -> bool:
    return isinstance(org_id, str) and store.fetch_one("SELECT 1 FROM orgs WHERE id = ?", (org_id,)) is not None


def insert_org(store: Store, org_id: str) -> None:
    now = now_iso()
    store.run("INSERT INTO orgs (id, created_at, updated_at) VALUES (?, ?, ?)", (org_id, now, now))


def touch_org(store: Store, org_id: str) -> None:
    store.run("UPDATE orgs SET updated_at = ? WHERE id = ?", (now_iso(), org_id))


def delete_org(store: Store, org_id: str) -> bool:
    """Delete an organisation with its nodes and their memberships; False if absent."""
    return bool(store.run("DELETE FROM orgs WHERE id = ?", (org_id,)))


def org_page(store: Store, order: str, offset: int, limit: int) -> Tuple[int, List[str]]:
    """``(total, ids of one page)`` of organisations in ``order`` (a key of ``ORG_ORDER``)."""
    with store.locked() as conn:
        total = conn.execute("SELECT count(*) FROM orgs").fetchone()[0]
        rows = conn.execute("SELECT id FROM orgs ORDER BY %s LIMIT ? OFFSET ?" % ORG_ORDER[order],
                            (limit, offset)).fetchall()
    return total, [r["id"] for r in rows]


def all_org_ids(store: Store) -> List[str]:
    return [r["id"] for r in store.fetch_all("SELECT id FROM orgs ORDER BY created_at, seq")]


# --- nodes ---------------------------------------------------------------------------------


def insert_node(store: Store, node_id: str, org_id: str, parent_id: Optional[str], fields: Dict[str, Any]) -> None:
    """Add a node (``fields``: keys of ``NODE_COLUMNS``); a taken code raises :class:`CodeTaken`."""
    now = now_iso()
    columns = [NODE_COLUMNS[k] for k in NODE_COLUMNS if k in fields]
    values = [fields[k] for k in NODE_COLUMNS if k in fields]
    try:
        store.run("INSERT INTO org_nodes (id, org_id, parent_id, created_at, updated_at, %s) VALUES (?, ?, ?, ?, ?, %s)"
                  % (", ".join(columns), ", ".join("?" * len(columns))),
                  [node_id, org_id, parent_id, now, now] + values)
    except sqlite3.IntegrityError:
        raise CodeTaken(fields.get("code")) from None


def update_node(store: Store, node_id: str, changes: Dict[str, Any]) -> None:
    """Write ``changes`` (keys of ``NODE_COLUMNS``); a taken code raises :class:`CodeTaken`."""
    columns = [NODE_COLUMNS[k] for k in NODE_COLUMNS if k in changes] + ["updated_at"]
    values = [changes[k] for k in NODE_COLUMNS if k in changes] + [now_iso(), node_id]
    try:
        store.run("UPDATE org_nodes SET %s WHERE id = ?" % ", ".join("%s = ?" % c for c in columns), values)
    except sqlite3.IntegrityError:
        raise CodeTaken(changes.get("code")) from None


def set_parent(store: Store, node_id: str, parent_id: str) -> None:
    store.run("UPDATE org_nodes SET parent_id = ?, updated_at = ? WHERE id = ?", (parent_id, now_iso(), node_id))


def get_node(store: Store, node_id: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(node_id, str):
        return None
    row = store.fetch_one(_NODE_SELECT + " WHERE id = ?", (node_id,))
    return None if row is None else _node(row)


def node_by_code(store: Store, org_id: str, code: str) -> Optional[Dict[str, Any]]:
    row = store.fetch_one(_NODE_SELECT + " WHERE org_id = ? AND code = ?", (org_id, code))
    return None if row is None else _node(row)


def nodes_of_org(store: Store, org_id: str) -> List[Dict[str, Any]]:
    """Every node of an organisation, siblings in display order."""
    rows = store.fetch_all(_NODE_SELECT + " WHERE org_id = ? ORDER BY " + SIBLING_ORDER, (org_id,))
    return [_node(r) for r in rows]


def search_nodes(store: Store, keyword: str) -> List[Dict[str, Any]]:
    """Nodes whose name or code contains ``keyword`` (case-insensitive), oldest first."""
    rows = store.fetch_all(
        _NODE_SELECT + " WHERE instr(lower(name), lower(?)) > 0 OR instr(lower(coalesce(code, '')), lower(?)) > 0 "
        "ORDER BY seq", (keyword, keyword))
    return [_node(r) for r in rows]


def subtree_ids(store: Store, node_id: str) -> List[str]:
    """The node and all its descendants."""
    rows = store.fetch_all(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT n.id FROM org_nodes n JOIN sub ON n.parent_id = sub.id) "
        "SELECT id FROM sub", (node_id,))
    return [r["id"] for r in rows]


def ancestor_ids(store: Store, node_id: str) -> List[str]:
    """The node and its ancestors up to the root, nearest first ([] for an unknown node)."""
    rows = store.fetch_all(
        "WITH RECURSIVE up(id, parent_id, lvl) AS ("
        " SELECT id, parent_id, 0 FROM org_nodes WHERE id = ?"
        " UNION ALL SELECT n.id, n.parent_id, up.lvl + 1 FROM org_nodes n JOIN up ON n.id = up.parent_id)"
        " SELECT id FROM up ORDER BY lvl", (node_id,))
    return [r["id"] for r in rows]


def delete_node(store: Store, node_id: str) -> None:
    """Delete a node, its subtree and their memberships."""
    store.run("DELETE FROM org_nodes WHERE id = ?", (node_id,))


# --- members -------------------------------------------------------------------------------


def add_members(store: Store, node_id: str, user_ids: Sequence[str], is_leader: Optional[bool]) -> None:
    """Make users members of a node (already members keep their membership; ``is_leader``,
    when given, is set either way).  A user's first department becomes their main one."""
    now = now_iso()
    for user_id in user_ids:
        store.run(
            "INSERT OR IGNORE INTO org_members (node_id, user_id, is_main, is_leader, joined_at) "
            "VALUES (?, ?, NOT EXISTS (SELECT 1 FROM org_members WHERE user_id = ?), ?, ?)",
            (node_id, user_id, user_id, bool(is_leader), now))
        if is_leader is not None:
            store.run("UPDATE org_members SET is_leader = ? WHERE node_id = ? AND user_id = ?",
                      (is_leader, node_id, user_id))


def members_of(store: Store, node_ids: Sequence[str], user_ids: Sequence[str]) -> List[sqlite3.Row]:
    """Memberships of these users in these nodes."""
    return store.fetch_all(
        "SELECT seq, node_id, user_id, is_main FROM org_members WHERE node_id IN (%s) AND user_id IN (%s)"
        % (",".join("?" * len(node_ids)), ",".join("?" * len(user_ids))), list(node_ids) + list(user_ids))


def remove_members(store: Store, node_ids: Sequence[str], user_ids: Optional[Sequence[str]] = None) -> None:
    """End memberships in these nodes (of these users, or of everyone); main departments
    that end pass to each user's earliest remaining membership."""
    where = "node_id IN (%s)" % ",".join("?" * len(node_ids))
    params: List[Any] = list(node_ids)
    if user_ids is not None:
        where += " AND user_id IN (%s)" % ",".join("?" * len(user_ids))
        params += list(user_ids)
    losing = [r["user_id"] for r in store.fetch_all("SELECT user_id FROM org_members WHERE is_main = 1 AND " + where,
                                                    params)]
    store.run("DELETE FROM org_members WHERE " + where, params)
    elect_main(store, losing)


def elect_main(store: Store, user_ids: Iterable[str]) -> None:
    """Give each of these users without a main department their earliest membership as main."""
    users = list(dict.fromkeys(user_ids))
    if users:
        store.run(
            "UPDATE org_members SET is_main = 1 WHERE seq IN (SELECT min(seq) FROM org_members WHERE user_id IN (%s) "
            "GROUP BY user_id HAVING max(is_main) = 0)" % ",".join("?" * len(users)), users)


def move_membership(store: Store, seq: int, user_id: str, target_id: str) -> None:
    """Move one membership to ``target_id`` (merged into an existing membership there, which
    then inherits the main flag)."""
    row = store.fetch_one("SELECT is_main FROM org_members WHERE seq = ?", (seq,))
    existing = store.fetch_one("SELECT seq FROM org_members WHERE node_id = ? AND user_id = ?", (target_id, user_id))
    if existing is None:
        store.run("UPDATE org_members SET node_id = ?, joined_at = ? WHERE seq = ?", (target_id, now_iso(), seq))
        return
    store.run("DELETE FROM org_members WHERE seq = ?", (seq,))
    if row is not None and row["is_main"]:
        store.run("UPDATE org_members SET is_main = 1 WHERE seq = ?", (existing["seq"],))


def set_main(store: Store, user_id: str, node_id: Optional[str]) -> None:
    """Make ``node_id`` the user's main department (None: no main department)."""
    store.run("UPDATE org_members SET is_main = (node_id IS ?) WHERE user_id = ?", (node_id, user_id))


def memberships(store: Store, user_id: str, org_id: Optional[str] = None) -> List[sqlite3.Row]:
    """A user's memberships (in one organisation, when given): ``node_id``, ``is_main``,
    ``joined_at``, oldest first."""
    sql = "SELECT m.node_id, m.is_main, m.is_leader, m.joined_at, n.org_id FROM org_members m " \
          "JOIN org_nodes n ON n.id = m.node_id WHERE m.user_id = ?"
    params: List[Any] = [user_id]
    if org_id is not None:
        sql += " AND n.org_id = ?"
        params.append(org_id)
    return store.fetch_all(sql + " ORDER BY m.seq", params)


def member_ids(store: Store, node_ids: Sequence[str]) -> List[str]:
    """Users who are members of any of these nodes, in order of joining."""
    if not node_ids:
        return []
    rows = store.fetch_all(
        "SELECT user_id FROM org_members WHERE node_id IN (%s) GROUP BY user_id ORDER BY min(seq)"
        % ",".join("?" * len(node_ids)), list(node_ids))
    return [r["user_id"] for r in rows]


def members_where(node_ids: Sequence[str]) -> Tuple[str, List[Any]]:
    """SQL over ``users`` selecting the members of any of these nodes."""
    if not node_ids:
        return "0", []
    return ("id IN (SELECT user_id FROM org_members WHERE node_id IN (%s))" % ",".join("?" * len(node_ids)),
            list(node_ids))


def in_any_org_where() -> str:
    """SQL over ``users`` selecting the users who belong to some node."""
    return "id IN (SELECT user_id FROM org_members)"


def user_nodes_with_ancestors(store: Store, user_id: str) -> List[str]:
    """The nodes a user is a member of, with all their ancestors, without repeats."""
    rows = store.fetch_all(
        "WITH RECURSIVE up(id, parent_id) AS ("
        " SELECT n.id, n.parent_id FROM org_nodes n JOIN org_members m ON m.node_id = n.id WHERE m.user_id = ?"
        " UNION SELECT n.id, n.parent_id FROM org_nodes n JOIN up ON n.id = up.parent_id)"
        " SELECT id FROM up", (user_id,))
    return [r["id"] for r in rows]
