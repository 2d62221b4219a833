"""Policies: statements (resource, actions, ALLOW/DENY) in a namespace, assigned to users,
roles, groups and org nodes; the built-in ``AdministratorAccess``.

``state`` holds the ``policies`` and ``policy_assignments`` tables, ``statements`` the
statement rules, ``targets`` how assignment (and grant) targets are named and resolved.
Evaluating statements is the ACL domain's work.  No REST endpoints.
"""

from typing import List

from ...domain import Route
from .resolvers import RESOLVERS
from .state import DDL

ROUTES: List[Route] = []

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
