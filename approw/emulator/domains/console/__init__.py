"""The web console at ``/_emulator/ui/``: server-rendered pages (and one small script) to look
at and change the emulated pool -- users, roles, groups and policies, organisations,
applications with their protocol settings and access keys, the outbox, tokens and the
activity log.

``guard`` holds who may use it (loopback only, signed in with the pool secret, CSRF tokens,
no CORS, no framing) and the page layout; ``users``, ``directory``, ``apps`` and ``tools`` the
views, which call the other domains' rules and state, as their API does.  No GraphQL fields.
"""

from typing import List

from ...domain import Resolvers, Route
from . import apps, directory, tools, users
from .guard import DDL

RESOLVERS: Resolvers = {}
ROUTES: List[Route] = tools.ROUTES + users.ROUTES + directory.ROUTES + apps.ROUTES

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
