"""Exceptions raised by ``approw.v2``.

* :class:`ApprowException` -- the server refused a request (GraphQL error, REST envelope with a
  code other than 200), raised by the default ``on_error``; also the base of the transport
  errors below, so ``except ApprowException`` keeps catching everything a request can raise.
* :class:`ApprowWrongArgumentException` -- the SDK rejected an argument before any request; also
  a ``ValueError``.  :class:`ApprowArgumentTypeError`, its subclass for an argument of the wrong
  type, is also a ``TypeError``.  Both are ``ApprowException``s (``code`` is ``None``: no server
  was asked), so ``except ApprowException`` catches every error the SDK raises.
* Transport failures are translated by the executor (one place) from ``approw._core``'s errors.
  They are ``ApprowException`` subclasses that are also the matching built-in exception:

  ================================  =====================  ====================================
  class                             also an instance of    ``code``
  ================================  =====================  ====================================
  ``ApprowTransportError``          --                     ``"transport"``
  ``ApprowTimeoutError``            ``TimeoutError``       ``"timeout"``
  ``ApprowConnectionError``         ``ConnectionError``    ``"connection"``
  ``ApprowTLSError``                ``ConnectionError``    ``"tls"``
  ``ApprowAmbiguousRequestError``   ``ConnectionError``    ``"ambiguous"``: sent, not answered,
                                                           not resent
  ``ApprowResponseTooLargeError``   --                     ``"too_large"``: over
                                                           ``max_response_bytes``
  ``ApprowHTTPError``               --                     the HTTP status
  ================================  =====================  ====================================

* For the service's codes that programs commonly branch on, the raised exception is a
  subclass of ``ApprowException`` (``e.code`` stays the service's code), built by
  :func:`from_code`:

  ==============================  ===========================================================
  class                           codes
  ==============================  ===========================================================
  ``NotFoundError``               404 a role, group, policy, ... does not exist; 2011, 2221,
                                  2224, 3623, 4212, 5001, 7348 (an application, the pool, ...)
  ``UserNotFoundError``           2004 user does not exist (a ``NotFoundError``)
  ``VerificationCodeError``       2001 wrong verification code, 2300 it has expired
  ``WrongPasswordError``          2006 incorrect password, 2203 the original password is wrong
  ``AlreadyExistsError``          2026 a role, group, policy, ... already exists; 2008, 2039,
                                  2220, 3620, 3829
  ``UserExistsError``             2026 from an operation on users: the user already exists
  ``TokenInvalidError``           2020 not logged in, 2206 login expired, 2207 login invalid
  ``PermissionDeniedError``       1001 no permission, 2018 no permission to modify
  ``RateLimitedError``            2100 too frequent
  ``MfaRequiredError``            1635 a second factor is needed: ``e.data["mfaToken"]``
  ==============================  ===========================================================

* :class:`ApprowTokenError` -- a token failed local verification (``verify_token``,
  ``TokenVerifier``): a ``TokenInvalidError`` (and a ``ValueError``) with ``code`` 2206 when it
  has expired, 2207 otherwise, and ``reason`` naming the check.

All of them pickle and unpickle with their attributes (Celery ships exceptions between
processes): ``args`` is ``(code, errmsg)`` and the optional attributes live in ``__dict__``.
"""
from __future__ import annotations

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Tuple, Type

__all__ = [
    "ApprowException",
    "approwException",
    "ApprowWrongArgumentException",
    "ApprowArgumentTypeError",
    "ApprowTransportError",
    "ApprowTimeoutError",
    "ApprowConnectionError",
    "ApprowTLSError",
    "ApprowAmbiguousRequestError",
    "ApprowResponseTooLargeError",
    "ApprowHTTPError",
    "ApprowClientClosedError",
    "NotFoundError",
    "UserNotFoundError",
    "VerificationCodeError",
    "WrongPasswordError",
    "AlreadyExistsError",
    "UserExistsError",
    "TokenInvalidError",
    "PermissionDeniedError",
    "RateLimitedError",
    "MfaRequiredError",
    "from_code",
    "ApprowTokenError",
]


