"""CAS on the application's domain (``/cas-idp/{appId}``): login with the provider's login
form and session, service tickets, validation in the CAS 1.0 (text), 2.0 and 3.0 (XML, or
JSON with ``format=JSON``) forms, and logout.  Sign-in and sessions are the oidc domain's.
"""

from ...domain import Resolvers
from .rest import ROUTES
from .state import DDL

RESOLVERS: Resolvers = {}

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
