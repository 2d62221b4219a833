"""Sign-in against a directory: an LDAP server (``login_by_ldap``) or an Active Directory
(``login_by_ad``), through the connector configured with ``--ldap-url`` / ``--ad-url``.

``connector`` binds with the ``ldap3`` client; ``rest`` serves the sign-in endpoints and
creates the pool user of a directory identity on its first sign-in.  No tables of its own
(identities are the users domain's).
"""

from ...domain import Resolvers
from .rest import ROUTES

DDL = ""
RESOLVERS: Resolvers = {}

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
