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
    :func:`get_async_session` gives an :class:`AsyncSession` over the same shared session:
    per event loop, an ``approw._transport.Multi`` (libcurl's multi interface driven by that
    loop's ``add_reader``/``add_writer``/``call_later``) runs the transfers with the session's
    settings.  No thread is involved; a cancelled call stops its transfer at once.  Each loop
    has its own connections (reused by all its coroutines; HTTP/2 multiplexed over TLS when the
    server offers it); a closed loop's transport is closed when another loop next makes one,
    and a forked child starts without any (the parent's sockets are never touched).

Tests
    :func:`set_session_factory` replaces the factory (e.g. with a fake session that records
    requests and answers from a script) and empties the cache; nothing else in the SDK creates
    sessions, so no test needs sockets.  The asyncio clients then call the fake directly
    (awaited, no transport).
"""
import os
import threading
import weakref
from typing import (
    Any,
    Callable,
    Dict,
    Mapping,
    Optional,
    Protocol,
    Sequence,
    Tuple,
    Union,
    cast,
)

from approw import _core

from .constants import DEFAULT_MAX_RESPONSE_BYTES

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
    """What ``AsyncExecutor`` needs: the session calls, awaitable, and ``aclose()``."""

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

    async def aclose(self) -> None: ...


class AsyncSession:
    """A session's calls as coroutines, on the running loop's ``Multi`` (see the module
    docstring).  Thread-safe: each loop (one per thread) gets its own transport."""

    __slots__ = ("session", "_multis", "__weakref__")

    def __init__(self, session: SessionLike) -> None:
        self.session = session
        self._multis: Dict[Any, Any] = {}   # event loop -> its Multi
        _async_sessions.add(self)

    def _multi(self) -> Any:
        import asyncio  # ~20 ms: sync-only programs never load it

        loop = asyncio.get_running_loop()
        multi = self._multis.get(loop)
        if multi is None:
            multi = self._new_multi(loop)
        return multi

    def _new_multi(self, loop: Any) -> Any:
        from approw import _transport

        with _lock:
            for other in [lp for lp in self._multis if lp.is_closed()]:
                self._multis.pop(other).close()   # a closed loop's: no loop call, no leak
            multi = self._multis.get(loop)
            if multi is None:
                multi = self._multis[loop] = _transport.Multi(cast(Any, self.session), loop)
        return multi

    async def request(self, method: str, url: str, headers: Headers = (),
                      body: Union[bytes, str, None] = None, *, timeout_ms: Optional[int] = None,
                      idempotent: Optional[bool] = None) -> Any:
        multi = self._multi()
        future = multi.request(method, url, headers, body, timeout_ms=timeout_ms,
                               idempotent=idempotent)
        try:
            return await future
        except BaseException:
            multi.cancel(future)   # cancelled (or interrupted): stop the transfer now
            raise

    async def graphql(self, url: str, headers: Headers, document: str,
                      variables: Optional[Mapping[str, Any]] = None, *,
                      timeout_ms: Optional[int] = None, idempotent: bool = False,
                      meta: bool = False) -> Any:
        multi = self._multi()
        future = multi.graphql(url, headers, document, variables, timeout_ms=timeout_ms,
                               idempotent=idempotent, meta=meta)
        try:
            return await future
        except BaseException:
            multi.cancel(future)
            raise

    async def aclose(self) -> None:
        """Close the running loop's transport: its connections, and any request of this loop
        still in flight (it fails with ``TransportError``).  The next call opens new ones."""
        import asyncio

        with _lock:
            multi = self._multis.pop(asyncio.get_running_loop(), None)
        if multi is not None:
            multi.close()

    def _forget_after_fork(self) -> None:
        multis, self._multis = list(self._multis.values()), {}
        for multi in multis:
            multi.close()   # in the child: the parent's sockets are replaced, never used


class _InlineAsyncSession:
    """A test double's calls as coroutines (sessions from :func:`set_session_factory` answer
    without I/O, so they are called directly)."""

    __slots__ = ("session",)

    def __init__(self, session: SessionLike) -> None:
        self.session = session

    async def request(self, method: str, url: str, headers: Headers = (),
                      body: Union[bytes, str, None] = None, *, timeout_ms: Optional[int] = None,
                      idempotent: Optional[bool] = None) -> Any:
        return self.session.request(method, url, headers, body, timeout_ms=timeout_ms,
                                    idempotent=idempotent)

    async def graphql(self, url: str, headers: Headers, document: str,
                      variables: Optional[Mapping[str, Any]] = None, *,
                      timeout_ms: Optional[int] = None, idempotent: bool = False,
                      meta: bool = False) -> Any:
        return self.session.graphql(url, headers, document, variables, timeout_ms=timeout_ms,
                                    idempotent=idempotent, meta=meta)

    async def aclose(self) -> None:
        return None


#: ``factory(verify=..., ca_file=..., max_response_bytes=...)`` -> a session.
SessionFactory = Callable[..., SessionLike]

_Key = Tuple[bool, Optional[str], int]

_lock = threading.Lock()
_sessions: Dict[_Key, SessionLike] = {}
_async: Dict[_Key, "AsyncSessionLike"] = {}
_factory: Optional[SessionFactory] = None
_async_sessions: "weakref.WeakSet[AsyncSession]" = weakref.WeakSet()


def _reset_lock_after_fork() -> None:
    global _lock
    _lock = threading.Lock()
    for session in list(_async_sessions):
        session._forget_after_fork()


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
    """The shared asyncio session for these settings (over the shared session)."""
    key = (verify, ca_file, max_response_bytes)
    session = _async.get(key)
    if session is None:
        sync = get_session(verify=verify, ca_file=ca_file, max_response_bytes=max_response_bytes)
        with _lock:
            session = _async.get(key)
            if session is None:
                session = AsyncSession(sync) if _factory is None else _InlineAsyncSession(sync)
                _async[key] = session
    return session


def clear_sessions() -> None:
    """Forget all cached sessions (clients keep the one they already hold)."""
    with _lock:
        _sessions.clear()
        _async.clear()


def set_session_factory(factory: Optional[SessionFactory]) -> Optional[SessionFactory]:
    """Use ``factory`` for new sessions (``None`` = ``approw._core.Session``); empties the
    cache and returns the previous factory."""
    global _factory
    with _lock:
        previous, _factory = _factory, factory
        _sessions.clear()
        _async.clear()
    return previous
