"""Members of organisation nodes: adding, removing and moving them, main departments, and
what a user belongs to.

Every user id must name a user (else 2004), checked before anything changes.  Adding a
member twice is harmless; removing a user who is not a member is not an error; moving
requires the user to be a member of the source node.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from ...errors import invalid
from ...store import Store
from ..namespaces import rules as shared
from . import rules, state
from .tree import Trees, require_node


def addressed_node(store: Store, args: Dict[str, Any]) -> Dict[str, Any]:
    """The node of ``nodeId``, or of ``orgId`` + ``nodeCode``; 404 when there is none."""
    if args.get("nodeId"):
        return require_node(store, args["nodeId"])
    if args.get("orgId") and args.get("nodeCode"):
        node = state.node_by_code(store, args["orgId"], args["nodeCode"])
        if node is None:
            raise rules.node_not_found(args["nodeCode"], args["orgId"])
        return node
    raise invalid("Give nodeId, or orgId and nodeCode")


def add(store: Store, node_id: str, user_ids: Sequence[str], is_leader: Optional[bool]) -> None:
    with store.tx():
        state.add_members(store, node_id, shared.require_users(store, user_ids), is_leader)


def remove(store: Store, node_id: str, user_ids: Sequence[str]) -> None:
    with store.tx():
        state.remove_members(store, [node_id], shared.require_users(store, user_ids))


def move(store: Store, user_ids: Sequence[str], source_id: str, target_id: str) -> None:
    """Move users from one node to another (of any organisation)."""
    with store.tx():
        require_node(store, source_id)
        require_node(store, target_id)
        wanted = shared.require_users(store, user_ids)
        if source_id == target_id:
            return
        rows = {r["user_id"]: r for r in state.members_of(store, [source_id], wanted)}
        strangers = [u for u in wanted if u not in rows]
        if strangers:
            raise invalid("User %r is not a member of node %r" % (strangers[0], source_id))
        for user_id in wanted:
            state.move_membership(store, rows[user_id]["seq"], user_id, target_id)


def set_main_department(store: Store, user_id: str, node_id: Optional[str]) -> None:
    """Make a department the user's main one (the user must be a member of it); without a
    department the user has no main department."""
    with store.tx():
        shared.require_users(store, [user_id])
        if node_id is not None:
            require_node(store, node_id)
            if not state.members_of(store, [node_id], [user_id]):
                raise invalid("User %r is not a member of node %r" % (user_id, node_id))
        state.set_main(store, user_id, node_id)


def departments(store: Store, user_id: str, org_id: Optional[str] = None) -> Dict[str, Any]:
    """``{totalCount, list: [{department, isMainDepartment, joinedAt}]}`` of a user."""
    trees = Trees(store)
    items = [{"department": trees.of(row["org_id"]).view(row["node_id"]), "isMainDepartment": bool(row["is_main"]),
              "joinedAt": row["joined_at"]} for row in state.memberships(store, user_id, org_id)]
    return {"totalCount": len(items), "list": items}


def org_paths(store: Store, user_id: str) -> List[List[Dict[str, Any]]]:
    """For each department of a user, the nodes from its organisation's root down to it."""
    trees = Trees(store)
    out = []
    for row in state.memberships(store, user_id):
        tree = trees.of(row["org_id"])
        out.append([tree.view(n["id"]) for n in tree.lineage(row["node_id"])])
    return out
