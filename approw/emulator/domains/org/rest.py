"""REST endpoints of the organisations domain: import and export of whole trees (management
token), and the organisations a user belongs to (the user, or the management token)."""

from __future__ import annotations

from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Request, Route
from ...errors import USER_NOT_FOUND, ApprowError
from ..users import accounts
from ..users import state as users
from . import members, state, structure
from .tree import Tree, require_org


def _export(ctx: RequestContext, tree: Tree) -> Dict[str, Any]:
    def node_members(node_id: str) -> List[Dict[str, Any]]:
        ids = state.member_ids(ctx.store, [node_id])
        found = users.users_by(ctx.store, "id", ids)
        return [accounts.view(ctx, found[i]) for i in ids if i in found]

    return tree.export(tree.root_id, node_members, ctx.pool.id)


def import_org(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """``{filetype: "json", file: <tree>}``: a new organisation from a tree of ``{name, code,
    nameI18n, description, descriptionI18n, order, children, members}`` (members: user ids);
    answers the tree as exported."""
    ctx.require_admin()
    org_id = structure.import_tree(ctx.store, structure.parse_import(req.body))
    return _export(ctx, Tree.load(ctx.store, org_id))


def export_orgs(ctx: RequestContext, req: Request) -> Any:
    """Every organisation as a tree (``?org_id=``: that one), nodes nested in ``children``
    with their ``members``."""
    ctx.require_admin()
    org_id = req.query.get("org_id") or req.query.get("orgId")
    if org_id:
        return _export(ctx, require_org(ctx.store, org_id))
    return [_export(ctx, Tree.load(ctx.store, i)) for i in state.all_org_ids(ctx.store)]


def my_orgs(ctx: RequestContext, req: Request) -> List[List[Dict[str, Any]]]:
    """The caller's departments, each as the path of nodes from its organisation's root."""
    user = ctx.require_user()
    return members.org_paths(ctx.store, user["id"])


def user_orgs(ctx: RequestContext, req: Request) -> List[List[Dict[str, Any]]]:
    """A user's departments, each as the path of nodes from its organisation's root."""
    ctx.require_admin_or_self(req.params["id"])
    if users.get_user(ctx.store, req.params["id"]) is None:
        raise ApprowError(USER_NOT_FOUND)
    return members.org_paths(ctx.store, req.params["id"])


ROUTES: List[Route] = [
    ("POST", "/api/v2/orgs/import", import_org),
    ("GET", "/api/v2/orgs/export", export_orgs),
    ("GET", "/api/v2/users/me/orgs", my_orgs),
    ("GET", "/api/v2/users/{id}/orgs", user_orgs),
]
