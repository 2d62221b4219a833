"""Verification codes by SMS and e-mail, and the outbox that stands in for the providers.

``codes`` issues and checks the codes (expiry, single use, attempts, resend interval) for
the operations of other domains (phone registration and login, password resets, phone and
e-mail changes, second factors); ``state`` holds the outbox and the live codes.
"""

from .resolvers import RESOLVERS
from .rest import ROUTES
from .state import DDL

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
