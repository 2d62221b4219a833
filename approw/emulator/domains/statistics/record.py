"""The one hook every domain calls to log something: :func:`user_action` for what end users
do (sign-ins, failed sign-ins, registrations, changes to their own account) and :func:`audit`
for changes made with the management token.  Entries carry the operation, the user or
operator, the client IP of the request (or the one the client reported, as ``clientIp``), the
application of the request and the time; the listings serve them as recorded.

Sign-in and registration code calls :func:`user_action` itself (only it knows who tried);
changes made through GraphQL mutations and REST calls are logged by :mod:`.audit`, which
wraps them in the request path.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional

from ...context import RequestContext
from ...tokens import object_id
from ...values import now_iso
from . import state

LOGIN = "login"
LOGIN_FAILED = "loginFailed"
REGISTER = "register"


def display_name(user: Dict[str, Any]) -> Optional[str]:
    for field in ("name", "nickname", "username", "email", "phone"):
        if user.get(field):
            return str(user[field])
    return None


def _entry(ctx: RequestContext, operation: str, desc: Optional[str], client_ip: Optional[str]) -> Dict[str, Any]:
    ip = client_ip or ctx.client_ip
    return {
        "request_id": object_id(),
        "userpool_id": ctx.pool.id,
        "operation_name": operation,
        "operation_desc": desc,
        "timestamp": now_iso(),
        "clientip": ip,
        "geoip": {"ip": ip, "city_name": None, "region_name": None, "country_name": None},
    }


def user_action(ctx: RequestContext, operation: str, user: Optional[Dict[str, Any]], *,
                desc: Optional[str] = None, client_ip: Optional[str] = None) -> None:
    """Log what an end user did (``user`` None: an unknown account, e.g. a failed sign-in)."""
    entry = _entry(ctx, operation, desc, client_ip)
    app_id = ctx.app_id
    entry.update(
        operator_arn=ctx.pool.arn(user["id"]) if user else None,
        user=None if user is None else {"id": user["id"], "displayName": display_name(user),
                                        "photo": user.get("photo"), "userpoolId": ctx.pool.id},
        app_id=app_id,
        app={"name": ctx.pool.application(app_id)["name"]},
    )
    state.add(ctx.store, "user", entry, user["id"] if user else None, time.time())


def admin_arn(ctx: RequestContext) -> str:
    """The operator ARN of changes made with the management token."""
    return "arn:cn:approw:%s:userpool:%s" % (ctx.pool.id, ctx.pool.id)


def audit(ctx: RequestContext, operation: str, *, resource_type: Optional[str], resource_arn: Optional[str],
          resource_desc: Optional[str]) -> None:
    """Log a change made with the management token."""
    entry = _entry(ctx, operation, None, None)
    entry.update(
        operator_arn=admin_arn(ctx),
        operator_type="admin",
        operator_detail={"id": ctx.pool.identity["ownerId"], "displayName": "Administrator",
                         "photo": None, "userpoolId": ctx.pool.id},
        resource_type=resource_type,
        resource_arn=resource_arn,
        resource_desc=resource_desc,
    )
    state.add(ctx.store, "audit", entry, None, time.time())
