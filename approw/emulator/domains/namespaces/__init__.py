"""Namespaces (permission groups): the containers of roles, policies, resources and grants.

``state`` holds the ``namespaces`` table (``default`` exists from the start) and resolves
codes for the other domains of the authorization model; ``rules`` the naming rules and
errors they share; ``rest`` the management endpoints.  No GraphQL fields.
"""

from ...domain import Resolvers
from .rest import ROUTES
from .state import DDL

RESOLVERS: Resolvers = {}

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
