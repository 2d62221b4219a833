"""``AsyncManagementClient``: the administrator's client, composed of one sub-client per area."""
from __future__ import annotations

import importlib

from approw.v2.common import operations as ops
from approw.v2.common._async.graphql import AsyncGraphqlClient
from approw.v2.common._async.lifetime import AsyncClientLifetime
from approw.v2.common._async.rest import AsyncRestClient
from approw.v2.common.checks import checked
from approw.v2.common.options import TakesOptions
from approw.v2.exceptions import ApprowWrongArgumentException
from approw.v2.management.check_type import CheckType
from approw.v2.management.types import ManagementClientOptions

from .base import AsyncManagementSubClient
from .token_provider import AsyncManagementTokenProvider

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Tuple

    from approw.v2.common._async.executor import AsyncExecutor
    from approw.v2.common.shapes import LoginStatus, UserPool

    from .acl import AsyncAclManagementClient
    from .applications import AsyncApplicationsManagementClient
    from .groups import AsyncGroupsManagementClient
    from .mfa import AsyncMfaManagementClient
    from .org import AsyncOrgManagementClient
    from .policies import AsyncPolicyManagementClient
    from .roles import AsyncRolesManagementClient
    from .statistics import AsyncStatisticsManagementClient
    from .udf import AsyncUdfManagementClient
    from .userpool import AsyncUserpoolManagementClient
    from .users import AsyncUsersManagementClient
    from .whitelist import AsyncWhitelistManagementClient

__all__ = ["AsyncManagementClient"]

#: Sub-client attribute -> (module of this package, class).  An area's module is imported on
#: the first access to its attribute, so a program pays only for the areas it uses.
_AREAS: Dict[str, Tuple[str, str]] = {
    "users": ("users", "AsyncUsersManagementClient"),
    "roles": ("roles", "AsyncRolesManagementClient"),
    "policies": ("policies", "AsyncPolicyManagementClient"),
    "acl": ("acl", "AsyncAclManagementClient"),
    "groups": ("groups", "AsyncGroupsManagementClient"),
    "udf": ("udf", "AsyncUdfManagementClient"),
    "userpool": ("userpool", "AsyncUserpoolManagementClient"),
    "whitelist": ("whitelist", "AsyncWhitelistManagementClient"),
    "statistics": ("statistics", "AsyncStatisticsManagementClient"),
    "mfa": ("mfa", "AsyncMfaManagementClient"),
    "org": ("org", "AsyncOrgManagementClient"),
    "applications": ("applications", "AsyncApplicationsManagementClient"),
}


class AsyncManagementClient(TakesOptions, AsyncClientLifetime, AsyncManagementSubClient):
    """Administer a user pool.  Create one per process and share it (it is safe to use from
    many threads, or tasks); the management token is fetched on the first call, cached, and
    renewed before it expires.

    Sub-clients (attributes), sharing this client's options, connections and token:

    * ``users`` (:class:`AsyncUsersManagementClient`): the users of the pool.
    * ``roles`` (:class:`AsyncRolesManagementClient`): roles and who holds them.
    * ``policies`` (:class:`AsyncPolicyManagementClient`): policies and their assignments.
    * ``acl`` (:class:`AsyncAclManagementClient`): namespaces, resources, grants, checks.
    * ``groups`` (:class:`AsyncGroupsManagementClient`): user groups and their members.
    * ``check`` (:class:`CheckType`): the argument checks, for your own use.
    * ``udf`` (:class:`AsyncUdfManagementClient`): custom fields and their values.
    * ``userpool`` (:class:`AsyncUserpoolManagementClient`): pool settings, environment
      variables, the pool secret.
    * ``whitelist`` (:class:`AsyncWhitelistManagementClient`): registration whitelists.
    * ``statistics`` (:class:`AsyncStatisticsManagementClient`): the user action and audit logs.
    * ``mfa`` (:class:`AsyncMfaManagementClient`): users' second factors.
    * ``org`` (:class:`AsyncOrgManagementClient`): organisations, their nodes and members.
    * ``applications`` (:class:`AsyncApplicationsManagementClient`): applications, their
      secrets, resources, roles, access policies and agreements.

    Also: ``options``, ``tokenProvider`` (:class:`AsyncManagementTokenProvider`),
    ``graphqlClient`` and ``restClient`` (raw requests with this client's headers and errors).

    ``async with AsyncManagementClient(options) as client:`` or ``await client.aclose()``
    closes it.

    Args:
        options: the pool's ID and secret, the service's URL and the connection settings
            (:class:`~approw.v2.management.types.ManagementClientOptions`).

    Raises:
        ApprowWrongArgumentException: ``options`` is not a ``ManagementClientOptions``.

    Example::

        options = ManagementClientOptions(user_pool_id=POOL_ID, secret=POOL_SECRET,
                                          host="http://127.0.0.1:8080")
        async with AsyncManagementClient(options) as management_client:
            page = await management_client.users.list(limit=10)
            print(page["totalCount"])
    """

    users: AsyncUsersManagementClient
    roles: AsyncRolesManagementClient
    policies: AsyncPolicyManagementClient
    acl: AsyncAclManagementClient
    groups: AsyncGroupsManagementClient
    check: CheckType
    udf: AsyncUdfManagementClient
    userpool: AsyncUserpoolManagementClient
    whitelist: AsyncWhitelistManagementClient
    statistics: AsyncStatisticsManagementClient
    mfa: AsyncMfaManagementClient
    org: AsyncOrgManagementClient
    applications: AsyncApplicationsManagementClient
    graphqlClient: AsyncGraphqlClient
    restClient: AsyncRestClient

    def __init__(self, options: ManagementClientOptions) -> None:
        if not isinstance(options, ManagementClientOptions):
            raise ApprowWrongArgumentException("options must be a ManagementClientOptions")
        from approw.v2.common._async.executor import AsyncExecutor  # with the C core: on first use

        executor = AsyncExecutor(options)
        super().__init__(options, executor, AsyncManagementTokenProvider(options, executor))
        self.graphqlClient = AsyncGraphqlClient(executor)
        self.restClient = AsyncRestClient(executor)
        self.check = CheckType()
        self._userpool_detail: Optional[UserPool] = None

    def __getattr__(self, name: str) -> Any:
        """A sub-client, made on first access (its module imported then) and kept."""
        area = _AREAS.get(name)
        if area is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        module = importlib.import_module("." + area[0], __package__)
        client = getattr(module, area[1])(self.options, self._executor, self.tokenProvider)
        setattr(self, name, client)          # later accesses find it in the instance
        return client

    @checked
    async def check_login_status(self, token: str) -> LoginStatus:
        """Whether a user's token is valid (sent without the management token).

        Args:
            token: the user's token (a JWT, without a ``Bearer`` prefix).

        Returns:
            ``{code, message, status, exp, iat, data: {id, userPoolId, arn}}`` (a
            :class:`~approw.v2.common.shapes.users.LoginStatus` dict): ``status`` true and
            ``code`` 200 for a valid token; for an invalid or expired one ``status`` false, the
            reason's ``code`` (2206 expired, 2207 invalid) and ``data`` ``None``; not raised.

        Raises:
            ApprowArgumentTypeError: ``token`` is not a str.
        """
        return await self._exec(ops.checkLoginStatus({"token": token}), auth=False)

    async def _get_userpool_detail(self) -> UserPool:
        """The user pool settings (cached after the first success)."""
        if self._userpool_detail is None:
            self._userpool_detail = await self._exec(ops.userpool({}))
        return self._userpool_detail
