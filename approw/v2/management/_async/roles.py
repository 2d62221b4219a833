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
from approw.v2.common.utils import (
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
    """Manage roles, who holds them and their policies (every call carries the management
    token)."""

    # ------------------------------------------------------------------ roles
    @checked
    async def list(self, page: int = 1, limit: int = 10, namespace: Optional[str] = None) -> RolePage:
        """One page of the roles of ``namespace``, ``{totalCount, list}``, newest first."""
        return await self._exec(ops.roles({"page": page, "limit": limit, "namespace": namespace}))

    def iter(self, limit: int = 100, namespace: Optional[str] = None) -> "AsyncPager[Role]":
        """Every role (of ``namespace``, or all), ``limit`` per request, lazily (see
        :meth:`AsyncUsersManagementClient.iter`)."""
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit, namespace=namespace)

    @checked
    async def create(self, code: str, description: Optional[str] = None,
                     parentCode: Optional[str] = None,  # noqa: N803 (reference name)
                     namespace: Optional[str] = None) -> Role:
        """Create a role; ``parentCode`` names a role of the same namespace whose permissions
        this one inherits."""
        return await self._exec(ops.createRole(
            {"code": code, "description": description, "parent": parentCode, "namespace": namespace}))

    @checked
    async def detail(self, code: str, namespace: Optional[str] = None) -> Optional[Role]:
        """The role (with its ``parent``), or ``None``."""
        return await self._exec(ops.role({"code": code, "namespace": namespace}))

    @checked
    async def update(self, code: str, description: Optional[str] = None,
                     newCode: Optional[str] = None,  # noqa: N803 (reference name)
                     namespace: Optional[str] = None) -> Role:
        """Change a role's description, or rename it with ``newCode`` (its holders and
        permissions stay)."""
        return await self._exec(ops.updateRole(
            {"code": code, "description": description, "newCode": newCode, "namespace": namespace}))

    @checked
    async def delete(self, code: str, namespace: Optional[str] = None) -> CommonMessage:
        """Delete a role with its memberships, policy assignments, grants and custom data."""
        return await self._exec(ops.deleteRole({"code": code, "namespace": namespace}))

    @checked
    async def delete_many(self, code_list: Sequence[str], namespace: Optional[str] = None) -> CommonMessage:
        """Delete several roles (all of them, or none if one does not exist)."""
        return await self._exec(ops.deleteRoles({"codeList": code_list, "namespace": namespace}))

    # ------------------------------------------------------------------ holders
    @checked
    async def list_users(self, code: str, page: int = 0, limit: int = 10, namespace: Optional[str] = None,
                         with_custom_data: bool = False) -> UserPage:
        """One page of the users given the role (``page`` 0 is the first page, as 1).  With
        ``with_custom_data`` each user's ``customData`` is a ``{key: typed value}`` dict.  An
        unknown role raises ``ApprowException(500, 'role not exists')``."""
        variables: ops.RoleWithUsersVariables = {"code": code, "namespace": namespace, "page": page, "limit": limit}
        operation = ops.roleWithUsersWithCustomData if with_custom_data else ops.roleWithUsers
        users: UserPage = nested_users(await self._exec(operation(variables)), "role", with_custom_data)
        return users

    @checked
    async def add_users(self, code: str, userIds: Sequence[str],  # noqa: N803 (reference name)
                        namespace: Optional[str] = None) -> CommonMessage:
        """Give the role to these users."""
        return await self._exec(ops.assignRole({"userIds": userIds, "roleCodes": [code], "namespace": namespace}))

    @checked
    async def remove_users(self, code: str, userIds: Sequence[str],  # noqa: N803 (reference name)
                           namespace: Optional[str] = None) -> CommonMessage:
        """Take the role from these users."""
        return await self._exec(ops.revokeRole({"userIds": userIds, "roleCodes": [code], "namespace": namespace}))

    # ------------------------------------------------------------------ policies, permissions
    @checked
    async def list_policies(self, code: str, page: int = 1, limit: int = 10,
                            namespace: Optional[str] = None) -> PolicyAssignmentPage:
        """The policies assigned to the role: ``{totalCount, list: [{code, targetType,
        targetIdentifier}]}``."""
        return await self._exec(ops.policyAssignments(
            {"targetType": "ROLE", "targetIdentifier": code, "page": page, "limit": limit, "namespace": namespace}))

    @checked
    async def add_policies(self, code: str, policies: Sequence[str], namespace: Optional[str] = None
                           ) -> CommonMessage:
        """Assign these policies (codes, of the role's namespace) to the role; its users
        inherit them."""
        return await self._exec(ops.addPolicyAssignments(
            {"policies": policies, "targetType": "ROLE", "targetIdentifiers": [code], "namespace": namespace}))

    @checked
    async def remove_policies(self, code: str, policies: Sequence[str], namespace: Optional[str] = None
                              ) -> CommonMessage:
        """Remove these policies from the role."""
        return await self._exec(ops.removePolicyAssignments(
            {"policies": policies, "targetType": "ROLE", "targetIdentifiers": [code], "namespace": namespace}))

    @checked
    async def list_authorized_resources(self, code: str, namespace: Optional[str] = None,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources the role (and its parents) may act on: ``{totalCount, list: [{code,
        type, actions}]}``; ``resource_type`` keeps one type.  An unknown role raises
        ``ApprowException(500, 'role not exists')``."""
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        role = await self._exec(ops.listRoleAuthorizedResources(
            {"code": code, "namespace": namespace, "resourceType": resource_type}))
        found: AuthorizedResources = authorized_resources(required_field(role, "authorizedResources", "role"))
        return found

    # ------------------------------------------------------------------ custom data
    @checked
    async def get_udf_value(self, id: str) -> Dict[str, Any]:  # noqa: A002 (reference name)
        """The role's custom data (role ``id``) as ``{key: typed value}``."""
        return convert_udv_list_to_dict(await self._exec(ops.udv({"targetType": "ROLE", "targetId": id})))

    @checked
    async def get_udf_value_batch(self, ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
        """The custom data of several roles: ``{role id: {key: typed value}}``."""
        return convert_udf_value_batch(await self._exec(ops.udfValueBatch({"targetType": "ROLE", "targetIds": ids})))

    @checked
    async def get_specific_udf_value(self, id: str, key: str) -> Any:  # noqa: A002 (reference name)
        """One custom field's typed value for the role, or ``None``."""
        return (await self.get_udf_value(id)).get(key)

    @checked
    async def set_udf_value(self, id: str, data: Mapping[str, Any]) -> bool:  # noqa: A002 (reference name)
        """Set custom fields of the role (``{key: value}``); ``True``."""
        await self._exec(ops.setUdvBatch({"targetType": "ROLE", "targetId": id, "udvList": udv_input(data)}))
        return True

    @checked
    async def set_udf_value_batch(self, data: Mapping[str, Any]) -> bool:
        """Set custom fields of several roles: ``{role id: {key: value}}``; ``True``."""
        await self._exec(ops.setUdfValueBatch({"targetType": "ROLE", "input": udf_value_batch_input(data)}))
        return True

    @checked
    async def remove_udf_value(self, id: str, key: str) -> bool:  # noqa: A002 (reference name)
        """Remove one custom field's value from the role; ``True``."""
        await self._exec(ops.removeUdv({"targetType": "ROLE", "targetId": id, "key": key}))
        return True
