"""HTTP/1.1 keep-alive server: framing, limits, routing and envelopes.

Each connection gets a thread (``ThreadingHTTPServer``).  Every response is written in
one piece with an exact ``Content-Length`` (and ``TCP_NODELAY``), so keep-alive clients
never wait on Nagle's algorithm.  Protocol failures (unparseable request, bad or missing
length, body over the limit, unknown path or method) get a 4xx status with a JSON body in
the envelope of the endpoint; everything that reaches an endpoint answers HTTP 200 with
the service's envelope, as the real service does.

Framing is strict, because a lenient reader behind a proxy is a request-smuggling hole
and a negative chunk size read "until EOF": ``Content-Length`` is 1-19 ASCII digits and
appears once; ``Transfer-Encoding`` appears once and is exactly ``chunked``; a request
with both is refused (400); a chunk size is 1-16 hex digits (optionally followed by
well-formed ``;name=value`` extensions) on a CRLF-terminated line, checked against the body
limit before it is read; trailers are capped at 64 KiB.  The request line and every header
and trailer line end with CRLF, are not folded, and name a token directly followed by ``:``
(``Content-Length : 5`` is refused, not ignored); any other head is a 400 and the
connection is closed, so no body is ever read as a second request.

JSON bodies (GraphQL and REST, and ``variables`` sent as JSON text) nested deeper than
``jsonlimits.MAX_JSON_DEPTH`` (256) are refused with the service's code 2231 before they are
decoded, so no body can reach the recursion limit of the decoder or of the code after it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import sys
import threading
import time
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Set, Tuple
from urllib.parse import parse_qs, parse_qsl, urlsplit

from . import guard, rest
from .context import RequestContext
from .endpoint import encode, failure
from .jsonlimits import loads_limited
from .errors import INVALID_PARAMS, ApprowError, message_for

if TYPE_CHECKING:  # pragma: no cover
    from .app import Emulator

log = logging.getLogger("approw.emulator")

GRAPHQL_PATH = "/graphql/v2"
CONSOLE_PATH = "/_emulator/ui"  # no CORS headers there
_MAX_TRAILER_BYTES = 64 * 1024
_CONTENT_LENGTH = re.compile(r"[0-9]{1,19}\Z")
_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = rb'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"'
_CHUNK_EXT = rb"(?:[ \t]*;[ \t]*" + _TOKEN + rb"(?:[ \t]*=[ \t]*(?:" + _TOKEN + rb"|" + _QUOTED + rb"))?)*"
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})" + _CHUNK_EXT + rb"[ \t]*\r\n\Z")
_HEADER_LINE = re.compile(_TOKEN + rb":[^\r\n\x00]*\r\n\Z")
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"),
    ("Access-Control-Allow-Headers", "*"),
    ("Access-Control-Max-Age", "600"),
)


class HttpError(Exception):
    """A protocol-level failure; the connection is closed after the response."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ClientGone(Exception):
    """The client closed the connection in the middle of a request."""


