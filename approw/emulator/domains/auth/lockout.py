"""Password checks at sign-in, under the pool's rule against password guessing.

``loginFailCheck`` (``{enabled, limit, timeInterval}``): once an account has ``limit`` failed
sign-ins within ``timeInterval`` seconds (counted since its last successful one), its password
sign-ins are refused with 2000 -- the service then asks for a captcha, which the emulator
cannot serve, so the account stays refused until the window has passed.  With
``loginFailStrategy: "block-account"`` and ``loginPasswordFailCheck`` enabled, that rule's
numbers apply instead and the refusal is 2005 (the account is locked).  Every refusal,
including a wrong password (2006) and an unknown account (2004), is logged as a failed sign-in
(``loginFailed``) -- the log the rule counts.
"""

from __future__ import annotations

import time
from typing import Any, Dict, NoReturn, Optional, Tuple

from ...context import RequestContext
from ...errors import USER_LOCKED, USER_NOT_FOUND, WRONG_PASSWORD, ApprowError
from ..statistics import record
from ..statistics import state as statistics
from ..userpool import settings
from ..users import accounts

CAPTCHA_REQUIRED = 2000


def rule(ctx: RequestContext) -> Optional[Tuple[int, int, int]]:
    """``(limit, timeInterval, code)`` of the rule in force, or None."""
    pool = settings.of(ctx)
    check = pool["loginPasswordFailCheck"]
    if pool["loginFailStrategy"] == "block-account" and check["enabled"]:
        return check["limit"], check["timeInterval"], USER_LOCKED
    check = pool["loginFailCheck"]
    if check["enabled"]:
        return check["limit"], check["timeInterval"], CAPTCHA_REQUIRED
    return None


def refuse(ctx: RequestContext, user: Optional[Dict[str, Any]], error: ApprowError,
           client_ip: Optional[str] = None, desc: Optional[str] = None) -> NoReturn:
    """Log a failed sign-in (``desc``, default the error's message) and raise ``error``."""
    record.user_action(ctx, record.LOGIN_FAILED, user, desc=desc or error.message, client_ip=client_ip)
    raise error


def unknown_account(ctx: RequestContext, account: str, client_ip: Optional[str] = None) -> NoReturn:
    refuse(ctx, None, ApprowError(USER_NOT_FOUND), client_ip, "No account %r" % account)


def check_password(ctx: RequestContext, user: Dict[str, Any], password: str,
                   client_ip: Optional[str] = None) -> None:
    """Pass, or refuse (and log) a sign-in with ``password``: 2000/2005 while the account is
    locked out, 2006 for a wrong password."""
    found = rule(ctx)
    if found is not None:
        limit, interval, code = found
        if statistics.failed_logins(ctx.store, user["id"], time.time() - interval) >= limit:
            refuse(ctx, user, ApprowError(code, "Too many failed sign-ins (%d in %d s): %s" % (
                limit, interval, "the account is locked" if code == USER_LOCKED else
                "a captcha is required, which the emulator cannot serve; try again later")), client_ip)
    if not accounts.check_password(ctx, user["id"], password):
        refuse(ctx, user, ApprowError(WRONG_PASSWORD), client_ip)
