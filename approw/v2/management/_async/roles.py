"""``management.roles``: :class:`AsyncRolesManagementClient`, the roles of the pool.

A role is addressed by its code within a namespace (``default`` when ``namespace`` is not
given); its custom data by its ID.
"""
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Sequence

from approw.v2.common import checks
from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import (
    AuthorizedResources,
    CommonMessage,
    PolicyAssignmentPage,
    Role,
    RolePage,
    UserPage,
)
from approw.v2.common.helpers import (
    convert_udf_value_batch,
    convert_udv_list_to_dict,
    authorized_resources,
    nested_users,
    required_field,
    udf_value_batch_input,
    udv_input,
)

from .base import AsyncManagementSubClient

if TYPE_CHECKING:
    from approw.v2.common._async.paging import AsyncPager

__all__ = ["AsyncRolesManagementClient"]


class AsyncRolesManagementClient(AsyncManagementSubClient):
    """The roles of the pool, ``management_client.roles``: roles, who holds them, their policies,
    permissions and custom data (every call carries the management token)."""

    # ------------------------------------------------------------------ roles
    @checked
    async def list(self, page: int = 1, limit: int = 10, namespace: Optional[str] = None) -> RolePage:
        """One page of the roles of a namespace, newest first.

        Args:
            page: the page, from 1.
            limit: roles per page.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.RolePage` dict; each
            :class:`~approw.v2.common.shapes.users.Role` has ``id``, ``code``, ``namespace``,
            ``description``).

        Raises:
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.

        Example::

            management_client.roles.create("editor", "Edits articles")
            print([role["code"] for role in management_client.roles.list(limit=50)["list"]])
        """
        return await self._exec(ops.roles({"page": page, "limit": limit, "namespace": namespace}))

    def iter(self, limit: int = 100, namespace: Optional[str] = None) -> "AsyncPager[Role]":
        """Every role of a namespace, ``limit`` per request, fetched lazily.

        Args:
            limit: roles per request.
            namespace: as in :meth:`list`.

        Returns:
            A pager yielding :class:`~approw.v2.common.shapes.users.Role` dicts (``for`` with the
            sync client, ``async for`` with the asyncio one).

        Raises:
            ApprowWrongArgumentException: ``limit`` is not an int of at least 1 (at once); the
                namespace is checked by the first request, as in :meth:`list`.
        """
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit, namespace=namespace)

    @checked
    async def create(self, code: str, description: Optional[str] = None,
                     parentCode: Optional[str] = None,  # noqa: N803 (reference name)
                     namespace: Optional[str] = None) -> Role:
        """Create a role.

        Args:
            code: the role's code, unique in its namespace: 1 to 128 letters, digits, ``_`` or
                ``-``.
            description: a free text.
            parentCode: the code of a role of the same namespace whose permissions this one
                inherits.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            The new role (a :class:`~approw.v2.common.shapes.users.Role` dict), with its ``id``.

        Raises:
            AlreadyExistsError: the namespace has a role with this code (2026).
            NotFoundError: the parent role does not exist (404).
            ApprowException: ``code`` is empty or has other characters (2231); the namespace does
                not exist (3003).
            ApprowArgumentTypeError: an argument is not a str.

        Example::

            role = management_client.roles.create("editor", "Edits articles")
            management_client.roles.add_users("editor", [user_id])
        """
        return await self._exec(ops.createRole(
            {"code": code, "description": description, "parent": parentCode, "namespace": namespace}))

    @checked
    async def detail(self, code: str, namespace: Optional[str] = None) -> Optional[Role]:
        """The role with this code, with its ``parent``, or ``None``.

        Args:
            code: the role's code.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            The role (a :class:`~approw.v2.common.shapes.users.Role` dict), or ``None`` when the
            namespace has no role with this code.

        Raises:
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``code`` or ``namespace`` is not a str.
        """
        return await self._exec(ops.role({"code": code, "namespace": namespace}))

    @checked
    async def update(self, code: str, description: Optional[str] = None,
                     newCode: Optional[str] = None,  # noqa: N803 (reference name)
                     namespace: Optional[str] = None) -> Role:
        """Change a role's description, or rename it (its holders and permissions stay).

        Args:
            code: the role's code.
            description: the new description.
            newCode: the new code.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            The updated role (a :class:`~approw.v2.common.shapes.users.Role` dict).

        Raises:
            NotFoundError: the role does not exist (404).
            AlreadyExistsError: another role has the code ``newCode`` (2026).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: an argument is not a str.
        """
        return await self._exec(ops.updateRole(
            {"code": code, "description": description, "newCode": newCode, "namespace": namespace}))

    @checked
    async def delete(self, code: str, namespace: Optional[str] = None) -> CommonMessage:
        """Delete a role with its memberships, policy assignments, grants and custom data.

        Args:
            code: the role's code.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: the role does not exist (404).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``code`` or ``namespace`` is not a str.
        """
        return await self._exec(ops.deleteRole({"code": code, "namespace": namespace}))

    @checked
    async def delete_many(self, code_list: Sequence[str], namespace: Optional[str] = None) -> CommonMessage:
        """Delete several roles: all of them, or none when one does not exist.

        Args:
            code_list: the roles' codes.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: a role does not exist (404); none was deleted.
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``code_list`` is not a list of str.
        """
        return await self._exec(ops.deleteRoles({"codeList": code_list, "namespace": namespace}))

    # ------------------------------------------------------------------ holders
    @checked
    async def list_users(self, code: str, page: int = 0, limit: int = 10, namespace: Optional[str] = None,
                         with_custom_data: bool = False) -> UserPage:
        """One page of the users given the role.

        Args:
            code: the role's code.
            page: the page; 0 (the default) and 1 are both the first page.
            limit: users per page.
            namespace: the namespace's code (``default`` when not given).
            with_custom_data: also each user's ``customData``, a ``{key: typed value}`` dict.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowException: the role does not exist (500, "role not exists"); the namespace does
                not exist (3003).
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        variables: ops.RoleWithUsersVariables = {"code": code, "namespace": namespace, "page": page, "limit": limit}
        operation = ops.roleWithUsersWithCustomData if with_custom_data else ops.roleWithUsers
        users: UserPage = nested_users(await self._exec(operation(variables)), "role", with_custom_data)
        return users

    @checked
    async def add_users(self, code: str, userIds: Sequence[str],  # noqa: N803 (reference name)
                        namespace: Optional[str] = None) -> CommonMessage:
        """Give the role to these users (a holder already keeps it).

        Args:
            code: the role's code.
            userIds: the users' IDs.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: the role does not exist (404).
            UserNotFoundError: an ID is not a user's (2004).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``userIds`` is not a list of str.
        """
        return await self._exec(ops.assignRole({"userIds": userIds, "roleCodes": [code], "namespace": namespace}))

    @checked
    async def remove_users(self, code: str, userIds: Sequence[str],  # noqa: N803 (reference name)
                           namespace: Optional[str] = None) -> CommonMessage:
        """Take the role from these users (users who do not hold it are ignored).

        Args:
            code: the role's code.
            userIds: the users' IDs.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: the role does not exist (404).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``userIds`` is not a list of str.
        """
        return await self._exec(ops.revokeRole({"userIds": userIds, "roleCodes": [code], "namespace": namespace}))

    # ------------------------------------------------------------------ policies, permissions
    @checked
    async def list_policies(self, code: str, page: int = 1, limit: int = 10,
                            namespace: Optional[str] = None) -> PolicyAssignmentPage:
        """One page of the policies assigned to the role.

        Args:
            code: the role's code.
            page: the page, from 1.
            limit: assignments per page.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            ``{totalCount, list: [{code, targetType, targetIdentifier}]}`` (a
            :class:`~approw.v2.common.shapes.users.PolicyAssignmentPage` dict).

        Raises:
            NotFoundError: the role does not exist (404).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        return await self._exec(ops.policyAssignments(
            {"targetType": "ROLE", "targetIdentifier": code, "page": page, "limit": limit, "namespace": namespace}))

    @checked
    async def add_policies(self, code: str, policies: Sequence[str], namespace: Optional[str] = None
                           ) -> CommonMessage:
        """Assign these policies to the role; its holders inherit them.

        Args:
            code: the role's code.
            policies: policy codes, of the role's namespace.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: a policy or the role does not exist (404).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``policies`` is not a list of str.
        """
        return await self._exec(ops.addPolicyAssignments(
            {"policies": policies, "targetType": "ROLE", "targetIdentifiers": [code], "namespace": namespace}))

    @checked
    async def remove_policies(self, code: str, policies: Sequence[str], namespace: Optional[str] = None
                              ) -> CommonMessage:
        """Remove these policies from the role (assignments that do not exist are ignored).

        Args:
            code: the role's code.
            policies: policy codes.
            namespace: the namespace's code (``default`` when not given).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: a policy does not exist (404).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``policies`` is not a list of str.
        """
        return await self._exec(ops.removePolicyAssignments(
            {"policies": policies, "targetType": "ROLE", "targetIdentifiers": [code], "namespace": namespace}))

    @checked
    async def list_authorized_resources(self, code: str, namespace: Optional[str] = None,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources the role, and the roles it inherits from, may act on.

        Args:
            code: the role's code.
            namespace: the namespace's code (``default`` when not given).
            resource_type: keep one type: ``DATA``, ``API``, ``MENU``, ``UI`` or ``BUTTON``.

        Returns:
            ``{totalCount, list: [{code, type, actions}]}`` (a
            :class:`~approw.v2.common.shapes.users.AuthorizedResources` dict).

        Raises:
            ApprowException: the role does not exist (500, "role not exists"); the namespace does
                not exist (3003).
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types.
        """
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        role = await self._exec(ops.listRoleAuthorizedResources(
            {"code": code, "namespace": namespace, "resourceType": resource_type}))
        found: AuthorizedResources = authorized_resources(required_field(role, "authorizedResources", "role"))
        return found

    # ------------------------------------------------------------------ custom data
    @checked
    async def get_udf_value(self, id: str) -> Dict[str, Any]:  # noqa: A002 (reference name)
        """The role's custom data as a ``{key: typed value}`` dict.

        Args:
            id: the role's ID (its ``id``, not its code).

        Returns:
            ``{key: value}`` for each field that has a value (an empty dict when none has).

        Raises:
            NotFoundError: no role has this ID (404).
            ApprowArgumentTypeError: ``id`` is not a str.
        """
        return convert_udv_list_to_dict(await self._exec(ops.udv({"targetType": "ROLE", "targetId": id})))

    @checked
    async def get_udf_value_batch(self, ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
        """The custom data of several roles.

        Args:
            ids: the roles' IDs.

        Returns:
            ``{role id: {key: typed value}}``.

        Raises:
            NotFoundError: an ID is not a role's (404).
            ApprowArgumentTypeError: ``ids`` is not a list of str.
        """
        return convert_udf_value_batch(await self._exec(ops.udfValueBatch({"targetType": "ROLE", "targetIds": ids})))

    @checked
    async def get_specific_udf_value(self, id: str, key: str) -> Any:  # noqa: A002 (reference name)
        """One custom field's typed value for the role, or ``None`` when it has none.

        Args:
            id: the role's ID.
            key: the field's key.

        Returns:
            The value (number, bool, dict, ``datetime``, str), or ``None``.

        Raises:
            NotFoundError: no role has this ID (404).
            ApprowArgumentTypeError: ``id`` or ``key`` is not a str.
        """
        return (await self.get_udf_value(id)).get(key)

    @checked
    async def set_udf_value(self, id: str, data: Mapping[str, Any]) -> bool:  # noqa: A002 (reference name)
        """Set custom fields of the role.

        Args:
            id: the role's ID.
            data: ``{key: value}``, each key defined for ``ROLE`` with ``udf.set``; values of the
                field's type (a ``datetime`` for ``DATETIME``), sent as JSON.

        Returns:
            ``True``.

        Raises:
            NotFoundError: no role has this ID (404).
            ApprowException: a field is not defined for roles, or a value is not of its type
                (2231).
            ApprowWrongArgumentException: a value cannot be encoded as JSON (NaN, a set, ...).
            ApprowArgumentTypeError: ``data`` is not a dict.
        """
        await self._exec(ops.setUdvBatch({"targetType": "ROLE", "targetId": id, "udvList": udv_input(data)}))
        return True

    @checked
    async def set_udf_value_batch(self, data: Mapping[str, Any]) -> bool:
        """Set custom fields of several roles at once.

        Args:
            data: ``{role id: {key: value}}``; values as in :meth:`set_udf_value`.

        Returns:
            ``True``.

        Raises:
            NotFoundError: an ID is not a role's (404).
            ApprowException: a field is not defined for roles, or a value is not of its type
                (2231).
            ApprowWrongArgumentException: a role's values are not a dict, or a value cannot be
                encoded as JSON.
        """
        await self._exec(ops.setUdfValueBatch({"targetType": "ROLE", "input": udf_value_batch_input(data)}))
        return True

    @checked
    async def remove_udf_value(self, id: str, key: str) -> bool:  # noqa: A002 (reference name)
        """Remove one custom field's value from the role (a field without a value is ignored).

        Args:
            id: the role's ID.
            key: the field's key.

        Returns:
            ``True``.

        Raises:
            NotFoundError: no role has this ID (404).
            ApprowArgumentTypeError: ``id`` or ``key`` is not a str.
        """
        await self._exec(ops.removeUdv({"targetType": "ROLE", "targetId": id, "key": key}))
        return True
