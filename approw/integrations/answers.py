"""Errors as HTTP answers: what every web-framework integration sends when the SDK raises.

:func:`error_response` turns any ``ApprowException`` into ``(status, headers, body)``: 401 with
``WWW-Authenticate: Bearer error="invalid_token"`` for a missing or refused token, 403
``insufficient_scope`` for a denied permission, 503 (with ``Retry-After`` when the service sent
one) when the service cannot be reached, 409 for an existing user, 400 otherwise.
"""
from typing import Any, Dict, Optional, Tuple, Union

from approw.v2.exceptions import (ApprowException, ApprowTransportError, PermissionDeniedError,
                                  RateLimitedError, TokenInvalidError, UserExistsError)

__all__ = ["HttpAnswer", "error_response"]

#: ``(status, headers, JSON body)`` of an error answer.
HttpAnswer = Tuple[int, Dict[str, str], Dict[str, Any]]


def _quoted(text: str) -> str:
    return '"%s"' % "".join(c for c in text if c >= " " and c not in '"\\\x7f')[:200]


def _retry_after(error: BaseException) -> Optional[str]:
    """The service's ``Retry-After``, when an error in the chain carries it."""
    seen: Optional[BaseException] = error
    for _ in range(4):
        if seen is None:
            break
        value = getattr(seen, "retry_after", None)
        if isinstance(value, (str, int)) and str(value).strip():
            return str(value).strip()
        seen = seen.__cause__
    return None


def error_response(error: ApprowException, realm: str = "approw") -> HttpAnswer:
    """The HTTP answer for an SDK error (RFC 6750 for token and permission errors).

    401 for a missing or refused token (``TokenInvalidError``), 403 for a denied permission
    (``PermissionDeniedError``), 503 with the service's ``Retry-After`` when the service
    cannot be reached or rate-limits (``ApprowTransportError``, ``RateLimitedError``), 409
    for an existing user (``UserExistsError``), 400 otherwise.

    Args:
        error: the exception.
        realm: the realm named in ``WWW-Authenticate``.

    Returns:
        ``(status, headers, body)``, the body being
        ``{"error": ..., "error_description": ..., "code": <service code>}``.

    Raises:
        ApprowException: never; every error gets an answer.
    """
    description = str(error.message if error.message is not None else error)
    code: Union[int, str, None] = error.code if isinstance(error.code, (int, str)) else None
    challenge = "Bearer realm=%s" % _quoted(realm)
    if isinstance(error, TokenInvalidError):
        if getattr(error, "reason", None) == "missing":
            return 401, {"WWW-Authenticate": challenge}, {"error": "unauthorized", "error_description": description}
        return 401, {"WWW-Authenticate": "%s, error=\"invalid_token\", error_description=%s" % (
            challenge, _quoted(description))}, {"error": "invalid_token", "error_description": description,
                                                "code": code}
    if isinstance(error, PermissionDeniedError):
        return 403, {"WWW-Authenticate": "%s, error=\"insufficient_scope\", error_description=%s" % (
            challenge, _quoted(description))}, {"error": "insufficient_scope", "error_description": description,
                                                "code": code}
    if isinstance(error, (ApprowTransportError, RateLimitedError)):
        headers = {}
        retry = _retry_after(error)
        if retry is not None:
            headers["Retry-After"] = retry
        return 503, headers, {"error": "service_unavailable",
                              "error_description": "the identity service is unavailable: %s" % description}
    if isinstance(error, UserExistsError):
        return 409, {}, {"error": "conflict", "error_description": description, "code": code}
    return 400, {}, {"error": "invalid_request", "error_description": description, "code": code}

