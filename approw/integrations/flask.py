"""Approw for Flask applications::

    from flask import Flask, g
    from approw.integrations.flask import Approw, login_required, permission_required

    app = Flask(__name__)
    app.config["APPROW"] = {"HOST": "https://YOUR_APP.approw.com", "APP_ID": "...",
                            "USER_POOL_ID": "...", "SECRET": "..."}
    approw = Approw(app)                     # or Approw() ... approw.init_app(app)

    @app.get("/me")
    @login_required
    def me():
        return {"id": g.approw_user.user_id}

    @app.get("/books")
    @permission_required("books:*", "books:read")
    def books(): ...

``login_required`` verifies the request's bearer token locally and stores the
:class:`~approw.integrations.core.Principal` in ``g.approw_user``;
``permission_required(resource, action, namespace=None)`` and ``role_required(code)`` also
check it (403 when the check fails).  The extension answers the SDK's errors raised by views
(401 with ``WWW-Authenticate: Bearer error="invalid_token"``, 403 ``insufficient_scope``, 503
with ``Retry-After`` when known, ...).
"""
import functools
from typing import Any, Callable, Optional, Tuple, TypeVar, cast

from flask import Flask, Response, current_app, g, jsonify, request

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException

from .core import ApprowSettings, Guard, Principal, error_response

__all__ = ["Approw", "ApprowSettings", "Principal", "login_required", "permission_required", "role_required",
           "current_user"]

F = TypeVar("F", bound=Callable[..., Any])


class Approw:
    """The Flask extension: ``Approw(app)``, or ``Approw()`` then :meth:`init_app` (an
    application factory).

    ``guard`` (:class:`~approw.integrations.core.Guard`: ``guard.invalidate(user_id)`` after
    changing a user's permissions); ``management``: the ``ManagementClient``.

    Args:
        app: the Flask application to set up now.
        settings: the settings; default ``app.config["APPROW"]``.

    Raises:
        ApprowWrongArgumentException: as :meth:`init_app`, when ``app`` is given.
    """

    def __init__(self, app: Optional[Flask] = None, settings: Optional[ApprowSettings] = None) -> None:
        self._settings = settings
        self._guard: Optional[Guard] = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Set up an application: its guard, and its error handler for the SDK's errors.

        Args:
            app: the Flask application.

        Raises:
            ApprowWrongArgumentException: no ``settings`` were given and
                ``app.config["APPROW"]`` is missing, not a dict or invalid.
        """
        if self._settings is None:
            config = app.config.get("APPROW")
            if not isinstance(config, dict):
                raise ApprowWrongArgumentException(
                    'set app.config["APPROW"] = {"HOST": ..., "APP_ID": ...} or pass settings=ApprowSettings(...)')
            self._settings = ApprowSettings.from_mapping(config)
        self._guard = Guard(self._settings)
        app.extensions["approw"] = self
        app.register_error_handler(ApprowException, self.error_handler)

    @property
    def guard(self) -> Guard:
        """The :class:`~approw.integrations.core.Guard` (``ApprowWrongArgumentException``
        before :meth:`init_app`)."""
        if self._guard is None:
            raise ApprowWrongArgumentException("Approw.init_app(app) has not been called")
        return self._guard

    @property
    def settings(self) -> ApprowSettings:
        """The :class:`~approw.integrations.config.ApprowSettings` in use."""
        return self.guard.settings

    @property
    def management(self) -> Any:
        """The ``ManagementClient`` of the pool (needs ``USER_POOL_ID`` and ``SECRET``)."""
        return self.guard.management

    def authentication(self, token: Optional[str] = None) -> Any:
        """A new end-user client for this request.

        Args:
            token: a user's token for the client to act with.

        Returns:
            An ``AuthenticationClient``.

        Raises:
            ApprowWrongArgumentException: :meth:`init_app` has not been called.
        """
        return self.guard.authentication(token)

    def error_handler(self, error: ApprowException) -> Tuple[Response, int, Any]:
        """Flask's handler of the SDK's errors (registered by :meth:`init_app`).

        Args:
            error: the exception a view raised.

        Returns:
            ``(JSON body, status, headers)`` of
            :func:`~approw.integrations.core.error_response`.

        Raises:
            ApprowException: never; every error gets an answer.
        """
        status, headers, body = error_response(error, self.settings.realm)
        return jsonify(body), status, headers

    def user(self) -> Principal:
        """The principal of the current request's bearer token (verified once per request).

        Returns:
            The :class:`~approw.integrations.core.Principal`, also kept as
            ``g.approw_user``.

        Raises:
            ApprowTokenError: no bearer token (2020) or it is refused (2206, 2207); the
                error handler answers 401.
            ApprowTransportError: the provider's keys could not be fetched (503).
        """
        found = g.get("approw_user")
        if isinstance(found, Principal):
            return found
        principal = self.guard.authenticate(request.headers.get("Authorization"))
        g.approw_user = principal
        return principal


def _extension() -> Approw:
    found = current_app.extensions.get("approw")
    if not isinstance(found, Approw):
        raise ApprowWrongArgumentException("the application has no Approw extension: call Approw(app)")
    return found


def current_user() -> Principal:
    """The principal of the current request.

    Returns:
        The :class:`~approw.integrations.core.Principal`.

    Raises:
        ApprowTokenError: the request has no valid bearer token (answered 401).
        ApprowWrongArgumentException: the application has no ``Approw`` extension.
    """
    return _extension().user()


def login_required(view: F) -> F:
    """Let the view run only for a valid bearer token (``g.approw_user``).

    Args:
        view: the view function.

    Returns:
        The guarded view.

    Raises:
        ApprowTokenError: from the guarded view, for a missing or refused token: the
            extension's error handler answers 401.
    """
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _extension().user()
        return view(*args, **kwargs)
    return cast(F, wrapper)


def permission_required(resource: str, action: str, namespace: Optional[str] = None) -> Callable[[F], F]:
    """Let the view run only when the user may perform an action on a resource.

    Args:
        resource: the resource's code.
        action: the action, e.g. ``books:read``.
        namespace: the permission group's code; default the pool's default one.

    Returns:
        The decorator.

    Raises:
        PermissionDeniedError: from the guarded view, when it is not allowed (answered
            403); :class:`ApprowTokenError` without a valid token (401).
    """
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            approw = _extension()
            approw.guard.require_permission(approw.user(), resource, action, namespace)
            return view(*args, **kwargs)
        return cast(F, wrapper)
    return decorate


def role_required(code: str, namespace: Optional[str] = None) -> Callable[[F], F]:
    """Let the view run only when the user has a role.

    Args:
        code: the role's code.
        namespace: the permission group's code; default all.

    Returns:
        The decorator.

    Raises:
        PermissionDeniedError: from the guarded view, when the user lacks it (answered
            403); :class:`ApprowTokenError` without a valid token (401).
    """
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            approw = _extension()
            approw.guard.require_role(approw.user(), code, namespace)
            return view(*args, **kwargs)
        return cast(F, wrapper)
    return decorate
