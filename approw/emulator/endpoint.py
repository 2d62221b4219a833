"""``/graphql/v2``: run one GraphQL request and render the service's envelope.

* Documents are parsed and validated once and cached by their text (SDKs send the same
  few documents over and over).
* Introspection-only requests are answered from a cache: the schema never changes at run
  time, and the pure-Python reference SDK introspects before every call.
* JSON request content nested deeper than ``MAX_JSON_DEPTH`` is a 2231 error, decided
  before it is decoded (``json_too_deep``), never a ``RecursionError``.
* Errors: ``errors[].message`` is an object ``{code, message[, data]}``.  Business errors
  carry their own code; syntax, validation and variable errors are 2231 with
  graphql-core's text; an unexpected exception in a resolver is 500 and is logged.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Tuple

from graphql import (
    DocumentNode,
    ExecutionContext,
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    execute_sync,
    get_named_type,
    is_non_null_type,
    parse,
    validate,
)
from graphql.execution.execute import get_field_def
from graphql.pyutils import Path

from .context import RequestContext
from .errors import INVALID_PARAMS, UNSUPPORTED, ApprowError

log = logging.getLogger("approw.emulator")

MAX_JSON_DEPTH = 256  # deepest JSON nesting accepted in any request body (server.py)
_DOCUMENT_CACHE_SIZE = 512
_CACHEABLE_QUERY_LENGTH = 64 * 1024  # longer documents are parsed every time, never cached
_MAX_TOKENS = 50_000  # parser limit: bounds the work one document can cause
_INTROSPECTION_FIELDS = frozenset(("__schema", "__type", "__typename"))


# One selected leaf field: (response name, field name, plain resolver or None, serialize, non-null).
_Leaf = Tuple[str, str, Optional[Callable[..., Any]], Callable[[Any], Any], bool]
_NO_ARGS: Dict[str, Any] = {}


class LeafFastExecutionContext(ExecutionContext):
    """graphql-core's executor with a short path for plain leaf fields of dict objects.

    A leaf field (scalar or enum) without arguments whose resolver is the default one (a
    dict lookup) or one of ours marked ``plain`` (a function of the context and the
    parent only) is read and serialised in a tight loop instead of going through the
    per-field machinery (resolve info, path, argument coercion).  A large list of users
    completes several times faster.  Anything unusual (a null in a non-null field, a value
    that does not serialise, any other kind of field) takes the standard path, so results
    and errors are exactly the standard ones.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: Dict[int, Tuple[Dict[str, List[FieldNode]], List[Optional[_Leaf]]]] = {}

    def _plan(self, parent_type: GraphQLObjectType, fields: Dict[str, List[FieldNode]]) -> List[Optional[_Leaf]]:
        # ``fields`` comes from the execution's subfield cache: one object per selection, so
        # its id is a stable key while the plan holds a reference to it.
        cached = self._plans.get(id(fields))
        if cached is not None and cached[0] is fields:
            return cached[1]
        plan: List[Optional[_Leaf]] = []
        for response_name, nodes in fields.items():
            field_def = get_field_def(self.schema, parent_type, nodes[0])
            leaf: Optional[_Leaf] = None
            named = get_named_type(field_def.type) if field_def is not None else None
            if field_def is not None and not nodes[0].arguments and isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
                plain = getattr(field_def.resolve, "plain", None)
                if field_def.resolve is None or plain is not None:
                    leaf = (response_name, nodes[0].name.value, plain, named.serialize, is_non_null_type(field_def.type))
            plan.append(leaf)
        self._plans[id(fields)] = (fields, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Optional[Path],
        fields: Dict[str, List[FieldNode]],
    ) -> Any:
        if not isinstance(source_value, dict):
            return super().execute_fields(parent_type, source_value, path, fields)
        results: Dict[str, Any] = {}
        context = self.context_value
        for leaf, (response_name, nodes) in zip(self._plan(parent_type, fields), fields.items()):
            if leaf is not None:
                _, name, plain, serialize, non_null = leaf
                value = source_value.get(name) if plain is None else plain(context, source_value, _NO_ARGS)
                if value is None and not non_null:
                    results[response_name] = None
                    continue
                if value is not None:
                    try:
                        serialized = serialize(value)
                    except Exception:  # the standard path below reports it properly
                        serialized = None
                    if serialized is not None and serialized is not Undefined:
                        results[response_name] = serialized
                        continue
            result = self.execute_field(parent_type, source_value, nodes, Path(path, response_name, parent_type.name))
            if result is not Undefined:
                results[response_name] = result
        return results


# A string literal, its closing quote optional so that an unterminated one is consumed in
# one step (linear time whatever the text), and everything that is not a bracket.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text opens more than ``limit`` nested arrays/objects (strings are
    skipped; malformed text is left for the decoder to report).  Linear time."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii")
    steps = memoryview(brackets.translate(_DEPTH_STEP)).cast("b")  # +1 open, -1 close
    return max(itertools.accumulate(steps), default=0) > limit


def loads_limited(text: str) -> Any:
    """``json.loads`` for request content: ValueError (never RecursionError) when the
    text is nested deeper than MAX_JSON_DEPTH."""
    if json_too_deep(text):
        raise ValueError("JSON nested deeper than %d levels" % MAX_JSON_DEPTH)
    try:
        return json.loads(text)
    except RecursionError:  # a lower recursion limit than the default: still a 2231
        raise ValueError("JSON nested too deeply") from None


