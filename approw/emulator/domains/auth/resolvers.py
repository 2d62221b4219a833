"""End-user authentication: registration, password login, tokens, password changes."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import (
    NO_PERMISSION,
    OLD_PASSWORD_MISSING,
    OLD_PASSWORD_WRONG,
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    USER_NOT_FOUND,
    ApprowError,
    invalid,
    message_for,
)
from ..udf import customdata
from ..users import accounts
from ..users import state as users
from . import signin


def _custom_values(inp: Dict[str, Any], udf: Optional[List[Dict[str, Any]]] = None) -> List[Tuple[str, Any]]:
    """``params`` (raw values) plus ``profile.udf`` (JSON text, plain text accepted)."""
    values = customdata.parse_params(inp.get("params"))
    for item in udf or ():
        values.append((item["key"], customdata.parse_wire_value(item["key"], item["value"], lenient=True)))
    return values


def _register(ctx: RequestContext, inp: Dict[str, Any], field: str, source: str) -> Dict[str, Any]:
    """Token is null unless ``forceLogin`` (a counted login) or ``generateToken`` (token only)."""
    password = ctx.pool.keys.decrypt_password(inp["password"])
    profile = dict(inp.get("profile") or {})
    udf = profile.pop("udf", None)
    profile_ip = profile.pop("ip", None)
    fields = dict(profile, **{field: inp[field]})
    client_ip = inp.get("clientIp") or profile_ip
    if client_ip:
        fields["lastIP"] = client_ip
    user = accounts.create_user(
        ctx, fields, password=password, source=[source], custom=_custom_values(inp, udf), self_service=True
    )
    if inp.get("forceLogin"):
        return signin.issue_token(ctx, user, count_login=True, client_ip=client_ip)[0]
    if inp.get("generateToken"):
        return signin.issue_token(ctx, user, count_login=False)[0]
    return user


def register_by_username(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _register(ctx, args["input"], "username", "basic:username-password")


def register_by_email(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _register(ctx, args["input"], "email", "basic:email")


Resolver = Callable[[RequestContext, Dict[str, Any]], Dict[str, Any]]


def _login(field: str, source: str) -> Resolver:
    def login(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
        inp = args["input"]
        return signin.password_login(
            ctx,
            field,
            inp[field],
            inp["password"],
            auto_register=bool(inp.get("autoRegister")),
            client_ip=inp.get("clientIp"),
            custom=_custom_values(inp),
            source=source,
        )

    login.__name__ = "login_by_" + field
    return login


def check_login_status(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Never an error: ``status`` false with 2206 (expired) or 2207 (invalid, revoked, absent)."""
    token = args.get("token") or ctx.bearer_token
    if not token:
        return {"code": TOKEN_INVALID, "message": message_for(TOKEN_INVALID), "status": False,
                "exp": None, "iat": None, "data": None}
    user, claims, problem = ctx.pool.check_user_token(token)
    if user is None:
        code = TOKEN_EXPIRED if problem == "expired" else TOKEN_INVALID
        expired = code == TOKEN_EXPIRED
        return {"code": code, "message": message_for(code), "status": False,
                "exp": claims.get("exp") if expired else None, "iat": claims.get("iat") if expired else None,
                "data": None}
    return {
        "code": 200,
        "message": "The token is valid",
        "status": True,
        "exp": claims["exp"],
        "iat": claims["iat"],
        "data": {"id": user["id"], "userPoolId": ctx.pool.id, "arn": ctx.pool.arn(user["id"])},
    }


def refresh_token(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Management token + id: a token for that user.  User token: a new token for the caller."""
    user_id = args.get("id")
    if ctx.is_admin:
        if not user_id:
            raise invalid("refreshToken with the management token needs the id of the user")
        target = users.get_user(ctx.store, user_id)
        if target is None:
            raise ApprowError(USER_NOT_FOUND)
    else:
        target = ctx.require_user()
        if user_id is not None and user_id != target["id"]:
            raise ApprowError(NO_PERMISSION)
    user, iat, exp = signin.issue_token(ctx, target, count_login=False)
    return {"token": user["token"], "iat": iat, "exp": exp}


def update_password(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Old password required (2201) and checked (2203) when the user has one."""
    me = ctx.require_user()
    new = ctx.pool.keys.decrypt_password(args["newPassword"])
    if not new:
        raise invalid("newPassword must not be empty")
    old = accounts.decrypt_password(ctx, args.get("oldPassword"))
    if users.password_hash(ctx.store, me["id"]):
        if not old:
            raise ApprowError(OLD_PASSWORD_MISSING)
        if not accounts.check_password(ctx, me["id"], old):
            raise ApprowError(OLD_PASSWORD_WRONG)
    accounts.set_password(ctx, me["id"], new)
    return users.get_user(ctx.store, me["id"]) or me


def check_password_strength(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """The pool's default policy: any non-empty password."""
    if not args["password"]:
        return {"valid": False, "message": "The password must not be empty"}
    return {"valid": True, "message": "The password meets the user pool's password policy"}


RESOLVERS: Resolvers = {
    "Query": {
        "checkLoginStatus": check_login_status,
        "checkPasswordStrength": check_password_strength,
    },
    "Mutation": {
        "registerByUsername": register_by_username,
        "registerByEmail": register_by_email,
        "loginByUsername": _login("username", "basic:username-password"),
        "loginByEmail": _login("email", "basic:email"),
        "loginByPhonePassword": _login("phone", "basic:phone-password"),
        "refreshToken": refresh_token,
        "updatePassword": update_password,
    },
}
