"""Applications: several per pool (the default one included), each with its own id and client
secret, a namespace for its roles and resources, an access policy and sign-up agreements.

``state`` holds the tables, ``apps`` the applications' rules, shapes and changes, ``access``
the access policies and who may use an application, ``agreements`` the agreements' rules,
``access_keys`` the programmatic access accounts (AK/SK);
``rest`` serves the management endpoints and the user's list of allowed applications.
No GraphQL fields.
"""

from ...domain import Resolvers
from .rest import ROUTES
from .access_keys import DDL as _KEYS_DDL
from .state import DDL as _APPS_DDL

DDL = _APPS_DDL + _KEYS_DDL

RESOLVERS: Resolvers = {}

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
