"""Groups: queries and mutations (management token), the fields of ``Group`` and ``User.groups``."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import USER_NOT_FOUND, ApprowError, invalid
from ...values import common_message, page_window, paginated
from ..namespaces import rules
from ..users import state as users
from . import state


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("name must be a non-empty string")
    return value


def _code(args: Dict[str, Any]) -> str:
    code = args.get("code")
    if not code:
        raise invalid("code of the group is required")
    return str(code)


# --- queries -------------------------------------------------------------------------------


def group(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    return state.by_code(ctx.store, args["code"])


def groups(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """One page of groups; with ``userId``, the groups of that user."""
    ctx.require_admin()
    offset, limit = page_window(args)
    user_id = args.get("userId")
    if user_id is not None and users.get_user(ctx.store, user_id) is None:
        raise ApprowError(USER_NOT_FOUND)
    return paginated(*state.page(ctx.store, offset, limit, args.get("sortBy") or "CREATEDAT_DESC", user_id))


# --- mutations -----------------------------------------------------------------------------


def create_group(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    code = rules.check("Group", args["code"])
    return state.create(ctx.store, code, _name(args["name"]), args.get("description"))


def update_group(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Changes name and description; ``newCode`` renames the group (members stay)."""
    ctx.require_admin()
    changes: Dict[str, Any] = {}
    if args.get("newCode") is not None:
        changes["code"] = rules.check("Group", args["newCode"])
    if args.get("name") is not None:
        changes["name"] = _name(args["name"])
    if args.get("description") is not None:  # null: unchanged (clients send every variable)
        changes["description"] = args["description"]
    with ctx.store.tx():
        found = state.require(ctx.store, args["code"])
        state.update(ctx.store, found["id"], changes)
        return state.require(ctx.store, changes.get("code", found["code"]))


def delete_groups(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Deletes every group listed, with its memberships, roles and grants; one unknown code
    fails the whole call (nothing is deleted)."""
    ctx.require_admin()
    with ctx.store.tx():
        found = state.require_all(ctx.store, args["codeList"])
        for item in found:
            state.delete(ctx.store, item["id"])
    return common_message("Deleted %d group%s" % (len(found), "" if len(found) == 1 else "s"))


def add_user_to_group(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Every user must exist (2004); adding a member again changes nothing."""
    ctx.require_admin()
    with ctx.store.tx():
        found = state.require(ctx.store, _code(args))
        state.add_members(ctx.store, found["id"], rules.require_users(ctx.store, args["userIds"]))
    return common_message("Added to group %r" % found["code"])


def remove_user_from_group(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Removing a user who is not a member (or not a user) is not an error."""
    ctx.require_admin()
    with ctx.store.tx():
        found = state.require(ctx.store, _code(args))
        state.remove_members(ctx.store, found["id"], list(args["userIds"]))
    return common_message("Removed from group %r" % found["code"])


# --- fields ----------------------------------------------------------------------------------


def group_users(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
    offset, limit = page_window(args)
    where, params = state.members_where([parent["id"]])
    return paginated(*users.users_where(ctx.store, where, params, offset=offset, limit=limit))


def user_groups(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
    """Every group of the user (not paged)."""
    found: List[Dict[str, Any]] = state.groups_of_user(ctx.store, parent["id"])
    return paginated(len(found), found)


RESOLVERS: Resolvers = {
    "Query": {"group": group, "groups": groups},
    "Mutation": {
        "createGroup": create_group,
        "updateGroup": update_group,
        "deleteGroups": delete_groups,
        "addUserToGroup": add_user_to_group,
        "removeUserFromGroup": remove_user_from_group,
    },
    "Group": {"users": group_users},
    "User": {"groups": user_groups},
}
