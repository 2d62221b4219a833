"""What the executor does without I/O: headers, request bodies, envelopes, errors, encryption.

Every request of ``approw.v2`` goes through one executor per client: ``Executor`` for the sync
clients, ``AsyncExecutor`` for the asyncio clients (``common/_async/executor.py``, the sync one
generated from it).  Both derive from :class:`ExecutorBase`, which owns everything a method
must not do itself and that involves no waiting: the base headers (built once per client),
URLs, JSON and form bodies, query strings, the ``authorization`` header, the response
envelopes, the error path (``on_error`` then ``ApprowException``), translating
``approw._core`` failures into ``approw.v2.exceptions`` (the only place that does), and
password encryption.  The executors add only the calls to the session.

Error path
    GraphQL: ``approw._core`` raises ``GraphQLError`` with ``errors`` = ``[(code, message,
    data), ...]``; ``options.on_error(code, message)`` is called for each error, then
    ``ApprowException(last code, last message)`` is raised -- a GraphQL error always raises.
    REST with ``result="unwrap"``: ``data`` when ``code == 200``, else ``on_error(code,
    message)`` and ``None`` when it returns.  With the default ``on_error`` the raised
    exception also carries ``http_status`` and the error's ``data``.
    Transport failures are not passed to ``on_error`` (there is no server error code): they
    raise ``ApprowTimeoutError`` / ``ApprowConnectionError`` / ``ApprowTLSError`` /
    ``ApprowHTTPError`` / ``ApprowTransportError`` (``raise ... from`` the core error).
    An exception raised for an answer carries the answer's ``x-request-id`` as ``request_id``.

Logging
    ``logging.getLogger("approw")`` gets one DEBUG line per call, when it ends: method, URL
    (no query string, no userinfo), HTTP status (or the failure), milliseconds, retries and
    the answer's request id.  Headers and bodies are never logged, so tokens, secrets and
    passwords cannot appear.  A call asks :func:`debug_enabled` once; only then does it ask
    the session for the status and request id of a successful GraphQL answer (``meta=True``)
    and read the clock again.  The ``logging`` module is not imported by the SDK: a program
    that never imports it has no handler that could show a DEBUG line.
"""
import sys
import time
from typing import Any, Dict, Literal, Mapping, NoReturn, Optional, Tuple

from approw import _core

from .. import exceptions as exc
from ..exceptions import ApprowException, ApprowWrongArgumentException
from .constants import DEFAULT_ONERROR, GRAPHQL_PATH, REQUEST_ID_HEADER, SDK_VERSION
from .options import ClientOptions, ShowsOptions
from .retry import retry_delay
from .sendable import ENCODE_ERRORS, unsendable
from .keys import public_key

__all__ = ["ExecutorBase", "Variables", "RestResult", "Headers", "translate_core_error", "is_query",
           "operation_name",
           "SAFE_METHODS", "debug_enabled", "log_call", "log_failure"]

#: The SDK's logger, ``logging.getLogger("approw")``, once the program has imported logging.
_log: Any = None


def debug_enabled() -> bool:
    """Whether the ``approw`` logger takes DEBUG lines (see the module docstring)."""
    global _log
    if _log is None:
        logging = sys.modules.get("logging")
        if logging is None:
            return False
        _log = logging.getLogger("approw")
    return bool(_log.isEnabledFor(10))  # logging.DEBUG

Variables = Optional[Mapping[str, Any]]
Header = Tuple[str, str]
Headers = Tuple[Header, ...]
#: ``raw``: the parsed JSON body; ``unwrap``: ``data`` of the ``{code, message, data}``
#: envelope (errors go to ``on_error``); ``ignore``: the body is not read (returns ``None``);
#: ``text``: the body as text (UTF-8).  In every mode an HTTP status of 300 or more raises
#: ``ApprowHTTPError``, unless it is a 4xx/5xx whose body is a JSON object (the service's own
#: refusal: an envelope, or an OAuth ``{"error": ...}``), which ``raw`` returns and ``unwrap``
#: passes to ``on_error``.
RestResult = Literal["raw", "unwrap", "ignore", "text"]


