"""The OpenID Provider on the application's domain: OpenID Connect (``/oidc``) and OAuth 2.0
(``/oauth``) authorization with a login form, codes (PKCE), tokens, userinfo, introspection,
revocation, discovery and logout.

``clients`` holds the application's settings as a client (redirect URIs, authentication
methods, token lifetimes, ID-token algorithm); ``authorize`` the browser side (the login
form, sessions, logout); ``token`` the back channel; ``issue`` the tokens; ``state`` their
tables.  The users signing in are the users domain's; the signing keys are the pool's.
"""

from ...domain import Resolvers
from .rest import ROUTES
from .state import DDL

RESOLVERS: Resolvers = {}

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
