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
    has its own connections (HTTP/1.1 keep-alive: an idle one is reused by the next coroutine,
    concurrent calls each have their own), and a forked child starts without any (the parent's sockets are never
    touched).  Each client holds an :class:`AsyncClientSession` (from
    :func:`open_async_session`): it counts the client as a user of every loop it calls from,
    and its ``aclose()`` (the client's ``aclose()`` / end of ``async with``) gives them back;
    when the last client of a loop is closed, that loop's transport is closed (its easy handles,
    sockets and multi handle; a call still in flight fails with ``TransportError``).  A client
    freed without ``aclose()`` stops counting but closes nothing, so clients made per request
    and dropped keep the loop's connections for the next ones.  A closed loop's transport is
    closed when a client next joins a loop or is closed.

Tests
    :func:`set_session_factory` replaces the factory (e.g. with a fake session that records
    requests and answers from a script) and empties the cache; nothing else in the SDK creates
    sessions, so no test needs sockets.  The asyncio clients then call the fake directly
    (awaited, no transport).
"""
import collections
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
    "AsyncClientSession",
    "get_async_session",
    "open_async_session",
    "close_async_session",
    "close_session",
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

    __slots__ = ("session", "_multis", "_users", "_dropped", "__weakref__")

    def __init__(self, session: SessionLike) -> None:
        self.session = session
        self._multis: Dict[Any, Any] = {}   # event loop -> its Multi
        self._users: Dict[Any, int] = {}    # event loop -> AsyncClientSessions that joined it
        # (loop, Multi) of AsyncClientSessions freed unclosed; counted out under _lock
        self._dropped: "collections.deque[Tuple[Any, Any]]" = collections.deque()
        _async_sessions.add(self)

    def _multi(self) -> Any:
        import asyncio  # ~20 ms: sync-only programs never load it

        loop = asyncio.get_running_loop()
        multi = self._multis.get(loop)
        if multi is None:
            multi = self._new_multi(loop)
        return multi

    def _new_multi(self, loop: Any) -> Any:
        with _lock:
            self._sweep()
            multi = self._multis.get(loop)
            if multi is None:
                multi = self._multis[loop] = _new_transport(self.session, loop)
        return multi

    def _sweep(self) -> None:
        """Count out the clients freed without aclose() (their loops' transports stay: a
        client made per request and dropped must not cost the next one its connections), and
        close the transports of closed loops (no loop call: nothing leaks).  Under _lock."""
        while self._dropped:
            loop, multi = self._dropped.popleft()
            if self._multis.get(loop) is multi and self._users.get(loop, 0) > 0:
                self._users[loop] -= 1
        for loop in [lp for lp in self._multis if lp.is_closed()]:
            self._users.pop(loop, None)
            self._multis.pop(loop).close()

    def _join(self, loop: Any) -> Any:
        """Count one more client on ``loop``; its ``Multi`` (made if needed)."""
        with _lock:
            self._sweep()
            multi = self._multis.get(loop)
            if multi is None:
                multi = self._multis[loop] = _new_transport(self.session, loop)
            self._users[loop] = self._users.get(loop, 0) + 1
        return multi

    def _leave(self, loop: Any, multi: Any) -> None:
        """One client fewer on ``loop``: the last one closes its transport."""
        with _lock:
            self._sweep()
            if self._multis.get(loop) is not multi:
                return                                   # already closed (loop closed, fork)
            users = self._users.get(loop, 0) - 1
            if users > 0:
                self._users[loop] = users
                return
            self._users.pop(loop, None)
            del self._multis[loop]
        _close_on_its_loop(multi, loop)

    async def request(self, method: str, url: str, headers: Headers = (),
                      body: Union[bytes, str, None] = None, *, timeout_ms: Optional[int] = None,
                      idempotent: Optional[bool] = None) -> Any:
        return await _run_request(self._multi(), method, url, headers, body, timeout_ms,
                                  idempotent)

    async def graphql(self, url: str, headers: Headers, document: str,
                      variables: Optional[Mapping[str, Any]] = None, *,
                      timeout_ms: Optional[int] = None, idempotent: bool = False,
                      meta: bool = False) -> Any:
        return await _run_graphql(self._multi(), url, headers, document, variables, timeout_ms,
                                  idempotent, meta)

    async def aclose(self) -> None:
        """Close the running loop's transport: its connections, and any request of this loop
        still in flight (it fails with ``TransportError``).  The next call opens new ones."""
        import asyncio

        with _lock:
            loop = asyncio.get_running_loop()
            multi = self._multis.pop(loop, None)
            self._users.pop(loop, None)
        if multi is not None:
            multi.close()

    def _forget_after_fork(self) -> None:
        multis, self._multis, self._users = list(self._multis.values()), {}, {}
        for multi in multis:
            multi.close()   # in the child: the parent's sockets are replaced, never used


class AsyncClientSession:
    """One client's use of a shared :class:`AsyncSession`: the same calls, on the running
    loop's transport, with the client counted as a user of each loop it calls from (see the
    module docstring); ``aclose()`` gives them back.  Closed, it refuses calls."""

    __slots__ = ("shared", "_multis", "closed")

    def __del__(self) -> None:
        # no lock here (the collector may run while this thread holds it): queued instead
        self.shared._dropped.extend(self._multis.items())

    def __init__(self, shared: AsyncSession) -> None:
        self.shared = shared
        self._multis: Dict[Any, Any] = {}   # event loop -> the Multi joined there
        self.closed = False

    def _multi(self) -> Any:
        import asyncio

        loop = asyncio.get_running_loop()
        multi = self._multis.get(loop)
        if multi is None or multi.closed:       # first call on this loop, or after a fork
            if self.closed:
                raise _core.TransportError("the client was closed")
            multi = self._multis[loop] = self.shared._join(loop)
        return multi

    async def request(self, method: str, url: str, headers: Headers = (),
                      body: Union[bytes, str, None] = None, *, timeout_ms: Optional[int] = None,
                      idempotent: Optional[bool] = None) -> Any:
        return await _run_request(self._multi(), method, url, headers, body, timeout_ms,
                                  idempotent)

    async def graphql(self, url: str, headers: Headers, document: str,
                      variables: Optional[Mapping[str, Any]] = None, *,
                      timeout_ms: Optional[int] = None, idempotent: bool = False,
                      meta: bool = False) -> Any:
        return await _run_graphql(self._multi(), url, headers, document, variables, timeout_ms,
                                  idempotent, meta)

    async def aclose(self) -> None:
        """Leave every loop this client used; the last client of a loop closes its transport
        (calls of that loop still in flight fail with ``TransportError``).  Idempotent."""
        self.closed = True
        multis, self._multis = self._multis, {}
        for loop, multi in multis.items():
            self.shared._leave(loop, multi)


async def _run_request(multi: Any, method: str, url: str, headers: Headers,
                       body: Union[bytes, str, None], timeout_ms: Optional[int],
                       idempotent: Optional[bool]) -> Any:
    future = multi.request(method, url, headers, body, timeout_ms=timeout_ms,
                           idempotent=idempotent)
    try:
        return await future
    except BaseException:
        multi.cancel(future)   # cancelled (or interrupted): stop the transfer now
        raise


async def _run_graphql(multi: Any, url: str, headers: Headers, document: str,
                       variables: Optional[Mapping[str, Any]], timeout_ms: Optional[int],
                       idempotent: bool, meta: bool) -> Any:
    future = multi.graphql(url, headers, document, variables, timeout_ms=timeout_ms,
                           idempotent=idempotent, meta=meta)
    try:
        return await future
    except BaseException:
        multi.cancel(future)
        raise


def _new_transport(session: SessionLike, loop: Any) -> Any:
    from approw import _transport

    return _transport.Multi(cast(Any, session), loop)


def _close_on_its_loop(multi: Any, loop: Any) -> None:
    """Close ``multi`` now when its loop is this thread's running loop or is closed; else
    from that loop's thread (the loop's methods are not thread-safe)."""
    import asyncio

    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop is not running and not loop.is_closed():
        try:
            loop.call_soon_threadsafe(multi.close)
            return
        except RuntimeError:        # closed in between
            pass
    multi.close()


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


def open_async_session(*, verify: bool = True, ca_file: Optional[str] = None,
                       max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES) -> AsyncSessionLike:
    """A client's own view of the shared asyncio session for these settings (an
    :class:`AsyncClientSession`; a test factory's session is returned as it is)."""
    shared = get_async_session(verify=verify, ca_file=ca_file,
                               max_response_bytes=max_response_bytes)
    return AsyncClientSession(shared) if isinstance(shared, AsyncSession) else shared


async def close_async_session(session: AsyncSessionLike) -> None:
    """Release a client's asyncio session (``aclose()``)."""
    await session.aclose()


def close_session(session: SessionLike) -> None:
    """Release a client's session: nothing to do, since blocking clients share the
    process-wide session (its connections serve every client; it lives until exit)."""


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
