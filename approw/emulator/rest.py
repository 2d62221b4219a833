"""REST endpoints: ``{code, message, data}`` envelopes with HTTP 200, routed to the domains.

``ROUTES`` holds every domain's routes in the order the router tries them: paths without
``{parameters}`` first, so ``/api/v2/users/me`` wins over ``/api/v2/users/{id}``; handlers of
calls that may change something are wrapped to log the change
(``domains/statistics/audit.py``).  What a
handler receives and returns (:class:`Request`, :class:`Raw`) is defined in
:mod:`approw.emulator.domain`, which the domains import, and named here for the server.
"""

from __future__ import annotations

from typing import List

from .domain import Handler, Raw, Request, Route
from .domains import DOMAINS
from .domains.statistics import audit

__all__ = ["ROUTES", "Handler", "Raw", "Request"]

ROUTES: List[Route] = sorted(
    ((method, path, audit.handler(method, path, fn)) for domain in DOMAINS for method, path, fn in domain.ROUTES),
    key=lambda route: "{" in route[1],
)
