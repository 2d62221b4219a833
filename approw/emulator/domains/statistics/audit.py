"""Logging of changes in the request path: every GraphQL mutation and every REST call under
``/api/v2/`` other than GET (unless its handler is marked ``read_only``, e.g. a batch lookup)
is wrapped once, when the schema and the router are built (``schema.py``, ``rest.py``), so no
domain logs its own changes.

A call that succeeds is logged by who made it: with the management token in the audit log
(operation = the root field, e.g. ``createUser``, or the handler, e.g. ``addEnv``; the
resource from the operation's name and result), with a user token in the user action log.
Anonymous calls (sign-in, registration) are logged by the sign-in code itself.  Queries and
GETs are never wrapped: reading changes nothing and costs nothing extra.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional

from ...context import RequestContext
from ...domain import Handler, Request
from . import record

Resolver = Callable[[RequestContext, Dict[str, Any]], Any]
_DESC_FIELDS = ("username", "email", "phone", "name", "code", "key", "type")
_ID_FIELDS = ("id", "userId", "user_id", "key", "code")


def _resource_type(operation: str) -> str:
    """``createUser`` -> ``user``, ``updateUserpool`` -> ``userpool``, ``allow`` -> ``allow``."""
    noun = re.sub(r"^[a-z]+", "", operation) or operation
    return noun[0].lower() + noun[1:]


def _first(sources: Any, fields: Any) -> Optional[str]:
    for source in sources:
        if isinstance(source, dict):
            for field in fields:
                if isinstance(source.get(field), str) and source[field]:
                    return str(source[field])
    return None


def _log(ctx: RequestContext, operation: str, resource_type: str, args: Dict[str, Any], result: Any) -> None:
    principal = ctx.known_principal
    if principal is None:
        return
    if principal.kind == "admin":
        arn = result.get("arn") if isinstance(result, dict) and isinstance(result.get("arn"), str) else None
        target = _first((result, args), _ID_FIELDS)
        if arn is None and target is not None:
            arn = "arn:cn:approw:%s:%s:%s" % (ctx.pool.id, resource_type, target)
        record.audit(ctx, operation, resource_type=resource_type, resource_arn=arn,
                     resource_desc=_first((result, args), _DESC_FIELDS))
    elif principal.kind == "user" and principal.user is not None:
        record.user_action(ctx, operation, principal.user)


def resolver(field: str, fn: Resolver) -> Resolver:
    """The root resolver of mutation ``field``, logging each change it makes."""
    resource_type = _resource_type(field)

    def logged(ctx: RequestContext, args: Dict[str, Any]) -> Any:
        result = fn(ctx, args)
        _log(ctx, field, resource_type, args, result)
        return result

    logged.__name__ = fn.__name__
    return logged


def handler(method: str, path: str, fn: Handler) -> Handler:
    """The REST handler of ``method path``, logging each change it makes (GETs, handlers
    marked ``read_only`` and paths outside ``/api/v2/`` are returned as they are)."""
    if method == "GET" or not path.startswith("/api/v2/") or getattr(fn, "read_only", False):
        return fn
    operation = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), fn.__name__.strip("_"))
    resource_type = path[len("/api/v2/"):].split("/", 1)[0]

    def logged(ctx: RequestContext, req: Request) -> Any:
        result = fn(ctx, req)
        _log(ctx, operation, resource_type, dict(req.params), result)
        return result

    logged.__name__ = fn.__name__
    return logged
