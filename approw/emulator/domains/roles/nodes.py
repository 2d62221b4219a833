"""Organisation nodes as the authorization model sees them: the hook the organisations
domain plugs into.

Roles can be given to org nodes (``assignRole(nodeCodes)``, which carries node ids), and
policies and grants can target them (``ORG``); the members of a node hold what the node and
its ancestors hold.  The nodes themselves belong to the organisations domain, which calls
:func:`register` with an object implementing :class:`OrgNodes` when it is imported.  Until
then the pool has no nodes: every node id is unknown (assigning to one is error 404) and no
user is a member of any node.

The organisations domain reads the node side of the model through
``roles.state.roles_of("ORG", node_ids, namespace_id)`` (``Node.roles``: pass the node with
its ancestors) and ``acl.permissions.Permissions(store, acl.subjects.of_target(store, "ORG",
node_id), namespace_id).resources()`` (``Node.authorizedResources``), and removes what a
deleted node held (roles, policy assignments, grants) with ``acl.subjects.forget(store,
"ORG", node_id)``.

The users domain asks the same object which users belong to nodes, to search by department
and to list the users in no organisation (``members_where``, ``in_any_node_where``).
"""

from __future__ import annotations

from typing import Any, List, Optional, Protocol, Tuple

from ...store import Store


class OrgNodes(Protocol):
    def exists(self, store: Store, node_id: str) -> bool:
        """Whether ``node_id`` is a node of one of the pool's organisations."""

    def with_ancestors(self, store: Store, node_id: str) -> List[str]:
        """The node and every ancestor up to its root."""

    def of_user(self, store: Store, user_id: str) -> List[str]:
        """The nodes a user is a member of, with all their ancestors, without repeats."""

    def subtree(self, store: Store, node_id: str) -> List[str]:
        """The node and all its descendants ([] for an unknown node)."""

    def members_where(self, node_ids: List[str]) -> Tuple[str, List[Any]]:
        """SQL over ``users`` selecting the members of any of these nodes."""

    def in_any_node_where(self) -> str:
        """SQL over ``users`` selecting the users who are members of some node."""


class NoOrganisations:
    """The pool without organisations."""

    def exists(self, store: Store, node_id: str) -> bool:
        return False

    def with_ancestors(self, store: Store, node_id: str) -> List[str]:
        return []

    def of_user(self, store: Store, user_id: str) -> List[str]:
        return []

    def subtree(self, store: Store, node_id: str) -> List[str]:
        return []

    def members_where(self, node_ids: List[str]) -> Tuple[str, List[Any]]:
        return "0", []

    def in_any_node_where(self) -> str:
        return "0"


_provider: Optional[OrgNodes] = None


def register(provider: OrgNodes) -> None:
    """Called by the organisations domain when it is imported."""
    global _provider
    _provider = provider


def current() -> OrgNodes:
    return _provider or NoOrganisations()
