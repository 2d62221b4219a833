"""The MFA administration of the management API, over the same authenticator records the
users' own MFA flows use (``rest.py``, ``challenge.py``): an authenticator imported or
switched on here is asked for at the user's next login, and one the user set up is seen and
removed here.

* ``GET /api/v2/users/{id}/mfa-bound`` -- ``{OTP, FACE}``: which factors the user has bound
  (``OTP``: an enabled TOTP authenticator; the emulator has no face factors);
* ``DELETE /api/v2/users/{id}/mfa-bound?type=OTP|FACE`` -- remove it (nothing bound: fine);
* ``POST /api/v2/mfa/totp/import`` ``{userId, secret, recoveryCode?}`` -- give the user an
  enabled authenticator with an existing base32 secret (a recovery code is made when none is
  given);
* ``queryMfa(id | userId)`` -- the user's TOTP record ``{id, userId, userPoolId, enable,
  secret}`` or null; ``changeMfa(id | userId, enable, refresh)`` -- switch it on or off, give
  it a new secret (``refresh``), or create one (disabled unless ``enable``) for a user without.
"""

from __future__ import annotations

import binascii
from typing import Any, Dict, List, Optional
from urllib.parse import unquote

from ...context import RequestContext
from ...domain import Request, Resolvers, Route
from ...errors import POOL_NOT_FOUND, USER_NOT_FOUND, ApprowError, invalid
from ..users import state as users
from . import state, totp

MFA_TYPES = ("OTP", "FACE")


def _user(ctx: RequestContext, user_id: Any) -> Dict[str, Any]:
    ctx.require_admin()
    found = users.get_user(ctx.store, user_id) if isinstance(user_id, str) and user_id else None
    if found is None:
        raise ApprowError(USER_NOT_FOUND)
    return found


def bound(ctx: RequestContext, req: Request) -> Dict[str, bool]:
    user = _user(ctx, unquote(req.params["id"]))
    return {"OTP": state.totp_enabled(ctx.store, user["id"]), "FACE": False}


def unbind(ctx: RequestContext, req: Request) -> None:
    user = _user(ctx, unquote(req.params["id"]))
    kind = req.query.get("type")
    if kind not in MFA_TYPES:
        raise invalid("type must be one of %s, got %r" % (", ".join(MFA_TYPES), kind))
    if kind == "OTP":
        state.remove_authenticator(ctx.store, user["id"])


def _is_base32(secret: str) -> bool:
    try:
        return len(totp.secret_key(secret)) > 0
    except (binascii.Error, ValueError):
        return False


def import_totp(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    body = req.body if isinstance(req.body, dict) else {}
    user = _user(ctx, body.get("userId"))
    secret, recovery = body.get("secret"), body.get("recoveryCode")
    if not isinstance(secret, str) or not _is_base32(secret):
        raise invalid("secret must be a base32 TOTP secret, such as JBSWY3DPEHPK3PXP")
    if recovery is not None and (not isinstance(recovery, str) or not recovery.strip()):
        raise invalid("recoveryCode must be a non-empty string")
    found = state.put_authenticator(ctx.store, user["id"], secret, recovery or totp.new_recovery_code(), enabled=True)
    return state.view(found)


def _record(ctx: RequestContext, found: Dict[str, Any]) -> Dict[str, Any]:
    return {"id": found["id"], "userId": found["user_id"], "userPoolId": ctx.pool.id,
            "enable": bool(found["enabled"]), "secret": found["secret"]}


def _find(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The TOTP record named by ``id`` or ``userId`` (2231 when neither is given)."""
    ctx.require_admin()
    pool_id = args.get("userPoolId")
    if pool_id and pool_id != ctx.pool.id:
        raise ApprowError(POOL_NOT_FOUND)
    if args.get("id"):
        return state.authenticator_by_id(ctx.store, args["id"])
    if args.get("userId"):
        return state.authenticator(ctx.store, args["userId"])
    raise invalid("give the id of the MFA record or the userId")


def query_mfa(ctx: RequestContext, args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    found = _find(ctx, args)
    return None if found is None else _record(ctx, found)


def change_mfa(ctx: RequestContext, args: Dict[str, Any]) -> Dict[str, Any]:
    found = _find(ctx, args)
    if found is None:
        if args.get("id"):
            raise invalid("no MFA record with id %r" % args["id"])
        user = _user(ctx, args.get("userId"))
        found = state.put_authenticator(ctx.store, user["id"], totp.new_secret(), totp.new_recovery_code(),
                                        enabled=bool(args.get("enable")))
    elif args.get("refresh"):
        found = state.put_authenticator(ctx.store, found["user_id"], totp.new_secret(), found["recovery_code"],
                                        enabled=bool(found["enabled"] if args.get("enable") is None else args["enable"]))
    elif args.get("enable") is not None:
        state.set_enabled(ctx.store, found["id"], bool(args["enable"]))
        found = state.authenticator_by_id(ctx.store, found["id"]) or found
    return _record(ctx, found)


RESOLVERS: Resolvers = {"Query": {"queryMfa": query_mfa}, "Mutation": {"changeMfa": change_mfa}}

ROUTES: List[Route] = [
    ("GET", "/api/v2/users/{id}/mfa-bound", bound),
    ("DELETE", "/api/v2/users/{id}/mfa-bound", unbind),
    ("POST", "/api/v2/mfa/totp/import", import_totp),
]
