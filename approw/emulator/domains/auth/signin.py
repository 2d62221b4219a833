"""Sign-in: password logins, the checks every sign-in ends with, and user tokens.

A sign-in counts the login, records its time and IP, and issues a recorded user token
(the token's expiry is kept as the user's ``tokenExpiredAt``).  Every sign-in path (password,
phone code, directory, second factor) ends in :func:`complete_login`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Optional, Sequence, Tuple

from ...context import RequestContext
from ...errors import FIRST_LOGIN_RESET, FORCED_RESET, USER_LOCKED, USER_NOT_FOUND, ApprowError
from ...values import iso, now_iso
from ..applications import access
from ..mfa import challenge
from ..statistics import record
from ..udf import customdata
from ..users import accounts
from ..users import state as users
from . import lockout, registration, state


def issue_token(
    ctx: RequestContext, user: Dict[str, Any], *, count_login: bool, client_ip: Optional[str] = None
) -> Tuple[Dict[str, Any], int, int]:
    """Issue a user token -> ``(user with token, iat, exp)``; a full login is also counted and
    logged."""
    token, iat, exp = ctx.pool.user_token(user, ctx.app_id)
    with ctx.store.tx():
        fresh = users.get_user(ctx.store, user["id"])
        if fresh is None:
            raise ApprowError(USER_NOT_FOUND)
        fresh["tokenExpiredAt"] = iso_from_epoch(exp)
        if count_login:
            fresh["loginsCount"] = (fresh.get("loginsCount") or 0) + 1
            fresh["lastLogin"] = now_iso()
            fresh["lastIP"] = client_ip or ctx.client_ip
        users.replace_user(ctx.store, fresh)
        if count_login:
            record.user_action(ctx, record.LOGIN, fresh, client_ip=client_ip)
    fresh["token"] = token
    return fresh, iat, exp


def iso_from_epoch(seconds: int) -> str:
    return iso(datetime.fromtimestamp(seconds, timezone.utc))


def password_login(
    ctx: RequestContext,
    field: str,
    value: str,
    ciphertext: str,
    *,
    auto_register: bool,
    client_ip: Optional[str],
    custom: Sequence[Tuple[str, Any]],
    source: str,
) -> Dict[str, Any]:
    """``loginBy{Email,Username,PhonePassword}``: 2004 unknown, 2006 wrong password (and the
    pool's lockout, see ``lockout``), 2005 blocked; ``autoRegister`` registers an unknown
    account (see ``registration``)."""
    password = ctx.pool.keys.decrypt_password(ciphertext)
    user = accounts.find_user(ctx, {field: value})
    if user is None:
        if not auto_register:
            lockout.unknown_account(ctx, value, client_ip)
        user = registration.register(ctx, {field: value, "lastIP": client_ip}, password=password, source=source,
                                     custom=custom, client_ip=client_ip)
    else:
        lockout.check_password(ctx, user, password, client_ip)
        if user.get("blocked"):
            raise ApprowError(USER_LOCKED)
        if custom:
            customdata.write_values(ctx.store, "USER", user["id"], customdata.check_values(ctx.store, "USER", list(custom)))
    return complete_login(ctx, user, client_ip=client_ip)


def complete_login(
    ctx: RequestContext, user: Dict[str, Any], *, client_ip: Optional[str] = None, second_factor_done: bool = False
) -> Dict[str, Any]:
    """The end of every sign-in: refused for a blocked user (2005), for a user the application's
    access policy keeps out (1001), for a password change the user must make first (1639 at
    the first login, 1640 when forced; ``data.token`` is for ``resetPasswordBy...Token``) and
    for a missing second factor (1635, ``data.mfaToken``); otherwise a counted login: the user
    with a new token."""
    if user.get("blocked"):
        raise ApprowError(USER_LOCKED)
    access.require_use(ctx.store, ctx.app_id, user)
    required = user.get(accounts.RESET_REQUIRED)
    if required:
        token = state.new_reset_token(ctx.store, user["id"], required)
        raise ApprowError(FIRST_LOGIN_RESET if required == "first_login" else FORCED_RESET, data={"token": token})
    if not second_factor_done:
        challenge.demand(ctx, user)
    return issue_token(ctx, user, count_login=True, client_ip=client_ip)[0]
