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
from approw.v2.common.helpers import path_segment
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient

__all__ = ["AsyncAclResourceMethods"]


class AsyncAclResourceMethods(AsyncManagementSubClient):
    """Namespaces and resource definitions, a part of ``management_client.acl``.

    Resources are addressed by code within a namespace; a namespace that does not exist
    raises ``ApprowException`` (3003).
    """

    def _namespaces_url(self, *rest: Union[int, str]) -> str:
        return "/".join(["/api/v2/resource-namespace", path_segment(self.options.user_pool_id)]
                        + [path_segment(r) for r in rest])

    # ------------------------------------------------------------------ namespaces
    @checked
    async def create_namespace(self, code: str, name: str, description: Optional[str] = None) -> Namespace:
        """Create a namespace (a permission group).

        Args:
            code: its code, unique in the pool (no whitespace or ``/``).
            name: its display name.
            description: a description.

        Returns:
            The namespace with its numeric ``id`` (a
            :class:`~approw.v2.common.shapes.users.Namespace` dict).

        Raises:
            AlreadyExistsError: a namespace has this code (2026).
            ApprowException: ``code`` or ``name`` is empty or malformed (2231).
        """
        created: Namespace = await self._rest("POST", self._namespaces_url(),
                                              json={"name": name, "code": code, "description": description})
        return created

    @checked
    async def update_namespace(self, id: Union[int, str], name: Optional[str] = None,  # noqa: A002
                               code: Optional[str] = None, description: Optional[str] = None) -> Namespace:
        """Change a namespace; only the values given change.

        Args:
            id: the namespace's numeric ``id``.
            name: a new display name.
            code: a new code.
            description: a new description.

        Returns:
            The namespace as changed (a :class:`~approw.v2.common.shapes.users.Namespace`
            dict).

        Raises:
            ApprowException: no namespace has this ``id`` (3005).
            PermissionDeniedError: it is an application's namespace, or ``code`` would
                rename ``default`` (1001).
            AlreadyExistsError: another namespace has the new code (2026).
        """
        updated: Namespace = await self._rest("PUT", self._namespaces_url(id),
                                              json={"name": name, "code": code, "description": description})
        return updated

    @checked
    async def list_namespaces(self, page: int = 1, limit: int = 10) -> NamespacePage:
        """One page of the pool's namespaces, ``default`` first.

        Args:
            page: the page, from 1.
            limit: namespaces per page.

        Returns:
            ``{total, list}`` (a :class:`~approw.v2.common.shapes.users.NamespacePage`
            dict): the count is ``total`` here, not ``totalCount``.

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        found: NamespacePage = await self._rest("GET", self._namespaces_url(),
                                                params={"page": page, "limit": limit})
        return found

    @checked
    async def delete_namespace(self, id: Union[int, str]) -> bool:  # noqa: A002 (reference name)
        """Delete a namespace with its roles, policies, resources and grants.

        Args:
            id: the namespace's numeric ``id``.

        Returns:
            ``True``.

        Raises:
            ApprowException: no namespace has this ``id`` (3003).
            PermissionDeniedError: it is ``default`` or an application's namespace (1001).
        """
        return await self._rest_ok("DELETE", self._namespaces_url(id))

    # ------------------------------------------------------------------ resources
    @checked
    async def create_resource(self, namespace: str, code: str, resource_type: str,
                              actions: Sequence[Mapping[str, Any]], description: Optional[str] = None) -> Resource:
        """Define a resource: its code, type and actions.

        Args:
            namespace: the namespace code.
            code: the resource code, e.g. ``books`` (no whitespace or ``/``).
            resource_type: ``DATA``, ``API``, ``MENU``, ``UI`` or ``BUTTON``.
            actions: ``[{"name": "books:read", "description": ...}, ...]``, names unique.
            description: a description.

        Returns:
            The definition (a :class:`~approw.v2.common.shapes.users.Resource` dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types, or
                an action lacks ``name`` or ``description``.
            AlreadyExistsError: the namespace has a resource with this code (2026).
            ApprowException: ``code`` is malformed, or an action name is empty or repeated
                (2231).
        """
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
        """Change a resource definition; only the values given change.

        Args:
            namespace: the namespace code.
            code: the resource code.
            resource_type: a new type (``DATA``, ``API``, ``MENU``, ``UI`` or ``BUTTON``).
            actions: new actions, replacing the old ones (as in :meth:`create_resource`).
            description: a new description (an empty one leaves it unchanged).

        Returns:
            The definition as changed (a :class:`~approw.v2.common.shapes.users.Resource`
            dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` or ``actions`` is malformed.
            NotFoundError: the namespace has no resource with this code (404).
        """
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
        """One page of a namespace's resource definitions, newest first.

        Args:
            namespace: the namespace code.
            resource_type: only definitions of this type.
            page: the page, from 1.
            limit: definitions per page.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.ResourcePage`
            dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types, or
                ``page`` or ``limit`` is negative.
        """
        if resource_type is not None:
            checks.resource_type(resource_type)
        checks.page_options(page, limit)
        found: ResourcePage = await self._rest("GET", "/api/v2/resources", params={
            "namespace": namespace, "type": resource_type, "page": page, "limit": limit})
        return found

    @checked
    async def delete_resource(self, namespace: str, code: str) -> bool:
        """Delete a resource definition and every grant on it (a kind's items included).

        Args:
            namespace: the namespace code.
            code: the resource code.

        Returns:
            ``True``.

        Raises:
            NotFoundError: the namespace has no resource with this code (404).
        """
        return await self._rest_ok("DELETE", f"/api/v2/resources/{path_segment(code)}", params={"namespace": namespace})

    @checked
    async def find_resource_by_code(self, code: str, namespace: Optional[str] = None) -> Optional[Resource]:
        """The resource definition with this code, or ``None``.

        Args:
            code: the resource code.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            The definition (a :class:`~approw.v2.common.shapes.users.Resource` dict), or
            ``None`` when there is none.

        Raises:
            ApprowWrongArgumentException: ``code`` is empty.
        """
        if not code:
            raise ApprowWrongArgumentException("code must be provided")
        found: Optional[Resource] = await self._rest("GET", f"/api/v2/resources/by-code/{path_segment(code)}",
                                                     params={"namespace": namespace})
        return found
