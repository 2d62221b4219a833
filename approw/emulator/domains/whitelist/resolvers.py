"""The registration whitelists: one list per kind of identifier (``USERNAME``, ``EMAIL``,
``PHONE``).  Whether a list is enforced is a pool setting (``whitelist.<kind>Enabled``);
self-registration checks it (``auth/registration.py``)."""

from __future__ import annotations

from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import invalid
from . import state

MAX_VALUES = 1000


def normalize(kind: str, value: str) -> str:
    """How a value is compared: e-mail addresses in lower case, all without surrounding space."""
    value = value.strip()
    return value.lower() if kind == "EMAIL" else value


def _values(args: Dict[str, Any]) -> List[str]:
    values = list(dict.fromkeys(normalize(args["type"], v) for v in args["list"]))
    if not values or len(values) > MAX_VALUES:
        raise invalid("list must hold 1 to %d values" % MAX_VALUES)
    if "" in values:
        raise invalid("list must not contain empty values")
    return values


def whitelist(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    ctx.require_admin()
    return state.entries(ctx.store, args["type"])


def add_whitelist(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Returns the entries of the given values (values already listed keep their dates)."""
    ctx.require_admin()
    values = _values(args)
    state.add(ctx.store, args["type"], values)
    return state.entries(ctx.store, args["type"], values)


def remove_whitelist(ctx: RequestContext, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Returns the entries removed (values that were not listed are ignored)."""
    ctx.require_admin()
    values = _values(args)
    with ctx.store.tx():
        removed = state.entries(ctx.store, args["type"], values)
        state.remove(ctx.store, args["type"], values)
    return removed


RESOLVERS: Resolvers = {
    "Query": {"whitelist": whitelist},
    "Mutation": {"addWhitelist": add_whitelist, "removeWhitelist": remove_whitelist},
}
