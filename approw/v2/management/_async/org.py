"""``management.org``: :class:`AsyncOrgManagementClient`, the pool's organisations.

An organisation is a tree of nodes (departments) with exactly one root; ``create_org`` makes
an organisation with its root node, nodes are added under a parent, moved (never under one
of their own descendants) and deleted with their subtree.  Members of nodes are in
:mod:`.org_members`, their roles and permissions in :mod:`.org_roles`.
"""
import json as _json
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Union

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import CommonMessage, Org, OrgNode, OrgPage, OrgTreeNode
from approw.v2.exceptions import ApprowWrongArgumentException

from .org_members import AsyncOrgMemberMethods
from .org_roles import AsyncOrgRoleMethods

if TYPE_CHECKING:
    from approw.v2.common._async.paging import AsyncPager

__all__ = ["AsyncOrgManagementClient"]

_NODE_FIELDS = ("name", "nameI18n", "description", "descriptionI18n", "order", "code")
_UPDATABLE = ("name", "code", "description")


def _fields(data: Mapping[str, Any], allowed: Sequence[str], what: str) -> Dict[str, Any]:
    """``data`` restricted to ``allowed`` keys (each present, ``None`` otherwise); an unknown
    key is refused."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApprowWrongArgumentException(
            f"unknown {what} field(s) {', '.join(unknown)}; use {', '.join(allowed)}")
    return {key: data.get(key) for key in allowed}


class AsyncOrgManagementClient(AsyncOrgMemberMethods, AsyncOrgRoleMethods):
    """Manage the organisations of the pool: trees of nodes, their members, roles and
    permissions.

    Reached as ``management_client.org``; every call carries the management token.  Nodes
    are addressed by ID (``code`` is optional and unique within its organisation).
    """

    # ------------------------------------------------------------------ organisations
    @checked
    async def create_org(self, name: str, code: Optional[str] = None, description: Optional[str] = None) -> Org:
        """Create an organisation with its root node.

        Args:
            name: the root node's name, at most 256 characters.
            code: the root node's code (no whitespace or ``/``).
            description: the root node's description.

        Returns:
            ``{id, rootNode, nodes}`` (an :class:`~approw.v2.common.shapes.org.Org` dict).

        Raises:
            ApprowException: ``name`` is empty or too long, or ``code`` is malformed (2231).
        """
        return await self._exec(ops.createOrg({"name": name, "code": code, "description": description}))

    @checked
    async def create(self, name: str, description: Optional[str] = None, code: Optional[str] = None) -> Org:
        """Create an organisation with its root node (``description`` second).

        Args:
            name, description, code: as in :meth:`create_org`.

        Returns:
            ``{id, rootNode, nodes}`` (an :class:`~approw.v2.common.shapes.org.Org` dict).

        Raises:
            ApprowException: as in :meth:`create_org` (2231).
        """
        return await self._exec(ops.createOrg({"name": name, "code": code, "description": description}))

    @checked
    async def list(self, page: int = 1, limit: int = 10, sort_by: Optional[str] = None) -> OrgPage:
        """One page of the pool's organisations, newest first unless ``sort_by`` says otherwise.

        Args:
            page: the page, from 1.
            limit: organisations per page.
            sort_by: ``CREATEDAT_DESC`` (the default), ``CREATEDAT_ASC``, ``UPDATEDAT_DESC`` or
                ``UPDATEDAT_ASC``.

        Returns:
            ``{totalCount, list}`` (an :class:`~approw.v2.common.shapes.org.OrgPage` dict),
            each organisation as ``{id, rootNode, nodes}``.

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
            ApprowException: ``sort_by`` is not one of the four values (2231).
        """
        return await self._exec(ops.orgs({"page": page, "limit": limit, "sortBy": sort_by}))

    def iter(self, limit: int = 100, sort_by: Optional[str] = None) -> "AsyncPager[Org]":
        """Every organisation, in :meth:`list` order, fetched ``limit`` at a time.

        Args:
            limit: organisations per request.
            sort_by: as in :meth:`list`.

        Returns:
            A pager of :class:`~approw.v2.common.shapes.org.Org` dicts (``for``, or
            ``async for`` with the asyncio client); a page is fetched only when the previous
            one has been consumed.

        Raises:
            ApprowWrongArgumentException: ``limit`` is not an int of at least 1 (at once).
            ApprowException: ``sort_by`` is not one of the four values (2231), raised by the
                first request, as in :meth:`list`.
        """
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit, sort_by=sort_by)

    @checked
    async def find_by_id(self, id: str) -> Org:  # noqa: A002 (reference name)
        """The organisation with this ID, with every node.

        Args:
            id: the organisation's ID.

        Returns:
            ``{id, rootNode, nodes}`` (an :class:`~approw.v2.common.shapes.org.Org` dict).

        Raises:
            NotFoundError: no organisation has this ID (404).
        """
        return await self._exec(ops.org({"id": id}))

    @checked
    async def delete_by_id(self, id: str) -> CommonMessage:  # noqa: A002 (reference name)
        """Delete an organisation with all its nodes, their memberships, roles and grants.

        Args:
            id: the organisation's ID.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: no organisation has this ID (404).
        """
        return await self._exec(ops.deleteOrg({"id": id}))

    # ------------------------------------------------------------------ nodes
    @checked
    async def create_node(self, name: str, org_id: str, parent_node_id: str, code: Optional[str] = None) -> OrgNode:
        """Add a node named ``name`` under another node of the organisation.

        Args:
            name: the node's name, at most 256 characters.
            org_id: the organisation's ID.
            parent_node_id: the parent node's ID.
            code: the node's code, unique in the organisation (no whitespace or ``/``).

        Returns:
            The new node (an :class:`~approw.v2.common.shapes.org.OrgNode` dict) with its
            ``id``, ``depth`` and ``path``.

        Raises:
            NotFoundError: the organisation or the parent node does not exist (404).
            AlreadyExistsError: another node of the organisation has this code (2026).
            ApprowException: ``name`` is empty or too long, or ``code`` is malformed (2231).
        """
        return await self._exec(ops.addNodeV2({
            "orgId": org_id, "name": name, "parentNodeId": parent_node_id, "code": code}))

    @checked
    async def add_node(self, org_id: str, parent_node_id: Optional[str], data: Mapping[str, Any]) -> OrgNode:
        """Add a node under another node of the organisation, from a dict of its fields.

        Args:
            org_id: the organisation's ID.
            parent_node_id: the parent node's ID; ``None`` for the root.
            data: ``name`` and optionally ``code``, ``description``, ``nameI18n``,
                ``descriptionI18n`` and ``order`` (an int from 0 to 4294967295; a larger order
                sorts first among siblings).

        Returns:
            The new node (an :class:`~approw.v2.common.shapes.org.OrgNode` dict).

        Raises:
            ApprowWrongArgumentException: ``data`` has no ``name`` or another key.
            NotFoundError: the organisation or the parent node does not exist (404).
            AlreadyExistsError: another node of the organisation has this code (2026).
            ApprowException: a value is malformed, e.g. ``order`` out of range (2231).
        """
        fields = _fields(data, _NODE_FIELDS, "node")
        if not fields["name"]:
            raise ApprowWrongArgumentException("data must have a name")
        return await self._exec(ops.addNodeV2({
            "orgId": org_id, "parentNodeId": parent_node_id, "name": fields["name"],
            "nameI18n": fields["nameI18n"], "description": fields["description"],
            "descriptionI18n": fields["descriptionI18n"], "order": fields["order"], "code": fields["code"]}))

    @checked
    async def update_node(self, id: str, updates: Mapping[str, Any]) -> OrgNode:  # noqa: A002
        """Change a node's ``name``, ``code`` or ``description`` (those given).

        Args:
            id: the node's ID.
            updates: ``{"name": ..., "code": ..., "description": ...}``, any of them.

        Returns:
            The node as changed (an :class:`~approw.v2.common.shapes.org.OrgNode` dict).

        Raises:
            ApprowWrongArgumentException: ``updates`` has another key.
            NotFoundError: no node has this ID (404).
            AlreadyExistsError: another node of the organisation has the code (2026).
            ApprowException: a value is malformed (2231).
        """
        fields = _fields(updates, _UPDATABLE, "node")
        return await self._exec(ops.updateNode({
            "id": id, "name": fields["name"], "code": fields["code"], "description": fields["description"]}))

    @checked
    async def delete_node(self, org_id: str, node_id: str) -> CommonMessage:
        """Delete a node with its subtree, their memberships, roles and grants.

        Deleting the root node deletes the organisation.

        Args:
            org_id: the organisation's ID.
            node_id: the node's ID.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: the organisation has no node with this ID (404).
        """
        return await self._exec(ops.deleteNode({"orgId": org_id, "nodeId": node_id}))

    @checked
    async def move_node(self, org_id: str, node_id: str, target_parent_id: str) -> Org:
        """Move a node, with its subtree, under another node of the same organisation.

        Args:
            org_id: the organisation's ID.
            node_id: the ID of the node to move.
            target_parent_id: the ID of its new parent.

        Returns:
            The organisation as changed, ``{id, rootNode, nodes}`` (an
            :class:`~approw.v2.common.shapes.org.Org` dict).

        Raises:
            NotFoundError: the organisation has no node with one of these IDs (404).
            ApprowException: the node is the root, or the target is the node itself or one
                of its descendants (2231).
        """
        return await self._exec(ops.moveNode({"orgId": org_id, "nodeId": node_id, "targetParentId": target_parent_id}))

    @checked
    async def is_root_node(self, org_id: str, node_id: str) -> bool:
        """Whether the node is the root of the organisation.

        Args:
            org_id: the organisation's ID.
            node_id: the node's ID.

        Returns:
            ``True`` or ``False``.

        Raises:
            NotFoundError: the organisation has no node with this ID (404).
        """
        return bool(await self._exec(ops.isRootNode({"orgId": org_id, "nodeId": node_id})))

    @checked
    async def root_node(self, org_id: str) -> OrgNode:
        """The root node of an organisation.

        Args:
            org_id: the organisation's ID.

        Returns:
            The node with its ``children`` (IDs), ``codePath`` and ``namePath`` (an
            :class:`~approw.v2.common.shapes.org.OrgNode` dict).

        Raises:
            NotFoundError: no organisation has this ID (404).
        """
        return await self._exec(ops.rootNode({"orgId": org_id}))

    @checked
    async def list_children(self, org_id: str, node_id: str) -> List[OrgNode]:
        """The children of a node, in display order.

        Args:
            org_id: the organisation's ID.
            node_id: the node's ID.

        Returns:
            A list of :class:`~approw.v2.common.shapes.org.OrgNode` dicts, each ``depth``
            counted from ``node_id`` (1); empty for a leaf.

        Raises:
            NotFoundError: the organisation has no node with this ID (404).
        """
        return await self._exec(ops.childrenNodes({"orgId": org_id, "nodeId": node_id}))

    @checked
    async def find_node_by_id(self, node_id: str) -> Optional[OrgNode]:
        """The node with this ID, or ``None``.

        Args:
            node_id: the node's ID.

        Returns:
            The node (an :class:`~approw.v2.common.shapes.org.OrgNode` dict), or ``None``
            when no node has this ID.

        Raises:
            ApprowArgumentTypeError: ``node_id`` is not a str.
        """
        return await self._exec(ops.nodeById({"id": node_id}))

    @checked
    async def find_node_by_code(self, org_id: str, code: str) -> Optional[OrgNode]:
        """The node of the organisation with this code, or ``None``.

        Args:
            org_id: the organisation's ID.
            code: the node's code.

        Returns:
            The node (an :class:`~approw.v2.common.shapes.org.OrgNode` dict), or ``None``
            when the organisation has no node with this code (or does not exist).

        Raises:
            ApprowArgumentTypeError: ``org_id`` or ``code`` is not a str.
        """
        return await self._exec(ops.nodeByCode({"orgId": org_id, "code": code}))

    @checked
    async def search_nodes(self, keyword: str) -> List[OrgNode]:
        """The nodes of every organisation whose name or code contains ``keyword``.

        Args:
            keyword: the text to look for, in any case.

        Returns:
            A list of :class:`~approw.v2.common.shapes.org.OrgNode` dicts (empty when none
            matches).

        Raises:
            ApprowWrongArgumentException: ``keyword`` is empty or blank.
        """
        if not keyword.strip():
            raise ApprowWrongArgumentException("keyword must not be empty")
        return await self._exec(ops.searchNodes({"keyword": keyword}))

    # ------------------------------------------------------------------ import / export
    @checked
    async def import_by_json(self, json: Union[Mapping[str, Any], str]) -> OrgTreeNode:
        """Create an organisation from a tree of nodes, with their members.

        Args:
            json: the root node, as a dict or its JSON text: ``{"name", "code",
                "description", "nameI18n", "descriptionI18n", "order", "children": [nodes],
                "members": [user IDs]}``, each node of ``children`` alike.

        Returns:
            The new organisation's root as :meth:`export_by_org_id` returns it (an
            :class:`~approw.v2.common.shapes.org.OrgTreeNode` dict).

        Raises:
            ApprowWrongArgumentException: ``json`` is not valid JSON, or its root has no
                ``name``.
            UserNotFoundError: a member does not exist (2004); nothing is created.
            ApprowException: a node is malformed, or the tree has over 10,000 nodes or 64
                levels (2231).
        """
        try:
            tree = _json.loads(json) if isinstance(json, str) else json
        except ValueError as exc:
            raise ApprowWrongArgumentException(f"json is not valid JSON: {exc}") from None
        if not isinstance(tree, Mapping) or not tree.get("name"):
            raise ApprowWrongArgumentException("json must be a tree of nodes whose root has a name")
        imported: OrgTreeNode = await self._rest("POST", "/api/v2/orgs/import", json={"filetype": "json", "file": tree})
        return imported

    @checked
    async def export_all(self) -> List[OrgTreeNode]:
        """Every organisation as a tree, oldest first.

        Returns:
            A list of root nodes (:class:`~approw.v2.common.shapes.org.OrgTreeNode` dicts),
            each node with its ``members`` (users) and its ``children`` nested.

        Raises:
            PermissionDeniedError: the pool secret is wrong, so no management token (1001).
        """
        exported: List[OrgTreeNode] = await self._rest("GET", "/api/v2/orgs/export")
        return exported

    @checked
    async def export_by_org_id(self, org_id: str) -> OrgTreeNode:
        """One organisation as a tree.

        Args:
            org_id: the organisation's ID.

        Returns:
            Its root node (an :class:`~approw.v2.common.shapes.org.OrgTreeNode` dict), each
            node with its ``members`` (users) and its ``children`` nested.

        Raises:
            NotFoundError: no organisation has this ID (404).
        """
        exported: OrgTreeNode = await self._rest("GET", "/api/v2/orgs/export", params={"org_id": org_id})
        return exported
