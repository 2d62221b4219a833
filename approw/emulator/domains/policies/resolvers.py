"""Policies: queries and mutations (management token), their assignments to users, roles,
groups and org nodes, and the fields of ``Policy``.

A policy is addressed by its code within a namespace (``default`` when omitted; an unknown
namespace is error 3003).  Built-in policies (``isDefault``) cannot be changed or deleted.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import NO_PERMISSION, ApprowError, invalid
from ...values import common_message, page_window, paginated
from ..namespaces import rules
from ..namespaces import state as namespaces
from . import state, statements, targets


def _namespace(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return namespaces.resolve(ctx.store, args.get("namespace"))


def _changeable(policy: Dict[str, Any]) -> Dict[str, Any]:
    if policy["isDefault"]:
        raise ApprowError(NO_PERMISSION, "Policy %r is built in and cannot be changed or deleted" % policy["code"])
    return policy


def _policies(count: int) -> str:
    return "%d polic%s" % (count, "y" if count == 1 else "ies")


# --- queries -------------------------------------------------------------------------------


def policy(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    return state.get(ctx.store, _namespace(ctx, args)["id"], args["code"])


def policies(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Newest first; built-in policies are left out unless ``excludeDefault`` is false."""
    ctx.require_admin()
    offset, limit = page_window(args)
    exclude = args.get("excludeDefault")
    return paginated(*state.page(ctx.store, _namespace(ctx, args)["id"], offset, limit, exclude is not False))


def policy_assignments(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Filtered by policy ``code`` and/or target (``targetType`` with ``targetIdentifier``)."""
    ctx.require_admin()
    offset, limit = page_window(args)
    namespace = _namespace(ctx, args)
    policy_id = None
    if args.get("code") is not None:
        policy_id = state.require_all(ctx.store, namespace, [args["code"]])[0]["id"]
    target = None
    if args.get("targetIdentifier") is not None:
        if not args.get("targetType"):
            raise invalid("targetType is required with targetIdentifier")
        target_type = args["targetType"]
        target = (target_type, targets.require(ctx.store, namespace, target_type, args["targetIdentifier"]))
    total, items = state.assignments(ctx.store, namespace["id"], offset, limit, policy_id, target)
    return paginated(total, items)


# --- mutations -----------------------------------------------------------------------------


def create_policy(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    code = rules.check("Policy", args["code"])
    checked = statements.check(args["statements"])
    with ctx.store.tx():
        return state.create(ctx.store, _namespace(ctx, args), code, args.get("description"), checked)


def update_policy(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """``statements`` replace the old ones; ``newCode`` renames (assignments stay)."""
    ctx.require_admin()
    changes: Dict[str, Any] = {}
    if args.get("newCode") is not None:
        changes["code"] = rules.check("Policy", args["newCode"])
    if args.get("statements") is not None:
        changes["statements"] = statements.check(args["statements"])
    if args.get("description") is not None:  # null: unchanged (clients send every variable)
        changes["description"] = args["description"]
    with ctx.store.tx():
        namespace = _namespace(ctx, args)
        found = _changeable(state.require_all(ctx.store, namespace, [args["code"]])[0])
        state.update(ctx.store, found, changes)
        return state.require_all(ctx.store, namespace, [changes.get("code", found["code"])])[0]


def _delete(ctx: RequestContext, args: Dict[str, Any], codes: List[Any]) -> Dict[str, Any]:
    """Deletes the policies with their assignments; one unknown or built-in policy fails the
    whole call (nothing is deleted)."""
    ctx.require_admin()
    with ctx.store.tx():
        found = state.require_all(ctx.store, _namespace(ctx, args), codes)
        for item in found:
            state.delete(ctx.store, _changeable(item)["id"])
    return common_message("Deleted " + _policies(len(found)))


def delete_policy(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _delete(ctx, args, [args["code"]])


def delete_policies(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _delete(ctx, args, list(args["codeList"]))


def _assignments(ctx: RequestContext, args: Dict[str, Any], assign: bool) -> Dict[str, Any]:
    """Every policy and (when assigning) every target must exist; removing from a target that
    does not exist, or does not have the policy, changes nothing."""
    ctx.require_admin()
    target_type = args["targetType"]
    identifiers = targets.identifiers(args.get("targetIdentifiers"))
    with ctx.store.tx():
        namespace = _namespace(ctx, args)
        found = state.require_all(ctx.store, namespace, args["policies"])
        if assign:
            ids = [targets.require(ctx.store, namespace, target_type, i) for i in identifiers]
        else:
            ids = [t for t in (targets.resolve(ctx.store, namespace, target_type, i) for i in identifiers) if t]
        for item in found:
            (state.assign if assign else state.unassign)(ctx.store, item["id"], target_type, ids)
    verb = "Assigned" if assign else "Removed"
    return common_message("%s %s" % (verb, _policies(len(found))))


def add_policy_assignments(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """``inheritByChildren`` is accepted: org nodes' members inherit their node's policies anyway."""
    return _assignments(ctx, args, assign=True)


def remove_policy_assignments(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _assignments(ctx, args, assign=False)


def _toggle(ctx: RequestContext, args: Dict[str, Any], enabled: bool) -> Dict[str, Any]:
    """A disabled assignment stays listed but no longer grants or denies anything."""
    ctx.require_admin()
    with ctx.store.tx():
        namespace = _namespace(ctx, args)
        found = state.require_all(ctx.store, namespace, [args["policy"]])[0]
        target_id = targets.require(ctx.store, namespace, args["targetType"], args["targetIdentifier"])
        if not state.set_enabled(ctx.store, found["id"], args["targetType"], target_id, enabled):
            raise rules.not_found("Assignment of policy", found["code"], namespace["code"])
    return common_message("%s the assignment of %r" % ("Enabled" if enabled else "Disabled", found["code"]))


def enable_policy_assignment(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _toggle(ctx, args, True)


def disable_policy_assignment(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _toggle(ctx, args, False)


# --- fields ----------------------------------------------------------------------------------


def assignments_count(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> int:
    return state.count_assignments(ctx.store, parent["id"])


def policy_assignments_field(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> List[Dict[str, Any]]:
    offset, limit = page_window(args)
    return state.assignments(ctx.store, parent["namespaceId"], offset, limit, parent["id"])[1]


RESOLVERS: Resolvers = {
    "Query": {"policy": policy, "policies": policies, "policyAssignments": policy_assignments},
    "Mutation": {
        "createPolicy": create_policy,
        "updatePolicy": update_policy,
        "deletePolicy": delete_policy,
        "deletePolicies": delete_policies,
        "addPolicyAssignments": add_policy_assignments,
        "removePolicyAssignments": remove_policy_assignments,
        "enablePolicyAssignment": enable_policy_assignment,
        "disbalePolicyAssignment": disable_policy_assignment,
    },
    "Policy": {"assignmentsCount": assignments_count, "assignments": policy_assignments_field},
}
