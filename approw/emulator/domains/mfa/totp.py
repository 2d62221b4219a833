"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), with the standard library's
``hmac`` and ``hashlib``: SHA-1, 30-second steps, 6 digits -- what authenticator apps use.

A code is accepted for the current step and one step either side (clock drift), and only
for a step later than the last one used (no replay).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any, Callable, Optional
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
WINDOW = 1  # steps of drift accepted either side


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: Callable[..., Any] = hashlib.sha1) -> str:
    """RFC 4226 HOTP value of ``counter`` (dynamic truncation of HMAC(key, counter))."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(seconds: float) -> int:
    return int(seconds // STEP)


def totp(key: bytes, seconds: float, digits: int = DIGITS, digest: Callable[..., Any] = hashlib.sha1) -> str:
    """RFC 6238 TOTP value at Unix time ``seconds``."""
    return hotp(key, step_at(seconds), digits, digest)


def new_secret() -> str:
    """A new shared secret: 160 random bits, base32 without padding (as apps expect)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def new_recovery_code() -> str:
    """A single-use recovery code: four groups of eight hex digits."""
    return "-".join(secrets.token_hex(4) for _ in range(4))


def secret_key(secret: str) -> bytes:
    """The key bytes of a base32 secret (case, spaces and padding tolerated)."""
    text = secret.replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def matching_step(key: bytes, code: Any, seconds: float, after: int) -> Optional[int]:
    """The step (within the drift window, later than ``after``) whose code is ``code``."""
    if not isinstance(code, str) or len(code.strip()) != DIGITS or not code.strip().isdigit():
        return None
    code = code.strip()
    now = step_at(seconds)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if step > after and hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://totp/...`` URI authenticator apps read from a QR code."""
    label = quote("%s:%s" % (issuer, account), safe=":@")
    return "otpauth://totp/%s?%s" % (label, urlencode({"secret": secret, "issuer": issuer}))
