"""The management client: ``from approw.v2.management import ManagementClient,
ManagementClientOptions``; ``AsyncManagementClient`` is its asyncio twin (same methods, each
awaitable).

One module per API area: ``users``, ``roles``, ``policies``, ``acl``, ``groups``, ``udf``,
``userpool``, ``whitelist``, ``statistics``, ``mfa``, ``org``, ``applications``, ... (generated
from ``_async/<area>.py``); ``check_type`` holds ``CheckType``.
"""
from typing import TYPE_CHECKING, Any, List

from .acl import AclManagementClient
from .applications import ApplicationsManagementClient
from .check_type import CheckType
from .client import ManagementClient
from .groups import GroupsManagementClient
from .mfa import MfaManagementClient
from .org import OrgManagementClient
from .policies import PoliciesManagementClient, PolicyManagementClient
from .roles import RolesManagementClient
from .statistics import StatisticsManagementClient
from .token_provider import ManagementTokenProvider
from .types import ManagementClientOptions
from .udf import UdfManagementClient
from .userpool import UserpoolManagementClient
from .users import UsersManagementClient
from .whitelist import WhitelistManagementClient

if TYPE_CHECKING:
    from ._async.client import AsyncManagementClient

__all__ = [
    "ManagementClient",
    "ManagementClientOptions",
    "ManagementTokenProvider",
    "UsersManagementClient",
    "RolesManagementClient",
    "PolicyManagementClient",
    "PoliciesManagementClient",
    "AclManagementClient",
    "GroupsManagementClient",
    "CheckType",
    "UdfManagementClient",
    "UserpoolManagementClient",
    "WhitelistManagementClient",
    "StatisticsManagementClient",
    "MfaManagementClient",
    "OrgManagementClient",
    "ApplicationsManagementClient",
    "AsyncManagementClient",
]


def __getattr__(name: str) -> Any:
    # The asyncio client is imported on first use: sync-only programs never load it.
    if name == "AsyncManagementClient":
        from ._async.client import AsyncManagementClient

        return AsyncManagementClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> List[str]:
    # the lazily imported asyncio client too (tab completion, dir())
    return sorted(set(globals()) | set(__all__))
