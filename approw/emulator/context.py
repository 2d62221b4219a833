"""Per-request context handed to every resolver and REST handler."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Optional

from .errors import NO_PERMISSION, NOT_LOGGED_IN, ApprowError

if TYPE_CHECKING:  # pragma: no cover - the pool imports the domains, which import this module
    from .pool import Principal, UserPool

HEADER_PREFIXES = ("x-approw-", "x-authing-")


class RequestContext:
    def __init__(self, pool: UserPool, get_header: Callable[[str], Optional[str]], client_ip: str) -> None:
        self.pool = pool
        self.store = pool.store
        self._get_header = get_header
        self.client_ip = client_ip
        self._principal: Optional[Principal] = None

    def header(self, name: str) -> Optional[str]:
        """``x-approw-<name>`` or its older spelling ``x-authing-<name>``; empty counts as absent."""
        for prefix in HEADER_PREFIXES:
            value = self._get_header(prefix + name)
            if value:
                return value.strip() or None
        return None

    @property
    def app_id(self) -> str:
        return self.header("app-id") or self.pool.app_id

    def check_tenant(self) -> None:
        self.pool.check_tenant(self.header("userpool-id"), self.header("app-id"))

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            self._principal = self.pool.authenticate(self._get_header("authorization"))
        return self._principal

    @property
    def known_principal(self) -> Optional[Principal]:
        """The caller if something in this request already authenticated it, else None (never
        verifies a token itself: cheap enough for code that runs after every change)."""
        return self._principal

    @property
    def bearer_token(self) -> Optional[str]:
        return self.principal.token

    # --- authorisation ---------------------------------------------------------------------

    @property
    def is_admin(self) -> bool:
        return self.principal.kind == "admin"

    def require_admin(self) -> None:
        """Management operations: the management token, else 1001 (user token) / 2020 (none)."""
        kind = self.principal.kind
        if kind == "admin":
            return
        raise ApprowError(NO_PERMISSION if kind == "user" else NOT_LOGGED_IN)

    def require_user(self) -> Dict[str, Any]:
        """Self-service operations: a valid, unrevoked user token, else 2020."""
        principal = self.principal
        if principal.kind != "user" or principal.user is None:
            raise ApprowError(NOT_LOGGED_IN)
        return principal.user

    def require_admin_or_self(self, user_id: Any) -> Optional[Dict[str, Any]]:
        """The management token, or a user token of ``user_id``; returns the caller (None for admin)."""
        if self.is_admin:
            return None
        user = self.require_user()
        if user_id is not None and user_id != user["id"]:
            raise ApprowError(NO_PERMISSION)
        return user
