"""The phone and e-mail of the calling user: bind, change, unbind (user token).

Each new value is proven with its verification code (SMS codes; e-mail codes of scene
``CHANGE_EMAIL``, or ``VERIFY_EMAIL`` for a first binding).  A change also proves the old
value when the pool asks for it (``changePhoneStrategy.verifyOldPhone`` /
``changeEmailStrategy.verifyOldEmail``, on by default).  A value another user holds is
refused (2035 phone, 2200 e-mail); unbinding the last way to log in is refused (2217).
"""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional

from ...context import RequestContext
from ...domain import Resolvers
from ...errors import (
    EMAIL_BOUND,
    LAST_LOGIN_METHOD,
    NO_EMAIL_TO_UNBIND,
    OLD_EMAIL_MISMATCH,
    OLD_EMAIL_REQUIRED,
    OLD_PHONE_MISMATCH,
    OLD_PHONE_REQUIRED,
    PHONE_BOUND,
    SAME_EMAIL,
    SAME_PHONE,
    BAD_EMAIL,
    ApprowError,
    invalid,
)
from ...values import is_email
from ..users import accounts
from ..users import state as users
from ..verification import codes

#: The pool's "verify the old phone / e-mail before a change" settings (the service's default).
VERIFY_OLD = {"phone": True, "email": True}


class _Kind(NamedTuple):
    channel: str
    scenes: List[str]
    bound: int  # the value belongs to another user
    same: int  # the new value is the current one
    old_missing: int
    old_mismatch: int
    name: str


_KIND = {
    "phone": _Kind(codes.SMS, [codes.SMS_SCENE], PHONE_BOUND, SAME_PHONE, OLD_PHONE_REQUIRED, OLD_PHONE_MISMATCH,
                   "phone"),
    "email": _Kind(codes.EMAIL, ["CHANGE_EMAIL"], EMAIL_BOUND, SAME_EMAIL, OLD_EMAIL_REQUIRED, OLD_EMAIL_MISMATCH,
                   "e-mail"),
}


def _value(field: str, value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if field == "email":
        text = text.lower()
        if not is_email(text):
            raise ApprowError(BAD_EMAIL)
    elif not text:
        raise invalid("phone must not be empty")
    return text


def _free(ctx: RequestContext, field: str, value: str, me: Dict[str, Any]) -> None:
    holder = accounts.find_user(ctx, {field: value})
    if holder is not None and holder["id"] != me["id"]:
        raise ApprowError(_KIND[field].bound)


def _store(ctx: RequestContext, me: Dict[str, Any], field: str, value: Optional[str]) -> Dict[str, Any]:
    return accounts.update_user(ctx, me["id"], {field: value, field + "Verified": value is not None},
                                self_service=False)


def _bind(ctx: RequestContext, field: str, value: Any, code: Any, scenes: List[str]) -> Dict[str, Any]:
    me = ctx.require_user()
    value = _value(field, value)
    kind = _KIND[field]
    if me.get(field):
        raise ApprowError(kind.bound, "A %s is already bound to this account; change it with update%s"
                          % (kind.name, field.capitalize()))
    _free(ctx, field, value, me)
    codes.check(ctx, kind.channel, value, scenes, code)
    return _store(ctx, me, field, value)


def _update(ctx: RequestContext, field: str, args: Dict[str, Any]) -> Dict[str, Any]:
    me = ctx.require_user()
    kind = _KIND[field]
    cap = field.capitalize()
    new = _value(field, args[field])
    current = me.get(field)
    if not current:
        raise invalid("No %s is bound to this account; bind one with bind%s" % (kind.name, cap))
    if new == current:
        raise ApprowError(kind.same, "The new %s is the same as the current one" % kind.name)
    old, old_code = args.get("old" + cap), args.get("old%sCode" % cap)
    if VERIFY_OLD[field]:
        if not old or not old_code:
            raise ApprowError(kind.old_missing)
        if _value(field, old) != current:
            raise ApprowError(kind.old_mismatch)
    _free(ctx, field, new, me)
    if VERIFY_OLD[field]:
        codes.check(ctx, kind.channel, current, kind.scenes + (["VERIFY_EMAIL"] if field == "email" else []),
                    old_code)
    codes.check(ctx, kind.channel, new, kind.scenes, args[field + "Code"])
    return _store(ctx, me, field, new)


def can_log_in_without(ctx: RequestContext, user: Dict[str, Any], field: str = "", provider: str = "") -> bool:
    """Whether ``user`` keeps a way to log in without ``field`` (phone or email) or the
    identities of ``provider``: a phone (codes), an identifier with a password, or another
    linked identity."""
    left = [k for k in ("username", "email", "phone") if k != field and user.get(k)]
    if "phone" in left:
        return True
    if any(i["provider"] != provider for i in users.identities(ctx.store, user["id"])):
        return True
    return bool(left) and bool(users.password_hash(ctx.store, user["id"]))


def bind_phone(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _bind(ctx, "phone", args["phone"], args["phoneCode"], [codes.SMS_SCENE])


def bind_email(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _bind(ctx, "email", args["email"], args["emailCode"], ["CHANGE_EMAIL", "VERIFY_EMAIL"])


def update_phone(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _update(ctx, "phone", args)


def update_email(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    return _update(ctx, "email", args)


def unbind_phone(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    """Without a phone there is nothing to do: the user comes back unchanged."""
    me = ctx.require_user()
    if not me.get("phone"):
        return me
    if not can_log_in_without(ctx, me, field="phone"):
        raise ApprowError(LAST_LOGIN_METHOD)
    return _store(ctx, me, "phone", None)


def unbind_email(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    me = ctx.require_user()
    if not me.get("email"):
        raise ApprowError(NO_EMAIL_TO_UNBIND)
    if not can_log_in_without(ctx, me, field="email"):
        raise ApprowError(LAST_LOGIN_METHOD)
    return _store(ctx, me, "email", None)


RESOLVERS: Resolvers = {
    "Mutation": {
        "bindPhone": bind_phone,
        "bindEmail": bind_email,
        "updatePhone": update_phone,
        "updateEmail": update_email,
        "unbindPhone": unbind_phone,
        "unbindEmail": unbind_email,
    },
}
