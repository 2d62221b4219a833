"""What every web-framework integration shares: settings, the principal, the guards that
authenticate a request and check its permissions, and the mapping of errors to HTTP answers.

``Guard`` (threads: Flask, Django) and ``AsyncGuard`` (coroutines: FastAPI, Starlette) do the
same three things:

* :meth:`Guard.authenticate` takes the request's ``Authorization`` header, verifies the bearer
  token locally (``TokenVerifier``: signature with the provider's cached keys, issuer,
  audience, expiry; the service is asked only with ``check_revoked``) and returns a
  :class:`Principal`;
* :meth:`Guard.require_permission` / :meth:`Guard.require_role` answer from the token's claims
  when the pool puts ``permissions`` / ``roles`` in its tokens, else from the management API
  through a :class:`~approw.integrations.cache.TTLCache` (``cache_ttl`` seconds, default 30);
* :func:`error_response` turns any ``ApprowException`` into ``(status, headers, body)``: 401
  with ``WWW-Authenticate: Bearer error="invalid_token"`` for a missing or refused token, 403
  ``insufficient_scope`` for a denied permission, 503 (with ``Retry-After`` when the service
  sent one) when the service cannot be reached, 409 for an existing user, 400 otherwise.
"""
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from approw.v2.authentication import AsyncTokenVerifier, AuthenticationClient, TokenVerifier
from approw.v2.exceptions import (ApprowException, ApprowTokenError, ApprowTransportError,
                                  ApprowWrongArgumentException, PermissionDeniedError,
                                  RateLimitedError, TokenInvalidError, UserExistsError)
from approw.v2.management import ManagementClient

from .cache import MISSING, TTLCache
from .settings import ApprowSettings

__all__ = ["ApprowSettings", "Principal", "Guard", "AsyncGuard", "error_response", "bearer_token",
           "HttpAnswer"]

#: ``(status, headers, JSON body)`` of an error answer.
HttpAnswer = Tuple[int, Dict[str, str], Dict[str, Any]]
_NOT_LOGGED_IN = 2020
_NO_PERMISSION = 1001


@dataclass(frozen=True)
class Principal:
    """The user a verified bearer token stands for.

    ``user_id`` (``sub``), ``user_pool_id``, ``app_id`` (the application the token was issued
    to), ``username``, ``email``, ``phone``; ``scopes`` (from ``scope`` or ``scp``; empty for
    the pool's ID tokens); ``roles`` and ``permissions`` as the token carries them (``None``
    when it does not: the guards then ask the service); ``claims``: every claim; ``token``."""

    user_id: str
    user_pool_id: Optional[str]
    app_id: Optional[str]
    username: Optional[str]
    email: Optional[str]
    phone: Optional[str]
    scopes: Tuple[str, ...]
    roles: Optional[Tuple[str, ...]]
    permissions: Optional[Tuple[Mapping[str, Any], ...]]
    claims: Mapping[str, Any] = field(repr=False)
    token: str = field(repr=False)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], token: str) -> "Principal":
        found = claims.get("data")
        data: Mapping[str, Any] = found if isinstance(found, dict) else {}
        aud = claims.get("aud")
        scope = claims.get("scope", claims.get("scp"))
        scopes = tuple(scope.split()) if isinstance(scope, str) else tuple(
            s for s in scope if isinstance(s, str)) if isinstance(scope, list) else ()
        roles = claims.get("roles")
        permissions = claims.get("permissions")
        return cls(
            user_id=str(claims.get("sub") or data.get("id") or ""),
            user_pool_id=_text(claims.get("userpool_id") or data.get("userPoolId")),
            app_id=_text(data.get("appId") or claims.get("azp") or (aud[0] if isinstance(aud, list) and aud else aud)),
            username=_text(data.get("username") or claims.get("preferred_username")),
            email=_text(data.get("email") or claims.get("email")),
            phone=_text(data.get("phone") or claims.get("phone_number")),
            scopes=scopes,
            roles=tuple(_role_code(r) for r in roles if _role_code(r)) if isinstance(roles, list) else None,
            permissions=tuple(p for p in permissions if isinstance(p, dict)) if isinstance(permissions, list)
            else None,
            claims=claims, token=token)

    #: For frameworks that ask a user object (Django REST framework's ``IsAuthenticated``).
    is_authenticated = True
    is_anonymous = False

    def has_scope(self, scope: str) -> bool:
        """Whether the token grants ``scope``."""
        return scope in self.scopes


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def _role_code(role: Any) -> str:
    if isinstance(role, str):
        return role
    code = role.get("code") if isinstance(role, dict) else None
    return code if isinstance(code, str) else ""


