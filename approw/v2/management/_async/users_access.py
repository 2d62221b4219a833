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
from approw.v2.common.helpers import authorized_resources, required_field

from .base import AsyncManagementSubClient

__all__ = ["AsyncUserAccessMethods"]


class AsyncUserAccessMethods(AsyncManagementSubClient):
    """Roles, groups, policies and permissions of a user (part of ``users``)."""

    # ------------------------------------------------------------------ roles
    @checked
    async def list_roles(self, userId: str, namespace: Optional[str] = None) -> RolePage:  # noqa: N803
        """The roles given to a user, of every namespace or of one.

        Args:
            userId: the user's ID.
            namespace: keep the roles of this namespace (its code).

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.RolePage` dict; each
            role has ``code``, ``namespace``, ``description``).

        Raises:
            ApprowException: no user has this ID (500, "user not exists"); the namespace does not
                exist (3003).
            ApprowArgumentTypeError: ``userId`` or ``namespace`` is not a str.
        """
        user = await self._exec(ops.getUserRoles({"id": userId, "namespace": namespace}))
        roles: RolePage = required_field(user, "roles", "user")
        return roles

    @checked
    async def add_roles(self, userId: str, roles: Sequence[str],  # noqa: N803 (reference name)
                        namespace: Optional[str] = None) -> CommonMessage:
        """Give a user these roles.

        Args:
            userId: the user's ID.
            roles: role codes, of ``namespace``; a role the user holds already is kept.
            namespace: the roles' namespace (``default`` when not given).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: a role does not exist in the namespace (404).
            UserNotFoundError: no user has this ID (2004).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``roles`` is not a list of str.
        """
        return await self._exec(ops.assignRole({"userIds": [userId], "roleCodes": roles, "namespace": namespace}))

    @checked
    async def remove_roles(self, userId: str, roles: Sequence[str],  # noqa: N803 (reference name)
                           namespace: Optional[str] = None) -> CommonMessage:
        """Take these roles from a user (roles the user does not hold are ignored).

        Args:
            userId: the user's ID (an unknown ID is ignored).
            roles: role codes, of ``namespace``.
            namespace: the roles' namespace (``default`` when not given).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: a role does not exist in the namespace (404).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``roles`` is not a list of str.
        """
        return await self._exec(ops.revokeRole({"userIds": [userId], "roleCodes": roles, "namespace": namespace}))

    @checked
    async def has_role(self, user_id: str, role_code: str, namespace: Optional[str] = None) -> bool:
        """Whether a user holds the role ``role_code``.

        Args:
            user_id: the user's ID.
            role_code: the role's code.
            namespace: the role's namespace; ``None`` looks in every namespace.

        Returns:
            ``True`` or ``False``.

        Raises:
            ApprowException: no user has this ID (500, "user not exists"); the namespace does not
                exist (3003).
            ApprowArgumentTypeError: an argument is not a str.
        """
        roles = await self.list_roles(user_id, namespace)
        if roles["totalCount"] < 1:
            return False
        return any(role.get("code") == role_code for role in roles["list"])

    # ------------------------------------------------------------------ groups
    @checked
    async def list_groups(self, userId: str) -> GroupPage:  # noqa: N803 (reference name)
        """The groups a user belongs to.

        Args:
            userId: the user's ID.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.GroupPage` dict; each
            group has ``code``, ``name``, ``description``).

        Raises:
            ApprowException: no user has this ID (500, "user not exists").
            ApprowArgumentTypeError: ``userId`` is not a str.
        """
        groups: GroupPage = required_field(await self._exec(ops.getUserGroups({"id": userId})), "groups", "user")
        return groups

    @checked
    async def add_group(self, userId: str, group: str) -> CommonMessage:  # noqa: N803 (reference name)
        """Add a user to a group (a member already stays one).

        Args:
            userId: the user's ID.
            group: the group's code.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: no group has this code (404).
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``userId`` or ``group`` is not a str.
        """
        return await self._exec(ops.addUserToGroup({"userIds": [userId], "code": group}))

    @checked
    async def remove_group(self, userId: str, group: str) -> CommonMessage:  # noqa: N803 (reference name)
        """Remove a user from a group (a user who is not a member is ignored).

        Args:
            userId: the user's ID.
            group: the group's code.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: no group has this code (404).
            ApprowArgumentTypeError: ``userId`` or ``group`` is not a str.
        """
        return await self._exec(ops.removeUserFromGroup({"userIds": [userId], "code": group}))

    # ------------------------------------------------------------------ policies
    @checked
    async def list_policies(self, userId: str, page: int = 1, limit: int = 10  # noqa: N803
                            ) -> PolicyAssignmentPage:
        """One page of the policies assigned to a user directly.

        Args:
            userId: the user's ID.
            page: the page, from 1.
            limit: assignments per page.

        Returns:
            ``{totalCount, list: [{code, targetType, targetIdentifier}]}`` (a
            :class:`~approw.v2.common.shapes.users.PolicyAssignmentPage` dict).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        return await self._exec(ops.policyAssignments({
            "targetType": "USER", "targetIdentifier": userId, "page": page, "limit": limit}))

    @checked
    async def add_policies(self, userId: str, policies: Sequence[str]) -> CommonMessage:  # noqa: N803
        """Assign these policies to a user.

        Args:
            userId: the user's ID.
            policies: policy codes (of the ``default`` namespace).

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: a policy does not exist (404).
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``policies`` is not a list of str.
        """
        return await self._exec(ops.addPolicyAssignments({
            "policies": policies, "targetType": "USER", "targetIdentifiers": [userId]}))

    @checked
    async def remove_policies(self, userId: str, policies: Sequence[str]) -> CommonMessage:  # noqa: N803
        """Remove these policies from a user (assignments that do not exist are ignored).

        Args:
            userId: the user's ID.
            policies: policy codes.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            NotFoundError: a policy does not exist (404).
            ApprowArgumentTypeError: ``policies`` is not a list of str.
        """
        return await self._exec(ops.removePolicyAssignments({
            "policies": policies, "targetType": "USER", "targetIdentifiers": [userId]}))

    # ------------------------------------------------------------------ permissions
    @checked
    async def list_authorized_resources(self, user_id: str, namespace: Optional[str] = None,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources a user may act on, through every path.

        The paths: grants to the user, their roles, groups and organisation nodes, and their
        policies.

        Args:
            user_id: the user's ID.
            namespace: keep the resources of this namespace; ``None`` for every namespace.
            resource_type: keep one type: ``DATA``, ``API``, ``MENU``, ``UI`` or ``BUTTON``.

        Returns:
            ``{totalCount, list: [{code, type, actions}]}`` (a
            :class:`~approw.v2.common.shapes.users.AuthorizedResources` dict).

        Raises:
            ApprowException: no user has this ID (500, "user not exists"); the namespace does
                not exist (3003).
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types.
        """
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        user = await self._exec(ops.listUserAuthorizedResources(
            {"id": user_id, "namespace": namespace, "resourceType": resource_type}))
        found: AuthorizedResources = authorized_resources(required_field(user, "authorizedResources", "user"))
        return found

    @checked
    async def check_resource_permission_batch(self, user_id: str, namespace: str,
                                              resources: Sequence[str]) -> List[ResourcePermission]:
        """What a user may do on each of these resources.

        Args:
            user_id: the user's ID.
            namespace: the resources' namespace (its code).
            resources: resource codes (``books:1``, ...).

        Returns:
            A list of ``{code, actions}``
            (:class:`~approw.v2.common.shapes.users.ResourcePermission` dicts), in the order
            given; codes the user may do nothing on are left out.

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: ``resources`` is not a list of str.
        """
        checks.is_list(resources, "invalid argument: resources")
        found: List[ResourcePermission] = await self._rest(
            "POST", "/api/v2/acl/check-resource-permission-batch",
            json={"userId": user_id, "namespace": namespace, "resources": resources})
        return found

    @checked
    async def list_authorized_resources_of_resource_kind(self, user_id: str, namespace: str,
                                                         resource: str) -> List[ResourcePermission]:
        """The items of one kind of resource a user may act on.

        Args:
            user_id: the user's ID.
            namespace: the resources' namespace (its code).
            resource: the kind, e.g. ``books`` for the items ``books:1``, ``books:2``, ...

        Returns:
            A list of ``{code: "books:1", actions}``
            (:class:`~approw.v2.common.shapes.users.ResourcePermission` dicts).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowException: the namespace does not exist (3003).
            ApprowArgumentTypeError: an argument is not a str.
        """
        found: List[ResourcePermission] = await self._rest(
            "POST", "/api/v2/acl/get-authorized-resources-of-resource-kind",
            json={"userId": user_id, "namespace": namespace, "resource": resource})
        return found
