"""Signing in at the provider (the login form of OIDC, OAuth 2.0 and CAS) and its sessions.

A successful sign-in counts a login for the user (``loginsCount``, ``lastLogin``,
``lastIP``, the user action log), starts a provider session (cookie ``approw_emulator_sid``)
and so lets later authorization requests of the same browser through without the form, until
the session ends (logout) or expires.  Failed sign-ins are logged and count for the pool's
lockout rule, as at the API's logins.
"""

from __future__ import annotations

import os
import time
from typing import Any, Dict, Optional, Tuple, Union

from ...context import RequestContext
from ...domain import Request
from ...tokens import b64url
from ...errors import USER_NOT_FOUND, WRONG_PASSWORD, ApprowError
from ...values import is_email, now_iso
from ..applications import access
from ..auth import lockout
from ..statistics import record
from ..users import accounts
from ..users import state as users
from . import pages, state
from .clients import AppSettings


def find_account(ctx: RequestContext, account: str) -> Optional[Dict[str, Any]]:
    """The user whose username, e-mail (any case) or phone is ``account``."""
    account = account.strip()
    if not account:
        return None
    user = accounts.find_user(ctx, {"username": account})
    if user is None and is_email(account):
        user = accounts.find_user(ctx, {"email": account})
    if user is None:
        user = accounts.find_user(ctx, {"phone": account})
    return user


def check_credentials(ctx: RequestContext, form: Dict[str, Any], app_id: str) -> Union[Dict[str, Any], str]:
    """The user the login form names (who may use the application ``app_id``), or the message
    to show."""
    account = form.get("username")
    password = form.get("password")
    if not isinstance(account, str) or not isinstance(password, str) or not account.strip() or not password:
        return "Enter your username or e-mail and your password."
    user = find_account(ctx, account)
    try:  # the pool's lockout rule, and the log of failed sign-ins (auth/lockout.py)
        if user is None:
            lockout.unknown_account(ctx, account)
        lockout.check_password(ctx, user, password)
    except ApprowError as exc:
        return "Incorrect username, e-mail or password." if exc.code in (USER_NOT_FOUND, WRONG_PASSWORD) \
            else "Too many failed sign-ins: this account cannot sign in for now."
    if user.get("blocked") or user.get("status") not in (None, "Activated"):
        return "This account is locked."
    if not access.may_use(ctx.store, app_id, user["id"]):
        return "This account may not use this application."
    return user


def start_session(ctx: RequestContext, app: AppSettings, user: Dict[str, Any]) -> Tuple[Dict[str, Any], Tuple[str, str]]:
    """Record the sign-in; returns the session and its ``Set-Cookie`` header."""
    now = int(time.time())
    sid = b64url(os.urandom(18))
    with ctx.store.tx():
        fresh = users.get_user(ctx.store, user["id"]) or user
        fresh["loginsCount"] = (fresh.get("loginsCount") or 0) + 1
        fresh["lastLogin"] = now_iso()
        fresh["lastIP"] = ctx.client_ip
        users.replace_user(ctx.store, fresh)
        state.add_session(ctx.store, sid, user["id"], now, now + app.session_lifetime)
        record.user_action(ctx, record.LOGIN, fresh, desc="Signed in at the login page")
    state.purge(ctx.store, now)
    session = {"sid": sid, "user_id": user["id"], "auth_time": now}
    return session, pages.session_cookie(sid, app.session_lifetime)


def current_session(ctx: RequestContext, req: Request) -> Optional[Dict[str, Any]]:
    """The browser's live provider session, if its cookie names one."""
    return state.live_session(ctx.store, pages.cookie_sid(req), int(time.time()))
