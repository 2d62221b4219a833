"""What every web-framework integration shares: settings, the principal, the guards that
authenticate a request and check its permissions (the mapping of errors to HTTP answers is
:mod:`approw.integrations.answers`).

``Guard`` (threads: Flask, Django) and ``AsyncGuard`` (coroutines: FastAPI, Starlette) do the
same three things:

* :meth:`Guard.authenticate` takes the request's ``Authorization`` header, verifies the bearer
  token locally (``TokenVerifier``: signature with the provider's cached keys, issuer,
  audience, expiry; the service is asked only with ``check_revoked``) and returns a
  :class:`Principal`;
* :meth:`Guard.require_permission` / :meth:`Guard.require_role` answer from the token's claims
  when the pool puts ``permissions`` / ``roles`` in its tokens, else from the management API
  through a :class:`~approw.integrations.cache.TTLCache` (``cache_ttl`` seconds, default 30);
* :func:`~approw.integrations.answers.error_response` (also importable from here) turns any
  ``ApprowException`` into ``(status, headers, body)``.
"""
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Tuple

from approw.v2.authentication import AsyncTokenVerifier, AuthenticationClient, TokenVerifier
from approw.v2.exceptions import (ApprowException, ApprowTokenError,
                                  ApprowWrongArgumentException, PermissionDeniedError,
                                  TokenInvalidError)
from approw.v2.management import ManagementClient

from .answers import HttpAnswer, error_response
from .cache import MISSING, TTLCache
from .config import ApprowSettings

__all__ = ["ApprowSettings", "Principal", "Guard", "AsyncGuard", "error_response", "bearer_token",
           "HttpAnswer"]

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
        """The principal of a verified token's claims (the guards call it).

        Args:
            claims: the token's claims (the pool's ID tokens keep the user in ``data``).
            token: the token itself.

        Returns:
            The principal; ``user_id`` is ``""`` when the claims name no user.

        Raises:
            ApprowException: never; claims of unexpected types are left out.
        """
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
        """Whether the token grants a scope.

        Args:
            scope: the scope, e.g. ``read:orders``.

        Returns:
            ``True`` when it is among the principal's ``scopes``.

        Raises:
            ApprowException: never.
        """
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
    """The token of an ``Authorization: Bearer <token>`` header.

    Args:
        authorization: the header's value (``None`` when the request has none).

    Returns:
        The token.

    Raises:
        ApprowTokenError: no header, another scheme, or no token (code 2020, ``reason``
            ``missing``).
    """
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
        """Forget cached permission and role answers: call it after changing a user's roles,
        groups or policies.

        Args:
            user_id: the user whose answers to forget; ``None``: everyone's.

        Returns:
            How many answers were forgotten.

        Raises:
            ApprowException: never.
        """
        return self.cache.invalidate(user_id)

    def _principal(self, claims: Mapping[str, Any], token: str) -> Principal:
        principal = Principal.from_claims(claims, token)
        if not principal.user_id:
            raise ApprowTokenError(2207, "the token names no user (sub)", reason="claims")
        return principal


class Guard(_GuardBase):
    """Authenticate requests and check permissions from threads (see the module docstring).

    ``management``: the ``ManagementClient`` of the settings' pool; ``cache``: the permission
    and role answers.

    Args:
        settings: where the service is and what to accept.
        cache: a cache to share (default: one of ``settings.cache_ttl`` and
            ``settings.cache_size``).
        verifier: a token verifier to share (default: one made from the settings).

    Raises:
        ApprowWrongArgumentException: ``settings`` is not an ``ApprowSettings``, or the
            verifier refuses them.
    """

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
        """A new end-user client (one per request: clients are cheap).

        Args:
            token: a user's token for the client to act with (e.g. the principal's).

        Returns:
            An :class:`~approw.v2.authentication.AuthenticationClient`.

        Raises:
            ApprowWrongArgumentException: the settings make no valid client options.
        """
        return AuthenticationClient(self.settings.authentication_options(token))

    def authenticate(self, authorization: Optional[str]) -> Principal:
        """The principal of an ``Authorization`` header, its bearer token verified locally.

        Args:
            authorization: the header's value (``None`` when the request has none).

        Returns:
            The :class:`Principal` of the token.

        Raises:
            ApprowTokenError: no bearer token (2020, ``reason`` ``missing``), or the token
                is refused (2206 expired, 2207 otherwise).
            ApprowTransportError: the provider's keys (or, with ``check_revoked``, the
                token's status) could not be fetched.
        """
        token = bearer_token(authorization)
        return self._principal(self.verifier.verify(token), token)

    def is_allowed(self, principal: Principal, resource: str, action: str, namespace: Optional[str] = None) -> bool:
        """Whether the principal may perform an action on a resource.

        Answered from the token's ``permissions`` claim when it has one, else by the
        management API (``acl.is_allowed``), cached ``cache_ttl`` seconds.

        Args:
            principal: the authenticated user.
            resource: the resource's code (``order:*`` style patterns match in claims).
            action: the action, e.g. ``order:read``.
            namespace: the permission group's code; default the pool's default one.

        Returns:
            ``True`` when it is allowed.

        Raises:
            ApprowWrongArgumentException: the settings lack ``user_pool_id`` / ``secret``
                and the token carries no permissions.
            ApprowException: the management API refused the question (e.g. 3003 unknown
                namespace) or could not be reached (an ``ApprowTransportError``).
        """
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
        """Whether the principal has a role.

        Answered from the token's ``roles`` claim when it has one, else by the management
        API (``users.list_roles``), cached ``cache_ttl`` seconds.

        Args:
            principal: the authenticated user.
            code: the role's code.
            namespace: the permission group's code; default all.

        Returns:
            ``True`` when the principal has it.

        Raises:
            ApprowWrongArgumentException: the settings lack ``user_pool_id`` / ``secret``
                and the token carries no roles.
            ApprowException: the management API refused the question or could not be
                reached.
        """
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
        """Refuse a principal that may not perform an action on a resource.

        Args:
            principal, resource, action, namespace: as in :meth:`is_allowed`.

        Raises:
            PermissionDeniedError: it is not allowed (1001; :func:`error_response` makes it
                a 403).
            ApprowException: as :meth:`is_allowed`.
        """
        if not self.is_allowed(principal, resource, action, namespace):
            raise denied("needs permission %r on %r" % (action, resource))

    def require_role(self, principal: Principal, code: str, namespace: Optional[str] = None) -> None:
        """Refuse a principal that lacks a role.

        Args:
            principal, code, namespace: as in :meth:`has_role`.

        Raises:
            PermissionDeniedError: the principal lacks it (1001; a 403).
            ApprowException: as :meth:`has_role`.
        """
        if not self.has_role(principal, code, namespace):
            raise denied("needs the role %r" % code)


