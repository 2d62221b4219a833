"""The pool itself: management tokens, pool settings and the pool secret."""

from __future__ import annotations

import hmac
from typing import Any, Dict

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import NO_PERMISSION, POOL_NOT_FOUND, TOKEN_INVALID, ApprowError
from . import settings


def access_token(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    if args["userPoolId"] != ctx.pool.id:
        raise ApprowError(POOL_NOT_FOUND)
    if not hmac.compare_digest(args["secret"].encode("utf-8"), ctx.pool.secret.encode("utf-8")):
        raise ApprowError(NO_PERMISSION, "Wrong user pool secret")
    token, iat, exp = ctx.pool.management_token()
    return {"accessToken": token, "iat": iat, "exp": exp}


def refresh_access_token(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    old = args.get("accessToken")
    principal = ctx.pool.authenticate("Bearer " + old) if old else ctx.principal
    if principal.kind != "admin":
        raise ApprowError(TOKEN_INVALID)
    token, iat, exp = ctx.pool.management_token()
    return {"accessToken": token, "iat": iat, "exp": exp}


def view(ctx: RequestContext) -> Dict[str, Any]:
    """The pool as ``userpool`` and ``updateUserpool`` return it."""
    pool = ctx.pool
    shown = settings.current(ctx.store, pool.config.token_lifetime)
    shown["userpoolTypes"] = [{"code": code, "name": code, "description": None, "image": None, "sdks": []}
                              for code in shown["userpoolTypes"]]
    shown.update(
        id=pool.id,
        secret=pool.secret,
        jwtSecret=pool.identity["jwtSecret"],
        ownerId=pool.identity["ownerId"],
        createdAt=pool.identity["createdAt"],
        updatedAt=shown["updatedAt"] or pool.identity["createdAt"],
        isDeleted=False,
        packageType=1,
        useCustomUserStore=False,
    )
    return shown


def userpool(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    return view(ctx)


def update_userpool(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Settings that change behaviour take effect at once (see ``settings``)."""
    ctx.require_admin()
    settings.update(ctx.store, args["input"])
    return view(ctx)


def refresh_userpool_secret(ctx: RequestContext, args: Dict[str, Any]) -> str:
    """A new pool secret: ``accessToken`` refuses the old one from now on; management tokens
    already issued stay valid until they expire."""
    ctx.require_admin()
    return ctx.pool.refresh_secret()


RESOLVERS: Resolvers = {
    "Query": {"accessToken": access_token, "userpool": userpool},
    "Mutation": {
        "refreshAccessToken": refresh_access_token,
        "updateUserpool": update_userpool,
        "refreshUserpoolSecret": refresh_userpool_secret,
    },
}
