"""Access control: resource definitions, grants, and the evaluation of what a user, role,
group or org node may do (grants and policy statements along every path, DENY first).

``state`` holds the ``resources`` and ``grants`` tables, ``patterns`` how codes and actions
match, ``subjects`` who reaches whom (user -> groups, nodes, roles, parent roles),
``permissions`` the evaluation; ``resolvers`` and ``rest`` the GraphQL and REST endpoints.
"""

from .resolvers import RESOLVERS
from .rest import ROUTES
from .state import DDL

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
