"""The user pool itself: management tokens, pool settings and the published keys.

The pool's identity and keys are created and kept by :mod:`approw.emulator.pool` (in the
store's ``meta`` table), so this domain has no tables of its own.
"""

from .resolvers import RESOLVERS
from .rest import ROUTES

DDL = ""

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
