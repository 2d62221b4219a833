"""``management.acl``, definitions: namespaces and resources (:class:`AsyncAclResourceMethods`,
a part of ``AsyncAclManagementClient``).

A namespace (permission group) holds roles, policies, resources and grants; ``default``
always exists, and each application has one whose code is the application ID.  A resource
definition names a kind of resource (``books``), its type and its actions.
"""
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from approw.v2.common import checks
from approw.v2.common.checks import checked
from approw.v2.common.shapes import Namespace, NamespacePage, Resource, ResourcePage
from approw.v2.common.utils import path_segment
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient

__all__ = ["AsyncAclResourceMethods"]


class AsyncAclResourceMethods(AsyncManagementSubClient):
    """Namespaces and resource definitions."""

    def _namespaces_url(self, *rest: Union[int, str]) -> str:
        return "/".join(["/api/v2/resource-namespace", path_segment(self.options.user_pool_id)]
                        + [path_segment(r) for r in rest])

    # ------------------------------------------------------------------ namespaces
    @checked
    async def create_namespace(self, code: str, name: str, description: Optional[str] = None) -> Namespace:
        """Create a namespace; returns it with its numeric ``id``."""
        created: Namespace = await self._rest("POST", self._namespaces_url(),
                                              json={"name": name, "code": code, "description": description})
        return created

    @checked
    async def update_namespace(self, id: Union[int, str], name: Optional[str] = None,  # noqa: A002
                               code: Optional[str] = None, description: Optional[str] = None) -> Namespace:
        """Change a namespace (numeric ``id``); only the values given change."""
        updated: Namespace = await self._rest("PUT", self._namespaces_url(id),
                                              json={"name": name, "code": code, "description": description})
        return updated

    @checked
    async def list_namespaces(self, page: int = 1, limit: int = 10) -> NamespacePage:
        """One page of namespaces: ``{total, list}`` (the count is ``total`` here)."""
        found: NamespacePage = await self._rest("GET", self._namespaces_url(),
                                                params={"page": page, "limit": limit})
        return found

    @checked
    async def delete_namespace(self, id: Union[int, str]) -> bool:  # noqa: A002 (reference name)
        """Delete a namespace (numeric ``id``) with everything in it; ``True``."""
        return await self._rest_ok("DELETE", self._namespaces_url(id))

    # ------------------------------------------------------------------ resources
    @checked
    async def create_resource(self, namespace: str, code: str, resource_type: str,
                              actions: Sequence[Mapping[str, Any]], description: Optional[str] = None) -> Resource:
        """Define a resource: ``resource_type`` is ``DATA``, ``API``, ``MENU``, ``UI`` or
        ``BUTTON``; ``actions`` is ``[{"name": "books:read", "description": ...}, ...]``."""
        checks.resource_actions(actions)
        checks.resource_type(resource_type)
        created: Resource = await self._rest("POST", "/api/v2/resources", json={
            "code": code, "type": resource_type, "actions": actions, "namespace": namespace,
            "description": description})
        return created

    @checked
    async def update_resource(self, namespace: str, code: str, resource_type: Optional[str] = None,
                              actions: Optional[Sequence[Mapping[str, Any]]] = None,
                              description: Optional[str] = None) -> Resource:
        """Change a resource definition; ``actions`` replace the old ones."""
        body: Dict[str, Any] = {"namespace": namespace}
        if description:
            body["description"] = description
        if actions:
            checks.resource_actions(actions)
            body["actions"] = actions
        if resource_type:
            checks.resource_type(resource_type)
            body["type"] = resource_type
        updated: Resource = await self._rest("POST", f"/api/v2/resources/{path_segment(code)}", json=body)
        return updated

    @checked
    async def list_resources(self, namespace: str, resource_type: Optional[str] = None, page: int = 1,
                             limit: int = 10) -> ResourcePage:
        """One page of the namespace's resource definitions (of one type, when given)."""
        if resource_type is not None:
            checks.resource_type(resource_type)
        checks.page_options(page, limit)
        found: ResourcePage = await self._rest("GET", "/api/v2/resources", params={
            "namespace": namespace, "type": resource_type, "page": page, "limit": limit})
        return found

    @checked
    async def delete_resource(self, namespace: str, code: str) -> bool:
        """Delete a resource definition and every grant on it; ``True``."""
        return await self._rest_ok("DELETE", f"/api/v2/resources/{path_segment(code)}", params={"namespace": namespace})

    @checked
    async def find_resource_by_code(self, code: str, namespace: Optional[str] = None) -> Optional[Resource]:
        """The resource definition with this code (in ``namespace``, else ``default``), or
        ``None``."""
        if not code:
            raise ApprowWrongArgumentException("code must be provided")
        found: Optional[Resource] = await self._rest("GET", f"/api/v2/resources/by-code/{path_segment(code)}",
                                                     params={"namespace": namespace})
        return found
