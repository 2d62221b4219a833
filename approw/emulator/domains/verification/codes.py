"""Verification codes sent by SMS and e-mail, delivered to the outbox.

The emulator has no SMS or e-mail provider: a "sent" message is recorded in the outbox
(``GET /_emulator/outbox``, the pytest helpers ``outbox()`` / ``last_code()``) and logged at
level info.  The rules are the service's:

* a code is 4 digits, bound to its channel, recipient and scene (SMS codes have the scene
  ``SMS``: any phone operation takes them; e-mail codes name what they are for);
* it is valid for ``code_lifetime`` seconds (60 by default, as the service's SMS codes):
  later -> 2300;
* it works once: using it deletes it, so a second use is a wrong code (2001);
* a wrong code counts an attempt; after :data:`MAX_ATTEMPTS` the code is void (2001);
* one message per recipient per ``code_resend_interval`` seconds: sooner -> 2100.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional

from ...context import RequestContext
from ...errors import CODE_EXPIRED, TOO_FREQUENT, WRONG_CODE, ApprowError
from ...store import Store
from ...values import iso
from . import state

log = logging.getLogger("approw.emulator")

MAX_ATTEMPTS = 5
CODE_LENGTH = 4
SMS = "sms"
EMAIL = "email"
SMS_SCENE = "SMS"


def normalize(channel: str, recipient: str) -> str:
    """The outbox key of a recipient: phone numbers as given (trimmed), e-mails lower-cased."""
    recipient = recipient.strip()
    return recipient.lower() if channel == EMAIL else recipient


def send(ctx: RequestContext, channel: str, recipient: str, scene: str) -> Dict[str, Any]:
    """Issue a new code for ``recipient`` and put the message in the outbox."""
    config = ctx.pool.config
    to = normalize(channel, recipient)
    code = "%0*d" % (CODE_LENGTH, secrets.randbelow(10**CODE_LENGTH))
    now = time.time()
    expires_at = now + config.code_lifetime
    with ctx.store.tx():
        last = state.last_sent(ctx.store, channel, to)
        wait = 0.0 if last is None else last + config.code_resend_interval - now
        if wait > 0:
            raise ApprowError(
                TOO_FREQUENT,
                "A code was sent to %s less than %d seconds ago; try again in %d s"
                % (to, config.code_resend_interval, int(wait) + 1),
            )
        state.add_message(ctx.store, channel, to, scene, code, now, expires_at)
    log.info("outbox: %s to %s, scene %s: code %s (valid %d s)", channel, to, scene, code, config.code_lifetime)
    return {"channel": channel, "to": to, "scene": scene, "code": code}


def check(ctx: RequestContext, channel: str, recipient: str, scenes: Iterable[str], code: Any) -> str:
    """Use the live code of ``recipient`` for one of ``scenes``; returns the scene it was for.
    Wrong -> 2001 (the attempt counts), expired -> 2300, absent or used -> 2001."""
    to = normalize(channel, recipient)
    given = code.strip() if isinstance(code, str) else ""
    now = time.time()
    with ctx.store.tx():
        live = [(scene, state.live_code(ctx.store, channel, to, scene)) for scene in scenes]
        candidates = [(scene, c) for scene, c in live if c is not None]
        for scene, current in candidates:
            if given and secrets.compare_digest(given, current["code"]):
                state.drop_code(ctx.store, channel, to, scene)
                if current["expires_at"] <= now:
                    raise ApprowError(CODE_EXPIRED)
                return scene
        for scene, current in candidates:
            if state.count_attempt(ctx.store, channel, to, scene) >= MAX_ATTEMPTS:
                state.drop_code(ctx.store, channel, to, scene)
    # outside the transaction: the counted attempts are committed
    if not candidates:
        raise ApprowError(WRONG_CODE, "No verification code was sent to %s for this operation, "
                          "or it was already used; request a new one" % to)
    raise ApprowError(WRONG_CODE)


def _recipient(to: Optional[str]) -> Optional[str]:
    return None if to is None else normalize(EMAIL if "@" in to else SMS, to)


def age(store: Store, to: Optional[str], seconds: float) -> int:
    """Move the messages and codes of ``to`` (or all) ``seconds`` into the past (tests of
    expiry and resends without waiting); returns how many live codes moved."""
    return state.age(store, _recipient(to), seconds)


def outbox(store: Store, to: Optional[str] = None) -> List[Dict[str, Any]]:
    """The outbox as the REST endpoint and the test helpers show it, oldest first."""
    recipient = _recipient(to)
    return [
        {
            "channel": m["channel"],
            "to": m["recipient"],
            "scene": m["scene"],
            "code": m["code"],
            "sentAt": iso_at(m["sent_at"]),
            "expiresAt": iso_at(m["expires_at"]),
        }
        for m in state.messages(store, recipient)
    ]


def iso_at(seconds: float) -> str:
    return iso(datetime.fromtimestamp(seconds, timezone.utc))
