"""What a domain package provides, and the types its resolvers and REST handlers use.

A domain (a package under ``approw/emulator/domains/``, listed in ``DOMAINS`` there) is a
:class:`Domain`: the schema builder attaches every domain's ``RESOLVERS``, the store
creates every domain's ``DDL`` and the HTTP router serves every domain's ``ROUTES``.

GraphQL resolvers: root fields (``Query``/``Mutation``) are called as ``fn(ctx, args)``,
fields of other types as ``fn(ctx, parent, args)``; ``ctx`` is the
:class:`~approw.emulator.context.RequestContext` and ``args`` the coerced GraphQL arguments
(absent arguments are missing, not None).

REST handlers are ``fn(ctx, request) -> data``; the server wraps ``data`` in the service's
``{code, message, data}`` envelope (HTTP 200), and an :class:`ApprowError` raised by the
handler becomes the error envelope.  Handlers of raw endpoints (JWKS, ``validate_token``)
return :class:`Raw`.  A form body (``application/x-www-form-urlencoded``) arrives decoded
as a ``{name: first value}`` dict; the browser-facing OpenID Provider endpoints also read
headers (``Authorization: Basic``, cookies) and answer HTML, text, XML or redirects with a
:class:`Raw` that names its content type and extra headers.  Calls of endpoints other than
GET are logged as changes unless the handler is marked :func:`read_only`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple

from .context import RequestContext

Resolvers = Dict[str, Dict[str, Callable[..., Any]]]  # {type name: {field name: resolver}}


@dataclass
class Request:
    method: str
    path: str
    params: Dict[str, str]  # from the path pattern
    query: Dict[str, str]  # first value of each query-string key
    body: Any  # decoded JSON (or form: {name: first value}), or None when the body is empty
    header: Callable[[str], Optional[str]] = lambda name: None  # a request header, by name
    query_all: Callable[[str], List[str]] = lambda name: []  # every value of a repeated query key


@dataclass
class Raw:
    """A body sent without the envelope: JSON-encoded, unless it is ``str`` or ``bytes``
    (sent as is, with ``content_type``); ``headers`` are added to the response."""

    body: Any
    status: int = 200
    content_type: Optional[str] = None  # default: JSON
    headers: Tuple[Tuple[str, str], ...] = ()


Handler = Callable[[RequestContext, Request], Any]
Route = Tuple[str, str, Handler]  # (method, path with {name} parameters, handler)


class Domain(Protocol):
    """A domain package as the core sees it (mypy checks every package in ``DOMAINS``)."""

    RESOLVERS: Resolvers
    DDL: str  # CREATE TABLE/INDEX IF NOT EXISTS statements of the domain's tables
    ROUTES: List[Route]


def read_only(handler: Handler) -> Handler:
    """Mark a REST handler of a POST (or other non-GET) endpoint that only reads, such as a
    batch lookup: its calls are not logged as changes (``domains/statistics/audit.py``)."""
    handler.read_only = True  # type: ignore[attr-defined]
    return handler


def flag(value: Optional[str]) -> bool:
    """A boolean query-string parameter: ``1``, ``true`` or ``yes`` (any case)."""
    return (value or "").lower() in ("1", "true", "yes")
