"""``management.groups``: :class:`AsyncGroupsManagementClient`, the user groups of the pool
(addressed by code)."""
from typing import TYPE_CHECKING, Optional, Sequence

from approw.v2.common import checks
from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import AuthorizedResources, CommonMessage, Group, GroupPage, UserPage
from approw.v2.common.helpers import authorized_resources, nested_users, required_field

from .base import AsyncManagementSubClient

if TYPE_CHECKING:
    from approw.v2.common._async.paging import AsyncPager

__all__ = ["AsyncGroupsManagementClient"]


class AsyncGroupsManagementClient(AsyncManagementSubClient):
    """The user groups of the pool, ``management_client.groups``, addressed by code: groups and
    their members (every call carries the management token)."""

    @checked
    async def list(self, page: int = 1, limit: int = 10) -> GroupPage:
        """One page of the pool's groups, newest first.

        Args:
            page: the page, from 1.
            limit: groups per page.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.GroupPage` dict; each
            :class:`~approw.v2.common.shapes.users.Group` has ``code``, ``name``,
            ``description``).

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.

        Example::

            management_client.groups.create("staff", "Staff")
            print([group["code"] for group in management_client.groups.list(limit=50)["list"]])
        """
        return await self._exec(ops.groups({"page": page, "limit": limit}))

    def iter(self, limit: int = 100) -> "AsyncPager[Group]":
        """Every group, ``limit`` per request, fetched lazily.

        Args:
            limit: groups per request.

        Returns:
            A pager yielding :class:`~approw.v2.common.shapes.users.Group` dicts (``for`` with the
            sync client, ``async for`` with the asyncio one).

        Raises:
            ApprowWrongArgumentException: ``limit`` is not an int of at least 1.
        """
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit)

    @checked
    async def create(self, code: str, name: str, description: Optional[str] = None) -> Group:
        """Create a group.

        Args:
            code: the group's code, unique in the pool: 1 to 256 characters, no whitespace or
                ``/``.
            name: its display name.
            description: a free text.

        Returns:
            The new group (a :class:`~approw.v2.common.shapes.users.Group` dict).

        Raises:
            AlreadyExistsError: a group has this code (2026).
            ApprowException: ``code`` is empty or has whitespace or ``/`` (2231).
            ApprowArgumentTypeError: an argument is not a str.

        Example::

            management_client.groups.create("staff", "Staff", "Everyone on the payroll")
            management_client.groups.add_users("staff", [user_id])
        """
        return await self._exec(ops.createGroup({"code": code, "name": name, "description": description}))

    @checked
    async def detail(self, code: str) -> Optional[Group]:
        """The group with this code, or ``None``.

        Args:
            code: the group's code.

        Returns:
            The group (a :class:`~approw.v2.common.shapes.users.Group` dict), or ``None`` when no
            group has this code.

        Raises:
            ApprowArgumentTypeError: ``code`` is not a str.
        """
        return await self._exec(ops.group({"code": code}))

    @checked
    async def update(self, code: str, new_code: Optional[str] = None, name: Optional[str] = None,
                     description: Optional[str] = None) -> Group:
        """Change a group's name or description, or rename it (its members and permissions stay).

        Args:
            code: the group's code.
            new_code: the new code.
            name: the new display name.
            description: the new description.

        Returns:
            The updated group (a :class:`~approw.v2.common.shapes.users.Group` dict).

        Raises:
            NotFoundError: no group has this code (404).
            AlreadyExistsError: another group has the code ``new_code`` (2026).
            ApprowArgumentTypeError: an argument is not a str.
        """
        return await self._exec(ops.updateGroup(
            {"code": code, "newCode": new_code, "name": name, "description": description}))

    @checked
    async def delete(self, code: str) -> CommonMessage:
        """Delete a group with its memberships, roles and grants.

        Args:
            code: the group's code.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: no group has this code (404).
            ApprowArgumentTypeError: ``code`` is not a str.
        """
        return await self._exec(ops.deleteGroups({"codeList": [code]}))

    @checked
    async def delete_many(self, code_list: Sequence[str]) -> CommonMessage:
        """Delete several groups: all of them, or none when one does not exist.

        Args:
            code_list: the groups' codes.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: a group does not exist (404); none was deleted.
            ApprowArgumentTypeError: ``code_list`` is not a list of str.
        """
        return await self._exec(ops.deleteGroups({"codeList": code_list}))

    # ------------------------------------------------------------------ members
    @checked
    async def list_users(self, code: str, page: int = 1, limit: int = 10,
                         with_custom_data: Optional[bool] = None) -> UserPage:
        """One page of the group's members.

        Args:
            code: the group's code.
            page: the page, from 1.
            limit: users per page.
            with_custom_data: also each user's ``customData``, a ``{key: typed value}`` dict.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowException: the group does not exist (500, "group not exists").
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        variables: ops.GroupWithUsersVariables = {"code": code, "page": page, "limit": limit}
        operation = ops.groupWithUsersWithCustomData if with_custom_data else ops.groupWithUsers
        users: UserPage = nested_users(await self._exec(operation(variables)), "group", with_custom_data)
        return users

    @checked
    async def add_users(self, code: str, user_ids: Sequence[str]) -> CommonMessage:
        """Add these users to the group (members already stay).

        Args:
            code: the group's code.
            user_ids: the users' IDs; every one must be a user's.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: no group has this code (404).
            UserNotFoundError: an ID is not a user's (2004).
            ApprowArgumentTypeError: ``user_ids`` is not a list of str.
        """
        return await self._exec(ops.addUserToGroup({"userIds": user_ids, "code": code}))

    @checked
    async def remove_users(self, code: str, user_ids: Sequence[str]) -> CommonMessage:
        """Remove these users from the group (users who are not members are ignored).

        Args:
            code: the group's code.
            user_ids: the users' IDs.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: no group has this code (404).
            ApprowArgumentTypeError: ``user_ids`` is not a list of str.
        """
        return await self._exec(ops.removeUserFromGroup({"userIds": user_ids, "code": code}))

    @checked
    async def list_authorized_resources(self, code: str, namespace: Optional[str] = None,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources the group, with its roles, may act on.

        Args:
            code: the group's code.
            namespace: keep the resources of this namespace; ``None`` for every namespace.
            resource_type: keep one type: ``DATA``, ``API``, ``MENU``, ``UI`` or ``BUTTON``.

        Returns:
            ``{totalCount, list: [{code, type, actions}]}`` (a
            :class:`~approw.v2.common.shapes.users.AuthorizedResources` dict).

        Raises:
            ApprowException: the group does not exist (500, "group not exists"); the namespace
                does not exist (3003).
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types.
        """
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        group = await self._exec(ops.listGroupAuthorizedResources(
            {"code": code, "namespace": namespace, "resourceType": resource_type}))
        found: AuthorizedResources = authorized_resources(required_field(group, "authorizedResources", "group"))
        return found
