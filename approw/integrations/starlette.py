"""Approw for Starlette and FastAPI applications (asyncio): bearer-token authentication, the
permission and role checks, the error answers, and the async clients bound to the lifespan::

    from approw.integrations.core import ApprowSettings
    from approw.integrations.starlette import Approw

    approw = Approw(ApprowSettings(host=..., app_id=..., user_pool_id=..., secret=...))
    app = Starlette(routes=[...], lifespan=approw.lifespan)
    approw.install(app)                      # SDK errors -> 401 / 403 / 503 ...

    async def me(request):
        user = await approw.user(request)     # the Principal, or 401
        ...

With FastAPI the same methods are dependencies (:mod:`approw.integrations.fastapi`).  The
principal of a request is kept in ``request.state.approw_user``.
"""
import contextlib
from typing import Any, AsyncIterator, Awaitable, Callable, Optional

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response

from approw.v2.exceptions import ApprowException

from .core import ApprowSettings, AsyncGuard, Principal, error_response

__all__ = ["Approw", "Principal", "ApprowSettings"]

Dependency = Callable[[Request], Awaitable[Principal]]


class Approw:
    """The integration of one application (see the module docstring).  ``guard``: the
    :class:`~approw.integrations.core.AsyncGuard` (``guard.invalidate(user_id)`` after
    changing a user's permissions); ``management``: the ``AsyncManagementClient``.

    Args:
        settings: where the service is and what to accept.
        guard: a guard to share (default: one made from ``settings``).

    Raises:
        ApprowWrongArgumentException: ``settings`` is not an ``ApprowSettings`` (when no
            ``guard`` is given).
    """

    def __init__(self, settings: ApprowSettings, guard: Optional[AsyncGuard] = None) -> None:
        self.settings = settings
        self.guard = guard or AsyncGuard(settings)

    @property
    def management(self) -> Any:
        """The ``AsyncManagementClient`` of the pool (needs ``user_pool_id`` and ``secret``)."""
        return self.guard.management

    def authentication(self, token: Optional[str] = None) -> Any:
        """A new end-user client for coroutines, for this request.

        Args:
            token: a user's token for the client to act with.

        Returns:
            An ``AsyncAuthenticationClient``.

        Raises:
            ApprowWrongArgumentException: the settings make no valid client options.
        """
        return self.guard.authentication(token)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[None]:
        """The application's lifespan: the clients and the cached answers live from startup
        to shutdown.

        Args:
            app: the application (``Starlette(lifespan=approw.lifespan)``,
                ``FastAPI(lifespan=approw.lifespan)``).

        Returns:
            An async context manager; leaving it closes the guard.

        Raises:
            ApprowException: never.
        """
        try:
            yield
        finally:
            self.guard.close()

    def install(self, app: Any) -> None:
        """Answer the SDK's errors raised by routes and dependencies (``ApprowException``)
        with :func:`~approw.integrations.core.error_response`.

        Args:
            app: the Starlette or FastAPI application.

        Raises:
            ApprowException: never.
        """
        app.add_exception_handler(ApprowException, self.exception_handler)

    async def exception_handler(self, request: Request, exc: Exception) -> Response:
        """The HTTP answer for an SDK error (401 / 403 with ``WWW-Authenticate``, 503 with
        ``Retry-After`` when known, ...).

        Args:
            request: the request.
            exc: what the route or dependency raised.

        Returns:
            A ``JSONResponse`` with the status, headers and body of
            :func:`~approw.integrations.core.error_response`.

        Raises:
            Exception: ``exc`` again when it is not an ``ApprowException``.
        """
        if not isinstance(exc, ApprowException):
            raise exc
        status, headers, body = error_response(exc, self.settings.realm)
        return JSONResponse(body, status_code=status, headers=headers)

    async def user(self, request: HTTPConnection) -> Principal:
        """The principal of the request's bearer token (verified once per request); a
        dependency.

        Args:
            request: the request (or WebSocket connection).

        Returns:
            The :class:`~approw.integrations.core.Principal`, also kept as
            ``request.state.approw_user``.

        Raises:
            ApprowTokenError: no bearer token (2020) or it is refused (2206, 2207); answered
                401 once :meth:`install` ran.
            ApprowTransportError: the provider's keys could not be fetched (503).
        """
        found = getattr(request.state, "approw_user", None)
        if isinstance(found, Principal):
            return found
        principal = await self.guard.authenticate(request.headers.get("authorization"))
        request.state.approw_user = principal
        return principal

    async def optional_user(self, request: HTTPConnection) -> Optional[Principal]:
        """The principal when the request carries a bearer token, else ``None``; a
        dependency.

        Args:
            request: the request (or WebSocket connection).

        Returns:
            The principal, or ``None`` without an ``Authorization`` header.

        Raises:
            ApprowTokenError: a token is sent but refused (401).
            ApprowTransportError: the provider's keys could not be fetched (503).
        """
        if not request.headers.get("authorization"):
            return None
        return await self.user(request)

    def require_permission(self, resource: str, action: str, namespace: Optional[str] = None) -> Dependency:
        """A dependency: the principal, when it may perform an action on a resource.

        Args:
            resource: the resource's code.
            action: the action, e.g. ``books:read``.
            namespace: the permission group's code; default the pool's default one.

        Returns:
            The dependency (an async function of the request).

        Raises:
            PermissionDeniedError: from the dependency, when it is not allowed (answered
                403, ``insufficient_scope``); :class:`ApprowTokenError` without a valid
                token (401).
        """
        async def dependency(request: Request) -> Principal:
            principal = await self.user(request)
            await self.guard.require_permission(principal, resource, action, namespace)
            return principal
        return dependency

    def require_role(self, code: str, namespace: Optional[str] = None) -> Dependency:
        """A dependency: the principal, when it has a role.

        Args:
            code: the role's code.
            namespace: the permission group's code; default all.

        Returns:
            The dependency (an async function of the request).

        Raises:
            PermissionDeniedError: from the dependency, when the principal lacks it
                (answered 403); :class:`ApprowTokenError` without a valid token (401).
        """
        async def dependency(request: Request) -> Principal:
            principal = await self.user(request)
            await self.guard.require_role(principal, code, namespace)
            return principal
        return dependency
