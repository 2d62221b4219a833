"""The pool's settings, as ``userpool`` shows them and ``updateUserpool`` changes them.

Kept in the store's ``meta`` table as the changes made to :data:`DEFAULTS` (a nested setting
such as ``loginFailCheck`` is merged part by part), and read where they change behaviour:

* ``tokenExpiresAfter`` -- the lifetime of user tokens (the pool's ``user_token``);
* ``registerDisabled``, ``whitelist``, ``frequentRegisterCheck`` -- self-registration
  (``auth/registration.py``);
* ``loginFailCheck``, ``loginFailStrategy``, ``loginPasswordFailCheck`` -- password sign-in
  (``auth/lockout.py``);
* ``emailVerifiedDefault`` -- the ``emailVerified`` of new users.

The others are stored and shown, with no effect on the emulator.
"""

from __future__ import annotations

from typing import Any, Dict

from ...context import RequestContext
from ...errors import invalid
from ...store import Store
from ...values import now_iso

_META_KEY = "userpool_settings"
MAX_TOKEN_LIFETIME = 10 * 365 * 24 * 3600
LOGIN_FAIL_STRATEGIES = ("captcha", "block-account")

#: Settings of a new pool (``tokenExpiresAfter`` None: the emulator's ``--token-lifetime``).
DEFAULTS: Dict[str, Any] = {
    "name": "Approw emulator",
    "domain": "emulator",
    "description": "Local Approw-compatible emulator",
    "logo": "https://usercontents.approw.cn/approw-logo.png",
    "userpoolTypes": [],
    "emailVerifiedDefault": False,
    "sendWelcomeEmail": False,
    "registerDisabled": False,
    "appSsoEnabled": False,
    "showWxQRCodeWhenRegisterDisabled": False,
    "allowedOrigins": "",
    "tokenExpiresAfter": None,
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
    "loginRequireEmailVerified": False,
    "verifyCodeLength": 4,
    "updatedAt": None,
}
_CHECKS = ("frequentRegisterCheck", "loginFailCheck", "loginPasswordFailCheck")


def current(store: Store, token_lifetime: int) -> Dict[str, Any]:
    """Every setting (defaults with the stored changes); ``token_lifetime`` is the default of
    ``tokenExpiresAfter``."""
    merged: Dict[str, Any] = {k: (v.copy() if isinstance(v, (dict, list)) else v) for k, v in DEFAULTS.items()}
    for key, value in (store.get_meta(_META_KEY) or {}).items():
        default = merged.get(key)
        merged[key] = dict(default, **value) if isinstance(default, dict) and isinstance(value, dict) else value
    if merged["tokenExpiresAfter"] is None:
        merged["tokenExpiresAfter"] = token_lifetime
    return merged


def token_lifetime(store: Store, default: int) -> int:
    """The lifetime of user tokens in seconds (``tokenExpiresAfter``)."""
    stored = (store.get_meta(_META_KEY) or {}).get("tokenExpiresAfter")
    return int(stored) if stored else default


def _check(changes: Dict[str, Any]) -> None:
    """Refuse values the emulator could not honour (2231)."""
    for key in ("name", "domain"):
        if key in changes and not str(changes[key]).strip():
            raise invalid("%s must not be empty" % key)
    lifetime = changes.get("tokenExpiresAfter")
    if lifetime is not None and not 1 <= lifetime <= MAX_TOKEN_LIFETIME:
        raise invalid("tokenExpiresAfter must be between 1 and %d seconds, got %d" % (MAX_TOKEN_LIFETIME, lifetime))
    for key in _CHECKS:
        for part in ("timeInterval", "limit"):
            value = (changes.get(key) or {}).get(part)
            if value is not None and value < 1:
                raise invalid("%s.%s must be at least 1, got %d" % (key, part, value))
    strategy = changes.get("loginFailStrategy")
    if strategy is not None and strategy not in LOGIN_FAIL_STRATEGIES:
        raise invalid("loginFailStrategy must be one of %s, got %r" % (", ".join(LOGIN_FAIL_STRATEGIES), strategy))
    length = changes.get("verifyCodeLength")
    if length is not None and not 4 <= length <= 8:
        raise invalid("verifyCodeLength must be between 4 and 8, got %d" % length)


def update(store: Store, changes: Dict[str, Any]) -> None:
    """Apply ``UpdateUserpoolInput`` (a null or absent field keeps its value; a nested setting
    keeps the parts not given)."""
    given = {k: v for k, v in changes.items() if v is not None and k in DEFAULTS}
    for key, value in list(given.items()):
        if isinstance(value, dict):
            given[key] = {k: v for k, v in value.items() if v is not None}
    _check(given)
    with store.tx():
        stored: Dict[str, Any] = store.get_meta(_META_KEY) or {}
        for key, value in given.items():
            if isinstance(value, dict) and isinstance(stored.get(key), dict):
                stored[key].update(value)
            else:
                stored[key] = value
        stored["updatedAt"] = now_iso()
        store.set_meta(_META_KEY, stored)


def of(ctx: RequestContext) -> Dict[str, Any]:
    """Every setting of the request's pool (as :func:`current`)."""
    return current(ctx.store, ctx.pool.config.token_lifetime)
