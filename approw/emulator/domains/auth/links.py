"""Linking a social account to a primary account (REST, both accounts' tokens in the body).

``link``: every identity of the secondary (social) account moves to the primary account,
which can then sign in through it; a secondary account left with no username, e-mail or
phone is deleted (it was only that social login).  ``unlink``: the primary account's
identities of one provider are removed, unless they are its only way to log in.
"""

from __future__ import annotations

from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Raw, Request, Route
from ...errors import (
    IDENTITY_ALREADY_BOUND,
    IDENTITY_NOT_BOUND,
    LAST_LOGIN_METHOD,
    TOKEN_INVALID,
    ApprowError,
    invalid,
)
from ..users import accounts
from ..users import state as users
from . import contact


def _account(ctx: RequestContext, body: Dict[str, Any], key: str) -> Dict[str, Any]:
    token = body.get(key)
    if not isinstance(token, str) or not token:
        raise invalid("%s is required" % key)
    user, _, problem = ctx.pool.check_user_token(token)
    if user is None:
        raise ApprowError(TOKEN_INVALID, "%s is not a valid user token (%s)" % (key, problem))
    return user


def link(ctx: RequestContext, req: Request) -> Raw:
    body = req.body if isinstance(req.body, dict) else {}
    primary = _account(ctx, body, "primaryUserToken")
    secondary = _account(ctx, body, "secondaryUserToken")
    if primary["id"] == secondary["id"]:
        raise invalid("the primary and the secondary token belong to the same account")
    moving = users.identities(ctx.store, secondary["id"])
    if not moving:
        raise invalid("the secondary account has no social identity to link")
    held = {i["provider"] for i in users.identities(ctx.store, primary["id"])}
    if held & {i["provider"] for i in moving}:
        raise ApprowError(IDENTITY_ALREADY_BOUND)
    with ctx.store.tx():
        users.move_identities(ctx.store, secondary["id"], primary["id"])
        if not any(secondary.get(k) for k in ("username", "email", "phone")):
            accounts.delete_users(ctx, [secondary["id"]])
    return Raw({"code": 200, "message": "binding success"})


def unlink(ctx: RequestContext, req: Request) -> Raw:
    body = req.body if isinstance(req.body, dict) else {}
    primary = _account(ctx, body, "primaryUserToken")
    provider = body.get("provider")
    if not isinstance(provider, str) or not provider:
        raise invalid("provider is required")
    identities = users.identities(ctx.store, primary["id"])
    if not any(i["provider"] == provider for i in identities):
        raise ApprowError(IDENTITY_NOT_BOUND)
    if not contact.can_log_in_without(ctx, primary, provider=provider):
        raise ApprowError(LAST_LOGIN_METHOD)
    users.remove_identities(ctx.store, primary["id"], provider)
    return Raw({"code": 200, "message": "unbind success"})


ROUTES: List[Route] = [
    ("POST", "/api/v2/users/link", link),
    ("POST", "/api/v2/users/unlink", unlink),
]