class ApprowException(Exception):
    """An error reported by the Approw server (or a transport failure, see the subclasses).

    Raised as is for a service code no subclass stands for (e.g. 2005 the account is locked,
    2031 registration disabled, 2231 invalid parameters, 3003 namespace not found);
    :func:`from_code` picks the subclass for the others.
    ``code`` is the Approw error code (e.g. 2004 "user does not exist"), ``message`` its text.
    Optional keyword-only attributes: ``http_status`` (HTTP status of the answer, when known),
    ``request_id`` (server request id, when sent) and ``data`` (the error's ``data`` payload,
    e.g. the ``mfaToken`` a login that needs a second factor carries).
    """

    code: Any
    message: Any
    #: The service codes this class stands for (subclasses for common codes; see
    #: :func:`from_code`).
    codes: Tuple[int, ...] = ()

    def __init__(
        self,
        code: Any = None,
        errmsg: Any = None,
        *,
        http_status: Optional[int] = None,
        request_id: Optional[str] = None,
        data: Any = None,
    ) -> None:
        super().__init__(code, errmsg)
        self.code = code
        self.message = errmsg
        self.http_status = http_status
        self.request_id = request_id
        self.data = data

    def __str__(self) -> str:
        return f"Approw Request Error: {self.code} {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, errmsg={self.message!r})"


#: The lower-case spelling the Approw documentation uses (``from approw.v2.exceptions import
#: approwException``).
approwException = ApprowException


