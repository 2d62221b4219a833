"""Second factors: users' TOTP authenticators, the ``mfaToken`` challenges of logins that
need one, the factors each application requires, and their administration.

``totp`` implements RFC 6238; ``challenge`` issues and checks ``mfaToken``s (the sign-in
paths call :func:`challenge.demand`); ``state`` holds the records, which the users' own
endpoints (``rest``) and the management API's administration (``admin``) share.
"""

from . import admin, rest
from .state import DDL

RESOLVERS = admin.RESOLVERS
ROUTES = rest.ROUTES + admin.ROUTES

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