def translate_core_error(e: BaseException, operation: Optional[str] = None,
                         budget_ms: Optional[int] = None) -> ApprowException:
    """The ``approw.v2`` exception for a failure raised by ``approw._core``.  ``operation``
    (the GraphQL operation, or ``METHOD path``) and ``budget_ms`` (the call's ``timeout``) go
    into the message of a transport failure, with what to do about it; its ``code`` names the
    kind of failure (``timeout``, ``connection``, ``tls``, ``ambiguous``, ``too_large``,
    ``transport``), never a service or HTTP code."""
    message = str(e) or type(e).__name__
    status = getattr(e, "status", None)
    if isinstance(e, _core.ArgumentError):
        return ApprowWrongArgumentException(message)
    if isinstance(e, _core.HTTPError):
        http_code = status if isinstance(status, int) and status >= 400 else 500
        url = getattr(e, "url", None) or ""
        if status == 404 and url.endswith(GRAPHQL_PATH):
            message += (f"; no GraphQL endpoint at {url}: host must be the service's base URL "
                        f"(the SDK adds {GRAPHQL_PATH}), e.g. 'https://core.approw.com'")
        return exc.ApprowHTTPError(http_code, message if operation is None else f"{operation}: {message}",
                                   http_status=status, request_id=getattr(e, "request_id", None))
    for core_cls, cls, code, hint in _TRANSPORT_ERRORS:
        if isinstance(e, core_cls):
            return cls(code, _transport_message(message, getattr(e, "url", None), operation,
                                                budget_ms, hint))
    return ApprowException(500, message, http_status=status,
                           request_id=getattr(e, "request_id", None))


#: ``(core class, approw.v2 class, code, what to do)``, the most specific first.
_TRANSPORT_ERRORS = (
    (_core.TimeoutError, exc.ApprowTimeoutError, "timeout",
     "raise the client's timeout= option (milliseconds) if the server is slow, or check it"),
    (_core.TLSError, exc.ApprowTLSError, "tls",
     "check the server's certificate and host name; trust a private CA with ca_bundle="),
    (_core.AmbiguousRequestError, exc.ApprowAmbiguousRequestError, "ambiguous",
     "the service may have applied the request: check before sending it again"),
    (_core.ConnectionError, exc.ApprowConnectionError, "connection",
     "check host= (the service's base URL), that the server is running and reachable, and "
     "the proxy variables (https_proxy, no_proxy)"),
    (_core.ResponseTooLargeError, exc.ApprowResponseTooLargeError, "too_large",
     "raise the client's max_response_bytes= option, or ask for a smaller page"),
    (_core.TransportError, exc.ApprowTransportError, "transport",
     "check host= and the network"),
)


def _transport_message(message: str, url: Optional[str], operation: Optional[str],
                       budget_ms: Optional[int], hint: str) -> str:
    """``createUser: request timed out: ... (URL); time budget 3000 ms (timeout=); <hint>``."""
    head = "" if operation is None else operation + ": "
    if url and url not in message:
        message += f" ({url})"
    budget = "" if budget_ms is None else f"; time budget {budget_ms} ms (timeout=), retries included"
    return f"{head}{message}{budget}; {hint}"


def operation_name(document: str) -> str:
    """The operation name of a GraphQL document (``createUser``), for messages and the log."""
    head = document.lstrip()
    kind, _, rest = head.partition(" ")
    if kind in ("query", "mutation", "subscription"):
        name = rest.lstrip().split("(", 1)[0].split("{", 1)[0].strip()
        if name:
            return name
    return "GraphQL"


#: REST methods that may be sent again after a transient failure.
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))


def is_query(document: str) -> bool:
    """Whether a GraphQL document is a query (``query ...`` or ``{ ... }``), not a mutation."""
    head = document.lstrip()
    return head.startswith("{") or head.startswith("query")


