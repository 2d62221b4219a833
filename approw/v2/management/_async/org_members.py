"""``management.org``, people: the members of nodes and their main departments
(:class:`AsyncOrgMemberMethods`, a part of ``AsyncOrgManagementClient``)."""
from typing import Optional, Sequence

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import CommonMessage, OrgNode, UserPage
from approw.v2.common.helpers import required_field

from .base import AsyncManagementSubClient

__all__ = ["AsyncOrgMemberMethods"]


class AsyncOrgMemberMethods(AsyncManagementSubClient):
    """The members of organisation nodes, a part of ``management_client.org``.

    Every user ID must name a user: otherwise ``UserNotFoundError`` (2004) is raised before
    anything changes.
    """

    @checked
    async def add_members(self, node_id: str, user_ids: Sequence[str], is_leader: Optional[bool] = None) -> OrgNode:
        """Make users members of a node; a user's first department becomes their main one.

        Users who are members already stay so (``is_leader``, when given, applies to them too).

        Args:
            node_id: the node's ID.
            user_ids: the users' IDs.
            is_leader: ``True`` to make them leaders of the node, ``False`` to make them not.

        Returns:
            The node with its first page of members as ``users`` (an
            :class:`~approw.v2.common.shapes.org.OrgNode` dict).

        Raises:
            NotFoundError: no node has this ID (404).
            UserNotFoundError: a user does not exist (2004).
        """
        return await self._exec(ops.addMember({
            "nodeId": node_id, "userIds": user_ids, "isLeader": is_leader, "page": None, "limit": None,
            "sortBy": None, "includeChildrenNodes": None}))

    @checked
    async def list_members(self, node_id: str, page: int = 1, limit: int = 10, sort_by: Optional[str] = None,
                           include_children_nodes: Optional[bool] = None) -> UserPage:
        """One page of a node's members, newest first unless ``sort_by`` says otherwise.

        Args:
            node_id: the node's ID.
            page: the page, from 1.
            limit: members per page.
            sort_by: ``CREATEDAT_DESC`` (the default), ``CREATEDAT_ASC``, ``UPDATEDAT_DESC`` or
                ``UPDATEDAT_ASC``.
            include_children_nodes: also the members of the node's descendants.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowException: no node has this ID (500, ``department not exists``), or
                ``sort_by`` is not one of the four values (2231).
        """
        node = await self._exec(ops.nodeByIdWithMembers({
            "id": node_id, "page": page, "limit": limit, "sortBy": sort_by,
            "includeChildrenNodes": include_children_nodes}))
        users: UserPage = required_field(node, "users", "department")
        return users

    @checked
    async def remove_members(self, node_id: str, user_ids: Sequence[str]) -> OrgNode:
        """Remove users from a node; users who are not members are skipped.

        A main department that ends passes to the user's earliest remaining department.

        Args:
            node_id: the node's ID.
            user_ids: the users' IDs.

        Returns:
            The node with its first page of members as ``users`` (an
            :class:`~approw.v2.common.shapes.org.OrgNode` dict).

        Raises:
            NotFoundError: no node has this ID (404).
            UserNotFoundError: a user does not exist (2004).
        """
        return await self._exec(ops.removeMember({
            "nodeId": node_id, "userIds": user_ids, "page": None, "limit": None, "sortBy": None,
            "includeChildrenNodes": None}))

    @checked
    async def move_members(self, user_ids: Sequence[str], source_node_id: str, target_node_id: str) -> CommonMessage:
        """Move members of one node to another node, of any organisation.

        A user whose main department was the source has the target as main department.

        Args:
            user_ids: the users' IDs, each a member of the source node.
            source_node_id: the ID of the node they leave.
            target_node_id: the ID of the node they join.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: one of the nodes does not exist (404).
            UserNotFoundError: a user does not exist (2004).
            ApprowException: a user is not a member of the source node (2231).
        """
        return await self._exec(ops.moveMembers({
            "userIds": user_ids, "sourceNodeId": source_node_id, "targetNodeId": target_node_id}))

    @checked
    async def set_main_department(self, user_id: str, department_id: Optional[str] = None) -> CommonMessage:
        """Make one of the user's departments their main department.

        Args:
            user_id: the user's ID.
            department_id: the ID of a node the user is a member of; ``None`` leaves the user
                with no main department.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            UserNotFoundError: the user does not exist (2004).
            NotFoundError: no node has this ID (404).
            ApprowException: the user is not a member of the node (2231).
        """
        return await self._exec(ops.setMainDepartment({"userId": user_id, "departmentId": department_id}))
