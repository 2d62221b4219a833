"""Roles: queries and mutations (management token), who holds a role (``assignRole`` /
``revokeRole``), the fields of ``Role`` and ``User.roles``.

A role is addressed by its code within a namespace; an omitted namespace is ``default``
and an unknown one is error 3003.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import NO_PERMISSION, ApprowError, invalid
from ...values import common_message, page_window, paginated
from ..groups import state as groups
from ..namespaces import rules
from ..namespaces import state as namespaces
from ..users import state as users
from . import nodes, state


def _namespace(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return namespaces.resolve(ctx.store, args.get("namespace"))


# --- queries -------------------------------------------------------------------------------


def role(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    return state.get(ctx.store, _namespace(ctx, args)["id"], args["code"])


def roles(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    offset, limit = page_window(args)
    namespace = _namespace(ctx, args)
    return paginated(*state.page(ctx.store, namespace["id"], offset, limit, args.get("sortBy") or "CREATEDAT_DESC"))


# --- mutations -----------------------------------------------------------------------------


def create_role(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """``parent``: the code of a role of the same namespace, whose permissions this one inherits."""
    ctx.require_admin()
    code = rules.check("Role", args["code"], rules.ROLE_CODE)
    with ctx.store.tx():
        namespace = _namespace(ctx, args)
        parent_id = state.require(ctx.store, namespace, args["parent"])["id"] if args.get("parent") else None
        return state.create(ctx.store, namespace, code, args.get("description"), parent_id)


def update_role(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Changes the description; ``newCode`` renames the role (holders and grants stay)."""
    ctx.require_admin()
    changes: Dict[str, Any] = {}
    if args.get("newCode") is not None:
        changes["code"] = rules.check("Role", args["newCode"], rules.ROLE_CODE)
    if args.get("description") is not None:  # null: unchanged (clients send every variable)
        changes["description"] = args["description"]
    with ctx.store.tx():
        namespace = _namespace(ctx, args)
        found = state.require(ctx.store, namespace, args["code"])
        state.update(ctx.store, found, changes)
        return state.require(ctx.store, namespace, changes.get("code", found["code"]))


def _delete(ctx: RequestContext, args: Dict[str, Any], codes: List[Any]) -> Dict[str, Any]:
    """Deletes the roles with their holders, policy assignments, grants and custom data; one
    unknown or built-in role fails the whole call (nothing is deleted)."""
    ctx.require_admin()
    with ctx.store.tx():
        found = state.require_all(ctx.store, _namespace(ctx, args), codes)
        for item in found:
            if item["isSystem"]:
                raise ApprowError(NO_PERMISSION, "Role %r is built in and cannot be deleted" % item["code"])
            state.delete(ctx.store, item["id"])
    return common_message("Deleted %d role%s" % (len(found), "" if len(found) == 1 else "s"))


def delete_role(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _delete(ctx, args, [args["code"]])


def delete_roles(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _delete(ctx, args, list(args["codeList"]))


def _role_codes(args: Dict[str, Any]) -> List[str]:
    codes = [args["roleCode"]] if args.get("roleCode") else []
    codes += [c for c in args.get("roleCodes") or () if c]
    if not codes:
        raise invalid("roleCode or roleCodes is required")
    return codes


def _holders(ctx: RequestContext, args: Dict[str, Any], assign: bool) -> List[Tuple[str, List[str]]]:
    """``[(kind, holder ids)]`` from ``userIds``, ``groupCodes`` and ``nodeCodes`` (node ids).
    Assigning needs every holder to exist; revoking skips the unknown ones."""
    user_ids = list(args.get("userIds") or ())
    group_codes = list(args.get("groupCodes") or ())
    node_ids = list(args.get("nodeCodes") or ())
    if not (user_ids or group_codes or node_ids):
        raise invalid("userIds, groupCodes or nodeCodes is required")
    org = nodes.current()
    if assign:
        user_ids = rules.require_users(ctx.store, user_ids)
        group_ids = [g["id"] for g in groups.require_all(ctx.store, group_codes)]
        for node_id in node_ids:
            if not org.exists(ctx.store, node_id):
                raise rules.not_found("Organisation node", node_id)
    else:
        group_ids = [g["id"] for g in (groups.by_code(ctx.store, c) for c in group_codes) if g]
    return [("USER", user_ids), ("GROUP", group_ids), ("ORG", node_ids)]


def _change_holders(ctx: RequestContext, args: Dict[str, Any], assign: bool) -> Dict[str, Any]:
    ctx.require_admin()
    codes = _role_codes(args)
    with ctx.store.tx():
        found = state.require_all(ctx.store, _namespace(ctx, args), codes)
        holders = _holders(ctx, args, assign)
        change = state.add_holders if assign else state.remove_holders
        for item in found:
            for kind, ids in holders:
                change(ctx.store, item["id"], kind, ids)
    verb = "Assigned" if assign else "Revoked"
    return common_message("%s %d role%s" % (verb, len(found), "" if len(found) == 1 else "s"))


def assign_role(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Idempotent: giving a role to a holder that has it already changes nothing."""
    return _change_holders(ctx, args, assign=True)


def revoke_role(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Taking a role from a holder that does not have it is not an error."""
    return _change_holders(ctx, args, assign=False)


# --- fields ----------------------------------------------------------------------------------


def role_users(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
    """The users given the role directly; ``page`` 0 reads as 1."""
    offset, limit = page_window(args)
    where, params = state.holders_where([parent["id"]])
    return paginated(*users.users_where(ctx.store, where, params, offset=offset, limit=limit))


def role_parent(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    return state.by_id(ctx.store, parent.get("parentId"))


def role_arn(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> str:
    return "arn:cn:approw:%s:role:%s" % (ctx.pool.id, parent["id"])


def user_roles(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
    """The roles given to the user directly (not paged); without a namespace, of every namespace."""
    namespace_id = _namespace(ctx, args)["id"] if args.get("namespace") else None
    found = state.roles_of(ctx.store, "USER", [parent["id"]], namespace_id)
    return paginated(len(found), found)


RESOLVERS: Resolvers = {
    "Query": {"role": role, "roles": roles},
    "Mutation": {
        "createRole": create_role,
        "updateRole": update_role,
        "deleteRole": delete_role,
        "deleteRoles": delete_roles,
        "assignRole": assign_role,
        "revokeRole": revoke_role,
    },
    "Role": {"users": role_users, "parent": role_parent, "arn": role_arn},
    "User": {"roles": user_roles},
}