class AsyncGuard(_GuardBase):
    """:class:`Guard` for coroutines: the same methods, awaited (``authenticate``,
    ``is_allowed``, ``has_role``, ``require_permission``, ``require_role``).

    Args:
        settings: where the service is and what to accept.
        cache: a cache to share (default: one made from the settings).
        verifier: an ``AsyncTokenVerifier`` to share (default: one made from the settings).

    Raises:
        ApprowWrongArgumentException: ``settings`` is not an ``ApprowSettings``, or the
            verifier refuses them.
    """

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
        """A new end-user client for coroutines (one per request: clients are cheap).

        Args:
            token: a user's token for the client to act with (e.g. the principal's).

        Returns:
            An ``AsyncAuthenticationClient``.

        Raises:
            ApprowWrongArgumentException: the settings make no valid client options.
        """
        from approw.v2.authentication import AsyncAuthenticationClient

        return AsyncAuthenticationClient(self.settings.authentication_options(token))

    def close(self) -> None:
        """Drop the management client and the cached answers (the application stops).

        Raises:
            ApprowException: never.
        """
        self._management = None
        self.cache.clear()

    async def authenticate(self, authorization: Optional[str]) -> Principal:
        """The principal of an ``Authorization`` header, as :meth:`Guard.authenticate`.

        Args:
            authorization: the header's value (``None`` when the request has none).

        Returns:
            The :class:`Principal` of the token.

        Raises:
            ApprowTokenError: no bearer token (2020), or the token is refused (2206, 2207).
            ApprowTransportError: the provider's keys could not be fetched.
        """
        token = bearer_token(authorization)
        return self._principal(await self.verifier.verify(token), token)

    async def is_allowed(self, principal: Principal, resource: str, action: str,
                         namespace: Optional[str] = None) -> bool:
        """Whether the principal may perform an action on a resource, as
        :meth:`Guard.is_allowed`.

        Args:
            principal, resource, action, namespace: as in :meth:`Guard.is_allowed`.

        Returns:
            ``True`` when it is allowed.

        Raises:
            ApprowException: as :meth:`Guard.is_allowed`.
        """
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
        """Whether the principal has a role, as :meth:`Guard.has_role`.

        Args:
            principal, code, namespace: as in :meth:`Guard.has_role`.

        Returns:
            ``True`` when the principal has it.

        Raises:
            ApprowException: as :meth:`Guard.has_role`.
        """
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
        """Refuse a principal that may not perform an action on a resource.

        Args:
            principal, resource, action, namespace: as in :meth:`Guard.is_allowed`.

        Raises:
            PermissionDeniedError: it is not allowed (1001; a 403).
            ApprowException: as :meth:`Guard.is_allowed`.
        """
        if not await self.is_allowed(principal, resource, action, namespace):
            raise denied("needs permission %r on %r" % (action, resource))

    async def require_role(self, principal: Principal, code: str, namespace: Optional[str] = None) -> None:
        """Refuse a principal that lacks a role.

        Args:
            principal, code, namespace: as in :meth:`Guard.has_role`.

        Raises:
            PermissionDeniedError: the principal lacks it (1001; a 403).
            ApprowException: as :meth:`Guard.has_role`.
        """
        if not await self.has_role(principal, code, namespace):
            raise denied("needs the role %r" % code)
