"""Test doubles for the unit tests: a fake ``approw._core.Session`` injected through
``approw.v2.common.transport`` (no sockets), which checks every GraphQL request against the
schema and answers from a script.

The ``fake`` fixture (conftest.py) installs one FakeSession as the session factory, so every
client gets it.  Script answers with
``fake.answer(operation, value)`` (value: root-field value, a callable ``(variables) ->
value``, or an exception instance to raise) and ``fake.answer_rest(method, path, body,
status=200)``.  Every request is recorded in ``fake.calls``.

Each GraphQL request is checked the way a server would: the document must parse and validate
against ``spec/schema.graphql``, and the variables must coerce to the document's
variable definitions (input-object fields, enums, non-null).  A method sending a wrong
variable therefore fails here, not only end to end.
"""
import base64
import json
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from graphql import GraphQLSchema, build_schema, parse, validate
from graphql.execution.values import get_variable_values
from graphql.language import OperationDefinitionNode

from approw import _core

REPO = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO / "spec" / "schema.graphql"

_schema: Optional[GraphQLSchema] = None


def schema() -> GraphQLSchema:
    global _schema
    if _schema is None:
        _schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    return _schema


# --------------------------------------------------------------------------- fake session
class Call:
    def __init__(self, kind: str, method: str, url: str, headers: Any, body: Any = None,
                 document: Optional[str] = None, variables: Any = None,
                 operation: Optional[str] = None, timeout_ms: Optional[int] = None,
                 idempotent: Optional[bool] = None) -> None:
        self.kind = kind
        self.method = method
        self.url = url
        self.header_list: List[Tuple[str, str]] = list(headers or [])
        self.headers: Dict[str, str] = dict(self.header_list)
        self.body = body
        self.document = document
        self.variables = variables
        self.operation = operation
        self.timeout_ms = timeout_ms
        self.idempotent = idempotent

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"Call({self.kind} {self.operation or self.method} {self.url})"


def graphql_error(*errors: Tuple[Any, Any, Any], status: int = 200) -> Exception:
    """A ``_core.GraphQLError`` as the extension raises it."""
    e = _core.GraphQLError(f"GraphQL error: {errors[0][1] if errors else ''}")
    e.errors = list(errors)  # type: ignore[attr-defined]
    e.status = status  # type: ignore[attr-defined]
    e.data = None  # type: ignore[attr-defined]
    e.retry_after = None  # type: ignore[attr-defined]
    return e


class FakeSession:
    def __init__(self) -> None:
        self.created: List[Dict[str, Any]] = []
        self.calls: List[Call] = []
        self.gql: Dict[str, Any] = {}
        self.rest: Dict[Tuple[str, str], Any] = {}
        self._docs: Dict[str, Tuple[str, str, OperationDefinitionNode]] = {}
        self.request_id: Optional[str] = None   # the x-request-id of every scripted answer
        now = int(time.time())
        self.answer("accessToken", {"accessToken": "mgmt-token", "exp": now + 86400, "iat": now})

    # scripting
    def answer(self, operation: str, value: Any) -> None:
        self.gql[operation] = value

    def answer_rest(self, method: str, path: str, body: Any, status: int = 200,
                    headers: Optional[Dict[str, str]] = None) -> None:
        if not isinstance(body, (bytes, Exception)) and not callable(body):
            body = json.dumps(body).encode()
        self.rest[(method, path)] = (status, headers or {"content-type": "application/json"}, body)

    # inspection
    def ops(self) -> List[str]:
        return [c.operation or f"{c.method} {c.url}" for c in self.calls]

    def last(self, operation: Optional[str] = None) -> Call:
        calls = [c for c in self.calls if operation is None or c.operation == operation]
        assert calls, f"no call to {operation}; calls: {self.calls}"
        return calls[-1]

    # the Session interface
    def _check_document(self, document: str, variables: Any) -> Tuple[str, str]:
        if document not in self._docs:
            ast = parse(document)
            errors = validate(schema(), ast)
            assert not errors, f"invalid document: {[e.message for e in errors]}"
            (op,) = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
            root = op.selection_set.selections[0].name.value  # type: ignore[attr-defined]
            self._docs[document] = (op.name.value if op.name else "", root, op)
        name, root, op = self._docs[document]
        coerced = get_variable_values(schema(), op.variable_definitions or (), variables or {})
        assert not isinstance(coerced, list), \
            f"{name}: variables rejected by the schema: {[e.message for e in coerced]}"
        return name, root

    def graphql(self, url: str, headers: Any, document: str, variables: Any = None, *,
                timeout_ms: Optional[int] = None, idempotent: bool = False,
                meta: bool = False) -> Any:
        name, root = self._check_document(document, variables)
        self.calls.append(Call("graphql", "POST", url, headers, document=document,
                               variables=variables, operation=name, timeout_ms=timeout_ms,
                               idempotent=idempotent))
        if name not in self.gql:
            raise AssertionError(f"no scripted answer for GraphQL operation {name}")
        value = self.gql[name]
        if isinstance(value, BaseException):
            raise value
        if callable(value):
            value = value(variables)
        # meta=True (debug logging): the status and request id of the answer as well
        return ({root: value}, 200, self.request_id) if meta else {root: value}

    def request(self, method: str, url: str, headers: Any = None, body: Any = None, *,
                timeout_ms: Optional[int] = None, idempotent: Optional[bool] = None) -> Any:
        self.calls.append(Call("rest", method, url, headers, body=body, timeout_ms=timeout_ms,
                               idempotent=idempotent))
        path = "/" + url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
        key = (method, path)
        if key not in self.rest:
            raise AssertionError(f"no scripted answer for {method} {path}")
        status, resp_headers, resp_body = self.rest[key]
        if isinstance(resp_body, BaseException):
            raise resp_body
        if callable(resp_body):
            resp_body = resp_body(self.calls[-1])
        return _core.Response((status, resp_headers, resp_body))

    def __call__(self, **settings: Any) -> "FakeSession":
        """Used as the session factory: records the settings, returns itself."""
        self.created.append(settings)
        return self


def decrypt(private_key: Any, text: str) -> str:
    from cryptography.hazmat.primitives.asymmetric import padding

    return private_key.decrypt(base64.b64decode(text), padding.PKCS1v15()).decode()


def user(**fields: Any) -> Dict[str, Any]:
    base = {"id": "u1", "username": "bob", "email": "bob@example.test", "token": None}
    base.update(fields)
    return base
