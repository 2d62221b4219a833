"""Where clients get their HTTP session: one process-wide cache of ``approw._core.Session``.

Why share sessions between clients
    The Approw docs recommend one global ``ManagementClient`` but a **new**
    ``AuthenticationClient`` for every web request (its login state must not leak between
    requests).  If every client owned its own connection pool, each of those short-lived
    clients would open a new TCP + TLS connection -- the single largest cost of a call.  So
    clients do not own sessions: they borrow one from this module, keyed by the settings that
    change how the transport behaves -- ``(verify, ca_file, max_response_bytes)``; the timeout
    is given per request.  All clients with the
    same settings share one ``Session`` and therefore its keep-alive connections, DNS cache
    and TLS sessions; a client's per-request state (tokens, current user, headers) stays in the
    client, never in the session.

Why that is safe
    ``_core.Session`` is thread-safe (a pool of libcurl easy handles over a shared connection
    cache: a handle is never used by two threads at once), and it notices ``os.fork()`` itself
    and rebuilds its pool in the child, so pre-fork servers (gunicorn, uWSGI, Celery prefork)
    never share a socket between processes.  Sessions live until the interpreter exits; the
    number of distinct settings in a process is tiny, so the cache stays small.

asyncio clients
    :func:`get_async_session` wraps the same shared session in an :class:`AsyncSession`, which
    runs each blocking transfer in the event loop's default executor (a worker thread; the C
    transport releases the GIL while it waits), so the loop never blocks and asyncio clients
    share connections with sync clients of the same settings.

Tests
    :func:`set_session_factory` replaces the factory (e.g. with a fake session that records
    requests and answers from a script) and empties the cache; nothing else in the SDK creates
    sessions, so no test needs sockets.
"""
import functools
import os
import threading
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Mapping,
    Optional,
    Protocol,
    Sequence,
    Tuple,
    Union,
)

from approw import _core

from .constants import DEFAULT_MAX_RESPONSE_BYTES

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "SessionLike",
    "AsyncSessionLike",
    "AsyncSession",
    "get_async_session",
    "SessionFactory",
    "get_session",
    "set_session_factory",
    "clear_sessions",
]

Headers = Sequence[Tuple[str, str]]


class SessionLike(Protocol):
    """The part of ``approw._core.Session`` the executor uses.  ``timeout_ms``: the time this
    request may take; ``idempotent``: whether it may be sent a second time when a reused
    connection closes without an answer (never for a mutation); ``meta``: return
    ``(data, HTTP status, request id)`` instead of ``data`` (asked when debug logging is on)."""

    def request(
        self,
        method: str,
        url: str,
        headers: Headers = ...,
        body: Union[bytes, str, None] = ...,
        *,
        timeout_ms: Optional[int] = ...,
        idempotent: Optional[bool] = ...,
    ) -> Any: ...

    def graphql(
        self,
        url: str,
        headers: Headers,
        document: str,
        variables: Optional[Mapping[str, Any]] = ...,
        *,
        timeout_ms: Optional[int] = ...,
        idempotent: bool = ...,
        meta: bool = ...,
    ) -> Any: ...


class AsyncSessionLike(Protocol):
    """What ``AsyncExecutor`` needs: the session calls, awaitable."""

    async def request(
        self,
        method: str,
        url: str,
        headers: Headers = ...,
        body: Union[bytes, str, None] = ...,
        *,
        timeout_ms: Optional[int] = ...,
        idempotent: Optional[bool] = ...,
    ) -> Any: ...

    async def graphql(
        self,
        url: str,
        headers: Headers,
        document: str,
        variables: Optional[Mapping[str, Any]] = ...,
        *,
        timeout_ms: Optional[int] = ...,
        idempotent: bool = ...,
        meta: bool = ...,
    ) -> Any: ...


class AsyncSession:
    """A session's calls as coroutines: each blocking transfer runs in the running loop's
    default executor."""

    __slots__ = ("session",)

    def __init__(self, session: SessionLike) -> None:
        self.session = session

    async def request(self, method: str, url: str, headers: Headers = (),
                      body: Union[bytes, str, None] = None, *, timeout_ms: Optional[int] = None,
                      idempotent: Optional[bool] = None) -> Any:
        call = functools.partial(self.session.request, method, url, headers, body,
                                 timeout_ms=timeout_ms, idempotent=idempotent)
        return await _running_loop().run_in_executor(None, call)

    async def graphql(self, url: str, headers: Headers, document: str,
                      variables: Optional[Mapping[str, Any]] = None, *,
                      timeout_ms: Optional[int] = None, idempotent: bool = False,
                      meta: bool = False) -> Any:
        call = functools.partial(self.session.graphql, url, headers, document, variables,
                                 timeout_ms=timeout_ms, idempotent=idempotent, meta=meta)
        return await _running_loop().run_in_executor(None, call)


def _running_loop() -> "asyncio.AbstractEventLoop":
    # asyncio is imported on first use (it costs ~20 ms): sync-only programs never load it.
    import asyncio

    return asyncio.get_running_loop()


#: ``factory(verify=..., ca_file=..., max_response_bytes=...)`` -> a session.
SessionFactory = Callable[..., SessionLike]

_Key = Tuple[bool, Optional[str], int]

_lock = threading.Lock()
_sessions: Dict[_Key, SessionLike] = {}
_factory: Optional[SessionFactory] = None


def _reset_lock_after_fork() -> None:
    global _lock
    _lock = threading.Lock()


# A lock held by another thread when the process forks would stay locked in the child.
os.register_at_fork(after_in_child=_reset_lock_after_fork)


def _default_factory(*, verify: bool, ca_file: Optional[str], max_response_bytes: int) -> SessionLike:
    return _core.Session(verify=verify, ca_file=ca_file, max_response_bytes=max_response_bytes)


def get_session(*, verify: bool = True, ca_file: Optional[str] = None,
                max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES) -> SessionLike:
    """The shared session for these transport settings (created on first use).  Timeouts are
    per request, so clients that differ only in their timeout share a session."""
    key = (verify, ca_file, max_response_bytes)
    session = _sessions.get(key)
    if session is None:
        with _lock:
            session = _sessions.get(key)
            if session is None:
                factory = _factory or _default_factory
                session = factory(verify=verify, ca_file=ca_file,
                                  max_response_bytes=max_response_bytes)
                _sessions[key] = session
    return session


def get_async_session(*, verify: bool = True, ca_file: Optional[str] = None,
                      max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES) -> AsyncSessionLike:
    """The shared session for these settings, for an asyncio client."""
    return AsyncSession(get_session(verify=verify, ca_file=ca_file,
                                    max_response_bytes=max_response_bytes))


def clear_sessions() -> None:
    """Forget all cached sessions (clients keep the one they already hold)."""
    with _lock:
        _sessions.clear()


def set_session_factory(factory: Optional[SessionFactory]) -> Optional[SessionFactory]:
    """Use ``factory`` for new sessions (``None`` = ``approw._core.Session``); empties the
    cache and returns the previous factory."""
    global _factory
    with _lock:
        previous, _factory = _factory, factory
        _sessions.clear()
    return previous
