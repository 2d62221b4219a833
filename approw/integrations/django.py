"""Approw for Django projects::

    # settings.py
    APPROW = {"HOST": "https://YOUR_APP.approw.com", "APP_ID": "...",
              "USER_POOL_ID": "...", "SECRET": "..."}          # ApprowSettings fields, upper case
    MIDDLEWARE = [..., "approw.integrations.django.ApprowMiddleware"]

    # views.py
    from approw.integrations.django import login_required, permission_required

    @login_required
    def me(request):
        return JsonResponse({"id": request.approw_user.user_id})

    @permission_required("books:*", "books:read")
    def books(request): ...

The middleware sets ``request.approw_user``: the
:class:`~approw.integrations.core.Principal` of the request's bearer token (verified
locally), or ``None`` without one; a refused token is answered only where a view requires a
user.  ``login_required``, ``permission_required(resource, action, namespace=None)`` and
``role_required(code)`` work with or without the middleware, and answer 401 (``WWW-Authenticate:
Bearer error="invalid_token"``), 403 (``insufficient_scope``) or 503 (``Retry-After`` when
known); the middleware answers the same way for the SDK errors views raise.  Django REST
framework: :mod:`approw.integrations.drf`.
"""
import functools
import threading
from typing import Any, Callable, Optional, TypeVar, cast

from django.conf import settings as django_settings  # type: ignore[import-untyped]
from django.core.signals import setting_changed  # type: ignore[import-untyped]
from django.http import HttpRequest, HttpResponse, JsonResponse  # type: ignore[import-untyped]

from approw.v2.exceptions import ApprowException, ApprowWrongArgumentException

from .core import ApprowSettings, Guard, Principal, error_response

__all__ = ["ApprowMiddleware", "get_guard", "principal", "error_json_response", "login_required",
           "permission_required", "role_required", "Principal"]

F = TypeVar("F", bound=Callable[..., Any])
_guard: Optional[Guard] = None
_lock = threading.Lock()


def get_guard() -> Guard:
    """The guard of ``settings.APPROW``: one per process, made again when the setting
    changes (e.g. under ``override_settings``).

    ``get_guard().invalidate(user_id)`` after changing a user's permissions,
    ``get_guard().management`` for the ``ManagementClient``.

    Returns:
        The :class:`~approw.integrations.core.Guard`.

    Raises:
        ApprowWrongArgumentException: ``settings.APPROW`` is missing or not a dict, or
            :meth:`~approw.integrations.config.ApprowSettings.from_mapping` refuses it.
    """
    global _guard
    found = _guard
    if found is None:
        with _lock:
            found = _guard
            if found is None:
                config = getattr(django_settings, "APPROW", None)
                if not isinstance(config, dict):
                    raise ApprowWrongArgumentException(
                        'set APPROW = {"HOST": ..., "APP_ID": ...} in the Django settings')
                found = _guard = Guard(ApprowSettings.from_mapping(config))
    return found


def _reset(setting: str = "", **kwargs: Any) -> None:
    global _guard
    if setting == "APPROW":
        _guard = None


setting_changed.connect(_reset)


def error_json_response(error: ApprowException) -> HttpResponse:
    """The HTTP answer for an SDK error.

    Args:
        error: the exception.

    Returns:
        A ``JsonResponse`` with the status, headers and body of
        :func:`~approw.integrations.core.error_response`.

    Raises:
        ApprowException: never; every error gets an answer.
    """
    guard = _guard
    status, headers, body = error_response(error, guard.settings.realm if guard else "approw")
    response = JsonResponse(body, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def principal(request: HttpRequest) -> Principal:
    """The principal of the request's bearer token (verified once per request).

    Args:
        request: the Django request.

    Returns:
        The :class:`~approw.integrations.core.Principal`.

    Raises:
        ApprowTokenError: the request has no bearer token (2020) or it is refused (2206,
            2207).
        ApprowWrongArgumentException: ``settings.APPROW`` is missing or invalid.
        ApprowTransportError: the provider's keys could not be fetched.
    """
    found = getattr(request, "approw_user", None)
    if isinstance(found, Principal):
        return found
    error = getattr(request, "approw_error", None)
    if isinstance(error, ApprowException):
        raise error
    user = get_guard().authenticate(request.headers.get("Authorization"))
    request.approw_user = user
    return user


class ApprowMiddleware:
    """Sets ``request.approw_user`` (see the module docstring) and answers the SDK errors
    that views raise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.approw_user = None
        if request.headers.get("Authorization"):
            try:
                request.approw_user = get_guard().authenticate(request.headers.get("Authorization"))
            except ApprowException as e:       # answered where a view requires a user
                request.approw_error = e
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Optional[HttpResponse]:
        """Answer an SDK error a view raised (Django's middleware hook).

        Args:
            request: the Django request.
            exception: what the view raised.

        Returns:
            :func:`error_json_response` of an ``ApprowException``; ``None`` for anything
            else (Django handles it).

        Raises:
            ApprowException: never.
        """
        if isinstance(exception, ApprowException):
            return error_json_response(exception)
        return None


def _guarded(check: Callable[[Guard, Principal], None]) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                check(get_guard(), principal(request))
            except ApprowException as e:
                return error_json_response(e)
            return view(request, *args, **kwargs)
        return cast(F, wrapper)
    return decorate


def login_required(view: F) -> F:
    """Let the view run only for a valid bearer token (``request.approw_user``).

    Args:
        view: the view function.

    Returns:
        The guarded view.  A refused request gets the answer of
        :func:`error_json_response` (401, or 503 when the keys cannot be fetched).

    Raises:
        ApprowException: never to Django: refusals are answered, not raised.
    """
    return _guarded(lambda guard, user: None)(view)


def permission_required(resource: str, action: str, namespace: Optional[str] = None) -> Callable[[F], F]:
    """Let the view run only when the user may perform an action on a resource.

    Args:
        resource: the resource's code.
        action: the action, e.g. ``books:read``.
        namespace: the permission group's code; default the pool's default one.

    Returns:
        The decorator; a refused request gets 401, 403 (``insufficient_scope``) or 503.

    Raises:
        ApprowException: never to Django: refusals are answered, not raised.
    """
    return _guarded(lambda guard, user: guard.require_permission(user, resource, action, namespace))


def role_required(code: str, namespace: Optional[str] = None) -> Callable[[F], F]:
    """Let the view run only when the user has a role.

    Args:
        code: the role's code.
        namespace: the permission group's code; default all.

    Returns:
        The decorator; a refused request gets 401, 403 (``insufficient_scope``) or 503.

    Raises:
        ApprowException: never to Django: refusals are answered, not raised.
    """
    return _guarded(lambda guard, user: guard.require_role(user, code, namespace))