def _matches(pattern: Any, value: str) -> bool:
    if not isinstance(pattern, str):
        return False
    return pattern == value or pattern == "*" or (pattern.endswith("*") and value.startswith(pattern[:-1]))


def claims_allow(principal: Principal, resource: str, action: str, namespace: Optional[str]) -> Optional[bool]:
    """From the token alone: whether ``action`` on ``resource`` is granted (``None`` when the
    token carries no ``permissions``).  An entry is ``{"resource" (or "code"), "actions"
    (or "action"), "namespace"?}``; a trailing ``*`` in a resource or action matches any rest."""
    if principal.permissions is None:
        return None
    for entry in principal.permissions:
        if namespace is not None and entry.get("namespace", namespace) != namespace:
            continue
        actions = entry.get("actions", [entry.get("action")])
        if _matches(entry.get("resource", entry.get("code")), resource) and isinstance(actions, list) and any(
                _matches(a, action) for a in actions):
            return True
    return False


def bearer_token(authorization: Optional[str]) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; ``ApprowTokenError``
    (``reason`` ``missing``) when there is none."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApprowTokenError(_NOT_LOGGED_IN, "this needs an Authorization: Bearer token", reason="missing")
    return token


def denied(what: str) -> PermissionDeniedError:
    return PermissionDeniedError(_NO_PERMISSION, what)


class _GuardBase:
    def __init__(self, settings: ApprowSettings, cache: Optional[TTLCache] = None) -> None:
        if not isinstance(settings, ApprowSettings):
            raise ApprowWrongArgumentException("settings must be an ApprowSettings")
        self.settings = settings
        #: The permission and role answers (``cache.invalidate(user_id)`` after changing a user).
        self.cache = cache if cache is not None else TTLCache(settings.cache_ttl, settings.cache_size)

    def invalidate(self, user_id: Optional[str] = None) -> int:
        """Forget the cached permission and role answers of ``user_id`` (of everyone when
        ``None``): call it after changing a user's roles, groups or policies."""
        return self.cache.invalidate(user_id)

    def _principal(self, claims: Mapping[str, Any], token: str) -> Principal:
        principal = Principal.from_claims(claims, token)
        if not principal.user_id:
            raise ApprowTokenError(2207, "the token names no user (sub)", reason="claims")
        return principal


class Guard(_GuardBase):
    """Authenticate requests and check permissions from threads (see the module docstring)."""

    def __init__(self, settings: ApprowSettings, cache: Optional[TTLCache] = None,
                 verifier: Optional[TokenVerifier] = None) -> None:
        super().__init__(settings, cache)
        self.verifier = verifier or TokenVerifier(**settings.verifier_arguments())
        self._management: Optional[ManagementClient] = None

    @property
    def management(self) -> ManagementClient:
        """The management client of the settings' pool (made on first use)."""
        if self._management is None:
            self._management = ManagementClient(self.settings.management_options())
        return self._management

    def authentication(self, token: Optional[str] = None) -> AuthenticationClient:
        """A new end-user client (one per request: clients are cheap)."""
        return AuthenticationClient(self.settings.authentication_options(token))

    def authenticate(self, authorization: Optional[str]) -> Principal:
        """The principal of an ``Authorization`` header (see the module docstring)."""
        token = bearer_token(authorization)
        return self._principal(self.verifier.verify(token), token)

    def is_allowed(self, principal: Principal, resource: str, action: str, namespace: Optional[str] = None) -> bool:
        found = claims_allow(principal, resource, action, namespace)
        if found is not None:
            return found
        key = (principal.user_id, "allow", resource, action, namespace)
        cached = self.cache.get(key)
        if cached is MISSING:
            cached = bool(self.management.acl.is_allowed(principal.user_id, action, resource, namespace))
            self.cache.set(key, cached)
        return bool(cached)

    def has_role(self, principal: Principal, code: str, namespace: Optional[str] = None) -> bool:
        if principal.roles is not None:
            return code in principal.roles
        key = (principal.user_id, "roles", namespace)
        codes = self.cache.get(key)
        if codes is MISSING:
            found = self.management.users.list_roles(principal.user_id, namespace)
            codes = frozenset(r.get("code") for r in found.get("list") or [])
            self.cache.set(key, codes)
        return code in codes

    def require_permission(self, principal: Principal, resource: str, action: str,
                           namespace: Optional[str] = None) -> None:
        """``PermissionDeniedError`` unless the principal may perform ``action`` on ``resource``."""
        if not self.is_allowed(principal, resource, action, namespace):
            raise denied("needs permission %r on %r" % (action, resource))

    def require_role(self, principal: Principal, code: str, namespace: Optional[str] = None) -> None:
        """``PermissionDeniedError`` unless the principal has the role ``code``."""
        if not self.has_role(principal, code, namespace):
            raise denied("needs the role %r" % code)


