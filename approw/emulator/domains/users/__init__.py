"""Users: management of users and their identities, and the fields of the ``User`` type.

``accounts`` holds the rules every path applies (creation, change, lookup, presentation),
``state`` the ``users`` and ``identities`` tables.
"""

from .resolvers import RESOLVERS
from .rest import ROUTES
from .state import DDL

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
