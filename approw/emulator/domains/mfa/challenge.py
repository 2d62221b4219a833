"""Second-factor challenges: the ``mfaToken`` of a login that needs one.

A sign-in whose user has a confirmed TOTP authenticator, or whose application requires a
second factor, is refused with error 1635 whose ``data`` carries an ``mfaToken``: a JWT
signed with the pool's key (``data.type == "mfa"``, so it is never taken for a user token),
valid for :data:`LIFETIME` seconds, recorded so that it works for one completed login and
is void after :data:`MAX_FAILURES` wrong codes.
"""

from __future__ import annotations

import os
import time
from typing import Any, Dict, List, NoReturn, Optional, Tuple

from ...context import RequestContext
from ...errors import MFA_REQUIRED, NOT_LOGGED_IN, TOKEN_INVALID, WRONG_CODE, ApprowError
from ...tokens import TokenError, b64url
from ..statistics import record
from ..users import state as users
from . import state

LIFETIME = 600
MAX_FAILURES = 5


def factors(ctx: RequestContext, user: Dict[str, Any], app_id: Optional[str] = None) -> List[str]:
    """The second factors a login of ``user`` through ``app_id`` accepts ([] = none needed):
    the application's, plus ``OTP`` when the user has confirmed a TOTP authenticator."""
    found = state.app_factors(ctx.store, app_id or ctx.app_id)
    if "OTP" not in found and state.totp_enabled(ctx.store, user["id"]):
        found = ["OTP"] + found
    return found


def demand(ctx: RequestContext, user: Dict[str, Any]) -> None:
    """Refuse the login with 1635 and a new ``mfaToken`` when ``user`` needs a second factor."""
    needed = factors(ctx, user)
    if not needed:
        return
    now = int(time.time())
    jti = b64url(os.urandom(16))
    token = ctx.pool.keys.sign({
        "sub": user["id"],
        "data": {"type": "mfa", "userPoolId": ctx.pool.id, "id": user["id"], "appId": ctx.app_id},
        "iss": ctx.pool.issuer, "iat": now, "exp": now + LIFETIME, "jti": jti,
    })
    with ctx.store.tx():
        state.purge_challenges(ctx.store, now)
        state.add_challenge(ctx.store, jti, user["id"], ctx.app_id, now + LIFETIME)
    app = state.app_factors(ctx.store, ctx.app_id)
    raise ApprowError(MFA_REQUIRED, data={
        "mfaToken": token,
        "nickname": user.get("nickname"),
        "email": user.get("email"),
        "phone": user.get("phone"),
        "emailVerified": bool(user.get("emailVerified")),
        "phoneVerified": bool(user.get("phoneVerified")),
        "avatar": user.get("photo"),
        "totpMfaEnabled": state.totp_enabled(ctx.store, user["id"]),
        "faceMfaEnabled": False,
        "applicationMfa": [{"mfaPolicy": f, "status": 1, "sort": i} for i, f in enumerate(app)],
        "factors": needed,
    })


def pending(ctx: RequestContext) -> Optional[Tuple[Dict[str, Any], Dict[str, Any]]]:
    """``(user, challenge)`` when the request carries a live ``mfaToken``."""
    token = ctx.bearer_token
    if not token:
        return None
    try:
        claims = ctx.pool.keys.verify(token)
    except TokenError:
        return None
    data = claims.get("data")
    if not isinstance(data, dict) or data.get("type") != "mfa" or data.get("userPoolId") != ctx.pool.id:
        return None
    found = state.challenge(ctx.store, claims.get("jti") or "")
    if found is None or found["expires_at"] < time.time():
        return None
    user = users.get_user(ctx.store, found["user_id"])
    return None if user is None else (user, found)


def require(ctx: RequestContext) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The pending login of this request's ``mfaToken``; else 2207."""
    found = pending(ctx)
    if found is None:
        raise ApprowError(TOKEN_INVALID, "The mfaToken is invalid, expired or already used; log in again")
    return found


def acting_user(ctx: RequestContext) -> Dict[str, Any]:
    """The user of a user token or of a pending login's ``mfaToken``; else 2020."""
    if ctx.principal.kind == "user" and ctx.principal.user is not None:
        return ctx.principal.user
    found = pending(ctx)
    if found is None:
        raise ApprowError(NOT_LOGGED_IN)
    return found[0]


def failed(ctx: RequestContext, challenge: Dict[str, Any], detail: str, code: int = WRONG_CODE) -> NoReturn:
    """Count a wrong answer to a challenge (void after MAX_FAILURES), log a failed sign-in
    and refuse it."""
    with ctx.store.tx():
        if state.count_failure(ctx.store, challenge["jti"]) >= MAX_FAILURES:
            state.end_challenge(ctx.store, challenge["jti"])
            detail += "; too many wrong answers, log in again"
    record.user_action(ctx, record.LOGIN_FAILED, users.get_user(ctx.store, challenge["user_id"]),
                       desc="Second factor refused: " + detail)
    raise ApprowError(code, detail)


def passed(ctx: RequestContext, challenge: Dict[str, Any]) -> None:
    """The challenge is answered: its ``mfaToken`` is used up."""
    if not state.end_challenge(ctx.store, challenge["jti"]):
        raise ApprowError(TOKEN_INVALID, "The mfaToken was already used; log in again")