def error_entry(error: GraphQLError) -> Dict[str, Any]:
    original = error.original_error
    if isinstance(original, ApprowError):
        message = original.as_message()
    elif original is None or isinstance(original, GraphQLError):  # syntax, validation, variables
        message = {"code": INVALID_PARAMS, "message": error.message}
    else:
        log.error("resolver failed at %s", error.path, exc_info=original)
        message = {"code": UNSUPPORTED, "message": "Internal emulator error: %s: %s" % (type(original).__name__, original)}
    entry: Dict[str, Any] = {"message": message}
    if error.locations:
        entry["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        entry["path"] = error.path
    return entry


def failure(code: int, message: str) -> Dict[str, Any]:
    return {"data": None, "errors": [{"message": {"code": code, "message": message}}]}


def encode(response: Dict[str, Any]) -> bytes:
    return json.dumps(response, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class GraphQLEndpoint:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._lock = threading.Lock()
        self._documents: "OrderedDict[str, Tuple[Optional[DocumentNode], List[GraphQLError]]]" = OrderedDict()
        self._introspection: Dict[Tuple[str, str, str], bytes] = {}

    def _document(self, query: str) -> Tuple[Optional[DocumentNode], List[GraphQLError]]:
        with self._lock:
            cached = self._documents.get(query)
            if cached is not None:
                self._documents.move_to_end(query)
                return cached
        try:
            document: Optional[DocumentNode] = parse(query, max_tokens=_MAX_TOKENS)
            errors = validate(self.schema, document)  # type: ignore[arg-type]
        except GraphQLError as exc:
            document, errors = None, [exc]
        except RecursionError:
            document, errors = None, [GraphQLError("The document is nested too deeply")]
        if len(query) <= _CACHEABLE_QUERY_LENGTH:
            with self._lock:
                self._documents[query] = (document, errors)
                while len(self._documents) > _DOCUMENT_CACHE_SIZE:
                    self._documents.popitem(last=False)
        return document, errors

    @staticmethod
    def _operation(document: DocumentNode, name: Optional[str]) -> Optional[OperationDefinitionNode]:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if name is None:
            return operations[0] if len(operations) == 1 else None
        return next((op for op in operations if op.name and op.name.value == name), None)

    def handle(self, ctx: RequestContext, body: Any, *, read_only: bool = False) -> bytes:
        """The encoded response to one request ``body`` (already JSON-decoded)."""
        cache_key, response = self._run(ctx, body, read_only)
        if isinstance(response, bytes):
            return response
        encoded = encode(response)
        if cache_key is not None and "errors" not in response:
            with self._lock:
                if len(self._introspection) < 64:
                    self._introspection[cache_key] = encoded
        return encoded

    def _run(self, ctx: RequestContext, body: Any, read_only: bool) -> Tuple[Any, Any]:
        if isinstance(body, list):
            return None, failure(INVALID_PARAMS, "Batched GraphQL requests are not supported; send one object per request")
        if not isinstance(body, dict):
            return None, failure(INVALID_PARAMS, "The request body must be a JSON object with a 'query' string")
        query = body.get("query")
        variables = body.get("variables")
        operation_name = body.get("operationName")
        if isinstance(variables, str) and variables.strip():
            if json_too_deep(variables):
                return None, failure(INVALID_PARAMS, "'variables' is nested deeper than %d levels" % MAX_JSON_DEPTH)
            try:
                variables = json.loads(variables)
            except (ValueError, RecursionError):
                return None, failure(INVALID_PARAMS, "'variables' is not valid JSON text")
        if not isinstance(query, str) or not query.strip():
            return None, failure(INVALID_PARAMS, "Must provide a GraphQL query string in 'query'")
        if variables in (None, ""):
            variables = {}
        if not isinstance(variables, dict):
            return None, failure(INVALID_PARAMS, "'variables' must be a JSON object")
        if operation_name is not None and not isinstance(operation_name, str):
            return None, failure(INVALID_PARAMS, "'operationName' must be a string")
        try:
            ctx.check_tenant()
        except ApprowError as exc:
            return None, {"data": None, "errors": [{"message": exc.as_message()}]}

        document, errors = self._document(query)
        if errors or document is None:
            return None, {"data": None, "errors": [error_entry(e) for e in errors]}
        operation = self._operation(document, operation_name)
        if operation is not None and read_only and operation.operation != OperationType.QUERY:
            return None, failure(INVALID_PARAMS, "Only queries can be sent with GET; use POST for mutations")
        cache_key = None
        if operation is not None and self._is_introspection(operation):
            cache_key = (query, operation_name or "", json.dumps(variables, sort_keys=True))
            cached = self._introspection.get(cache_key)
            if cached is not None:
                return None, cached
        result = execute_sync(self.schema, document, context_value=ctx, variable_values=variables,
                              operation_name=operation_name, execution_context_class=LeafFastExecutionContext)
        response: Dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [error_entry(e) for e in result.errors]
        return cache_key, response

    @staticmethod
    def _is_introspection(operation: OperationDefinitionNode) -> bool:
        return operation.operation == OperationType.QUERY and all(
            getattr(sel, "name", None) is not None and sel.name.value in _INTROSPECTION_FIELDS  # type: ignore[attr-defined]
            for sel in operation.selection_set.selections
        )