class _LineRecorder:
    """Wraps ``rfile`` while the stdlib reads the header block, keeping the raw lines: its
    parser accepts bare LF, obs-fold and ``Name : value`` (whitespace before the colon, a
    header it then cannot find by name), which are checked here instead."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.lines: List[bytes] = []

    def readline(self, limit: int = -1) -> bytes:
        line: bytes = self.raw.readline(limit)
        self.lines.append(line)
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def framing_problem(request_line: bytes, header_lines: List[bytes]) -> Optional[str]:
    """Why a request head cannot be framed safely (RFC 9112 sections 2.2, 5.1 and 5.2), or None:
    every line ends in CRLF, no line is folded, every field name is a token directly followed
    by the colon, no value holds CR, LF or NUL."""
    if not request_line.endswith(b"\r\n"):
        return "The request line must end with CRLF"
    for line in header_lines:
        if line == b"\r\n":
            return None
        if line in (b"", b"\n"):
            break
        if line[:1] in (b" ", b"\t"):
            return "Folded header lines (obs-fold) are not accepted"
        if not _HEADER_LINE.match(line):
            name = line.split(b":", 1)[0][:64].decode("latin-1")
            return "Malformed header line %r (a field name is a token directly followed by ':', " \
                   "a line ends with CRLF)" % name
    return "The header block must end with CRLF"


class Router:
    def __init__(self) -> None:
        self._routes: List[Tuple[str, "re.Pattern[str]", Callable[..., Any]]] = []

    def add(self, method: str, pattern: str, handler: Callable[..., Any]) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern))
        self._routes.append((method, re.compile(regex + r"\Z"), handler))

    def match(self, method: str, path: str) -> Tuple[Callable[..., Any], Dict[str, str]]:
        allowed = []
        for route_method, regex, handler in self._routes:
            found = regex.match(path)
            if found is None:
                continue
            if route_method == method or (method == "HEAD" and route_method == "GET"):
                return handler, found.groupdict()
            allowed.append(route_method)
        if allowed:
            raise HttpError(405, "%s is not allowed on %s (allowed: %s)" % (method, path, ", ".join(sorted(set(allowed)))))
        raise HttpError(404, "No endpoint at %s %s" % (method, path))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(path: str, status: int, message: str) -> bytes:
    if path == GRAPHQL_PATH:
        return encode(failure(status, message))
    return encode({"code": status, "message": message})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ApprowEmulator/1"
    server: "EmulatorHTTPServer"
    _console = False  # the request is for the web console (set per request by _dispatch)

    # --- connection lifecycle ----------------------------------------------------------------

    def setup(self) -> None:
        self.request.settimeout(self.server.emulator.config.idle_timeout)
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.info("%s %s", self.client_address[0], format % args)

    def parse_request(self) -> bool:
        recorder = _LineRecorder(self.rfile)
        self._head_lines = recorder.lines
        self.rfile = recorder  # type: ignore[assignment]  # reads like the file it wraps
        try:
            if not super().parse_request():
                return False
        finally:
            self.rfile = recorder.raw
        return self._check_framing()

    def _check_framing(self) -> bool:
        problem = framing_problem(getattr(self, "raw_requestline", b""), self._head_lines)
        hosts = len(self.headers.get_all("Host") or []) if problem is None else 1
        if hosts > 1 or (hosts == 0 and self.request_version == "HTTP/1.1"):
            problem = "An HTTP/1.1 request has exactly one Host header"   # RFC 9112 section 3.2
        if problem is None:
            return True
        self._respond(400, error_body(self._path(), 400, problem), close=True)
        return False

    def handle_expect_100(self) -> bool:
        if not self._check_framing():
            return False
        try:
            self._content_length()
        except HttpError as exc:
            self._respond(exc.status, error_body(self._path(), exc.status, exc.message), close=True)
            return False
        return super().handle_expect_100()

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """Failures detected by the stdlib parser (bad request line, headers, method)."""
        self._respond(code, error_body(self._path(), code, message or _phrase(code)), close=True)

    # --- framing -----------------------------------------------------------------------------

    def _path(self) -> str:
        return urlsplit(getattr(self, "path", "") or "").path

    def _content_length(self) -> Optional[int]:
        values = self.headers.get_all("Content-Length") or []
        if not values:
            return None
        if len(values) > 1:
            raise HttpError(400, "More than one Content-Length header")
        value = values[0].strip()
        if not _CONTENT_LENGTH.match(value):  # ASCII digits only ("²".isdigit() is true)
            raise HttpError(400, "Invalid Content-Length header: %r" % value)
        length = int(value)
        limit = self.server.emulator.config.max_body
        if length > limit:
            raise HttpError(413, "Request body of %d bytes exceeds the limit of %d bytes" % (length, limit))
        return length

    def _read_exact(self, size: int) -> bytes:
        data = self.rfile.read(size)
        if len(data) < size:
            raise ClientGone()
        return data

    def _read_chunked(self) -> bytes:
        limit = self.server.emulator.config.max_body
        parts: List[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1026)
            if not line:
                raise ClientGone()
            found = _CHUNK_SIZE.match(line)
            if found is None:  # "-1", "+5", "0x10", "1_0", " 5", no CRLF, too long ...
                raise HttpError(400, "Malformed chunk size line in a chunked body")
            size = int(found.group(1), 16)
            if size == 0:
                break
            total += size
            if total > limit:
                raise HttpError(413, "Request body exceeds the limit of %d bytes" % limit)
            parts.append(self._read_exact(size))
            if self._read_exact(2) != b"\r\n":
                raise HttpError(400, "Malformed chunked body")
        trailers = 0
        while True:
            line = self.rfile.readline(_MAX_TRAILER_BYTES + 1)
            if not line:
                raise ClientGone()
            if line == b"\r\n":
                return b"".join(parts)
            trailers += len(line)
            if not _HEADER_LINE.match(line) and trailers <= _MAX_TRAILER_BYTES:
                raise HttpError(400, "Malformed trailer line in a chunked body")
            if trailers > _MAX_TRAILER_BYTES:
                raise HttpError(400, "Chunked body trailers exceed %d bytes" % _MAX_TRAILER_BYTES)

    def _read_body(self) -> bytes:
        encodings = self.headers.get_all("Transfer-Encoding") or []
        if encodings:
            if self.request_version == "HTTP/1.0":  # RFC 9112 section 6.1: faulty framing
                raise HttpError(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request")
            if self.headers.get("Content-Length") is not None:
                raise HttpError(400, "Request has both Content-Length and Transfer-Encoding")
            if len(encodings) > 1 or encodings[0].strip().lower() != "chunked":
                raise HttpError(501, "Transfer-Encoding %r is not supported" % ", ".join(encodings))
            return self._read_chunked()
        length = self._content_length()
        return self._read_exact(length) if length else b""

    def _respond(
        self,
        status: int,
        body: bytes,
        *,
        close: bool = False,
        content_type: str = "application/json; charset=utf-8",
        extra: Tuple[Tuple[str, str], ...] = (),
    ) -> None:
        if close or self.server.stopping:
            self.close_connection = True
        request_id = os.urandom(12).hex()   # the service's request id, for logs and support
        lines = [
            "HTTP/1.1 %d %s" % (status, _phrase(status)),
            "Server: " + self.version_string(),
            "Date: " + self.date_time_string(),
            "Content-Type: " + content_type,
            "Content-Length: %d" % len(body),
            "X-Request-Id: " + request_id,
        ]
        if not guard.guarded(self._path()):  # the emulator's own routes (the console too): no CORS
            lines.append("Access-Control-Allow-Origin: *")
        lines.extend("%s: %s" % pair for pair in extra)
        if self.close_connection:
            lines.append("Connection: close")
        elif getattr(self, "request_version", "") == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        payload = head if getattr(self, "command", None) == "HEAD" else head + body
        try:
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True
            return
        if hasattr(self, "requestline"):
            log.info('%s "%s" %d %d %s', self.client_address[0], self.requestline, status, len(body),
                     request_id)

    # --- dispatch ------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        path = self._path()
        self._console = path == CONSOLE_PATH or path.startswith(CONSOLE_PATH + "/")
        body = self._read_body_or_fail(path)
        if body is None:
            return
        if guard.guarded(path):  # the emulator's own routes: no CORS, same-origin or the pool secret
            problem = guard.refusal(self.headers.get, self.client_address[0], self.server.emulator.pool.secret)
            if problem is not None:
                self._respond(403, error_body(path, 403, problem))
                return
        if self.command == "OPTIONS":  # CORS preflight, for browser apps pointed at the emulator
            self._respond(403 if self._console else 204, b"", extra=() if guard.guarded(path) else _CORS_HEADERS[1:])
            return
        try:
            handler, params = self.server.router.match(self.command, path)
        except HttpError as exc:
            self._respond(exc.status, error_body(path, exc.status, exc.message))
            return
        with self.server.busy():
            try:
                status, payload, *options = handler(self, path, params, body)
            except Exception:  # the server must answer, whatever a handler does
                log.exception("unhandled error on %s %s", self.command, path)
                status, payload, options = 500, error_body(path, 500, message_for(500)), []
        self._respond(status, payload, **(options[0] if options else {}))

    def _read_body_or_fail(self, path: str) -> Optional[bytes]:
        try:
            return self._read_body()
        except HttpError as exc:
            self._respond(exc.status, error_body(path, exc.status, exc.message), close=True)
        except (ClientGone, TimeoutError, OSError):
            self.close_connection = True
        return None

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    # --- endpoint adapters ---------------------------------------------------------------------

    def context(self) -> RequestContext:
        return RequestContext(self.server.emulator.pool, self.headers.get, self.client_address[0])

    def query_params(self) -> Dict[str, str]:
        parsed = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def query_values(self, name: str) -> List[str]:
        """Every value of ``name`` in the query string (``?a=1&a=2``)."""
        return parse_qs(urlsplit(self.path).query, keep_blank_values=True).get(name, [])


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]")
def _decode_json(body: bytes) -> Any:
    """The JSON value of a request body (None if empty); ValueError with a reason otherwise."""
    if not body.strip():
        return None
    try:
        text = body.decode("utf-8")
        value = loads_limited(text)
    except UnicodeDecodeError:
        raise ValueError("the request body is not UTF-8") from None
    except ValueError as exc:
        raise ValueError("the request body is not valid JSON (%s)" % exc) from None
    if _SURROGATE_ESCAPE.search(text):  # \ud800-\udfff escapes: legal JSON, but only in pairs
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("the request body contains an unpaired UTF-16 surrogate escape") from None
    return value


def graphql_route(handler: Handler, path: str, params: Dict[str, str], body: bytes) -> Tuple[int, bytes]:
    endpoint = handler.server.emulator.graphql
    if handler.command in ("GET", "HEAD"):
        request: Any = handler.query_params()
    else:
        try:
            request = _decode_json(body)
        except ValueError as exc:
            return 200, encode(failure(INVALID_PARAMS, str(exc)))
        if request is None:
            return 200, encode(failure(INVALID_PARAMS, "The request body is empty; send {\"query\": ...}"))
    return 200, endpoint.handle(handler.context(), request, read_only=handler.command in ("GET", "HEAD"))


def _decode_form(body: bytes) -> Dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body: the first value of each name."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body.strip()))
    except (UnicodeDecodeError, ValueError):
        raise ValueError("the request body is not a valid form (application/x-www-form-urlencoded)") from None
    form: Dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


def _raw_response(raw: rest.Raw) -> Tuple[int, bytes, Dict[str, Any]]:
    """Status, body and response options of a handler's :class:`Raw` answer."""
    if isinstance(raw.body, (bytes, str)):
        payload = raw.body.encode("utf-8") if isinstance(raw.body, str) else raw.body
        return raw.status, payload, {"content_type": raw.content_type or "text/plain; charset=utf-8",
                                     "extra": raw.headers}
    options: Dict[str, Any] = {"extra": raw.headers}
    if raw.content_type:
        options["content_type"] = raw.content_type
    return raw.status, encode(raw.body), options


