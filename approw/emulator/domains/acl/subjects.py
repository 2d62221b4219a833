"""Who holds what: the subjects whose grants and policies reach a user, a role, a group or an
org node.

A user holds what is given to the user, to each of their groups, to each org node they are
a member of (and the node's ancestors), and to every role reaching them directly, through a
group or through a node, each role with its parents.  A group holds its own grants and those
of its roles; a node those of itself, its ancestors and their roles; a role those of itself
and its parents.  Subjects are ``(type, internal id)`` pairs, as grants and policy
assignments store them.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

from ...store import Store
from ..groups import state as groups
from ..policies import state as policies
from ..roles import nodes
from ..roles import state as roles
from . import state

Subject = Tuple[str, str]


def _with_roles(store: Store, holders: Sequence[Subject]) -> List[Subject]:
    """``holders`` followed by every role given to them, with the roles' parents."""
    direct: List[str] = []
    for kind in ("USER", "GROUP", "ORG"):
        ids = [i for k, i in holders if k == kind]
        direct += [r["id"] for r in roles.roles_of(store, kind, ids)]
    return list(holders) + [("ROLE", r) for r in roles.with_ancestors(store, direct)]


def of_user(store: Store, user_id: str) -> List[Subject]:
    holders: List[Subject] = [("USER", user_id)]
    holders += [("GROUP", g["id"]) for g in groups.groups_of_user(store, user_id)]
    holders += [("ORG", n) for n in nodes.current().of_user(store, user_id)]
    return _with_roles(store, holders)


def of_target(store: Store, target_type: str, target_id: str) -> List[Subject]:
    """The subjects of a user, role, group or org node (stored id)."""
    if target_type == "USER":
        return of_user(store, target_id)
    if target_type == "ROLE":
        return [("ROLE", r) for r in roles.with_ancestors(store, [target_id])]
    if target_type == "ORG":
        return _with_roles(store, [("ORG", n) for n in nodes.current().with_ancestors(store, target_id) or [target_id]])
    return _with_roles(store, [(target_type, target_id)])


def forget(store: Store, target_type: str, target_id: str) -> None:
    """Remove everything given to a target that no longer exists (the organisations domain
    calls this for a deleted node): its roles, policy assignments and grants."""
    if target_type == "ORG":
        roles.forget_node(store, target_id)
    policies.forget_target(store, target_type, target_id)
    state.forget_target(store, target_type, target_id)
