"""Who may use the emulator's own routes (``/_emulator/...``: the outbox of sign-in codes, the
MFA switch, and any later developer tool).

They carry no service token, so a web page the developer happens to visit must not reach
them: they answer without any CORS header (a browser keeps the answer from another origin's
script), and a request is served only when

* it carries ``X-Approw-Emulator-Secret: <the pool secret>`` (compared in constant time) —
  the way in from another machine or container; or
* it comes from this machine and looks same-origin: a loopback peer address, a ``Host`` that
  is a loopback name or address (a DNS-rebound name is not), no ``Origin`` other than the
  emulator's own, and no ``Sec-Fetch-Site`` other than ``same-origin`` / ``none``.

Anything else is refused with HTTP 403 before a handler runs.  :func:`refusal` is the one
check; the server applies it to every ``/_emulator/`` path.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Callable, Optional

PREFIX = "/_emulator/"
SECRET_HEADER = "X-Approw-Emulator-Secret"
_LOOPBACK_NAMES = ("localhost", "localhost.")


def guarded(path: str) -> bool:
    """Whether ``path`` is one of the emulator's own routes."""
    return path == PREFIX.rstrip("/") or path.startswith(PREFIX)


def _loopback_address(text: str) -> bool:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def _host_name(host: str) -> str:
    """The name or address of a ``Host`` header value, without port and brackets."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _loopback_host(host: str) -> bool:
    name = _host_name(host).lower()
    return name in _LOOPBACK_NAMES or name.endswith(".localhost") or _loopback_address(name)


def refusal(header: Callable[[str], Optional[str]], client_ip: str, pool_secret: str) -> Optional[str]:
    """Why a request to an ``/_emulator/`` route is refused, or None when it may proceed."""
    secret = header(SECRET_HEADER)
    if secret is not None:
        if hmac.compare_digest(secret.strip().encode("utf-8", "surrogatepass"), pool_secret.encode("utf-8")):
            return None
        return "%s does not match the pool secret" % SECRET_HEADER
    if not _loopback_address(client_ip):
        return ("/_emulator/ routes answer other machines only with the %s header (the pool secret)"
                % SECRET_HEADER)
    host = (header("Host") or "").strip()
    if not _loopback_host(host):
        return "/_emulator/ routes need a loopback Host (localhost, 127.0.0.1, [::1]) or the %s header" % SECRET_HEADER
    origin = header("Origin")
    if origin is not None and origin.strip() != "http://" + host:
        return "/_emulator/ routes do not answer cross-origin requests (Origin %s)" % origin.strip()[:100]
    site = (header("Sec-Fetch-Site") or "none").strip().lower()
    if site not in ("same-origin", "none"):
        return "/_emulator/ routes do not answer %s requests from a web page" % site
    return None
