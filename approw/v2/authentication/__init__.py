"""The end-user client: ``from approw.v2.authentication import AuthenticationClient,
AuthenticationClientOptions``."""
from .client import AuthenticationClient
from .types import AuthenticationClientOptions

__all__ = ["AuthenticationClient", "AuthenticationClientOptions"]
