"""Groups of users: their codes, names and members, ``Group.users`` and ``User.groups``.

``state`` holds the ``groups`` and ``group_members`` tables.  Roles given to a group
(``assignRole(groupCodes)``) live in the roles domain, grants to a group in the ACL domain;
both are removed with the group.  No REST endpoints.
"""

from typing import List

from ...domain import Route
from .resolvers import RESOLVERS
from .state import DDL

ROUTES: List[Route] = []

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
