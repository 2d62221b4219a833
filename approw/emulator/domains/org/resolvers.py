"""Organisations over GraphQL (management token): trees, nodes, members; the fields
``Node.users``, ``Node.roles``, ``Node.authorizedResources`` and ``User.departments``."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import invalid
from ...values import common_message, page_window, paginated
from ..users import state as users
from . import authz, members, rules, state, structure
from .tree import Tree, Trees, node_view, require_node, require_org

# --- queries -------------------------------------------------------------------------------


def org(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    return require_org(ctx.store, args["id"]).org_view()


def orgs(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    offset, limit = page_window(args)
    total, ids = state.org_page(ctx.store, args.get("sortBy") or "CREATEDAT_DESC", offset, limit)
    return paginated(total, [Tree.load(ctx.store, i).org_view() for i in ids])


def node_by_id(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    return node_view(ctx.store, args["id"])


def node_by_code(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    node = state.node_by_code(ctx.store, args["orgId"], args["code"])
    return None if node is None else Tree.load(ctx.store, node["orgId"]).view(node["id"])


def children_nodes(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The children of a node, ``depth`` counted from it (1)."""
    ctx.require_admin()
    node = require_node(ctx.store, args["nodeId"], args.get("orgId"))
    tree = Tree.load(ctx.store, node["orgId"])
    return [tree.view(c, depth_from=node["id"]) for c in tree.children.get(node["id"], [])]


def root_node(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    tree = require_org(ctx.store, args["orgId"])
    return tree.view(tree.root_id)


def is_root_node(ctx: RequestContext, args: Dict[str, Any]) -> bool:
    ctx.require_admin()
    return require_node(ctx.store, args["nodeId"], args["orgId"])["parentId"] is None


def search_nodes(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Nodes of every organisation whose name or code contains the keyword."""
    ctx.require_admin()
    keyword = args["keyword"].strip()
    if not keyword:
        raise invalid("keyword must not be empty")
    trees = Trees(ctx.store)
    return [trees.view(n) for n in state.search_nodes(ctx.store, keyword)]


# --- mutations -----------------------------------------------------------------------------


def create_org(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """A new organisation with one node, its root, named after it."""
    ctx.require_admin()
    org_id = structure.create_org(ctx.store, rules.node_fields(args))
    return Tree.load(ctx.store, org_id).org_view()


def delete_org(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    structure.delete_org(ctx.store, args["id"])
    return common_message("Deleted organization %s" % args["id"])


def _add_node(ctx: RequestContext, args: Dict[str, Any]) -> Tuple[Tree, str]:
    ctx.require_admin()
    fields = rules.node_fields(args)
    node_id = structure.add_node(ctx.store, args["orgId"], args.get("parentNodeId") or None, fields)
    return Tree.load(ctx.store, args["orgId"]), node_id


def add_node(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """The older form: returns the whole organisation."""
    return _add_node(ctx, args)[0].org_view()


def add_node_v2(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    tree, node_id = _add_node(ctx, args)
    return tree.view(node_id)


def update_node(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    changes = rules.node_fields({k: args.get(k) for k in ("name", "code", "description")}, partial=True)
    structure.update_node(ctx.store, args["id"], changes)
    view = node_view(ctx.store, args["id"])
    assert view is not None
    return view


def delete_node(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    structure.delete_node(ctx.store, args["orgId"], args["nodeId"])
    return common_message("Deleted node %s and its subtree" % args["nodeId"])


def move_node(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    structure.move_node(ctx.store, args["orgId"], args["nodeId"], args["targetParentId"])
    return Tree.load(ctx.store, args["orgId"]).org_view()


def add_member(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    node = members.addressed_node(ctx.store, args)
    members.add(ctx.store, node["id"], args["userIds"], args.get("isLeader"))
    return Tree.load(ctx.store, node["orgId"]).view(node["id"])


def remove_member(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    node = members.addressed_node(ctx.store, args)
    members.remove(ctx.store, node["id"], args["userIds"])
    return Tree.load(ctx.store, node["orgId"]).view(node["id"])


def move_members(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    members.move(ctx.store, args["userIds"], args["sourceNodeId"], args["targetNodeId"])
    return common_message("Moved %d member(s)" % len(set(args["userIds"])))


def set_main_department(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    members.set_main_department(ctx.store, args["userId"], args.get("departmentId") or None)
    return common_message("Main department set")


# --- fields of Node and User ---------------------------------------------------------------


def node_users(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
    """A node's members (with its descendants' when ``includeChildrenNodes``), paged."""
    offset, limit = page_window(args)
    node_ids = state.subtree_ids(ctx.store, parent["id"]) if args.get("includeChildrenNodes") else [parent["id"]]
    where, params = state.members_where(node_ids)
    return paginated(*users.users_where(ctx.store, where, params, args.get("sortBy") or "CREATEDAT_DESC",
                                        offset, limit))


def user_departments(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
    return members.departments(ctx.store, parent["id"], args.get("orgId"))


RESOLVERS: Resolvers = {
    "Query": {
        "org": org,
        "orgs": orgs,
        "nodeById": node_by_id,
        "nodeByCode": node_by_code,
        "childrenNodes": children_nodes,
        "rootNode": root_node,
        "isRootNode": is_root_node,
        "searchNodes": search_nodes,
    },
    "Mutation": {
        "createOrg": create_org,
        "deleteOrg": delete_org,
        "addNode": add_node,
        "addNodeV2": add_node_v2,
        "updateNode": update_node,
        "deleteNode": delete_node,
        "moveNode": move_node,
        "addMember": add_member,
        "removeMember": remove_member,
        "moveMembers": move_members,
        "setMainDepartment": set_main_department,
    },
    "Node": {"users": node_users, "roles": authz.node_roles,
             "authorizedResources": authz.node_authorized_resources},
    "User": {"departments": user_departments},
}
