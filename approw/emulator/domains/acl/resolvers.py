"""Access control over GraphQL: granting (``allow``, ``authorizeResource``), checking
(``isActionAllowed``, ``isActionDenied``), listing (``authorizedResources``,
``authorizedTargets``) and the ``authorizedResources`` fields of ``User``, ``Role`` and
``Group``.

Checks and grants address one namespace (``default`` when omitted; unknown: error 3003);
listings without a namespace span every namespace.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import USER_NOT_FOUND, ApprowError, invalid
from ...values import common_message, paginated
from ..namespaces import state as namespaces
from ..policies import targets
from ..users import state as users
from . import state, subjects
from .patterns import resource_type
from .permissions import Permissions, request_params

def _namespace(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return namespaces.resolve(ctx.store, args.get("namespace"))


def _listed_namespace(ctx: RequestContext, args: Dict[str, Any]) -> Optional[int]:
    """The namespace a listing is limited to, or None (every namespace)."""
    return _namespace(ctx, args)["id"] if args.get("namespace") else None


def _code(value: Any, name: str = "resource") -> str:
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        raise invalid("%s must be a non-empty code without spaces, got %r" % (name, value))
    return value


def _listing(items: List[Dict[str, Any]]) -> Dict[str, Any]:
    return paginated(len(items), items)


# --- checks --------------------------------------------------------------------------------


def user_permissions(ctx: RequestContext, user_id: Any, namespace_id: Optional[int]) -> Permissions:
    """What a user may do; the management token, or the user's own token.  Unknown user: 2004."""
    ctx.require_admin_or_self(user_id)
    if users.get_user(ctx.store, user_id) is None:
        raise ApprowError(USER_NOT_FOUND, "User %r does not exist" % user_id)
    return Permissions(ctx.store, subjects.of_user(ctx.store, user_id), namespace_id,
                       request_params(ctx, "USER", user_id))


def is_action_allowed(ctx: RequestContext, args: Dict[str, Any]) -> bool:
    found = user_permissions(ctx, args["userId"], _namespace(ctx, args)["id"])
    return found.allowed(args["resource"], args["action"])


def is_action_denied(ctx: RequestContext, args: Dict[str, Any]) -> bool:
    """True only when a DENY statement of the user's policies covers the action (an action
    that is merely not granted is not denied)."""
    found = user_permissions(ctx, args["userId"], _namespace(ctx, args)["id"])
    return found.denied(args["resource"], args["action"])


# --- listings ------------------------------------------------------------------------------


def authorized_resources(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """What a target holds (a user or group: through its roles too; a role: its parents')."""
    ctx.require_admin()
    target_type = args.get("targetType")
    if not target_type or not args.get("targetIdentifier"):
        raise invalid("targetType and targetIdentifier are required")
    kind = resource_type(args.get("resourceType"))
    target_id = targets.require(ctx.store, _namespace(ctx, args), target_type, args["targetIdentifier"])
    found = Permissions(ctx.store, subjects.of_target(ctx.store, target_type, target_id), _listed_namespace(ctx, args),
                        request_params(ctx, target_type, target_id))
    return _listing(found.resources(kind))


def authorized_targets(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """The targets granted exactly ``resource`` (of ``resourceType``), optionally of one
    ``targetType`` and holding all (``op: AND``) or any (``OR``) of ``actions.list``."""
    ctx.require_admin()
    namespace = _namespace(ctx, args)
    wanted = args.get("actions")
    out = []
    for item in state.grants_on(ctx.store, namespace["id"], args["resource"]):
        if item["type"] != args["resourceType"] or args.get("targetType") not in (None, item["targetType"]):
            continue
        if wanted:
            names = [a for a in wanted["list"] if a is not None]
            test = all if wanted["op"] == "AND" else any
            if not test(a in item["actions"] for a in names):
                continue
        out.append({"targetType": item["targetType"], "targetIdentifier": item["targetIdentifier"],
                    "actions": item["actions"]})
    return _listing(out)


def _field(target_type: str, with_namespace: bool = True) -> Any:
    def resolve(ctx: RequestContext, parent: Dict[str, Any], args: Dict[str, Any]) -> Dict[str, Any]:
        kind = resource_type(args.get("resourceType"))
        namespace_id = _listed_namespace(ctx, args) if with_namespace else None
        found = Permissions(ctx.store, subjects.of_target(ctx.store, target_type, parent["id"]), namespace_id,
                            request_params(ctx, target_type, parent["id"]))
        return _listing(found.resources(kind))

    resolve.__name__ = "%s_authorized_resources" % target_type.lower()
    return resolve


# --- grants --------------------------------------------------------------------------------


def allow(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Gives ``action`` on ``resource`` (``type:id``, ``type:*`` or ``*``) to users and roles."""
    ctx.require_admin()
    code = _code(args["resource"])
    if code != "*" and ":" not in code:
        raise invalid("resource must be <type>:<id>, <type>:* or *, got %r" % code)
    action = _code(args["action"], "action")
    wanted = [("USER", u) for u in [args.get("userId")] + list(args.get("userIds") or ()) if u]
    wanted += [("ROLE", r) for r in [args.get("roleCode")] + list(args.get("roleCodes") or ()) if r]
    if not wanted:
        raise invalid("userId, userIds, roleCode or roleCodes is required")
    with ctx.store.tx():
        namespace = _namespace(ctx, args)
        kind = state.type_of(ctx.store, namespace["id"], code)
        for target_type, identifier in wanted:
            target = (target_type, targets.require(ctx.store, namespace, target_type, identifier))
            state.grant(ctx.store, namespace["id"], target, code, kind, [action])
    return common_message("Allowed %r on %r" % (action, code))


def authorize_resource(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Gives each ``opts`` target its ``actions`` on ``resource`` (any code, a kind included),
    merged with what it holds; every target must exist."""
    ctx.require_admin()
    code = _code(args.get("resource"))
    opts = [o for o in args.get("opts") or () if o is not None]
    if not opts:
        raise invalid("opts must list at least one {targetType, targetIdentifier, actions}")
    kind = resource_type(args.get("resourceType"))
    with ctx.store.tx():
        namespace = _namespace(ctx, args)
        kind = kind or state.type_of(ctx.store, namespace["id"], code)
        for opt in opts:
            actions = [_code(a, "action") for a in opt.get("actions") or ()]
            target_id = targets.require(ctx.store, namespace, opt["targetType"], opt["targetIdentifier"])
            state.grant(ctx.store, namespace["id"], (opt["targetType"], target_id), code, kind, actions)
    return common_message("Authorized %r" % code)


RESOLVERS: Resolvers = {
    "Query": {
        "isActionAllowed": is_action_allowed,
        "isActionDenied": is_action_denied,
        "authorizedResources": authorized_resources,
        "authorizedTargets": authorized_targets,
    },
    "Mutation": {"allow": allow, "authorizeResource": authorize_resource},
    "User": {"authorizedResources": _field("USER")},
    "Role": {"authorizedResources": _field("ROLE", with_namespace=False)},
    "Group": {"authorizedResources": _field("GROUP")},
}
