"""The executable schema: the shipped v2 SDL with the domain resolvers attached.

Built once per process (about 0.1 s) and shared by every emulator instance in it; all
per-instance state reaches the resolvers through the request context, never closures.
Root fields no domain implements answer a GraphQL error with code 500 naming the field,
so an unsupported call is never mistaken for an empty result.  Mutations are wrapped to log
the changes they make (``domains/statistics/audit.py``).
"""

from __future__ import annotations

import threading
from importlib import resources
from typing import Any, Callable, Dict, List, Optional

from graphql import GraphQLObjectType, GraphQLSchema, build_schema

from .domain import Resolvers
from .domains import DOMAINS
from .domains.statistics import audit
from .errors import UNSUPPORTED, ApprowError

ROOT_TYPES = ("Query", "Mutation")

_lock = threading.Lock()
_schema: Optional[GraphQLSchema] = None


def _root(fn: Callable[..., Any]) -> Callable[..., Any]:
    def resolve(_root: Any, info: Any, **args: Any) -> Any:
        return fn(info.context, args)

    resolve.__name__ = fn.__name__
    return resolve


def _field(fn: Callable[..., Any]) -> Callable[..., Any]:
    def resolve(parent: Any, info: Any, **args: Any) -> Any:
        return fn(info.context, parent, args)

    resolve.__name__ = getattr(fn, "__name__", "resolve")
    resolve.plain = fn  # type: ignore[attr-defined]  # needs only (context, parent, args): see endpoint
    return resolve


def _unsupported(type_name: str, field_name: str) -> Callable[..., Any]:
    message = "%s.%s is not supported by the Approw emulator" % (type_name, field_name)

    def resolve(_root: Any, info: Any, **args: Any) -> Any:
        raise ApprowError(UNSUPPORTED, message)

    return resolve


def sdl() -> str:
    return resources.files(__package__).joinpath("schema.graphql").read_text(encoding="utf-8")


def supported_root_fields(schema: GraphQLSchema) -> Dict[str, List[str]]:
    """``{"Query": [...], "Mutation": [...]}``: root fields a domain implements."""
    out = {}
    for type_name in ROOT_TYPES:
        fields = schema.get_type(type_name).fields  # type: ignore[union-attr]
        out[type_name] = sorted(n for n, f in fields.items() if not getattr(f.resolve, "unsupported", False))
    return out


def _registry() -> Resolvers:
    """Every domain's resolvers, merged; two domains resolving the same field is an error."""
    merged: Resolvers = {}
    for domain in DOMAINS:
        for type_name, fields in domain.RESOLVERS.items():
            target = merged.setdefault(type_name, {})
            clash = target.keys() & fields.keys()
            if clash:
                raise RuntimeError("%s.%s resolved by two domains" % (type_name, sorted(clash)[0]))
            target.update(fields)
    return merged


def _attach(schema: GraphQLSchema) -> None:
    for type_name, resolvers in _registry().items():
        gql_type = schema.get_type(type_name)
        if not isinstance(gql_type, GraphQLObjectType):
            raise RuntimeError("resolvers registered for unknown type %s" % type_name)
        wrap = _root if type_name in ROOT_TYPES else _field
        for field_name, fn in resolvers.items():
            if field_name not in gql_type.fields:
                raise RuntimeError("resolver registered for unknown field %s.%s" % (type_name, field_name))
            if type_name == "Mutation":  # changes are logged (the statistics domain)
                fn = audit.resolver(field_name, fn)
            gql_type.fields[field_name].resolve = wrap(fn)
    for type_name in ROOT_TYPES:
        gql_type = schema.get_type(type_name)
        assert isinstance(gql_type, GraphQLObjectType)
        for field_name, field in gql_type.fields.items():
            if field.resolve is None:
                field.resolve = _unsupported(type_name, field_name)
                field.resolve.unsupported = True


def get_schema() -> GraphQLSchema:
    global _schema
    with _lock:
        if _schema is None:
            schema = build_schema(sdl())
            _attach(schema)
            _schema = schema
        return _schema
