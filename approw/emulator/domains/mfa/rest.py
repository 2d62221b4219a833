"""REST endpoints of the MFA domain: a user's TOTP authenticator (list, set up, confirm,
remove) and the emulator's own switch for the second factors an application requires.

The set-up endpoints accept the user's token or, for a login that must set one up first,
the ``mfaToken`` of that login.  Completing a login with a second factor is the auth
domain's (``auth/second_factor.py``).
"""

from __future__ import annotations

import time
from typing import Any, Dict, List

import segno

from ...context import RequestContext
from ...domain import Request, Route, read_only
from ...errors import WRONG_CODE, ApprowError, invalid
from . import challenge, state, totp

ISSUER = "Approw emulator"


def _body(req: Request) -> Dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}


def _kind(value: Any) -> str:
    kind = value or "totp"
    if kind != "totp":
        raise invalid("authenticator type must be totp, got %r" % kind)
    return "totp"


@read_only
def authenticators(ctx: RequestContext, req: Request) -> List[Dict[str, Any]]:
    """The user's confirmed authenticators (``type`` from the query string or the body)."""
    user = challenge.acting_user(ctx)
    kind = _kind(_body(req).get("type") or req.query.get("type"))
    found = state.authenticator(ctx.store, user["id"], kind)
    return [state.view(found)] if found is not None and found["enabled"] else []


def associate(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """A new secret and recovery code for the user's app; confirmed by ``.../confirm``."""
    user = challenge.acting_user(ctx)
    _kind(_body(req).get("authenticator_type"))
    if state.totp_enabled(ctx.store, user["id"]):
        raise invalid("A TOTP authenticator is already bound; remove it first (DELETE /api/v2/mfa/totp/associate)")
    secret = totp.new_secret()
    recovery = totp.new_recovery_code()
    state.put_authenticator(ctx.store, user["id"], secret, recovery, enabled=False)
    account = user.get("email") or user.get("phone") or user.get("username") or user["id"]
    uri = totp.provisioning_uri(secret, account, ISSUER)
    return {
        "authenticator_type": "totp",
        "secret": secret,
        "qrcode_uri": uri,
        "qrcode_data_url": segno.make(uri, error="m").svg_data_uri(),
        "recovery_code": recovery,
    }


def confirm(ctx: RequestContext, req: Request) -> None:
    """Confirm the authenticator being set up with a code it shows; from then on logins need it."""
    user = challenge.acting_user(ctx)
    body = _body(req)
    _kind(body.get("authenticator_type"))
    found = state.authenticator(ctx.store, user["id"])
    if found is None or found["enabled"]:
        raise invalid("No TOTP authenticator is being set up; call POST /api/v2/mfa/totp/associate first")
    step = totp.matching_step(totp.secret_key(found["secret"]), body.get("totp"), time.time(), -1)
    if step is None:
        raise ApprowError(WRONG_CODE, "The TOTP code is wrong")
    state.enable(ctx.store, found["id"], step)


def unassociate(ctx: RequestContext, req: Request) -> None:
    """Remove the user's authenticator (user token only: an mfaToken cannot drop the factor)."""
    user = ctx.require_user()
    state.remove_authenticator(ctx.store, user["id"])


def app_settings(ctx: RequestContext, req: Request) -> Dict[str, Any]:
    """``GET|PUT /_emulator/mfa``: the second factors an application requires (``{appId?,
    factors: [OTP, SMS, EMAIL]}``; ``[]`` turns MFA off).  The default application unless
    ``appId`` is given."""
    body = _body(req)
    app_id = body.get("appId") or req.query.get("appId") or ctx.pool.app_id
    if req.method == "PUT":
        factors = body.get("factors")
        if not isinstance(factors, list) or any(f not in state.FACTORS for f in factors):
            raise invalid("factors must be a list of %s" % ", ".join(state.FACTORS))
        state.set_app_factors(ctx.store, app_id, list(dict.fromkeys(factors)))
    return {"appId": app_id, "factors": state.app_factors(ctx.store, app_id)}


ROUTES: List[Route] = [
    ("GET", "/api/v2/mfa/authenticator", authenticators),
    ("POST", "/api/v2/mfa/authenticator", authenticators),
    ("POST", "/api/v2/mfa/totp/associate", associate),
    ("DELETE", "/api/v2/mfa/totp/associate", unassociate),
    ("POST", "/api/v2/mfa/totp/associate/confirm", confirm),
    ("GET", "/_emulator/mfa", app_settings),
    ("PUT", "/_emulator/mfa", app_settings),
]
