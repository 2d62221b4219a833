"""The pool itself: management tokens and pool settings."""

from __future__ import annotations

import hmac
from typing import Any, Dict

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import NO_PERMISSION, POOL_NOT_FOUND, TOKEN_INVALID, ApprowError


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


def userpool(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    ctx.require_admin()
    pool = ctx.pool
    return {
        "id": pool.id,
        "name": "Approw emulator",
        "domain": "emulator",
        "description": "Local Approw-compatible emulator",
        "secret": pool.secret,
        "jwtSecret": pool.identity["jwtSecret"],
        "ownerId": pool.identity["ownerId"],
        "userpoolTypes": [],
        "logo": "https://usercontents.approw.cn/approw-logo.png",
        "createdAt": pool.identity["createdAt"],
        "updatedAt": pool.identity["createdAt"],
        "emailVerifiedDefault": False,
        "sendWelcomeEmail": False,
        "registerDisabled": False,
        "appSsoEnabled": False,
        "showWxQRCodeWhenRegisterDisabled": False,
        "allowedOrigins": "",
        "tokenExpiresAfter": pool.config.token_lifetime,
        "isDeleted": False,
        "frequentRegisterCheck": {"timeInterval": 300, "limit": 10, "enabled": False},
        "loginFailCheck": {"timeInterval": 300, "limit": 5, "enabled": False},
        "passwordUpdatePolicy": {"enabled": False, "forcedCycle": None, "differenceCycle": None},
        "loginPasswordFailCheck": {"timeInterval": 300, "limit": 5, "enabled": False},
        "loginFailStrategy": "captcha",
        "changePhoneStrategy": {"verifyOldPhone": True},
        "changeEmailStrategy": {"verifyOldEmail": True},
        "qrcodeLoginStrategy": {
            "qrcodeExpiresAfter": 120,
            "returnFullUserInfo": False,
            "allowExchangeUserInfoFromBrowser": True,
            "ticketExpiresAfter": 300,
        },
        "app2WxappLoginStrategy": {"ticketExpriresAfter": 300, "ticketExchangeUserInfoNeedSecret": False},
        "whitelist": {"phoneEnabled": False, "emailEnabled": False, "usernameEnabled": False},
        "customSMSProvider": {"enabled": False, "provider": None, "config": None},
        "packageType": 1,
        "useCustomUserStore": False,
        "loginRequireEmailVerified": False,
        "verifyCodeLength": 4,
    }


RESOLVERS: Resolvers = {
    "Query": {"accessToken": access_token, "userpool": userpool},
    "Mutation": {"refreshAccessToken": refresh_access_token},
}
