"""Registration whitelists: the values each list holds (the switches that enforce them are
pool settings, read at self-registration)."""

from typing import List

from ...domain import Route
from .resolvers import RESOLVERS
from .state import DDL

ROUTES: List[Route] = []

__all__ = ["DDL", "RESOLVERS", "ROUTES"]
