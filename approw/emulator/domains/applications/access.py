"""Who may use an application: its access policies and their evaluation.

A policy allows or denies one target: a user (id), a role (code, in the application's
namespace), a group (code) or an organisation node (id; with ``inheritByChildren`` it also
covers the members of the node's descendants).  A user may use an application when no
enabled policy reaching them denies it and either one allows it or the application's
default strategy is ``ALLOW_ALL``.  Policies reach a user directly, through their groups,
their nodes and every role they hold (directly, through a group or a node, with the roles'
parents).  Enabling and disabling keep a policy but switch it on or off; revoking removes it.

Sign-in through an application the user may not use is refused (1001), and the user's list
of allowed applications shows only the applications they may use.
"""

from __future__ import annotations

from typing import Any, Dict, List, Set, Tuple, Union

from ...errors import NO_PERMISSION, NOT_FOUND, ApprowError, invalid
from ...store import Store
from ..acl import subjects
from ..namespaces import state as namespaces
from ..org import state as org
from ..policies import targets
from . import state

TARGET_TYPES = ("USER", "ROLE", "GROUP", "ORG")
ACTIONS: Dict[str, Union[str, bool, None]] = {
    "allow": "ALLOW", "deny": "DENY", "enable-effect": True, "disable-effect": False, "revoke": None}


def _targets(store: Store, app: Dict[str, Any], body: Dict[str, Any], *,
             existing: bool) -> List[Tuple[str, Tuple[str, str]]]:
    """``[(identifier, (type, internal id))]`` of a policy request: ``targetType`` and ``targetIdentifiers``
    (roles in the application's namespace).  ``existing``: every target must exist; else
    unknown ones are skipped (revoking)."""
    target_type = body.get("targetType")
    if target_type not in TARGET_TYPES:
        raise invalid("targetType must be one of %s, got %r" % (", ".join(TARGET_TYPES), target_type))
    namespace = body.get("namespace")
    if namespace not in (None, "", app["id"]):
        raise invalid("namespace must be the application's (%s), got %r" % (app["id"], namespace))
    identifiers = body.get("targetIdentifiers")
    if not isinstance(identifiers, list) or not identifiers or not all(isinstance(i, str) for i in identifiers):
        raise invalid("targetIdentifiers must be a non-empty list of strings")
    space = namespaces.resolve(store, app["id"])
    found = []
    for identifier in dict.fromkeys(identifiers):
        if existing:
            found.append((identifier, (target_type, targets.require(store, space, target_type, identifier))))
        else:
            target_id = targets.resolve(store, space, target_type, identifier)
            if target_id is not None:
                found.append((identifier, (target_type, target_id)))
    return found


def change(store: Store, app: Dict[str, Any], action: str, body: Dict[str, Any]) -> None:
    """Apply one of ``allow``, ``deny``, ``enable-effect``, ``disable-effect``, ``revoke``."""
    effect = ACTIONS[action]
    with store.tx():
        found = _targets(store, app, body, existing=effect is not None)
        if isinstance(effect, bool):  # enable / disable what exists
            missing = [(i, t) for i, t in found if not state.has_policy(store, app["id"], t)]
            if missing:
                identifier, target = missing[0]
                raise ApprowError(NOT_FOUND, "%s %r has no access policy in application %s"
                                  % (target[0], identifier, app["id"]))
        for _, target in found:
            if effect is None:
                state.delete_policy(store, app["id"], target)
            elif isinstance(effect, bool):
                state.enable_policy(store, app["id"], target, effect)
            else:
                state.set_policy(store, app["id"], target, str(effect), bool(body.get("inheritByChildren")))


def records(store: Store, app: Dict[str, Any], offset: int, limit: int) -> Dict[str, Any]:
    """One page of the application's policies, oldest first."""
    total, rows = state.policies(store, app["id"], targets.IDENTIFIER_SQL, offset, limit)
    items = []
    for row in rows:
        code = "%s_ACCESS_%s" % (row["effect"], app["id"])
        items.append({
            "appId": app["id"], "namespace": app["id"], "targetType": row["target_type"],
            "targetIdentifier": row["identifier"], "effect": row["effect"], "enabled": bool(row["enabled"]),
            "inheritByChildren": bool(row["inherit_by_children"]), "assignedAt": row["assigned_at"],
            "policyId": code, "code": code,
            "policy": {"code": code, "statements": [{"resource": "app:%s" % app["id"], "actions": ["app:access"],
                                                     "effect": row["effect"]}]}})
    return {"totalCount": total, "list": items}


def may_use(store: Store, app_id: str, user_id: str) -> bool:
    """Whether the user may use the application (False for an unknown application)."""
    open_to_all = state.open_to_all(store, app_id)
    if open_to_all is None:
        return False
    if open_to_all:
        return True
    app = state.get(store, app_id)
    assert app is not None
    default = bool(app["defaultStrategy"] == "ALLOW_ALL")
    rows = state.policies(store, app_id, targets.IDENTIFIER_SQL, enabled_only=True)[1]
    if not rows:
        return default
    reach: Set[Tuple[str, str]] = set(subjects.of_user(store, user_id))
    direct: Set[str] = {row["node_id"] for row in org.memberships(store, user_id)}
    effects = {row["effect"] for row in rows if _reaches(row, reach, direct)}
    if "DENY" in effects:
        return False
    return "ALLOW" in effects or default


def _reaches(row: Any, reach: Set[Tuple[str, str]], direct: Set[str]) -> bool:
    """Whether a policy row covers a user who reaches ``reach`` and is a member of ``direct``."""
    if row["target_type"] == "ORG" and not row["inherit_by_children"]:
        return str(row["target_id"]) in direct
    return (str(row["target_type"]), str(row["target_id"])) in reach


def require_use(store: Store, app_id: str, user: Dict[str, Any]) -> None:
    """Refuse (1001) a sign-in through an application the user may not use."""
    if not may_use(store, app_id, user["id"]):
        raise ApprowError(NO_PERMISSION, "This user may not use application %s (its access policy)" % app_id)


def usable(store: Store, user_id: str) -> List[Dict[str, Any]]:
    """The applications a user may use: the default one first, then the oldest first."""
    return [app for app in state.page(store, 0, None)[1] if may_use(store, app["id"], user_id)]