class ApprowWrongArgumentException(ApprowException, ValueError):
    """An argument was rejected locally, before any request was sent (no service code:
    ``code`` is ``None``).  ``message`` says which and why; also a ``ValueError``."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self.code = None
        self.message = message
        self.http_status = None
        self.request_id = None
        self.data = None

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ApprowArgumentTypeError(ApprowWrongArgumentException, TypeError):
    """An argument has the wrong type (e.g. an ``int`` where an ID string is expected); also
    a ``TypeError``, ``code`` ``None``."""


class ApprowTransportError(ApprowException):
    """The HTTP exchange failed (no usable answer from the server); no service code.
    ``code`` names the kind of failure (``"transport"`` for this class itself, the
    subclasses' in their docstrings); the message names the operation, the URL and the time
    budget, and says what to do."""

    def __str__(self) -> str:
        if isinstance(self.code, str):
            return f"Approw Request Error ({self.code}): {self.message}"
        return super().__str__()


class ApprowTimeoutError(ApprowTransportError, TimeoutError):
    """The request (or the connection attempt) timed out (``code`` ``"timeout"``); also a
    ``TimeoutError``."""


class ApprowConnectionError(ApprowTransportError, ConnectionError):
    """Could not connect or resolve the host, or the connection broke (``code``
    ``"connection"``); also a ``ConnectionError``."""


class ApprowTLSError(ApprowConnectionError):
    """TLS handshake or certificate verification failed (``code`` ``"tls"``)."""


class ApprowAmbiguousRequestError(ApprowConnectionError):
    """The connection closed after the request was sent and before its answer came (``code``
    ``"ambiguous"``).  The SDK did not send it again: the service may have applied it (check
    before repeating a change)."""


class ApprowResponseTooLargeError(ApprowTransportError):
    """The answer was larger than ``options.max_response_bytes`` (``code`` ``"too_large"``)."""


class ApprowHTTPError(ApprowTransportError):
    """The server answered, but not with the JSON the SDK expects (e.g. an HTML error page,
    a 404 for a wrong host); ``code`` is the HTTP status (500 when the status itself was a
    success), not a service code."""


class ApprowClientClosedError(ApprowException, RuntimeError):
    """The client was closed (``close()``, ``aclose()`` or the end of its ``with`` /
    ``async with`` block): it sends nothing more.  ``code`` is ``"closed"`` (no service code);
    make a new client.  Also a ``RuntimeError``."""


# --------------------------------------------------------------------------- service codes
class NotFoundError(ApprowException):
    """What the call names does not exist: an application (2011, 2221), the user pool (2224),
    a collaboration (3623), an OIDC or SAML application (4212, 7348), an order (5001), a role,
    group, policy, resource or department (404); a user: the subclass
    :class:`UserNotFoundError`."""

    codes: Tuple[int, ...] = (404, 2011, 2221, 2224, 3623, 4212, 5001, 7348)


class UserNotFoundError(NotFoundError):
    """The user does not exist (2004)."""

    codes = (2004,)


class VerificationCodeError(ApprowException):
    """The verification code sent by SMS or e-mail is wrong or used (2001) or has expired
    (2300): ask for a new one."""

    codes = (2001, 2300)


class WrongPasswordError(ApprowException):
    """The password (or the original password, when changing it) is wrong (2006, 2203)."""

    codes = (2006, 2203)


class AlreadyExistsError(ApprowException):
    """Something with this code or name already exists: a role, group, policy, namespace,
    resource, department or application (2026 for any of them, 2008, 2039, 2220, 3620, 3829),
    or a user (then the subclass :class:`UserExistsError`)."""

    codes: Tuple[int, ...] = (2008, 2039, 2220, 3620, 3829)


class UserExistsError(AlreadyExistsError):
    """A user with this username, email or phone already exists (2026 from an operation on
    users: create, update, register, bind a phone or e-mail)."""

    codes = (2026,)


class TokenInvalidError(ApprowException):
    """Not logged in, or the token is invalid or has expired (2020, 2206, 2207)."""

    codes = (2020, 2206, 2207)


class PermissionDeniedError(ApprowException):
    """The token does not allow this operation (1001, 2018)."""

    codes = (1001, 2018)


class RateLimitedError(ApprowException):
    """Too many requests: try again later (2100)."""

    codes = (2100,)


class MfaRequiredError(ApprowException):
    """The login needs a second factor (1635); ``data["mfaToken"]`` authorises the MFA calls
    that complete it."""

    codes = (1635,)


_BY_CODE: Dict[Any, Type[ApprowException]] = {
    code: cls
    for cls in (NotFoundError, UserNotFoundError, VerificationCodeError, WrongPasswordError,
                AlreadyExistsError, UserExistsError, TokenInvalidError, PermissionDeniedError,
                RateLimitedError, MfaRequiredError)
    for code in cls.codes
}

#: Words in an operation name (or REST path) that make a 2026 "already exists" about a user.
_USER_WORDS = ("user", "register", "profile", "email", "phone", "login", "identity", "account")


def from_code(code: Any, errmsg: Any = None, *, http_status: Optional[int] = None,
              request_id: Optional[str] = None, data: Any = None,
              operation: Optional[str] = None) -> ApprowException:
    """The exception for a server error: the subclass for ``code`` when there is one, else
    ``ApprowException``.

    ``operation`` tells what the code is about where the service uses one code for several
    things: 2026 "already exists" is a :class:`UserExistsError` only for an operation on
    users (``createUser``, ``registerByEmail``, ...), an :class:`AlreadyExistsError`
    otherwise (``createRole``).

    Args:
        code: the service's error code (e.g. 2004).
        errmsg: its message.
        http_status: the HTTP status of the answer, when known.
        request_id: the server's request id, when sent.
        data: the error's ``data`` payload (e.g. ``{"mfaToken": ...}``).
        operation: the GraphQL operation name or the REST path of the request.

    Returns:
        The exception, not raised yet.  It is an instance of the class whose ``codes`` hold
        ``code`` (see the table of the module docstring), else an :class:`ApprowException`.

    Raises:
        ApprowException: never; it only builds the exception.
    """
    cls = _BY_CODE.get(code, ApprowException) if isinstance(code, int) else ApprowException
    if cls is UserExistsError and operation is not None:
        name = operation.lower()
        if not any(word in name for word in _USER_WORDS):
            cls = AlreadyExistsError
    return cls(code, errmsg, http_status=http_status, request_id=request_id, data=data)


class ApprowTokenError(TokenInvalidError, ValueError):
    """A token failed local verification.  ``code`` is 2206 when it has expired, 2207 when it
    is invalid otherwise; ``reason`` names the check: ``expired``, ``not_yet_valid``,
    ``issued_in_future``, ``signature``, ``algorithm``, ``malformed``, ``unknown_key``,
    ``audience``, ``issuer``, ``nonce``, ``at_hash``, ``claims`` or ``key``."""

    def __init__(self, code: Any = None, errmsg: Any = None, *, reason: str = "invalid", **kw: Any) -> None:
        super().__init__(code, errmsg, **kw)
        self.reason = reason
