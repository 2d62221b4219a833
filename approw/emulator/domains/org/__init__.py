"""Organisations: trees of nodes (departments), one root per organisation, and their members.

``state`` holds the tables, ``tree`` loads an organisation's tree and shapes its nodes,
``structure`` changes trees (add, update, move, delete, import), ``members`` manages who
belongs where (main departments included); ``resolvers`` serves the GraphQL operations and
the ``Node.users`` / ``User.departments`` fields, ``rest`` the import, the export and a
user's organisation paths.
"""

from .resolvers import RESOLVERS
from .rest import ROUTES
from .state import DDL

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
