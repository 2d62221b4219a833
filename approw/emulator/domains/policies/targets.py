"""Targets of policy assignments and grants: ``USER`` (user id), ``ROLE`` (role code, in the
namespace of the assignment or grant), ``GROUP`` (group code), ``ORG`` (org node id) and
``AK_SK`` (a programmatic access account of an application, by its access key).

Stored rows hold the target's internal id (the role's id, not its code), so renaming a role
or group keeps what it was given; listings show the identifier clients use.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from ...errors import USER_NOT_FOUND, ApprowError, invalid
from ...store import Store
from ..applications import access_keys
from ..groups import state as groups
from ..namespaces import rules
from ..roles import nodes
from ..roles import state as roles
from ..users import state as users

TYPES = ("USER", "ROLE", "GROUP", "ORG", "AK_SK")

#: SQL giving the client-side identifier of a target stored as (``target_type``, ``target_id``).
IDENTIFIER_SQL = ("CASE %(t)s WHEN 'ROLE' THEN (SELECT code FROM roles WHERE id = %(i)s) "
                  "WHEN 'GROUP' THEN (SELECT code FROM groups WHERE id = %(i)s) ELSE %(i)s END")


def resolve(store: Store, namespace: Dict[str, Any], target_type: str, identifier: Any) -> Optional[str]:
    """The internal id of a target, or None if there is no such target."""
    if not isinstance(identifier, str) or not identifier:
        return None
    if target_type == "USER":
        return identifier if users.get_user(store, identifier) is not None else None
    if target_type == "ROLE":
        role = roles.get(store, namespace["id"], identifier)
        return None if role is None else str(role["id"])
    if target_type == "GROUP":
        group = groups.by_code(store, identifier)
        return None if group is None else str(group["id"])
    if target_type == "ORG":
        return identifier if nodes.current().exists(store, identifier) else None
    if target_type == "AK_SK":
        return identifier if access_keys.get(store, identifier) is not None else None
    return None


def require(store: Store, namespace: Dict[str, Any], target_type: str, identifier: Any) -> str:
    """The internal id of a target; an unknown user is error 2004, anything else unknown 404."""
    found = resolve(store, namespace, target_type, identifier)
    if found is not None:
        return found
    if target_type == "USER":
        raise ApprowError(USER_NOT_FOUND, "User %r does not exist" % identifier)
    kind = {"ROLE": "Role", "GROUP": "Group", "ORG": "Organisation node",
            "AK_SK": "Programmatic access account"}.get(target_type)
    if kind is None:
        raise invalid("%s targets are not held by this user pool" % target_type)
    raise rules.not_found(kind, identifier, namespace["code"] if target_type == "ROLE" else None)


def identifiers(values: Optional[Sequence[Any]], name: str = "targetIdentifiers") -> List[str]:
    """A required, non-empty list of identifiers, without repeats."""
    if not values:
        raise invalid("%s is required" % name)
    return list(dict.fromkeys(values))