def _drop_none(values: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _strip_query(url: str) -> str:
    """URL for messages: no query string (it may hold tokens)."""
    return url.split("?", 1)[0]


def _log_url(url: str) -> str:
    """URL for the log: no query string or fragment, no ``user:password@``."""
    url = url.split("?", 1)[0].split("#", 1)[0]
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:
        host, slash, path = rest.partition("/")
        url = scheme + sep + host.rpartition("@")[2] + slash + path
    return url


def log_call(method: str, url: str, started: float, retries: int, status: Any,
             request_id: Optional[str], document: Optional[str] = None) -> None:
    """The DEBUG line of a call that got an answer (``started``: its ``time.monotonic()``;
    ``document``: the GraphQL document, whose operation name the line shows)."""
    _log.debug("%s: %s %s -> %s in %.1f ms, %d retries, request id %s", _what(document), method,
               _log_url(url), status, (time.monotonic() - started) * 1000.0, retries,
               request_id or "-")


def log_failure(method: str, url: str, started: float, retries: int, e: BaseException,
                document: Optional[str] = None) -> None:
    """The DEBUG line of a call that failed with ``e``, an ``approw._core`` error."""
    outcome = type(e).__name__
    errors = getattr(e, "errors", None)
    if errors:
        outcome += " %s" % (_unpack_graphql_error(errors[0])[0],)
    status = getattr(e, "status", None)
    _log.debug("%s: %s %s -> %s (HTTP %s) in %.1f ms, %d retries, request id %s", _what(document),
               method, _log_url(url), outcome, "-" if status is None else status,
               (time.monotonic() - started) * 1000.0, retries,
               getattr(e, "request_id", None) or "-")


def _what(document: Optional[str]) -> str:
    """``users.create createUser``: the SDK method that made the call (found on the stack:
    this runs only when DEBUG lines are on) and the GraphQL operation."""
    method = _sdk_method()
    return method if document is None else f"{method} {operation_name(document)}"


_AREAS = {"Policy": "policies", "Policies": "policies"}


def _sdk_method() -> str:
    """The public method of a client or sub-client that is running this call, as a program
    writes it (``users.create``, ``login_by_email``, ``mfa.verify_totp_mfa``), else ``-``."""
    frame: Any = sys._getframe(3)
    while frame is not None:
        name: str = frame.f_code.co_name
        module = frame.f_globals.get("__name__", "")
        if (not name.startswith("_") and module.startswith("approw.v2.")
                and not module.startswith("approw.v2.common")):
            owner = type(frame.f_locals.get("self")).__name__
            if owner.startswith("Async"):
                owner = owner[5:]
            for suffix in ("ManagementClient", "AuthenticationClient", "TokenProvider"):
                if owner.endswith(suffix):
                    area = owner[: -len(suffix)]
                    area = _AREAS.get(area, area.lower()) if suffix != "TokenProvider" else "token"
                    return f"{area}.{name}" if area else name
            return name
        frame = frame.f_back
    return "-"


def _unpack_graphql_error(err: Any) -> Tuple[Any, Any, Any]:
    """``(code, message, data)`` of one GraphQL error as ``approw._core`` reports it; an error
    without a code (a plain string message) is reported with code 500."""
    code, message, data = (tuple(err) + (None, None, None))[:3]
    return (500 if code is None else code), message, data


class ExecutorBase(ShowsOptions):
    """The I/O-free half of an executor, for one client's options."""

    __slots__ = ("options", "graphql_endpoint", "_gql_headers", "_rest_headers", "_timeout_ms",
                 "_timeout_s", "_token_headers")

    def __init__(self, options: ClientOptions, *, send_app_id: bool = False) -> None:
        self.options = options
        self.graphql_endpoint = options.graphql_endpoint
        self._timeout_ms = options.timeout_ms   # the whole call's: every attempt's, in all
        self._timeout_s = options.timeout_ms / 1000.0
        base = [("x-approw-sdk-version", SDK_VERSION)]
        if options.user_pool_id is not None:
            base.append(("x-approw-userpool-id", options.user_pool_id))
        if send_app_id and options.app_id is not None:
            base.append(("x-approw-app-id", options.app_id))
        base.append(("x-approw-request-from", "sdk"))
        lang = options.lang
        # GraphQL omits x-approw-lang when unset; REST sends it empty, as the service expects.
        self._gql_headers: Headers = tuple(
            base + ([("x-approw-lang", lang)] if lang is not None else [])
        )
        self._rest_headers: Headers = tuple(base + [("x-approw-lang", lang or "")])
        # (token, GraphQL headers with it): the same tuple while the token is the same, so
        # the transport finds its prepared header list by identity (it keeps one per tuple).
        self._token_headers: Tuple[Optional[str], Headers] = (None, self._gql_headers)

    def _deadline(self) -> float:
        """The ``time.monotonic()`` by which a call starting now must end."""
        return time.monotonic() + self._timeout_s

    def _started(self, until: float) -> float:
        """When a call whose deadline is ``until`` started (``time.monotonic()``), for the log."""
        return until - self._timeout_s

    # ------------------------------------------------------------------ retries
    def _retry_wait(self, e: Optional[BaseException], response: Any, attempt: int, safe: bool,
                    until: float) -> Optional[float]:
        """Seconds to wait before sending a request again after ``e`` (a core error) or
        ``response`` (an answer), or ``None`` to give up (see ``common/retry.py``)."""
        if e is None:
            status, retry_after = response.status, response.headers.get("retry-after")
        elif isinstance(e, (_core.HTTPError, _core.GraphQLError)):  # an answer came
            status, retry_after, e = e.status, getattr(e, "retry_after", None), None
        else:
            status, retry_after = None, None
        options = self.options
        return retry_delay(e, status, retry_after, attempt=attempt, max_retries=options.max_retries,
                           safe=safe, retry_mutations=options.retry_mutations, until=until)

    # ------------------------------------------------------------------ GraphQL
    def _graphql_headers(self, token: Optional[str]) -> Headers:
        if not token:
            return self._gql_headers
        last = self._token_headers
        if last[0] == token:
            return last[1]
        headers = self._gql_headers + (("authorization", "Bearer " + token),)
        self._token_headers = (token, headers)  # one assignment: threads see one pair or the other
        return headers

    def _graphql_failed(self, e: BaseException, document: Optional[str] = None) -> NoReturn:
        status = getattr(e, "status", None)
        operation = None if document is None else operation_name(document)
        rid = getattr(e, "request_id", None)
        errors = list(getattr(e, "errors", None) or ())
        if not errors:
            raise ApprowException(500, str(e) or "GraphQL error", http_status=status,
                                  request_id=rid) from e
        code: Any = None
        message: Any = None
        data: Any = None
        for err in errors:
            code, message, data = _unpack_graphql_error(err)
            if self.options.on_error is DEFAULT_ONERROR:
                raise exc.from_code(code, message, http_status=status, request_id=rid,
                                    data=data, operation=operation) from e
            self.options.on_error(code, message)
        raise exc.from_code(code, message, http_status=status, request_id=rid, data=data,
                            operation=operation) from e

    # ------------------------------------------------------------------ REST
    def _rest_request(
        self,
        url: str,
        token: Optional[str],
        basic_token: Optional[str],
        json: Optional[Any],
        data: Optional[Mapping[str, Any]],
        params: Optional[Mapping[str, Any]],
    ) -> Tuple[str, Headers, Optional[bytes]]:
        """``(absolute URL with query string, headers, body)`` of a REST call (see
        ``Executor.rest``)."""
        from urllib.parse import urlencode   # REST only: not imported with the client

        if "://" not in url:
            url = self.options.host + url
        if params:
            try:
                query = urlencode(_drop_none(params), doseq=True)
            except ENCODE_ERRORS as e:
                raise unsendable(e, params, "params") from e
            if query:
                url += ("&" if "?" in url else "?") + query
        headers = self._rest_headers
        body: Optional[bytes] = None
        if json is not None:
            if not isinstance(json, dict):
                raise ApprowWrongArgumentException("json must be a dict")
            try:
                body = _core.dumps(_drop_none(json))
            except ENCODE_ERRORS as e:     # NaN, a set, a cycle ...: nothing was sent
                raise unsendable(e, json, "body") from e
            headers += (("content-type", "application/json"),)
        elif data is not None:
            try:
                body = urlencode(_drop_none(data)).encode("ascii")
            except ENCODE_ERRORS as e:
                raise unsendable(e, data, "form") from e
            headers += (("content-type", "application/x-www-form-urlencoded"),)
        if token:
            headers += (("authorization", "Bearer " + token),)
        elif basic_token:
            headers += (("authorization", "Basic " + basic_token),)
        return url, headers, body

    def _rest_result(self, response: Any, url: str, result: RestResult) -> Any:
        """What a REST call returns for ``response`` (see :data:`RestResult`)."""
        status: int = response.status
        if status < 300:
            if result == "ignore":
                return None
            if result == "text":
                return bytes(response.body).decode("utf-8", "replace")
            payload = self._parse(response, url)
        else:
            payload = None if result in ("ignore", "text") else self._parse(response, url)
            if not (status >= 400 and isinstance(payload, dict)):  # no answer of the service's own
                raise exc.ApprowHTTPError(
                    status if status >= 400 else 500,
                    f"HTTP {status} from {_strip_query(url)}" + ("" if response.body else " with an empty body"),
                    http_status=status, request_id=response.headers.get(REQUEST_ID_HEADER))
        if result == "raw":
            return payload
        if not isinstance(payload, dict) or "code" not in payload:
            raise exc.ApprowHTTPError(
                status if status >= 400 else 500,
                f"HTTP {status} from {_strip_query(url)}: not a {{code, message, data}} envelope",
                http_status=status, request_id=response.headers.get(REQUEST_ID_HEADER),
            )
        if payload["code"] == 200:
            return payload.get("data")
        self.report(payload["code"], payload.get("message"), http_status=status,
                    data=payload.get("data"), request_id=response.headers.get(REQUEST_ID_HEADER),
                    operation=_strip_query(url))
        return None

    @staticmethod
    def _parse(response: Any, url: str) -> Any:
        body, status = response.body, response.status
        if not body:
            return None
        try:
            return _core.loads(body)
        except _core.DecodeError as e:
            raise exc.ApprowHTTPError(
                status if status >= 400 else 500,
                f"HTTP {status} from {_strip_query(url)}: the body is not JSON ({e})",
                http_status=status, request_id=response.headers.get(REQUEST_ID_HEADER),
            ) from e

    # ------------------------------------------------------------------ helpers
    def malformed(self, why: str) -> exc.ApprowHTTPError:
        """The exception for an answer of the wrong shape from the GraphQL endpoint."""
        return exc.ApprowHTTPError(500, f"HTTP 200 from {self.graphql_endpoint}: {why}", http_status=200)

    def report(self, code: Any, message: Any, *, http_status: Optional[int] = None,
               data: Any = None, request_id: Optional[str] = None,
               operation: Optional[str] = None) -> None:
        """Pass a server error to ``options.on_error`` (returns only if ``on_error`` does).
        ``operation`` (operation name or URL) picks the exception class where a code means
        several things (see :func:`~approw.v2.exceptions.from_code`)."""
        if self.options.on_error is DEFAULT_ONERROR:
            raise exc.from_code(code, message, http_status=http_status, request_id=request_id,
                                data=data, operation=operation)
        self.options.on_error(code, message)

    def encrypt_password(self, password: str) -> str:
        """Encrypt a password with ``options.enc_public_key`` (RSA PKCS#1 v1.5, base64)."""
        if not isinstance(password, str):
            raise ApprowWrongArgumentException("password must be a str")
        try:
            return _core.rsa_encrypt(public_key(self.options.enc_public_key), password)
        except _core.CryptoError as e:
            raise ApprowWrongArgumentException(
                f"cannot encrypt the password with options.enc_public_key: {e}"
            ) from e
