"""``APPROW_EMULATOR_HOST``: point clients built without a host at a local emulator.

With ``APPROW_EMULATOR_HOST=127.0.0.1:8080`` (or ``http://127.0.0.1:8080``) in the environment,
a client whose options give no ``host`` (nor ``app_host``) talks to ``http://127.0.0.1:8080``
instead of the cloud service, and -- unless ``enc_public_key`` is given -- encrypts passwords
with the emulator's key, fetched from ``/api/v2/.well-known`` the first time one is needed.
The SDK logs one WARNING (logger ``approw``) the first time it does so, so that a forgotten
variable cannot silently send a production program to a test server.
"""
from __future__ import annotations

import os

from ..exceptions import ApprowConnectionError, ApprowWrongArgumentException

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

__all__ = ["ENV", "emulator_host", "fetch_public_key"]

ENV = "APPROW_EMULATOR_HOST"
_warned = False


def emulator_host() -> Optional[str]:
    """The emulator's base URL from the environment, or None when the variable is unset."""
    global _warned
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    from urllib.parse import urlsplit

    url = (value if "://" in value else "http://" + value).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or any(c in url for c in " \r\n\0"):
        raise ApprowWrongArgumentException(f"{ENV} must be host:port (or http://host:port), got {value!r}")
    if not _warned:
        _warned = True
        import logging

        logging.getLogger("approw").warning("%s is set: clients without a host use the emulator at %s", ENV, url)
    return url


def fetch_public_key(host: str, timeout: float) -> str:
    """The password-encryption key the emulator at ``host`` publishes."""
    import json
    import urllib.request

    url = host + "/api/v2/.well-known"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - the emulator's own URL
            body = json.loads(answer.read(1 << 20).decode("utf-8"))
        key = body["data"]["publicKey"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ApprowConnectionError(f"cannot read the emulator's public key from {url}: {exc}") from None
    if not isinstance(key, str) or "PUBLIC KEY" not in key:
        raise ApprowConnectionError(f"{url} did not answer a public key")
    return key
