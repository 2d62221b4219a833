"""The management client: ``from approw.v2.management import ManagementClient,
ManagementClientOptions``; ``AsyncManagementClient`` is its asyncio twin (same methods, each
awaitable).

One module per API area: ``users``, ``roles``, ``policies``, ``acl``, ``groups``, ``udf``,
``userpool``, ``whitelist``, ``statistics``, ``mfa``, ``org``, ``applications``, ... (generated
from ``_async/<area>.py``); ``check_type`` holds ``CheckType``.
"""
import importlib

# Not typing.TYPE_CHECKING: importing typing costs more than this whole package.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._async.client import AsyncManagementClient
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

#: Public name -> the module that defines it.  Importing this package loads none of them:
#: each is imported on first access (PEP 562), so ``import approw.v2.management`` is cheap and a
#: program loads only what it uses.
_EXPORTS = {
    "ManagementClient": ".client",
    "ManagementClientOptions": ".types",
    "ManagementTokenProvider": ".token_provider",
    "UsersManagementClient": ".users",
    "RolesManagementClient": ".roles",
    "PolicyManagementClient": ".policies",
    "PoliciesManagementClient": ".policies",
    "AclManagementClient": ".acl",
    "GroupsManagementClient": ".groups",
    "CheckType": ".check_type",
    "UdfManagementClient": ".udf",
    "UserpoolManagementClient": ".userpool",
    "WhitelistManagementClient": ".whitelist",
    "StatisticsManagementClient": ".statistics",
    "MfaManagementClient": ".mfa",
    "OrgManagementClient": ".org",
    "ApplicationsManagementClient": ".applications",
    "AsyncManagementClient": "._async.client",
}

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


def __getattr__(name: str) -> "Any":
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value                  # later lookups do not come here
    return value


def __dir__() -> "list[str]":
    return sorted(set(globals()) | set(_EXPORTS))
