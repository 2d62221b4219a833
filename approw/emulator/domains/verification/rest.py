"""REST endpoints of the verification domain: SMS codes, and the emulator's own outbox.

``/_emulator/...`` paths are the emulator's own (not the service's): tools for developers
and tests, without authentication.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from ...context import RequestContext
from ...domain import Raw, Request, Route
from ...errors import ApprowError, invalid
from . import codes

_PHONE = re.compile(r"\+?[0-9][0-9 -]{3,19}")


def send_sms(ctx: RequestContext, req: Request) -> Raw:
    """``{phone}`` -> ``{code: 200, message}``; refusals in the same envelope (read raw by SDKs)."""
    body = req.body if isinstance(req.body, dict) else {}
    phone = body.get("phone")
    try:
        if not isinstance(phone, str) or not _PHONE.fullmatch(phone.strip()):
            raise invalid("phone must be a phone number such as +8613800000000")
        codes.send(ctx, codes.SMS, phone, codes.SMS_SCENE)
    except ApprowError as exc:
        return Raw({"code": exc.code, "message": exc.message})
    return Raw({"code": 200, "message": "The SMS was sent"})


def outbox(ctx: RequestContext, req: Request) -> List[Dict[str, Any]]:
    """``GET /_emulator/outbox[?to=]``: the messages sent, oldest first."""
    return codes.outbox(ctx.store, req.query.get("to") or None)


ROUTES: List[Route] = [
    ("POST", "/api/v2/sms/send", send_sms),
    ("GET", "/_emulator/outbox", outbox),
]
