"""``management.org``, permissions: the roles of nodes and what nodes may do
(:class:`AsyncOrgRoleMethods`, a part of ``AsyncOrgManagementClient``).

The members of a node hold the roles, grants and policies of the node and of its ancestors.
"""
from typing import Optional, Sequence

from approw.v2.common import checks
from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import AuthorizedResources, CommonMessage, RolePage
from approw.v2.common.utils import authorized_resources, required_field

from .base import AsyncManagementSubClient

__all__ = ["AsyncOrgRoleMethods"]


class AsyncOrgRoleMethods(AsyncManagementSubClient):
    """Roles and permissions of organisation nodes."""

    @checked
    async def add_roles(self, node_id: str, role_list: Sequence[str], namespace: Optional[str] = None) -> CommonMessage:
        """Give a node these roles (codes, in ``namespace`` or ``default``); its members and
        the members of its descendants hold them."""
        return await self._exec(ops.assignRole({"nodeCodes": [node_id], "roleCodes": role_list, "namespace": namespace}))

    @checked
    async def remove_roles(self, node_id: str, role_list: Sequence[str],
                           namespace: Optional[str] = None) -> CommonMessage:
        """Take these roles (codes, in ``namespace`` or ``default``) from a node."""
        return await self._exec(ops.revokeRole({"nodeCodes": [node_id], "roleCodes": role_list, "namespace": namespace}))

    @checked
    async def list_roles(self, node_id: str, namespace: Optional[str] = None) -> RolePage:
        """The roles of a node and of its ancestors, ``{totalCount, list}`` (of every namespace
        or of ``namespace``).  An unknown node raises ``ApprowException(500, 'department not
        exists')``."""
        node = await self._exec(ops.getNodeRoles({"id": node_id, "namespace": namespace}))
        found: RolePage = required_field(node, "roles", "department")
        return found

    @checked
    async def list_authorized_resources(self, node_id: str, namespace: Optional[str] = None,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources a node (with its ancestors and their roles) may act on:
        ``{totalCount, list: [{code, type, actions}]}``, of every namespace or of
        ``namespace``.  An unknown node raises ``ApprowException(500, 'department not
        exists')``."""
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        node = await self._exec(ops.listNodeByIdAuthorizedResources(
            {"id": node_id, "namespace": namespace, "resourceType": resource_type}))
        return authorized_resources(required_field(node, "authorizedResources", "department"))

    @checked
    async def list_authorized_resources_by_node_code(self, org_id: str, code: str, namespace: Optional[str] = None,
                                                     resource_type: Optional[str] = None) -> AuthorizedResources:
        """As :meth:`list_authorized_resources`, for the node of organisation ``org_id`` with
        this code."""
        if resource_type is not None:
            checks.resource_type(resource_type, "invalid argument: resource_type")
        node = await self._exec(ops.listNodeByCodeAuthorizedResources(
            {"orgId": org_id, "code": code, "namespace": namespace, "resourceType": resource_type}))
        return authorized_resources(required_field(node, "authorizedResources", "department"))
