"""``AsyncExecutor``: runs every GraphQL operation and REST call of one client.

The work that involves no waiting (headers, bodies, envelopes, errors) is in
:class:`~approw.v2.common.executor_base.ExecutorBase`; this class adds the calls to the
session.  ``session`` defaults to the shared session for the options' transport settings
(``common/transport.py``).  ``aclose()`` closes the executor: calls then raise
:class:`~approw.v2.exceptions.ApprowClientClosedError`.
"""
from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, Any, Mapping, Optional, cast

from approw import _core
from approw.v2.common.checks import answered
from approw.v2.common.constants import REQUEST_ID_HEADER
from approw.v2.common.executor_base import (
    SAFE_METHODS,
    ExecutorBase,
    RestResult,
    Variables,
    debug_enabled,
    is_query,
    log_call,
    log_failure,
    operation_name,
    translate_core_error,
)
from approw.v2.common.options import ClientOptions
from approw.v2.common.retry import async_sleep, remaining_ms
from approw.v2.common.sendable import ENCODE_ERRORS, unsendable
from approw.v2.common.transport import AsyncSessionLike, close_async_session, open_async_session
from approw.v2.exceptions import ApprowClientClosedError

if TYPE_CHECKING:
    from approw.v2.common.operation import Call, R

__all__ = ["AsyncExecutor"]


class AsyncExecutor(ExecutorBase):
    """Runs GraphQL operations and REST calls for one client."""

    __slots__ = ("session", "closed")

    def __init__(
        self,
        options: ClientOptions,
        *,
        send_app_id: bool = False,
        session: Optional[AsyncSessionLike] = None,
    ) -> None:
        super().__init__(options, send_app_id=send_app_id)
        self.session = session or open_async_session(
            verify=not options.use_unverified_ssl,
            ca_file=options.ca_bundle,
            max_response_bytes=options.max_response_bytes,
        )
        self.closed = False

    async def aclose(self) -> None:
        """Refuse further calls and release this client's part of the session (see
        ``common/transport.py``).  Calling it again does nothing."""
        if not self.closed:
            self.closed = True
            await close_async_session(self.session)

    @staticmethod
    def _refuse(what: str) -> ApprowClientClosedError:
        return ApprowClientClosedError("closed", f"{what}: this client was closed; make a new client")

    async def call(self, call: Call[R], token: Optional[str] = None) -> R:
        """Run an operation with its variables (``operations.users({...})``); return
        ``data[<root field>]``.  ``token`` adds ``Authorization: Bearer``."""
        operation, variables = call
        # No variables: the request carries no "variables" key at all.
        data = await self.graphql(operation.document, variables or None, token,
                                  safe=operation.kind == "query")
        if not isinstance(data, dict):  # GraphQL answers carry an object (or errors, raised above)
            raise self.malformed(f"the GraphQL answer's data is {type(data).__name__}, not an object")
        return cast("R", data.get(operation.root))

    async def graphql(self, document: str, variables: Variables = None,
                      token: Optional[str] = None, *, safe: Optional[bool] = None) -> Any:
        """POST ``document`` to ``{host}/graphql/v2``; return the answer's ``data``.
        ``variables`` is sent as given (``None`` values travel as JSON ``null``).  ``safe``:
        whether the document is a query (it may then be sent again after a transient failure;
        by default read from the document)."""
        if safe is None:
            safe = is_query(document)
        headers = self._graphql_headers(token)
        until = monotonic() + self._timeout_s   # self._deadline(), without the call
        timeout_ms = self._timeout_ms           # the first attempt has the whole call's time
        debug = debug_enabled()                 # once per call: the only cost when not logging
        attempt = 0
        while True:
            if self.closed:
                raise self._refuse(operation_name(document))
            try:
                # meta=True: (data, status, request id), for the log line
                answer = await self.session.graphql(self.graphql_endpoint, headers, document,
                                                    variables, timeout_ms=timeout_ms,
                                                    idempotent=safe, meta=debug)
            except _core.CoreError as e:
                if self.closed:                 # closed while in flight: no retry
                    raise self._refuse(operation_name(document)) from e
                wait = self._retry_wait(e, None, attempt, safe, until)
                if wait is None:
                    if debug:
                        log_failure("POST", self.graphql_endpoint, self._started(until),
                                    attempt, e, document)
                    if isinstance(e, _core.GraphQLError):
                        self._graphql_failed(e, document)
                    raise translate_core_error(e, operation_name(document), self._timeout_ms) from e
            except ENCODE_ERRORS as e:      # a variable JSON cannot hold: nothing was sent
                raise unsendable(e, variables, "variables") from e
            else:
                answered()
                if debug:
                    log_call("POST", self.graphql_endpoint, self._started(until), attempt, answer[1],
                             answer[2], document)
                    return answer[0]
                return answer
            attempt += 1
            await async_sleep(wait)
            timeout_ms = remaining_ms(until)

    async def rest(
        self,
        method: str,
        url: str,
        *,
        token: Optional[str] = None,
        basic_token: Optional[str] = None,
        json: Optional[Any] = None,
        data: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
        result: RestResult = "raw",
    ) -> Any:
        """One REST call.  ``url``: a path below ``host`` (``/api/v2/...``) or an absolute URL.
        ``json`` (a dict) or ``data`` (a form) is the body and ``params`` the query string (a
        list value repeats its key) -- keys whose value is ``None`` are left out (the caller's
        dict is not changed).  ``token`` -> ``Authorization: Bearer``, else ``basic_token`` ->
        ``Authorization: Basic``.  ``result``: see :data:`RestResult`.  A GET may be sent again
        after a transient failure; other methods are not (see ``common/retry.py``)."""
        url, headers, body = self._rest_request(url, token, basic_token, json, data, params)
        safe = method in SAFE_METHODS
        until = self._deadline()
        timeout_ms = self._timeout_ms
        debug = debug_enabled()
        attempt = 0
        while True:
            if self.closed:
                raise self._refuse(f"{method} {url}")
            try:
                response = await self.session.request(method, url, headers, body,
                                                      timeout_ms=timeout_ms, idempotent=safe)
            except _core.CoreError as e:
                if self.closed:
                    raise self._refuse(f"{method} {url}") from e
                wait = self._retry_wait(e, None, attempt, safe, until)
                if wait is None:
                    if debug:
                        log_failure(method, url, self._started(until), attempt, e)
                    raise translate_core_error(e, method, self._timeout_ms) from e
            else:
                wait = self._retry_wait(None, response, attempt, safe, until)
                if wait is None:
                    answered()
                    if debug:
                        log_call(method, url, self._started(until), attempt, response.status,
                                 response.headers.get(REQUEST_ID_HEADER))
                    return self._rest_result(response, url, result)
            attempt += 1
            await async_sleep(wait)
            timeout_ms = remaining_ms(until)