def rest_route(fn: rest.Handler) -> Callable[..., Tuple[Any, ...]]:
    def route(handler: Handler, path: str, params: Dict[str, str], body: bytes) -> Tuple[Any, ...]:
        ctx = handler.context()
        form = (handler.headers.get("Content-Type") or "").lower().startswith("application/x-www-form-urlencoded")
        try:
            decoded = _decode_form(body) if form else _decode_json(body)
        except ValueError as exc:
            return 200, encode({"code": INVALID_PARAMS, "message": str(exc)})
        request = rest.Request(handler.command, path, params, handler.query_params(), decoded, handler.headers.get,
                               handler.query_values)
        try:
            ctx.check_tenant()
            result = fn(ctx, request)
        except ApprowError as exc:
            return 200, encode(exc.as_message())
        if isinstance(result, rest.Raw):
            return _raw_response(result)
        return 200, encode({"code": 200, "message": "", "data": result})

    return route


def build_router() -> Router:
    router = Router()
    router.add("POST", GRAPHQL_PATH, graphql_route)
    router.add("GET", GRAPHQL_PATH, graphql_route)
    for method, pattern, fn in rest.ROUTES:
        router.add(method, pattern, rest_route(fn))
    return router


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: Tuple[str, int], emulator: "Emulator") -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        self.router = build_router()
        self.stopping = False
        self._connections: Set[socket.socket] = set()
        self._busy = 0
        self._cond = threading.Condition()
        super().__init__(address, Handler)

    def track(self, connection: socket.socket, alive: bool) -> None:
        with self._cond:
            (self._connections.add if alive else self._connections.discard)(connection)
            self._cond.notify_all()

    @contextmanager
    def busy(self) -> Iterator[None]:
        with self._cond:
            self._busy += 1
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()

    def handle_error(self, request: Any, client_address: Any) -> None:
        peer = client_address[0] if client_address else "?"
        if isinstance(sys.exc_info()[1], OSError):  # a client that reset or vanished: routine
            log.debug("connection from %s dropped", peer, exc_info=True)
        else:
            log.exception("connection from %s failed", peer)

    def drain(self, timeout: float) -> None:
        """After ``shutdown()``: let running requests finish, then close idle connections."""
        self.stopping = True
        deadline = time.monotonic() + timeout
        with self._cond:
            self._cond.wait_for(lambda: self._busy == 0, max(0.0, deadline - time.monotonic()))
            idle = list(self._connections)
        for connection in idle:
            try:
                connection.shutdown(socket.SHUT_RD)
            except OSError:
                pass
        with self._cond:
            self._cond.wait_for(lambda: not self._connections, max(0.0, deadline - time.monotonic()))
