"""End-user authentication: registration, sign-in, the user's tokens, profile and password.

``signin`` issues user tokens and checks password logins.  The users this domain creates
and reads are the users domain's; the tokens it issues are recorded by the sessions domain.
No tables of its own.
"""

from .resolvers import RESOLVERS
from .rest import ROUTES

DDL = ""

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
