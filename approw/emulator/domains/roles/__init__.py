"""Roles: per-namespace roles with an optional parent, and who holds them (users, groups,
org nodes); ``Role``'s fields and ``User.roles``.

``state`` holds the ``roles``, ``role_users``, ``role_groups`` and ``role_nodes`` tables;
``nodes`` is the hook through which the organisations domain provides org nodes.  What a
role may do (grants, policies) lives in the ACL and policies domains.  No REST endpoints.
"""

from typing import List

from ...domain import Route
from .resolvers import RESOLVERS
from .state import DDL

ROUTES: List[Route] = []

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
