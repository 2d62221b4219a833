"""``management.users``, access: a user's roles, groups, policies and permissions
(:class:`AsyncUserAccessMethods`, a part of ``AsyncUsersManagementClient``)."""
from typing import List, Optional, Sequence

from approw.v2.common import checks
from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import (
    AuthorizedResources,
    CommonMessage,
    GroupPage,
    PolicyAssignmentPage,
    ResourcePermission,
    RolePage,
)
from approw.v2.common.utils import authorized_resources, required_field

from .base import AsyncManagementSubClient

__all__ = ["AsyncUserAccessMethods"]


class AsyncUserAccessMethods(AsyncManagementSubClient):
    """Roles, groups, policies and permissions of a user."""

    # ------------------------------------------------------------------ roles
    @checked
    async def list_roles(self, userId: str, namespace: Optional[str] = None) -> RolePage:  # noqa: N803
        """The roles given to a user, ``{totalCount, list}`` (of every namespace, or of
        ``namespace``).  An unknown user raises ``ApprowException(500, 'user not exists')``."""
        user = await self._exec(ops.getUserRoles({"id": userId, "namespace": namespace}))
        roles: RolePage = required_field(user, "roles", "user")
        return roles

    @checked
    async def add_roles(self, userId: str, roles: Sequence[str],  # noqa: N803 (reference name)
                        namespace: Optional[str] = None) -> CommonMessage:
        """Give a user these roles (codes, in ``namespace`` or ``default``)."""
        return await self._exec(ops.assignRole({"userIds": [userId], "roleCodes": roles, "namespace": namespace}))

    @checked
    async def remove_roles(self, userId: str, roles: Sequence[str],  # noqa: N803 (reference name)
                           namespace: Optional[str] = None) -> CommonMessage:
        """Take these roles from a user."""
        return await self._exec(ops.revokeRole({"userIds": [userId], "roleCodes": roles, "namespace": namespace}))

    @checked
    async def has_role(self, user_id: str, role_code: str, namespace: Optional[str] = None) -> bool:
        """Whether a user has the role ``role_code``."""
        roles = await self.list_roles(user_id, namespace)
        if roles["totalCount"] < 1:
            return False
        return any(role.get("code") == role_code for role in roles["list"])

    # ------------------------------------------------------------------ groups
    @checked
    async def list_groups(self, userId: str) -> GroupPage:  # noqa: N803 (reference name)
        """The groups a user belongs to, ``{totalCount, list}``.  An unknown user raises
        ``ApprowException(500, 'user not exists')``."""
        groups: GroupPage = required_field(await self._exec(ops.getUserGroups({"id": userId})), "groups", "user")
        return groups

    @checked
    async def add_group(self, userId: str, group: str) -> CommonMessage:  # noqa: N803 (reference name)
        """Add a user to the group with code ``group``."""
        return await self._exec(ops.addUserToGroup({"userIds": [userId], "code": group}))

    @checked
    async def remove_group(self, userId: str, group: str) -> CommonMessage:  # noqa: N803 (reference name)
        """Remove a user from the group with code ``group``."""
        return await self._exec(ops.removeUserFromGroup({"userIds": [userId], "code": group}))

    # ------------------------------------------------------------------ policies
    @checked
    async def list_policies(self, userId: str, page: int = 1, limit: int = 10  # noqa: N803
                            ) -> PolicyAssignmentPage:
        """The policies assigned to a user: ``{totalCount, list: [{code, targetType,
        targetIdentifier}]}``."""
        return await self._exec(ops.policyAssignments({
            "targetType": "USER", "targetIdentifier": userId, "page": page, "limit": limit}))

    @checked
    async def add_policies(self, userId: str, policies: Sequence[str]) -> CommonMessage:  # noqa: N803
        """Assign these policies (codes) to a user."""
        return await self._exec(ops.addPolicyAssignments({
            "policies": policies, "targetType": "USER", "targetIdentifiers": [userId]}))

    @checked
    async def remove_policies(self, userId: str, policies: Sequence[str]) -> CommonMessage:  # noqa: N803
        """Remove these policies from a user."""
        return await self._exec(ops.removePolicyAssignments({
            "policies": policies, "targetType": "USER", "targetIdentifiers": [userId]}))

    # ------------------------------------------------------------------ permissions
    @checked
    async def list_authorized_resources(self, user_id: str, namespace: Optional[str] = None,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources a user may act on, through every path (directly, roles, groups,
        organisations, policies): ``{totalCount, list: [{code, type, actions}]}``, of every
        namespace or of ``namespace``; ``resource_type`` (``DATA``, ``API``, ``MENU``, ``UI``,
        ``BUTTON``) keeps one type.  An unknown user raises ``ApprowException(500, 'user not
        exists')``."""
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        user = await self._exec(ops.listUserAuthorizedResources(
            {"id": user_id, "namespace": namespace, "resourceType": resource_type}))
        found: AuthorizedResources = authorized_resources(required_field(user, "authorizedResources", "user"))
        return found

    @checked
    async def check_resource_permission_batch(self, user_id: str, namespace: str,
                                              resources: Sequence[str]) -> List[ResourcePermission]:
        """For each resource code the user may act on, in the order given, ``{code,
        actions}``; codes the user holds nothing on are left out."""
        checks.is_list(resources, "invalid argument: resources")
        found: List[ResourcePermission] = await self._rest(
            "POST", "/api/v2/acl/check-resource-permission-batch",
            json={"userId": user_id, "namespace": namespace, "resources": resources})
        return found

    @checked
    async def list_authorized_resources_of_resource_kind(self, user_id: str, namespace: str,
                                                         resource: str) -> List[ResourcePermission]:
        """The items of one resource kind (``resource``, e.g. ``books``) the user may act on:
        ``[{code: "books:1", actions}, ...]``."""
        found: List[ResourcePermission] = await self._rest(
            "POST", "/api/v2/acl/get-authorized-resources-of-resource-kind",
            json={"userId": user_id, "namespace": namespace, "resource": resource})
        return found
