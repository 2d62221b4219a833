"""The end-user client: ``from approw.v2.authentication import AuthenticationClient,
AuthenticationClientOptions``; ``AsyncAuthenticationClient`` is its asyncio twin (same
methods, each awaitable).

The client is composed of one module per API area (``login``, ``account``, ..., generated
from ``_async/<area>.py``).  ``TokenVerifier`` (and ``AsyncTokenVerifier``) verify ID tokens
and access tokens locally, with the provider's keys cached (``verifier.py``, ``jwks.py``).
"""
import importlib

# Not typing.TYPE_CHECKING: importing typing costs more than this whole package.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._async.client import AsyncAuthenticationClient
    from .client import AuthenticationClient
    from .types import AuthenticationClientOptions
    from .verifier import AsyncTokenVerifier, TokenVerifier

#: Public name -> the module that defines it, imported on first access (PEP 562).
_EXPORTS = {
    "AuthenticationClient": ".client",
    "AuthenticationClientOptions": ".types",
    "AsyncAuthenticationClient": "._async.client",
    "TokenVerifier": ".verifier",
    "AsyncTokenVerifier": ".verifier",
}

__all__ = [
    "AuthenticationClient",
    "AuthenticationClientOptions",
    "AsyncAuthenticationClient",
    "TokenVerifier",
    "AsyncTokenVerifier",
]


def __getattr__(name: str) -> "Any":
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value                  # later lookups do not come here
    return value


def __dir__() -> "list[str]":
    return sorted(set(globals()) | set(_EXPORTS))
