"""Organisation nodes in the authorization model.

The organisations domain plugs its nodes into the model (``roles.nodes``): a node exists,
has ancestors, and has members, who hold what the node and its ancestors hold (their roles,
policies and grants).  ``Node.roles`` lists the roles of the node and of its ancestors
(without repeats); ``Node.authorizedResources`` what the node holds through grants, policies
and those roles.  A deleted node takes its roles, policy assignments and grants along.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Tuple

from ...context import RequestContext
from ...store import Store
from ...values import paginated
from ..acl import patterns, permissions, subjects
from ..namespaces import state as namespaces
from ..roles import nodes
from ..roles import state as roles
from . import state


class OrgNodes:
    """The pool's organisation nodes, as ``roles.nodes.OrgNodes``."""

    def exists(self, store: Store, node_id: str) -> bool:
        return state.get_node(store, node_id) is not None

    def with_ancestors(self, store: Store, node_id: str) -> List[str]:
        return state.ancestor_ids(store, node_id)

    def of_user(self, store: Store, user_id: str) -> List[str]:
        return state.user_nodes_with_ancestors(store, user_id)

    def subtree(self, store: Store, node_id: str) -> List[str]:
        return state.subtree_ids(store, node_id) if state.get_node(store, node_id) else []

    def members_where(self, node_ids: List[str]) -> Tuple[str, List[Any]]:
        return state.members_where(node_ids)

    def in_any_node_where(self) -> str:
        return state.in_any_org_where()


nodes.register(OrgNodes())


def forget(store: Store, node_ids: Iterable[str]) -> None:
    """Drop what deleted nodes held (roles, policy assignments, grants)."""
    for node_id in node_ids:
        subjects.forget(store, "ORG", node_id)


def _namespace_id(ctx: RequestContext, args: Dict[str, Any]) -> Any:
    """The namespace a listing is limited to (unknown: 3003), or None (every namespace)."""
    return namespaces.resolve(ctx.store, args["namespace"])["id"] if args.get("namespace") else None


def node_roles(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
    """The roles of the node and of its ancestors, without repeats (not paged)."""
    found = roles.roles_of(ctx.store, "ORG", state.ancestor_ids(ctx.store, parent["id"]), _namespace_id(ctx, args))
    return paginated(len(found), found)


def node_authorized_resources(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
    """What the node holds (with its ancestors and all their roles), one item per resource."""
    kind = patterns.resource_type(args.get("resourceType"))
    found = permissions.Permissions(ctx.store, subjects.of_target(ctx.store, "ORG", parent["id"]),
                                    _namespace_id(ctx, args), permissions.request_params(ctx))
    items = found.resources(kind)
    return paginated(len(items), items)
