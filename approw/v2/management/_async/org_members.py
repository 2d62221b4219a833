"""``management.org``, people: the members of nodes and their main departments
(:class:`AsyncOrgMemberMethods`, a part of ``AsyncOrgManagementClient``)."""
from typing import Optional, Sequence

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import CommonMessage, OrgNode, UserPage
from approw.v2.common.utils import required_field

from .base import AsyncManagementSubClient

__all__ = ["AsyncOrgMemberMethods"]


class AsyncOrgMemberMethods(AsyncManagementSubClient):
    """Members of organisation nodes."""

    @checked
    async def add_members(self, node_id: str, user_ids: Sequence[str], is_leader: Optional[bool] = None) -> OrgNode:
        """Make users members of a node (``is_leader``: as its leaders); returns the node with
        its first ``users`` page.  A user's first department becomes their main one."""
        return await self._exec(ops.addMember({
            "nodeId": node_id, "userIds": user_ids, "isLeader": is_leader, "page": None, "limit": None,
            "sortBy": None, "includeChildrenNodes": None}))

    @checked
    async def list_members(self, node_id: str, page: int = 1, limit: int = 10, sort_by: Optional[str] = None,
                           include_children_nodes: Optional[bool] = None) -> UserPage:
        """One page of a node's members, ``{totalCount, list}`` (with the members of its
        descendants when ``include_children_nodes``).  An unknown node raises
        ``ApprowException(500, 'department not exists')``."""
        node = await self._exec(ops.nodeByIdWithMembers({
            "id": node_id, "page": page, "limit": limit, "sortBy": sort_by,
            "includeChildrenNodes": include_children_nodes}))
        users: UserPage = required_field(node, "users", "department")
        return users

    @checked
    async def remove_members(self, node_id: str, user_ids: Sequence[str]) -> OrgNode:
        """Remove users from a node (users who are not members are ignored); returns the node
        with its first ``users`` page."""
        return await self._exec(ops.removeMember({
            "nodeId": node_id, "userIds": user_ids, "page": None, "limit": None, "sortBy": None,
            "includeChildrenNodes": None}))

    @checked
    async def move_members(self, user_ids: Sequence[str], source_node_id: str, target_node_id: str) -> CommonMessage:
        """Move members of ``source_node_id`` to ``target_node_id`` (a main department
        moves along)."""
        return await self._exec(ops.moveMembers({
            "userIds": user_ids, "sourceNodeId": source_node_id, "targetNodeId": target_node_id}))

    @checked
    async def set_main_department(self, user_id: str, department_id: Optional[str] = None) -> CommonMessage:
        """Make one of the user's departments (a node ID) their main department; without one,
        the user has no main department."""
        return await self._exec(ops.setMainDepartment({"userId": user_id, "departmentId": department_id}))
