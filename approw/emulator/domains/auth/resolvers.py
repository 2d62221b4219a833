"""End-user authentication: registration and sign-in (password, phone code, sub-account),
login status and tokens; with the resolvers of ``passwords`` and ``contact``."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import (
    DECRYPTION_FAILED,
    NO_PERMISSION,
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    USER_EXISTS,
    USER_NOT_FOUND,
    ApprowError,
    invalid,
    message_for,
)
from ..udf import customdata
from ..users import accounts
from ..users import state as users
from ..verification import codes
from . import contact, lockout, passwords, registration, signin


def _custom_values(inp: Dict[str, Any], udf: Optional[List[Dict[str, Any]]] = None) -> List[Tuple[str, Any]]:
    """``params`` (raw values) plus ``profile.udf`` (JSON text, plain text accepted)."""
    values = customdata.parse_params(inp.get("params"))
    for item in udf or ():
        values.append((item["key"], customdata.parse_wire_value(item["key"], item["value"], lenient=True)))
    return values


def _register(
    ctx: RequestContext,
    inp: Dict[str, Any],
    identifier: Dict[str, Any],
    source: str,
    password: Optional[str],
    *,
    self_service: bool = True,
) -> Dict[str, Any]:
    """Token is null unless ``forceLogin`` (a counted login) or ``generateToken`` (token only)."""
    profile = dict(inp.get("profile") or {})
    udf = profile.pop("udf", None)
    profile_ip = profile.pop("ip", None)
    fields = dict(profile, **identifier)
    client_ip = inp.get("clientIp") or profile_ip
    if client_ip:
        fields["lastIP"] = client_ip
    user = registration.register(ctx, fields, password=password, source=source, custom=_custom_values(inp, udf),
                                 self_service=self_service, client_ip=client_ip)
    if inp.get("forceLogin"):
        return signin.issue_token(ctx, user, count_login=True, client_ip=client_ip)[0]
    if inp.get("generateToken"):
        return signin.issue_token(ctx, user, count_login=False)[0]
    return user


def register_by_username(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    inp = args["input"]
    password = ctx.pool.keys.decrypt_password(inp["password"])
    return _register(ctx, inp, {"username": inp["username"]}, "basic:username-password", password)


def register_by_email(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    inp = args["input"]
    password = ctx.pool.keys.decrypt_password(inp["password"])
    return _register(ctx, inp, {"email": inp["email"]}, "basic:email", password)


def register_by_phone_code(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """A verified phone (its SMS code) and an optional password; a taken phone -> 2026 (the
    code is kept for a login)."""
    inp = args["input"]
    phone = inp["phone"].strip()
    if accounts.find_user(ctx, {"phone": phone}) is not None:
        raise ApprowError(USER_EXISTS)
    password = accounts.decrypt_password(ctx, inp.get("password") or None)
    codes.check(ctx, codes.SMS, phone, [codes.SMS_SCENE], inp["code"])
    return _register(ctx, inp, {"phone": phone, "phoneVerified": True}, "basic:phone-code", password,
                     self_service=False)


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


def login_by_phone_code(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """The SMS code of the phone; an unknown phone is registered (unless ``autoRegister`` is
    false), with a verified phone and no password."""
    inp = args["input"]
    phone = inp["phone"].strip()
    codes.check(ctx, codes.SMS, phone, [codes.SMS_SCENE], inp["code"])
    custom = _custom_values(inp)
    user = accounts.find_user(ctx, {"phone": phone})
    if user is None:
        if inp.get("autoRegister") is False:
            raise ApprowError(USER_NOT_FOUND)
        user = registration.register(ctx, {"phone": phone, "phoneVerified": True, "lastIP": inp.get("clientIp")},
                                     password=None, source="basic:phone-code", custom=custom, self_service=False,
                                     client_ip=inp.get("clientIp"))
    else:
        if custom:
            customdata.write_values(ctx.store, "USER", user["id"], customdata.check_values(ctx.store, "USER", custom))
        if not user.get("phoneVerified"):
            user = accounts.update_user(ctx, user["id"], {"phoneVerified": True}, self_service=False)
    return signin.complete_login(ctx, user, client_ip=inp.get("clientIp"))


def login_by_sub_account(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """A sub-account signs in with its own name (username, e-mail or phone) and password.
    The emulator keeps no separate sub-account records: any account with a password can sign
    in this way.  The password may arrive encrypted (as other logins) or plain."""
    account = args["account"].strip()
    try:
        password = ctx.pool.keys.decrypt_password(args["password"])
    except ApprowError as exc:
        if exc.code != DECRYPTION_FAILED:
            raise
        password = args["password"]
    field = "email" if "@" in account else "username"
    user = accounts.find_user(ctx, {field: account}) or accounts.find_user(ctx, {"phone": account})
    if user is None:
        lockout.unknown_account(ctx, account, args.get("clientIp"))
    lockout.check_password(ctx, user, password, args.get("clientIp"))
    return signin.complete_login(ctx, user, client_ip=args.get("clientIp"))


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


RESOLVERS: Resolvers = {
    "Query": {
        "checkLoginStatus": check_login_status,
        **passwords.RESOLVERS["Query"],
    },
    "Mutation": {
        "registerByUsername": register_by_username,
        "registerByEmail": register_by_email,
        "registerByPhoneCode": register_by_phone_code,
        "loginByUsername": _login("username", "basic:username-password"),
        "loginByEmail": _login("email", "basic:email"),
        "loginByPhonePassword": _login("phone", "basic:phone-password"),
        "loginByPhoneCode": login_by_phone_code,
        "loginBySubAccount": login_by_sub_account,
        "refreshToken": refresh_token,
        **passwords.RESOLVERS["Mutation"],
        **contact.RESOLVERS["Mutation"],
    },
}
