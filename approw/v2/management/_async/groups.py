"""``management.groups``: :class:`AsyncGroupsManagementClient`, the user groups of the pool
(addressed by code)."""
from typing import TYPE_CHECKING, Optional, Sequence

from approw.v2.common import checks
from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import AuthorizedResources, CommonMessage, Group, GroupPage, UserPage
from approw.v2.common.utils import authorized_resources, nested_users, required_field

from .base import AsyncManagementSubClient

if TYPE_CHECKING:
    from approw.v2.common._async.paging import AsyncPager

__all__ = ["AsyncGroupsManagementClient"]


class AsyncGroupsManagementClient(AsyncManagementSubClient):
    """Manage groups and their members (every call carries the management token)."""

    @checked
    async def list(self, page: int = 1, limit: int = 10) -> GroupPage:
        """One page of groups, ``{totalCount, list}``, newest first."""
        return await self._exec(ops.groups({"page": page, "limit": limit}))

    def iter(self, limit: int = 100) -> "AsyncPager[Group]":
        """Every group, ``limit`` per request, lazily (``async for`` with the asyncio client)."""
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit)

    @checked
    async def create(self, code: str, name: str, description: Optional[str] = None) -> Group:
        """Create a group (``code`` is unique in the pool)."""
        return await self._exec(ops.createGroup({"code": code, "name": name, "description": description}))

    @checked
    async def detail(self, code: str) -> Optional[Group]:
        """The group, or ``None``."""
        return await self._exec(ops.group({"code": code}))

    @checked
    async def update(self, code: str, new_code: Optional[str] = None, name: Optional[str] = None,
                     description: Optional[str] = None) -> Group:
        """Change a group's name or description, or rename it with ``new_code`` (its members and
        permissions stay)."""
        return await self._exec(ops.updateGroup(
            {"code": code, "newCode": new_code, "name": name, "description": description}))

    @checked
    async def delete(self, code: str) -> CommonMessage:
        """Delete a group with its memberships, roles and grants."""
        return await self._exec(ops.deleteGroups({"codeList": [code]}))

    @checked
    async def delete_many(self, code_list: Sequence[str]) -> CommonMessage:
        """Delete several groups (all of them, or none if one does not exist)."""
        return await self._exec(ops.deleteGroups({"codeList": code_list}))

    # ------------------------------------------------------------------ members
    @checked
    async def list_users(self, code: str, page: int = 1, limit: int = 10,
                         with_custom_data: Optional[bool] = None) -> UserPage:
        """One page of the group's members.  With ``with_custom_data`` each user's
        ``customData`` is a ``{key: typed value}`` dict.  An unknown group raises
        ``ApprowException(500, 'group not exists')``."""
        variables: ops.GroupWithUsersVariables = {"code": code, "page": page, "limit": limit}
        operation = ops.groupWithUsersWithCustomData if with_custom_data else ops.groupWithUsers
        users: UserPage = nested_users(await self._exec(operation(variables)), "group", with_custom_data)
        return users

    @checked
    async def add_users(self, code: str, user_ids: Sequence[str]) -> CommonMessage:
        """Add these users to the group (every user must exist)."""
        return await self._exec(ops.addUserToGroup({"userIds": user_ids, "code": code}))

    @checked
    async def remove_users(self, code: str, user_ids: Sequence[str]) -> CommonMessage:
        """Remove these users from the group."""
        return await self._exec(ops.removeUserFromGroup({"userIds": user_ids, "code": code}))

    @checked
    async def list_authorized_resources(self, code: str, namespace: Optional[str] = None,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources the group (with its roles) may act on: ``{totalCount, list: [{code,
        type, actions}]}``, of every namespace or of ``namespace``.  An unknown group raises
        ``ApprowException(500, 'group not exists')``."""
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        group = await self._exec(ops.listGroupAuthorizedResources(
            {"code": code, "namespace": namespace, "resourceType": resource_type}))
        found: AuthorizedResources = authorized_resources(required_field(group, "authorizedResources", "group"))
        return found
