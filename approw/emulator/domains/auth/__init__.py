"""End-user authentication: registration, sign-in, the user's tokens, profile and password,
phone and e-mail, linked accounts, second factors at login.

``signin`` checks password logins and ends every sign-in (blocked users, required password
changes, second factors) with a user token; ``passwords`` holds the password rules and
resets, ``contact`` phone and e-mail changes, ``links`` account linking, ``second_factor``
the completion of a login that needs one.  The users this domain creates and reads are the
users domain's, the tokens it issues are recorded by the sessions domain, verification codes
are the verification domain's and authenticators the mfa domain's.  Its own table
(``state``): the tokens of required password changes.
"""

from .resolvers import RESOLVERS
from .rest import ROUTES
from .state import DDL

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
