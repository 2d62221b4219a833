"""REST endpoints of the sessions domain: who is signed in, and ending sessions (management token)."""

from __future__ import annotations

import time
from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Request, Route
from ...errors import USER_NOT_FOUND, ApprowError, invalid
from ..users import accounts
from ..users import state as users
from . import state


def _user_ids(req: Request) -> List[str]:
    body = req.body if isinstance(req.body, dict) else {}
    ids = body.get("userIds")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid("userIds must be a list of user ids")
    return ids


def kick(ctx: RequestContext, req: Request) -> None:
    """End every session of the given users; unknown ids are not an error."""
    ctx.require_admin()
    for user_id in _user_ids(req):
        state.revoke_user_tokens(ctx.store, user_id)


def kick_app_users(ctx: RequestContext, req: Request) -> None:
    """End the given users' sessions in one application."""
    ctx.require_admin()
    for user_id in _user_ids(req):
        state.revoke_user_tokens(ctx.store, user_id, req.params["appId"])


def admin_logout(ctx: RequestContext, req: Request) -> None:
    """``GET /logout?userId=[&appId=]``: end a user's sessions (in one app, or all)."""
    ctx.require_admin()
    user_id = req.query.get("userId")
    if not user_id:
        raise invalid("userId is required")
    state.revoke_user_tokens(ctx.store, user_id, req.query.get("appId") or None)


def login_status(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """Whether a user holds a live session, and in which applications."""
    ctx.require_admin()
    user_id = req.query.get("userId")
    if not user_id:
        raise invalid("userId is required")
    user = users.get_user(ctx.store, user_id)
    if user is None:
        raise ApprowError(USER_NOT_FOUND)
    apps = state.session_apps(ctx.store, user_id, int(time.time()))
    wanted = req.query.get("appId")
    if wanted:
        apps = [a for a in apps if a == wanted]
    return {"isLogin": bool(apps), "user": accounts.view(ctx, user),
            "application": [ctx.pool.application(a) for a in apps]}


ROUTES: List[Route] = [
    ("POST", "/api/v2/users/kick", kick),
    ("GET", "/api/v2/users/login-status", login_status),
    ("GET", "/logout", admin_logout),
    ("POST", "/api/v2/applications/{appId}/kick-active-users", kick_app_users),
]
