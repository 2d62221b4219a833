"""The end-user client: ``from approw.v2.authentication import AuthenticationClient,
AuthenticationClientOptions``; ``AsyncAuthenticationClient`` is its asyncio twin (same
methods, each awaitable).

The client is composed of one module per API area (``login``, ``account``, ..., generated
from ``_async/<area>.py``).
"""
from typing import TYPE_CHECKING, Any

from .client import AuthenticationClient
from .types import AuthenticationClientOptions

if TYPE_CHECKING:
    from ._async.client import AsyncAuthenticationClient

__all__ = ["AuthenticationClient", "AuthenticationClientOptions", "AsyncAuthenticationClient"]


def __getattr__(name: str) -> Any:
    # The asyncio client is imported on first use: sync-only programs never load it.
    if name == "AsyncAuthenticationClient":
        from ._async.client import AsyncAuthenticationClient

        return AsyncAuthenticationClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
