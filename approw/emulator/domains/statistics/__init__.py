"""Statistics: the log of what users do (sign-ins, failed sign-ins, registrations, changes to
their own account) and of the changes made with the management API, served by the analysis
endpoints.  ``record`` is the hook that writes entries; ``audit`` logs changes in the request
path; the sign-in rules (lockout, registration frequency) count entries through ``state``.
"""


from ...domain import Resolvers
from .rest import ROUTES
from .state import DDL

RESOLVERS: Resolvers = {}

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
