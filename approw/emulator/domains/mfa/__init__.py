"""Second factors: users' TOTP authenticators, the ``mfaToken`` challenges of logins that
need one, and the factors each application requires.

``totp`` implements RFC 6238; ``challenge`` issues and checks ``mfaToken``s (the sign-in
paths call :func:`challenge.demand`); ``state`` holds the records, which the MFA
administration of the management API shares.
"""

from ...domain import Resolvers
from .rest import ROUTES
from .state import DDL

RESOLVERS: Resolvers = {}

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
