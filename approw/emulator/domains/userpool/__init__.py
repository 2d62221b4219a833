"""The user pool itself: management tokens, pool settings, environment variables and the
published keys.

The pool's identity and keys are created and kept by :mod:`approw.emulator.pool` (in the
store's ``meta`` table); its settings by :mod:`.settings` (also in ``meta``), read by the
domains whose behaviour they change; the environment variables are this domain's table.
"""

from .resolvers import RESOLVERS
from .rest import ROUTES
from .state import DDL

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
