"""``management.org``, permissions: the roles of nodes and what nodes may do
(:class:`AsyncOrgRoleMethods`, a part of ``AsyncOrgManagementClient``).

The members of a node hold the roles, grants and policies of the node and of its ancestors.
"""
from typing import Optional, Sequence

from approw.v2.common import checks
from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import AuthorizedResources, CommonMessage, RolePage
from approw.v2.common.helpers import authorized_resources, required_field

from .base import AsyncManagementSubClient

__all__ = ["AsyncOrgRoleMethods"]


class AsyncOrgRoleMethods(AsyncManagementSubClient):
    """The roles and permissions of organisation nodes, a part of ``management_client.org``."""

    @checked
    async def add_roles(self, node_id: str, role_list: Sequence[str], namespace: Optional[str] = None) -> CommonMessage:
        """Give a node these roles; its members and its descendants' members hold them.

        Args:
            node_id: the node's ID.
            role_list: the role codes.
            namespace: the roles' namespace code; ``default`` when not given.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: a role or the node does not exist (404); nothing changes.
            ApprowException: ``role_list`` is empty (2231), or the namespace does not exist
                (3003).
        """
        return await self._exec(ops.assignRole({"nodeCodes": [node_id], "roleCodes": role_list, "namespace": namespace}))

    @checked
    async def remove_roles(self, node_id: str, role_list: Sequence[str],
                           namespace: Optional[str] = None) -> CommonMessage:
        """Take these roles from a node (a node that does not exist is skipped).

        Args:
            node_id: the node's ID.
            role_list: the role codes.
            namespace: the roles' namespace code; ``default`` when not given.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: a role does not exist (404); nothing changes.
            ApprowException: ``role_list`` is empty (2231), or the namespace does not exist
                (3003).
        """
        return await self._exec(ops.revokeRole({"nodeCodes": [node_id], "roleCodes": role_list, "namespace": namespace}))

    @checked
    async def list_roles(self, node_id: str, namespace: Optional[str] = None) -> RolePage:
        """The roles of a node and of its ancestors, without repeats (not paged).

        Args:
            node_id: the node's ID.
            namespace: only roles of this namespace; of every namespace when not given.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.RolePage` dict).

        Raises:
            ApprowException: no node has this ID (500, ``department not exists``), or the
                namespace does not exist (3003).
        """
        node = await self._exec(ops.getNodeRoles({"id": node_id, "namespace": namespace}))
        found: RolePage = required_field(node, "roles", "department")
        return found

    @checked
    async def list_authorized_resources(self, node_id: str, namespace: Optional[str] = None,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources a node may act on, with what its ancestors and their roles hold.

        Args:
            node_id: the node's ID.
            namespace: only resources of this namespace; of every namespace when not given.
            resource_type: only resources of this type (``DATA``, ``API``, ``MENU``, ``UI``
                or ``BUTTON``).

        Returns:
            ``{totalCount, list: [{code, type, actions}]}`` (an
            :class:`~approw.v2.common.shapes.users.AuthorizedResources` dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types.
            ApprowException: no node has this ID (500, ``department not exists``), or the
                namespace does not exist (3003).
        """
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        node = await self._exec(ops.listNodeByIdAuthorizedResources(
            {"id": node_id, "namespace": namespace, "resourceType": resource_type}))
        return authorized_resources(required_field(node, "authorizedResources", "department"))

    @checked
    async def list_authorized_resources_by_node_code(self, org_id: str, code: str, namespace: Optional[str] = None,
                                                     resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources the node with this code may act on, as in :meth:`list_authorized_resources`.

        Args:
            org_id: the organisation's ID.
            code: the node's code.
            namespace, resource_type: as in :meth:`list_authorized_resources`.

        Returns:
            ``{totalCount, list: [{code, type, actions}]}`` (an
            :class:`~approw.v2.common.shapes.users.AuthorizedResources` dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types.
            ApprowException: the organisation has no node with this code (500, ``department
                not exists``), or the namespace does not exist (3003).
        """
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        node = await self._exec(ops.listNodeByCodeAuthorizedResources(
            {"orgId": org_id, "code": code, "namespace": namespace, "resourceType": resource_type}))
        return authorized_resources(required_field(node, "authorizedResources", "department"))
