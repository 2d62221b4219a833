"""Users management and the fields of the ``User`` type."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import (BATCH_TOO_LARGE, DELETE_FAILED, NOT_FOUND, NOT_YOUR_ACCOUNT, ApprowError, invalid,
                       message_for)
from ...values import common_message, page_window, paginated
from ..groups import state as groups
from ..namespaces import state as namespaces
from ..roles import nodes
from ..roles import state as roles
from ..udf import customdata
from ..udf import state as udf
from . import accounts, state

BATCH_LIMIT = 80


# --- queries -------------------------------------------------------------------------------


def user(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """A user or null; with a user token and no id, the caller."""
    user_id = args.get("id")
    if user_id is None and ctx.principal.kind == "user":
        return ctx.principal.user
    ctx.require_admin_or_self(user_id)
    return state.get_user(ctx.store, user_id)


def _listing(
    ctx: RequestContext, args: Dict[str, Any], where: str = "1", params: Sequence[Any] = ()
) -> Dict[str, Any]:
    ctx.require_admin()
    offset, limit = page_window(args)
    order = args.get("sortBy") or "CREATEDAT_DESC"
    return paginated(*state.users_where(ctx.store, where, list(params), order, offset, limit))


def users(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Users, newest first; ``excludeUsersInOrg``: only those in no organisation."""
    if args.get("excludeUsersInOrg"):
        return _listing(ctx, args, "NOT " + nodes.current().in_any_node_where())
    return _listing(ctx, args)


