"""Changing organisation trees: create, add, update, move and delete nodes, import a tree.

Each function runs in one transaction.  A move never makes a cycle: a node cannot go under
itself or one of its descendants, and the root stays the root.  Deleting a node deletes its
subtree with every membership in it and everything its nodes held (roles, policy
assignments, grants); deleting the root deletes the organisation.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from ...errors import USER_NOT_FOUND, ApprowError, invalid
from ...store import Store
from ...tokens import object_id
from ..users import state as users
from . import authz, rules, state
from .tree import require_node

MAX_IMPORT_NODES = 10000
MAX_IMPORT_DEPTH = 64


def _insert(store: Store, org_id: str, parent_id: Optional[str], fields: Dict[str, Any]) -> str:
    node_id = object_id()
    try:
        state.insert_node(store, node_id, org_id, parent_id, fields)
    except state.CodeTaken:
        raise rules.code_taken(fields.get("code"), org_id) from None
    return node_id


def create_org(store: Store, fields: Dict[str, Any]) -> str:
    """A new organisation whose root node has ``fields``; returns its id."""
    org_id = object_id()
    with store.tx():
        state.insert_org(store, org_id)
        _insert(store, org_id, None, fields)
    return org_id


def add_node(store: Store, org_id: str, parent_id: Optional[str], fields: Dict[str, Any]) -> str:
    """A new node under ``parent_id`` (default: the root); returns its id."""
    with store.tx():
        if not state.org_exists(store, org_id):
            raise rules.org_not_found(org_id)
        if parent_id is None:
            parent_id = [n for n in state.nodes_of_org(store, org_id) if n["parentId"] is None][0]["id"]
        else:
            require_node(store, parent_id, org_id)
        node_id = _insert(store, org_id, parent_id, fields)
        state.touch_org(store, org_id)
    return node_id


def update_node(store: Store, node_id: str, changes: Dict[str, Any]) -> None:
    with store.tx():
        node = require_node(store, node_id)
        try:
            state.update_node(store, node_id, changes)
        except state.CodeTaken:
            raise rules.code_taken(changes.get("code"), node["orgId"]) from None
        state.touch_org(store, node["orgId"])


def delete_node(store: Store, org_id: str, node_id: str) -> None:
    """Delete a node with its subtree and memberships (the root: the whole organisation)."""
    with store.tx():
        node = require_node(store, node_id, org_id)
        subtree = state.subtree_ids(store, node_id)
        state.remove_members(store, subtree)
        authz.forget(store, subtree)
        if node["parentId"] is None:
            state.delete_org(store, org_id)
        else:
            state.delete_node(store, node_id)
            state.touch_org(store, org_id)


def delete_org(store: Store, org_id: str) -> None:
    with store.tx():
        if not state.org_exists(store, org_id):
            raise rules.org_not_found(org_id)
        every = [n["id"] for n in state.nodes_of_org(store, org_id)]
        state.remove_members(store, every)
        authz.forget(store, every)
        state.delete_org(store, org_id)


def move_node(store: Store, org_id: str, node_id: str, target_parent_id: str) -> None:
    """Put a node (with its subtree) under another node of the same organisation."""
    with store.tx():
        node = require_node(store, node_id, org_id)
        require_node(store, target_parent_id, org_id)
        if node["parentId"] is None:
            raise invalid("The root node of an organization cannot be moved")
        if node_id in state.ancestor_ids(store, target_parent_id):
            raise invalid("Node %r cannot be moved under itself or one of its descendants" % node_id)
        state.set_parent(store, node_id, target_parent_id)
        state.touch_org(store, org_id)


# --- import --------------------------------------------------------------------------------


def _member_ids(value: Any, where: str) -> List[str]:
    """``members`` of an imported node: user ids, or user objects with an ``id`` (as exported)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid("%smembers must be a list of user ids" % where)
    out = []
    for item in value:
        user_id = item.get("id") if isinstance(item, dict) else item
        if not isinstance(user_id, str):
            raise invalid("%smembers must be a list of user ids" % where)
        out.append(user_id)
    return out


Flat = List[Tuple[int, Optional[int], Dict[str, Any], List[str]]]


def _flatten(node: Any, parent: Optional[int], depth: int, where: str, out: Flat) -> None:
    """Check an imported subtree and append ``(index, parent index, fields, member ids)``."""
    if not isinstance(node, dict):
        raise invalid("%s must be an object with a name" % (where.rstrip(".") or "the tree"))
    if depth > MAX_IMPORT_DEPTH or len(out) >= MAX_IMPORT_NODES:
        raise invalid("An imported tree may have at most %d nodes and %d levels" % (MAX_IMPORT_NODES, MAX_IMPORT_DEPTH))
    index = len(out)
    out.append((index, parent, rules.node_fields(node, where=where), _member_ids(node.get("members"), where)))
    children = node.get("children") or []
    if not isinstance(children, list):
        raise invalid("%schildren must be a list" % where)
    for i, child in enumerate(children):
        _flatten(child, index, depth + 1, "%schildren[%d]." % (where, i), out)


def parse_import(body: Any) -> Flat:
    """The nodes of ``{filetype: "json", file: <tree>}`` (the tree as an object or as JSON
    text), root first, every node checked."""
    if not isinstance(body, dict) or body.get("filetype", "json") != "json":
        raise invalid("filetype must be 'json'")
    tree = body.get("file")
    if isinstance(tree, str):
        try:
            tree = json.loads(tree)
        except ValueError as exc:
            raise invalid("file is not valid JSON: %s" % exc) from None
    flat: Flat = []
    _flatten(tree, None, 0, "", flat)
    return flat


def import_tree(store: Store, flat: Flat) -> str:
    """Create an organisation from :func:`parse_import`'s nodes; returns its id."""
    wanted = {u for _, _, _, members in flat for u in members}
    org_id = object_id()
    ids: Dict[int, str] = {}
    with store.tx():
        missing = sorted(wanted - set(users.users_by(store, "id", wanted)))
        if missing:
            raise ApprowError(USER_NOT_FOUND, "User %r does not exist" % missing[0])
        state.insert_org(store, org_id)
        for index, parent, fields, members in flat:
            ids[index] = _insert(store, org_id, None if parent is None else ids[parent], fields)
            state.add_members(store, ids[index], members, None)
    return org_id
