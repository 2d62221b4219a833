"""The end-user client: ``from approw.v2.authentication import AuthenticationClient,
AuthenticationClientOptions``; ``AsyncAuthenticationClient`` is its asyncio twin (same
methods, each awaitable).

The client is composed of one module per API area (``login``, ``account``, ..., generated
from ``_async/<area>.py``).  ``TokenVerifier`` (and ``AsyncTokenVerifier``) verify ID tokens
and access tokens locally, with the provider's keys cached (``verifier.py``, ``jwks.py``).
"""
from typing import TYPE_CHECKING, Any, List

from .client import AuthenticationClient
from .types import AuthenticationClientOptions
from .verifier import AsyncTokenVerifier, TokenVerifier

if TYPE_CHECKING:
    from ._async.client import AsyncAuthenticationClient

__all__ = ["AuthenticationClient", "AuthenticationClientOptions", "AsyncAuthenticationClient",
           "TokenVerifier", "AsyncTokenVerifier"]


def __getattr__(name: str) -> Any:
    # The asyncio client is imported on first use: sync-only programs never load it.
    if name == "AsyncAuthenticationClient":
        from ._async.client import AsyncAuthenticationClient

        return AsyncAuthenticationClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> List[str]:
    # the lazily imported asyncio client too (tab completion, dir())
    return sorted(set(globals()) | set(__all__))
