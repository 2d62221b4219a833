"""Approw for Django REST framework: an authentication class and permission classes::

    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["approw.integrations.drf.ApprowAuthentication"],
        "EXCEPTION_HANDLER": "approw.integrations.drf.exception_handler",   # optional
    }

    class UserList(APIView):
        permission_classes = [IsAuthenticated, HasRole("admin")]

``ApprowAuthentication`` verifies the bearer token (as :mod:`approw.integrations.django`;
``settings.APPROW`` configures both) and makes ``request.user`` the
:class:`~approw.integrations.core.Principal` (``request.auth`` the token); a request without
a token is anonymous.  ``HasPermission(resource, action, namespace=None)`` and
``HasRole(code)`` make permission classes.  A refused token is answered 401 with
``WWW-Authenticate: Bearer error="invalid_token"``, a denied check 403, an unreachable
service 503; ``exception_handler`` answers the SDK errors raised by views the same way.
"""
from typing import Any, Callable, Dict, Optional, Tuple, Type

from rest_framework import exceptions  # type: ignore[import-untyped]
from rest_framework.authentication import BaseAuthentication  # type: ignore[import-untyped]
from rest_framework.permissions import BasePermission  # type: ignore[import-untyped]

from approw.v2.exceptions import ApprowException

from .core import Principal, error_response
from .django import get_guard, principal

__all__ = ["ApprowAuthentication", "HasPermission", "HasRole", "ApprowAPIError", "exception_handler"]


class ApprowAPIError(exceptions.APIException):  # type: ignore[misc]
    """An SDK error as DRF answers it (status, ``WWW-Authenticate``, ``Retry-After``, body)."""

    def __init__(self, error: ApprowException) -> None:
        status, headers, body = error_response(error, get_guard().settings.realm)
        super().__init__()
        self.status_code = status
        self.detail = body
        self.auth_header = headers.get("WWW-Authenticate")
        retry = headers.get("Retry-After", "")
        self.wait = int(retry) if retry.isdigit() else None


class ApprowAuthentication(BaseAuthentication):  # type: ignore[misc]
    """``request.user``: the principal of the bearer token (see the module docstring)."""

    def authenticate(self, request: Any) -> Optional[Tuple[Principal, str]]:
        """Authenticate a request by its bearer token (DRF's authentication hook).

        Args:
            request: the DRF request.

        Returns:
            ``(principal, token)`` for a valid bearer token; ``None`` for a request without
            an ``Authorization`` header (another authentication class may answer).

        Raises:
            ApprowAPIError: the token is refused (401) or the provider's keys cannot be
                fetched (503).
        """
        if not request.META.get("HTTP_AUTHORIZATION"):
            return None
        try:
            user = principal(request._request)
        except ApprowException as e:
            raise ApprowAPIError(e) from e
        return user, user.token

    def authenticate_header(self, request: Any) -> str:
        """The ``WWW-Authenticate`` value of DRF's 401 answers.

        Args:
            request: the DRF request.

        Returns:
            ``Bearer realm="<realm>"``.

        Raises:
            ApprowWrongArgumentException: ``settings.APPROW`` is missing or invalid.
        """
        return 'Bearer realm="%s"' % get_guard().settings.realm


class _Check(BasePermission):  # type: ignore[misc]
    """A permission class whose ``rule`` raises ``PermissionDeniedError`` to refuse."""

    rule: Callable[[Principal], None]

    def has_permission(self, request: Any, view: Any) -> bool:
        """Whether the request's user passes the rule (DRF's permission hook).

        Args:
            request: the DRF request.
            view: the view (unused).

        Returns:
            ``True`` when the rule passes.

        Raises:
            rest_framework.exceptions.NotAuthenticated: the request has no authenticated
                principal (401).
            ApprowAPIError: the rule refused (403) or the service could not answer (503).
        """
        user = request.user
        if not isinstance(user, Principal):
            raise exceptions.NotAuthenticated()
        try:
            type(self).rule(user)
        except ApprowException as e:
            raise ApprowAPIError(e) from e
        return True


def HasPermission(resource: str, action: str, namespace: Optional[str] = None) -> Type[BasePermission]:  # noqa: N802
    """A permission class: the user may perform an action on a resource.

    Args:
        resource: the resource's code.
        action: the action, e.g. ``books:read``.
        namespace: the permission group's code; default the pool's default one.

    Returns:
        The class, for ``permission_classes``; its check answers 401 without a user and
        403 (``insufficient_scope``) when it is not allowed.

    Raises:
        ApprowException: never here; the check's refusals are DRF answers.
    """
    def rule(user: Principal) -> None:
        get_guard().require_permission(user, resource, action, namespace)
    return type("HasPermission", (_Check,), {"rule": staticmethod(rule)})


def HasRole(code: str, namespace: Optional[str] = None) -> Type[BasePermission]:  # noqa: N802
    """A permission class: the user has a role.

    Args:
        code: the role's code.
        namespace: the permission group's code; default all.

    Returns:
        The class, for ``permission_classes``; its check answers 401 without a user and
        403 (``insufficient_scope``) without the role.

    Raises:
        ApprowException: never here; the check's refusals are DRF answers.
    """
    def rule(user: Principal) -> None:
        get_guard().require_role(user, code, namespace)
    return type("HasRole", (_Check,), {"rule": staticmethod(rule)})


def exception_handler(exc: Exception, context: Dict[str, Any]) -> Any:
    """DRF's exception handler, answering the SDK's errors too (set it as
    ``EXCEPTION_HANDLER``).

    Args:
        exc: what the view raised.
        context: DRF's context of the view.

    Returns:
        DRF's ``Response`` for it (an ``ApprowException`` as :class:`ApprowAPIError`
        answers it), or ``None`` for an exception DRF does not handle.

    Raises:
        ApprowException: never.
    """
    # imported here: rest_framework.views imports the authentication classes of the settings
    from rest_framework.views import exception_handler as drf_exception_handler  # type: ignore[import-untyped]

    if isinstance(exc, ApprowException):
        exc = ApprowAPIError(exc)
    return drf_exception_handler(exc, context)
