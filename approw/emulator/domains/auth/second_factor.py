"""Finishing a login with a second factor (REST, ``Authorization: Bearer <mfaToken>``).

The ``mfaToken`` comes from a refused login (error 1635).  The factors: the code of the
user's TOTP authenticator or its single-use recovery code (when the user has one), an SMS
code or an e-mail code (``MFA_VERIFY``) when the application accepts SMS / EMAIL.  For the
last two, a user without a phone or e-mail may name one that is free: passing the code binds
it.  A success returns the user with a new token and uses the ``mfaToken`` up.
"""

from __future__ import annotations

import hmac
import time
from typing import Any, Dict, List, Optional

from ...context import RequestContext
from ...domain import Request, Route
from ...errors import EMAIL_BOUND, PHONE_BOUND, ApprowError, invalid
from ..mfa import challenge, totp
from ..mfa import state as mfa
from ..users import accounts
from ..verification import codes
from . import signin


def _body(req: Request) -> Dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}


def _finish(ctx: RequestContext, user: Dict[str, Any], pending: Dict[str, Any]) -> Dict[str, Any]:
    challenge.passed(ctx, pending)
    return accounts.view(ctx, signin.complete_login(ctx, user, second_factor_done=True))


def _totp_authenticator(ctx: RequestContext, user: Dict[str, Any]) -> Dict[str, Any]:
    found = mfa.authenticator(ctx.store, user["id"])
    if found is None or not found["enabled"]:
        raise invalid("This user has no TOTP authenticator; set one up (POST /api/v2/mfa/totp/associate "
                      "with the mfaToken) or use another factor")
    return found


def verify_totp(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    user, pending = challenge.require(ctx)
    found = _totp_authenticator(ctx, user)
    step = totp.matching_step(totp.secret_key(found["secret"]), _body(req).get("totp"), time.time(),
                              found["last_step"])
    if step is None or not mfa.use_step(ctx.store, found["id"], step):
        challenge.failed(ctx, pending, "The TOTP code is wrong or was already used")
    return _finish(ctx, user, pending)


def verify_recovery_code(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    user, pending = challenge.require(ctx)
    found = _totp_authenticator(ctx, user)
    given = _body(req).get("recoveryCode")
    current = found["recovery_code"]
    if not (isinstance(given, str) and current and hmac.compare_digest(given.strip(), current)
            and mfa.use_recovery_code(ctx.store, found["id"], current)):
        challenge.failed(ctx, pending, "The recovery code is wrong or was already used")
    return _finish(ctx, user, pending)


def _accepts(ctx: RequestContext, pending: Dict[str, Any], factor: str) -> None:
    if factor not in mfa.app_factors(ctx.store, pending["app_id"]):
        raise invalid("This application does not take %s codes as a second factor" % factor)


def _target(ctx: RequestContext, user: Dict[str, Any], field: str, value: Any) -> str:
    """The phone/e-mail a second factor goes to: the user's, or a free one to bind."""
    if not isinstance(value, str) or not value.strip():
        raise invalid("%s is required" % field)
    wanted: str = value.strip().lower() if field == "email" else value.strip()
    own: Optional[str] = user.get(field)
    if own:
        if wanted != own:
            raise invalid("The second factor goes to the %s bound to this account" % field)
        return wanted
    holder = accounts.find_user(ctx, {field: wanted})
    if holder is not None and holder["id"] != user["id"]:
        raise ApprowError(PHONE_BOUND if field == "phone" else EMAIL_BOUND)
    return wanted


def _verify_code(ctx: RequestContext, req: Request, factor: str, field: str) -> Dict[str, Any]:
    user, pending = challenge.require(ctx)
    _accepts(ctx, pending, factor)
    body = _body(req)
    value = _target(ctx, user, field, body.get(field))
    if field == "phone":
        codes.check(ctx, codes.SMS, value, [codes.SMS_SCENE], body.get("code"))
    else:
        codes.check(ctx, codes.EMAIL, value, ["MFA_VERIFY"], body.get("code"))
    if user.get(field) != value:
        user = accounts.update_user(ctx, user["id"], {field: value, field + "Verified": True}, self_service=False)
    return _finish(ctx, user, pending)


def verify_sms(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    return _verify_code(ctx, req, "SMS", "phone")


def verify_email(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    return _verify_code(ctx, req, "EMAIL", "email")


def bindable(ctx: RequestContext, req: Request) -> bool:
    """Whether the phone / e-mail can carry this user's second factor."""
    user, _ = challenge.require(ctx)
    body = _body(req)
    given = [f for f in ("phone", "email") if body.get(f)]
    if not given:
        raise invalid("pass phone or email")
    for field in given:
        _target(ctx, user, field, body[field])
    return True


ROUTES: List[Route] = [
    ("POST", "/api/v2/mfa/totp/verify", verify_totp),
    ("POST", "/api/v2/mfa/totp/recovery", verify_recovery_code),
    ("POST", "/api/v2/applications/mfa/sms/verify", verify_sms),
    ("POST", "/api/v2/applications/mfa/email/verify", verify_email),
    ("POST", "/api/v2/applications/mfa/check", bindable),
]
