"""REST endpoints of the auth domain: the current user (its security level), logout, token
validation, linked accounts and second factors."""

from __future__ import annotations

from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Raw, Request, Route, flag
from ...errors import invalid
from ..mfa import state as mfa
from ..oidc import issue as oidc_tokens
from ..sessions import state as sessions
from ..statistics import record
from ..users import accounts
from ..users import state as users
from . import links, second_factor


def me(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """The caller, with the token of this request (SDKs store the returned ``token``)."""
    user = ctx.require_user()
    return accounts.view(ctx, dict(user, token=ctx.principal.token), with_custom_data=flag(req.query.get("with_custom_data")))


def logout(ctx: RequestContext, req: Request) -> None:
    """Revoke the token this request carries (logged as ``logout``); ``app_id`` is
    informational."""
    user = ctx.require_user()
    sessions.revoke_token(ctx.store, ctx.principal.claims["jti"])
    record.user_action(ctx, "logout", user)
    return None


def validate_token(ctx: RequestContext, req: Request) -> Raw:
    """The decoded claims of a live user token (or of a token the OpenID Provider issued),
    else ``{code: 400, message: "... illegal"}``."""
    kind = "id_token" if req.query.get("id_token") else "access_token"
    token = req.query.get(kind)
    if not token:
        raise invalid("provide id_token or access_token")
    user, claims, problem = ctx.pool.check_user_token(token)
    if user is None:
        provider_claims = oidc_tokens.live_claims(ctx, token)  # issued by the OpenID Provider
        if provider_claims is None:
            return Raw({"code": 400, "message": "%s illegal" % kind})
        claims = provider_claims
    return Raw(claims)


def security_level(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """Which protections the account has; ``score`` out of 100: 25 each for an e-mail, a
    phone and a second factor, and up to 25 for a password by its strength (1-3)."""
    user = ctx.require_user()
    has_password = bool(users.password_hash(ctx.store, user["id"]))
    level = int(user.get(accounts.PASSWORD_LEVEL) or 1) if has_password else 0
    has_mfa = mfa.totp_enabled(ctx.store, user["id"])
    score = 25 * (bool(user.get("email")) + bool(user.get("phone")) + has_mfa) + round(25 * level / 3)
    return {"email": bool(user.get("email")), "phone": bool(user.get("phone")), "password": has_password,
            "mfa": has_mfa, "passwordSecurityLevel": level or 1, "score": score}


ROUTES: List[Route] = [
    ("GET", "/api/v2/users/me", me),
    ("GET", "/api/v2/logout", logout),
    ("GET", "/api/v2/oidc/validate_token", validate_token),
    ("GET", "/api/v2/users/me/security-level", security_level),
    *links.ROUTES,
    *second_factor.ROUTES,
]
