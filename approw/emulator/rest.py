"""REST endpoints (SERVER.md section 1.2): ``{code, message, data}`` envelopes, HTTP 200.

A handler is ``fn(ctx, request) -> data``; raising :class:`ApprowError` yields the error
envelope.  Handlers of raw endpoints (JWKS, ``validate_token``) return :class:`Raw`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import accounts
from .context import RequestContext
from .errors import BATCH_TOO_LARGE, USER_NOT_FOUND, ApprowError, invalid
from .resolvers.users import BATCH_LIMIT


@dataclass
class Request:
    method: str
    path: str
    params: Dict[str, str]  # from the path pattern
    query: Dict[str, str]  # first value of each query-string key
    body: Any  # decoded JSON, or None when the body is empty


@dataclass
class Raw:
    """A body sent as is, without the envelope."""

    body: Any
    status: int = 200


def _flag(value: Optional[str]) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def well_known(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    return {"publicKey": ctx.pool.keys.public_key_pem}


def jwks(ctx: RequestContext, req: Request) -> Raw:
    return Raw(ctx.pool.keys.jwks())


def me(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """The caller, with the token of this request (SDKs store the returned ``token``)."""
    user = ctx.require_user()
    return accounts.view(ctx, dict(user, token=ctx.principal.token), with_custom_data=_flag(req.query.get("with_custom_data")))


def logout(ctx: RequestContext, req: Request) -> None:
    """Revoke the token this request carries; ``app_id`` is informational."""
    ctx.require_user()
    ctx.store.revoke_token(ctx.principal.claims["jti"])
    return None


def user_detail(ctx: RequestContext, req: Request) -> Optional[Dict[str, Any]]:
    ctx.require_admin()
    user = ctx.store.get_user(req.params["id"])
    return None if user is None else accounts.view(ctx, user, with_custom_data=_flag(req.query.get("with_custom_data")))


def user_batch(ctx: RequestContext, req: Request) -> List[Dict[str, Any]]:
    ctx.require_admin()
    body = req.body if isinstance(req.body, dict) else {}
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid("ids must be a list of strings")
    if len(ids) > BATCH_LIMIT:
        raise ApprowError(BATCH_TOO_LARGE)
    field = accounts.LOOKUP_FIELDS.get(body.get("type") or "id")
    if field is None:
        raise invalid("type must be one of %s" % ", ".join(accounts.LOOKUP_FIELDS))
    keys = [accounts.normalize({field: v})[field] for v in ids]
    found = ctx.store.users_by(field, keys)
    with_custom = bool(body.get("withCustomData"))
    return [accounts.view(ctx, found[k], with_custom_data=with_custom) for k in keys if k in found]


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
        ctx.store.revoke_user_tokens(user_id)


def kick_app_users(ctx: RequestContext, req: Request) -> None:
    """End the given users' sessions in one application."""
    ctx.require_admin()
    for user_id in _user_ids(req):
        ctx.store.revoke_user_tokens(user_id, req.params["appId"])


def admin_logout(ctx: RequestContext, req: Request) -> None:
    """``GET /logout?userId=[&appId=]``: end a user's sessions (in one app, or all)."""
    ctx.require_admin()
    user_id = req.query.get("userId")
    if not user_id:
        raise invalid("userId is required")
    ctx.store.revoke_user_tokens(user_id, req.query.get("appId") or None)


def login_status(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """Whether a user holds a live session, and in which applications."""
    ctx.require_admin()
    user_id = req.query.get("userId")
    if not user_id:
        raise invalid("userId is required")
    user = ctx.store.get_user(user_id)
    if user is None:
        raise ApprowError(USER_NOT_FOUND)
    apps = ctx.store.session_apps(user_id, int(time.time()))
    wanted = req.query.get("appId")
    if wanted:
        apps = [a for a in apps if a == wanted]
    return {"isLogin": bool(apps), "user": accounts.view(ctx, user),
            "application": [ctx.pool.application(a) for a in apps]}


def validate_token(ctx: RequestContext, req: Request) -> Raw:
    """The decoded claims of a live user token, else ``{code: 400, message: "... illegal"}``."""
    kind = "id_token" if req.query.get("id_token") else "access_token"
    token = req.query.get(kind)
    if not token:
        raise invalid("provide id_token or access_token")
    user, claims, problem = ctx.pool.check_user_token(token)
    if user is None:
        return Raw({"code": 400, "message": "%s illegal" % kind})
    return Raw(claims)


Handler = Callable[[RequestContext, Request], Any]

ROUTES: List[Tuple[str, str, Handler]] = [
    ("GET", "/api/v2/.well-known", well_known),
    ("GET", "/oidc/.well-known/jwks.json", jwks),
    ("GET", "/api/v2/users/me", me),
    ("GET", "/api/v2/logout", logout),
    ("POST", "/api/v2/users/batch", user_batch),
    ("GET", "/api/v2/oidc/validate_token", validate_token),
    ("POST", "/api/v2/users/kick", kick),
    ("GET", "/api/v2/users/login-status", login_status),
    ("GET", "/logout", admin_logout),
    ("POST", "/api/v2/applications/{appId}/kick-active-users", kick_app_users),
    ("GET", "/api/v2/users/{id}", user_detail),  # last: the fixed /api/v2/users/... paths win
]