class AsyncGuard(_GuardBase):
    """:class:`Guard` for coroutines: the same methods, awaited (``authenticate``,
    ``is_allowed``, ``has_role``, ``require_permission``, ``require_role``)."""

    def __init__(self, settings: ApprowSettings, cache: Optional[TTLCache] = None,
                 verifier: Optional[AsyncTokenVerifier] = None) -> None:
        super().__init__(settings, cache)
        self.verifier = verifier or AsyncTokenVerifier(**settings.verifier_arguments())
        self._management: Any = None

    @property
    def management(self) -> Any:
        """The ``AsyncManagementClient`` of the settings' pool (made on first use)."""
        if self._management is None:
            from approw.v2.management import AsyncManagementClient

            self._management = AsyncManagementClient(self.settings.management_options())
        return self._management

    def authentication(self, token: Optional[str] = None) -> Any:
        """A new ``AsyncAuthenticationClient`` (one per request: clients are cheap)."""
        from approw.v2.authentication import AsyncAuthenticationClient

        return AsyncAuthenticationClient(self.settings.authentication_options(token))

    def close(self) -> None:
        """Drop the management client and the cached answers (the application stops)."""
        self._management = None
        self.cache.clear()

    async def authenticate(self, authorization: Optional[str]) -> Principal:
        token = bearer_token(authorization)
        return self._principal(await self.verifier.verify(token), token)

    async def is_allowed(self, principal: Principal, resource: str, action: str,
                         namespace: Optional[str] = None) -> bool:
        found = claims_allow(principal, resource, action, namespace)
        if found is not None:
            return found
        key = (principal.user_id, "allow", resource, action, namespace)
        cached = self.cache.get(key)
        if cached is MISSING:
            cached = bool(await self.management.acl.is_allowed(principal.user_id, action, resource, namespace))
            self.cache.set(key, cached)
        return bool(cached)

    async def has_role(self, principal: Principal, code: str, namespace: Optional[str] = None) -> bool:
        if principal.roles is not None:
            return code in principal.roles
        key = (principal.user_id, "roles", namespace)
        codes = self.cache.get(key)
        if codes is MISSING:
            found = await self.management.users.list_roles(principal.user_id, namespace)
            codes = frozenset(r.get("code") for r in found.get("list") or [])
            self.cache.set(key, codes)
        return code in codes

    async def require_permission(self, principal: Principal, resource: str, action: str,
                                 namespace: Optional[str] = None) -> None:
        if not await self.is_allowed(principal, resource, action, namespace):
            raise denied("needs permission %r on %r" % (action, resource))

    async def require_role(self, principal: Principal, code: str, namespace: Optional[str] = None) -> None:
        if not await self.has_role(principal, code, namespace):
            raise denied("needs the role %r" % code)


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
    """``(status, headers, body)`` for an SDK error (see the module docstring); the body is
    ``{"error": ..., "error_description": ..., "code": <service code>}``."""
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


def error_json(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
