"""The management client: ``from approw.v2.management import ManagementClient,
ManagementClientOptions``."""
from .client import ManagementClient
from .token_provider import ManagementTokenProvider
from .types import ManagementClientOptions
from .users import UsersManagementClient

__all__ = [
    "ManagementClient",
    "ManagementClientOptions",
    "ManagementTokenProvider",
    "UsersManagementClient",
]
