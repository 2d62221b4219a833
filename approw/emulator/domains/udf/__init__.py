"""User-defined fields and values (custom data): definitions per target type, values per target.

``customdata`` types and encodes values as the service does, ``state`` holds the ``udfs``
and ``udvs`` tables.  No REST endpoints.
"""

from typing import List

from ...domain import Route
from .resolvers import RESOLVERS
from .state import DDL

ROUTES: List[Route] = []

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
