"""Passwords of end users: the pool's policy, changing one, and the three ways to reset one
(a verification code, the token of a first-login change, the token of a forced change)."""

from __future__ import annotations

import time
from typing import Any, Dict

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import (
    OLD_PASSWORD_MISSING,
    OLD_PASSWORD_WRONG,
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    USER_NOT_FOUND,
    ApprowError,
    invalid,
)
from ...values import common_message
from ..users import accounts
from ..users import state as users
from ..verification import codes
from . import state

LEVELS = {1: "low", 2: "medium", 3: "high"}


def policy_problem(password: str) -> str:
    """Why ``password`` breaks the pool's policy ("" when it does not).  The default policy
    of a pool, as the service's: any non-empty password."""
    return "" if password else "The password must not be empty"


def _checked_new(ctx: RequestContext, ciphertext: Any) -> str:
    password = ctx.pool.keys.decrypt_password(ciphertext)
    problem = policy_problem(password)
    if problem:
        raise invalid(problem)
    return password


def check_password_strength(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """``{valid, message}`` against the policy; the message names the password's strength."""
    problem = policy_problem(args["password"])
    if problem:
        return {"valid": False, "message": problem}
    level = accounts.password_level(args["password"])
    return {"valid": True, "message": "The password meets the user pool's password policy (strength: %s)"
            % LEVELS[level]}


def update_password(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Old password required (2201) and checked (2203) when the user has one."""
    me = ctx.require_user()
    new = _checked_new(ctx, args["newPassword"])
    old = accounts.decrypt_password(ctx, args.get("oldPassword"))
    if users.password_hash(ctx.store, me["id"]):
        if not old:
            raise ApprowError(OLD_PASSWORD_MISSING)
        if not accounts.check_password(ctx, me["id"], old):
            raise ApprowError(OLD_PASSWORD_WRONG)
    return accounts.set_password(ctx, me["id"], new)


def reset_password(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """With the SMS code of the account's phone or the RESET_PASSWORD code of its e-mail."""
    phone, email = args.get("phone"), args.get("email")
    if bool(phone) == bool(email):
        raise invalid("resetPassword needs either phone or email")
    user = accounts.find_user(ctx, {"phone": phone} if phone else {"email": email})
    if user is None:
        raise ApprowError(USER_NOT_FOUND)
    new = _checked_new(ctx, args["newPassword"])
    if phone:
        codes.check(ctx, codes.SMS, phone, [codes.SMS_SCENE], args["code"])
    else:
        codes.check(ctx, codes.EMAIL, str(email), ["RESET_PASSWORD"], args["code"])
    accounts.set_password(ctx, user["id"], new)
    return common_message("The password was reset")


def _reset_token(ctx: RequestContext, token: str, kind: str) -> Dict[str, Any]:
    found = state.reset_token(ctx.store, token)
    if found is None or found["kind"] != kind:
        raise ApprowError(TOKEN_INVALID, "The password reset token is invalid or was already used")
    if found["expires_at"] < time.time():
        raise ApprowError(TOKEN_EXPIRED, "The password reset token has expired; log in again for a new one")
    user = users.get_user(ctx.store, found["user_id"])
    if user is None:
        raise ApprowError(USER_NOT_FOUND)
    return user


def reset_by_first_login_token(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    user = _reset_token(ctx, args["token"], "first_login")
    new = _checked_new(ctx, args["password"])
    if not state.drop_reset_token(ctx.store, args["token"]):
        raise ApprowError(TOKEN_INVALID, "The password reset token was already used")
    accounts.set_password(ctx, user["id"], new)
    return common_message("The password was changed; log in with it")


def reset_by_force_reset_token(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    user = _reset_token(ctx, args["token"], "force")
    old = ctx.pool.keys.decrypt_password(args["oldPassword"])
    if not accounts.check_password(ctx, user["id"], old):
        raise ApprowError(OLD_PASSWORD_WRONG)
    new = _checked_new(ctx, args["newPassword"])
    if new == old:
        raise invalid("The new password must differ from the old one")
    if not state.drop_reset_token(ctx.store, args["token"]):
        raise ApprowError(TOKEN_INVALID, "The password reset token was already used")
    accounts.set_password(ctx, user["id"], new)
    return common_message("The password was changed; log in with it")


RESOLVERS: Resolvers = {
    "Query": {"checkPasswordStrength": check_password_strength},
    "Mutation": {
        "updatePassword": update_password,
        "resetPassword": reset_password,
        "resetPasswordByFirstLoginToken": reset_by_first_login_token,
        "resetPasswordByForceResetToken": reset_by_force_reset_token,
    },
}
