"""Sessions: the record of issued user tokens, and the management endpoints over it.

Every user token the pool signs is recorded (``state``), so that one token can be revoked
(logout), all of a user's (kick, deletion, an expired ``tokenExpiredAt``), and live
sessions listed (login status).  Signing and checking tokens is the pool's
(:mod:`approw.emulator.pool`); signing in is the auth domain's.  No GraphQL fields.
"""

from ...domain import Resolvers
from .rest import ROUTES
from .state import DDL

RESOLVERS: Resolvers = {}

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
