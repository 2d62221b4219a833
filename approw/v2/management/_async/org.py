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
    permissions (every call carries the management token)."""

    # ------------------------------------------------------------------ organisations
    @checked
    async def create_org(self, name: str, code: Optional[str] = None, description: Optional[str] = None) -> Org:
        """Create an organisation: ``{id, rootNode, nodes}``, its root node named ``name``
        (with ``code`` and ``description``)."""
        return await self._exec(ops.createOrg({"name": name, "code": code, "description": description}))

    @checked
    async def create(self, name: str, description: Optional[str] = None, code: Optional[str] = None) -> Org:
        """Create an organisation (as :meth:`create_org`, with ``description`` second)."""
        return await self._exec(ops.createOrg({"name": name, "code": code, "description": description}))

    @checked
    async def list(self, page: int = 1, limit: int = 10, sort_by: Optional[str] = None) -> OrgPage:
        """One page of organisations, ``{totalCount, list}``; ``sort_by`` is ``CREATEDAT_DESC``
        (the default), ``CREATEDAT_ASC``, ``UPDATEDAT_DESC`` or ``UPDATEDAT_ASC``."""
        return await self._exec(ops.orgs({"page": page, "limit": limit, "sortBy": sort_by}))

    def iter(self, limit: int = 100, sort_by: Optional[str] = None) -> "AsyncPager[Org]":
        """Every organisation, ``limit`` per request, lazily (``async for`` with the asyncio
        client)."""
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit, sort_by=sort_by)

    @checked
    async def find_by_id(self, id: str) -> Org:  # noqa: A002 (reference name)
        """The organisation with this ID: ``{id, rootNode, nodes}``."""
        return await self._exec(ops.org({"id": id}))

    @checked
    async def delete_by_id(self, id: str) -> CommonMessage:  # noqa: A002 (reference name)
        """Delete an organisation with all its nodes and their memberships."""
        return await self._exec(ops.deleteOrg({"id": id}))

    # ------------------------------------------------------------------ nodes
    @checked
    async def create_node(self, name: str, org_id: str, parent_node_id: str, code: Optional[str] = None) -> OrgNode:
        """Add a node named ``name`` under ``parent_node_id`` in organisation ``org_id``."""
        return await self._exec(ops.addNodeV2({
            "orgId": org_id, "name": name, "parentNodeId": parent_node_id, "code": code}))

    @checked
    async def add_node(self, org_id: str, parent_node_id: Optional[str], data: Mapping[str, Any]) -> OrgNode:
        """Add a node under ``parent_node_id`` (``None``: the root): ``data`` holds ``name``
        and optionally ``code``, ``description``, ``nameI18n``, ``descriptionI18n`` and
        ``order`` (a larger order sorts first among siblings)."""
        fields = _fields(data, _NODE_FIELDS, "node")
        if not fields["name"]:
            raise ApprowWrongArgumentException("data must have a name")
        return await self._exec(ops.addNodeV2({
            "orgId": org_id, "parentNodeId": parent_node_id, "name": fields["name"],
            "nameI18n": fields["nameI18n"], "description": fields["description"],
            "descriptionI18n": fields["descriptionI18n"], "order": fields["order"], "code": fields["code"]}))

    @checked
    async def update_node(self, id: str, updates: Mapping[str, Any]) -> OrgNode:  # noqa: A002
        """Change a node's ``name``, ``code`` or ``description`` (those given)."""
        fields = _fields(updates, _UPDATABLE, "node")
        return await self._exec(ops.updateNode({
            "id": id, "name": fields["name"], "code": fields["code"], "description": fields["description"]}))

    @checked
    async def delete_node(self, org_id: str, node_id: str) -> CommonMessage:
        """Delete a node with its subtree and their memberships (the root: the whole
        organisation)."""
        return await self._exec(ops.deleteNode({"orgId": org_id, "nodeId": node_id}))

    @checked
    async def move_node(self, org_id: str, node_id: str, target_parent_id: str) -> Org:
        """Move a node (with its subtree) under another node of the organisation; a node cannot
        go under itself or one of its descendants.  Returns the organisation."""
        return await self._exec(ops.moveNode({"orgId": org_id, "nodeId": node_id, "targetParentId": target_parent_id}))

    @checked
    async def is_root_node(self, org_id: str, node_id: str) -> bool:
        """Whether the node is the root of the organisation."""
        return bool(await self._exec(ops.isRootNode({"orgId": org_id, "nodeId": node_id})))

    @checked
    async def root_node(self, org_id: str) -> OrgNode:
        """The root node of an organisation (with ``codePath`` and ``namePath``)."""
        return await self._exec(ops.rootNode({"orgId": org_id}))

    @checked
    async def list_children(self, org_id: str, node_id: str) -> List[OrgNode]:
        """The children of a node, in display order (their ``depth`` counts from that node)."""
        return await self._exec(ops.childrenNodes({"orgId": org_id, "nodeId": node_id}))

    @checked
    async def find_node_by_id(self, node_id: str) -> Optional[OrgNode]:
        """The node with this ID, or ``None``."""
        return await self._exec(ops.nodeById({"id": node_id}))

    @checked
    async def find_node_by_code(self, org_id: str, code: str) -> Optional[OrgNode]:
        """The node of the organisation with this code, or ``None``."""
        return await self._exec(ops.nodeByCode({"orgId": org_id, "code": code}))

    @checked
    async def search_nodes(self, keyword: str) -> List[OrgNode]:
        """Nodes of every organisation whose name or code contains ``keyword`` (case-insensitive)."""
        if not keyword.strip():
            raise ApprowWrongArgumentException("keyword must not be empty")
        return await self._exec(ops.searchNodes({"keyword": keyword}))

    # ------------------------------------------------------------------ import / export
    @checked
    async def import_by_json(self, json: Union[Mapping[str, Any], str]) -> OrgTreeNode:
        """Create an organisation from a tree: ``{"name", "code", "description", "nameI18n",
        "descriptionI18n", "order", "children": [...], "members": [user IDs]}`` (a dict, or its
        JSON text).  Returns the new organisation as :meth:`export_by_org_id` does."""
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
        """Every organisation as a tree: each node with its ``members`` and nested ``children``."""
        exported: List[OrgTreeNode] = await self._rest("GET", "/api/v2/orgs/export")
        return exported

    @checked
    async def export_by_org_id(self, org_id: str) -> OrgTreeNode:
        """One organisation as a tree: each node with its ``members`` and nested ``children``."""
        exported: OrgTreeNode = await self._rest("GET", "/api/v2/orgs/export", params={"org_id": org_id})
        return exported
