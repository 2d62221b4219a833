"""GraphQL resolvers, one module per domain.

Each module exports ``RESOLVERS = {type name: {field name: function}}``.  Root fields
(``Query``/``Mutation``) are called as ``fn(ctx, args)``, fields of other types as
``fn(ctx, parent, args)``; ``ctx`` is the :class:`~approw.emulator.context.RequestContext`
and ``args`` the coerced GraphQL arguments (absent arguments are missing, not None).
"""

from __future__ import annotations

from typing import Any, Callable, Dict

from . import auth, udf, userpool, users

DOMAINS = (userpool, users, auth, udf)


def registry() -> Dict[str, Dict[str, Callable[..., Any]]]:
    merged: Dict[str, Dict[str, Callable[..., Any]]] = {}
    for module in DOMAINS:
        for type_name, fields in module.RESOLVERS.items():
            target = merged.setdefault(type_name, {})
            clash = target.keys() & fields.keys()
            if clash:
                raise RuntimeError("%s.%s resolved by two domains" % (type_name, sorted(clash)[0]))
            target.update(fields)
    return merged