def archived_users(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _listing(ctx, args, "status = ?", ["Archived"])


def _department_members(ctx: RequestContext, opts: List[Dict[str, Any]]) -> Tuple[str, List[Any]]:
    """SQL selecting the members of the nodes of ``[{departmentId, includeChildrenDepartments}]``."""
    org = nodes.current()
    node_ids: List[str] = []
    for opt in opts:
        department = opt.get("departmentId")
        if not isinstance(department, str) or not org.exists(ctx.store, department):
            raise ApprowError(NOT_FOUND, "Organisation node %r does not exist" % (department,))
        node_ids += org.subtree(ctx.store, department) if opt.get("includeChildrenDepartments") else [department]
    return org.members_where(list(dict.fromkeys(node_ids)))


def _membership_filters(ctx: RequestContext, args: Dict[str, Any]) -> Tuple[List[str], List[Any]]:
    """SQL restricting a search to members of any of the departments of ``departmentOpts``
    (with their subtrees when ``includeChildrenDepartments``), of any of the groups of
    ``groupOpts`` and holders of any of the roles of ``roleOpts`` (an unknown department,
    group or role: error 404)."""
    clauses: List[str] = []
    params: List[Any] = []
    if args.get("departmentOpts"):
        clause, values = _department_members(ctx, [o for o in args["departmentOpts"] if o])
        clauses.append(clause)
        params += values
    group_codes = [o["code"] for o in args.get("groupOpts") or () if o and o.get("code")]
    if args.get("groupOpts"):
        clause, values = groups.members_where([g["id"] for g in groups.require_all(ctx.store, group_codes)])
        clauses.append(clause)
        params += values
    if args.get("roleOpts"):
        role_ids = [roles.require(ctx.store, namespaces.resolve(ctx.store, o.get("namespace")), o["code"])["id"]
                    for o in args["roleOpts"] if o]
        clause, values = roles.holders_where(role_ids)
        clauses.append(clause)
        params += values
    return clauses, params


def search_user(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    where, params = accounts.search_where(args["query"], args.get("fields"))
    clauses, values = _membership_filters(ctx, args)
    return _listing(ctx, args, " AND ".join([where] + clauses), params + values)


def user_batch(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    ctx.require_admin()
    ids = args["ids"]
    kind = args.get("type") or "id"
    field = accounts.LOOKUP_FIELDS.get(kind)
    if field is None:
        raise invalid("type must be one of %s, got %r" % (", ".join(accounts.LOOKUP_FIELDS), kind))
    if len(ids) > BATCH_LIMIT:
        raise ApprowError(BATCH_TOO_LARGE)
    keys = [accounts.normalize({field: v})[field] for v in ids]
    found = state.users_by(ctx.store, field, keys)
    return [found[k] for k in keys if k in found]


def is_user_exists(ctx: RequestContext, args: Dict[str, Any]) -> bool:
    ctx.require_admin()
    return any(accounts.find_user(ctx, {k: v}) for k, v in args.items() if v is not None)


def find_user(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    criteria = dict(args)
    identity = criteria.pop("identity", None)
    if identity is not None:
        found = state.user_by_identity(ctx.store, identity["provider"], identity["userIdInIdp"])
        if found is None or not criteria:
            return found
        criteria["id"] = found["id"]
    if not any(v is not None for v in criteria.values()):
        raise invalid("findUser needs one of email, phone, username, externalId or identity")
    return accounts.find_user(ctx, criteria)


# --- mutations -----------------------------------------------------------------------------


def create_user(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Admin creation: password encrypted, email lower-cased but not format-checked.

    ``keepPassword`` is accepted; the emulator has no custom password scripts, so the
    password is always hashed.  ``resetPasswordOnFirstLogin``: the first sign-in with the
    password is refused with a token for ``resetPasswordByFirstLoginToken``.
    """
    ctx.require_admin()
    info = dict(args["userInfo"])
    password = accounts.decrypt_password(ctx, info.pop("password", None))
    source = info.pop("registerSource", None) or ["import:manual"]
    if args.get("resetPasswordOnFirstLogin") and password:
        info[accounts.RESET_REQUIRED] = "first_login"
    return accounts.create_user(
        ctx,
        info,
        password=password,
        source=source,
        custom=customdata.parse_params(args.get("params")),
        identity=args.get("identity"),
    )


def update_user(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Management token: any field of any user.  User token: own profile fields only."""
    user_id = args.get("id")
    if ctx.is_admin:
        if not user_id:
            raise invalid("updateUser with the management token needs the id of the user")
        return accounts.update_user(ctx, user_id, args["input"], self_service=False)
    me = ctx.require_user()
    if user_id is not None and user_id != me["id"]:
        raise ApprowError(NOT_YOUR_ACCOUNT)
    return accounts.update_user(ctx, me["id"], args["input"], self_service=True)


def _delete(ctx: RequestContext, ids: List[str]) -> Dict[str, Any]:
    ctx.require_admin()
    deleted = accounts.delete_users(ctx, ids)
    missing = len(set(ids)) - deleted
    if missing:
        return common_message(
            "%s (%d of %d users did not exist)" % (message_for(DELETE_FAILED), missing, len(set(ids))),
            DELETE_FAILED,
        )
    return common_message("Deleted %d user%s" % (deleted, "" if deleted == 1 else "s"))


def delete_user(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _delete(ctx, [args["id"]])


def delete_users(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _delete(ctx, list(args["ids"]))


# --- fields of User ------------------------------------------------------------------------


def _token(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Optional[str]:
    """The token of a sign-in result, or the caller's own token when the user is the caller.

    SDKs keep ``user.token`` from every user they receive about the current user (for
    example after ``update_profile``), so the caller's session token must come back.
    """
    if parent.get("token"):
        return str(parent["token"])
    principal = ctx.principal
    if principal.kind == "user" and principal.user is not None and principal.user["id"] == parent.get("id"):
        return principal.token
    return None


USER_FIELDS = {
    "arn": lambda ctx, parent, args: ctx.pool.arn(parent["id"]),
    "userPoolId": lambda ctx, parent, args: ctx.pool.id,
    "password": lambda ctx, parent, args: None,
    "token": _token,
    "identities": lambda ctx, parent, args: state.identities(ctx.store, parent["id"]),
    "customData": lambda ctx, parent, args: udf.udvs(ctx.store, "USER", parent["id"]),
}

RESOLVERS: Resolvers = {
    "Query": {
        "user": user,
        "users": users,
        "archivedUsers": archived_users,
        "searchUser": search_user,
        "userBatch": user_batch,
        "isUserExists": is_user_exists,
        "findUser": find_user,
    },
    "Mutation": {
        "createUser": create_user,
        "updateUser": update_user,
        "deleteUser": delete_user,
        "deleteUsers": delete_users,
    },
    "User": USER_FIELDS,
}
