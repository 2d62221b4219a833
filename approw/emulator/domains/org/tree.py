"""An organisation's tree, loaded whole, and the shapes its nodes are shown in.

A node as GraphQL shows it (``Node``) carries where it sits: ``root``, ``depth`` (from the
root, or from a queried parent for its children), ``path`` / ``codePath`` / ``namePath``
(root first, the node last) and ``children`` (ids, display order: a larger ``order`` first,
then the older node).  The export shape nests the children and lists the members.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Optional

from ...store import Store
from . import rules, state


class Tree:
    """Every node of one organisation, by id, with the children of each."""

    def __init__(self, org_id: str, nodes: List[Dict[str, Any]]) -> None:
        self.org_id = org_id
        self.nodes = {n["id"]: n for n in nodes}
        self.children: Dict[Optional[str], List[str]] = {}
        for node in nodes:  # already in sibling order
            self.children.setdefault(node["parentId"], []).append(node["id"])
        roots = self.children.get(None, [])
        self.root_id: str = roots[0] if roots else ""

    @classmethod
    def load(cls, store: Store, org_id: str) -> "Tree":
        """The organisation's tree; an unknown organisation -> error 404."""
        nodes = state.nodes_of_org(store, org_id)
        if not nodes:
            raise rules.org_not_found(org_id)
        return cls(org_id, nodes)

    def lineage(self, node_id: str) -> List[Dict[str, Any]]:
        """The nodes from the root down to ``node_id``."""
        out: List[Dict[str, Any]] = []
        current: Optional[str] = node_id
        while current is not None:
            node = self.nodes[current]
            out.append(node)
            current = node["parentId"]
        return out[::-1]

    def walk(self, node_id: Optional[str] = None) -> Iterator[str]:
        """Ids of a subtree (the whole tree by default), depth first, in display order."""
        stack = [node_id or self.root_id]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(self.children.get(current, [])))

    def view(self, node_id: str, depth_from: Optional[str] = None) -> Dict[str, Any]:
        """A node as GraphQL shows it; ``depth`` counts from ``depth_from`` (default: the root)."""
        node = self.nodes[node_id]
        lineage = self.lineage(node_id)
        depth = len(lineage) - 1
        if depth_from is not None:
            depth -= len(self.lineage(depth_from)) - 1
        out = {k: v for k, v in node.items() if k != "parentId"}
        out.update(root=node["parentId"] is None, depth=depth, path=[n["id"] for n in lineage],
                   codePath=[n["code"] for n in lineage], namePath=[n["name"] for n in lineage],
                   children=list(self.children.get(node_id, [])))
        return out

    def org_view(self) -> Dict[str, Any]:
        """The organisation as GraphQL shows it: ``{id, rootNode, nodes}``."""
        return {"id": self.org_id, "rootNode": self.view(self.root_id),
                "nodes": [self.view(n) for n in self.walk()]}

    def export(self, node_id: str, members: Callable[[str], List[Dict[str, Any]]], pool_id: str,
               depth: int = 0) -> Dict[str, Any]:
        """The subtree of ``node_id`` with nested ``children`` and each node's ``members``."""
        node = self.nodes[node_id]
        out = {k: v for k, v in node.items() if k != "parentId"}
        out.update(userPoolId=pool_id, root=node["parentId"] is None, depth=depth, members=members(node_id),
                   children=[self.export(c, members, pool_id, depth + 1) for c in self.children.get(node_id, [])])
        return out


class Trees:
    """Trees loaded once per request: views of nodes from several organisations."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._trees: Dict[str, Tree] = {}

    def of(self, org_id: str) -> Tree:
        if org_id not in self._trees:
            self._trees[org_id] = Tree.load(self.store, org_id)
        return self._trees[org_id]

    def view(self, node: Dict[str, Any]) -> Dict[str, Any]:
        return self.of(node["orgId"]).view(node["id"])


def node_view(store: Store, node_id: Any) -> Optional[Dict[str, Any]]:
    """A node as GraphQL shows it, or None when there is no such node."""
    node = state.get_node(store, node_id)
    return None if node is None else Tree.load(store, node["orgId"]).view(node["id"])


def require_node(store: Store, node_id: Any, org_id: Optional[str] = None) -> Dict[str, Any]:
    """The stored node (of ``org_id``, when given); otherwise error 404."""
    node = state.get_node(store, node_id)
    if node is None or (org_id is not None and node["orgId"] != org_id):
        raise rules.node_not_found(node_id, org_id)
    return node


def require_org(store: Store, org_id: Any) -> Tree:
    if not state.org_exists(store, org_id):
        raise rules.org_not_found(org_id)
    return Tree.load(store, org_id)

