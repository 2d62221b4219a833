"""``management.applications``: :class:`AsyncApplicationsManagementClient`, the pool's
applications.

An application has its own ID and client secret, a namespace whose code is its ID (its
resources and roles live there: the resource and role helpers below are the ``acl`` and
``roles`` methods with ``namespace = app_id``), an access policy
(:mod:`.applications_access`), sign-up agreements (:mod:`.applications_agreements`), protocol
settings as an OpenID Connect / OAuth 2.0 / CAS client (:meth:`update`) and programmatic access
accounts (:mod:`.applications_keys`).
"""
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence

from approw.v2.common import checks
from approw.v2.common._async.executor import AsyncExecutor
from approw.v2.common.checks import checked
from approw.v2.common.shapes import (Application, ApplicationPage, ProtocolSettings, Resource, ResourcePage,
                                     UserPage)
from approw.v2.common.helpers import path_segment
from approw.v2.exceptions import ApprowWrongArgumentException
from approw.v2.management.types import ManagementClientOptions

from .acl import AsyncAclManagementClient
from .applications_access import AsyncApplicationAccessMethods
from .applications_agreements import AsyncApplicationAgreementMethods
from .applications_keys import AsyncApplicationAccessKeyMethods
from .applications_roles import AsyncApplicationRoleMethods
from .roles import AsyncRolesManagementClient
from .token_provider import AsyncManagementTokenProvider

if TYPE_CHECKING:
    from approw.v2.common._async.paging import AsyncPager

__all__ = ["AsyncApplicationsManagementClient"]


class AsyncApplicationsManagementClient(
        AsyncApplicationAccessMethods, AsyncApplicationRoleMethods, AsyncApplicationAgreementMethods,
        AsyncApplicationAccessKeyMethods):
    """Manage the applications of the pool: their settings and secrets, resources, roles,
    access policies, agreements and programmatic access accounts.

    Reached as ``management_client.applications``; every call carries the management token.
    The resource and role methods work in the application's namespace (its code is the
    application ID).
    """

    def __init__(self, options: ManagementClientOptions, executor: AsyncExecutor,
                 token_provider: AsyncManagementTokenProvider) -> None:
        super().__init__(options, executor, token_provider)
        self._acl = AsyncAclManagementClient(options, executor, token_provider)
        self._roles = AsyncRolesManagementClient(options, executor, token_provider)

    # ------------------------------------------------------------------ applications
    @checked
    async def list(self, page: int = 1, limit: int = 10) -> ApplicationPage:
        """One page of the pool's applications: the default one first, then the oldest first.

        Args:
            page: the page, from 1.
            limit: applications per page.

        Returns:
            ``{totalCount, list}`` (an
            :class:`~approw.v2.common.shapes.org.ApplicationPage` dict), each application
            with its ``id``, ``name``, ``identifier``, ``secret`` and ``redirectUris``.

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        found: ApplicationPage = await self._rest("GET", "/api/v2/applications", params={"page": page, "limit": limit})
        return found

    def iter(self, limit: int = 100) -> "AsyncPager[Application]":
        """Every application of the pool, in :meth:`list` order, fetched ``limit`` at a time.

        Args:
            limit: applications per request.

        Returns:
            A pager of :class:`~approw.v2.common.shapes.org.Application` dicts (``for``, or
            ``async for`` with the asyncio client); a page is fetched only when the previous
            one has been consumed.

        Raises:
            ApprowWrongArgumentException: ``limit`` is not an int of at least 1 (at once); a
                page's request raises while iterating, as :meth:`list` does.
        """
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit)

    @checked
    async def create(self, name: str, identifier: str, redirect_uris: Sequence[str],
                     logo: Optional[str] = None) -> Application:
        """Create an application, with its namespace (whose code is the new application's ID).

        Args:
            name: its display name (at most 128 characters).
            identifier: its subdomain: 1 to 63 letters, digits and ``-``, unique in the pool
                regardless of case.
            redirect_uris: the absolute http(s) URIs it may send users back to.
            logo: the URL of its logo.

        Returns:
            The application with its ``id`` and ``secret`` (an
            :class:`~approw.v2.common.shapes.org.Application` dict).

        Raises:
            ApprowWrongArgumentException: ``name`` is empty.
            AlreadyExistsError: another application has this identifier (2039).
            ApprowException: ``name`` is too long (2007); ``identifier`` or a redirect URI is
                malformed (2231).
        """
        if not name.strip():
            raise ApprowWrongArgumentException("name must not be empty")
        created: Application = await self._rest("POST", "/api/v2/applications", json={
            "name": name, "identifier": identifier, "redirectUris": redirect_uris, "logo": logo})
        return created

    @checked
    async def update(self, app_id: str, name: Optional[str] = None, identifier: Optional[str] = None,
                     redirect_uris: Optional[Sequence[str]] = None, description: Optional[str] = None,
                     logo: Optional[str] = None, protocol: Optional[ProtocolSettings] = None) -> Application:
        """Change the given settings of an application; the others stay.

        Args:
            app_id: the application's ID.
            name: a new display name.
            identifier: a new subdomain (as in :meth:`create`).
            redirect_uris: the URIs it may send users back to, exactly those (a loopback
                ``http://127.0.0.1/...`` one matches with any port).
            description: a description, at most 140 characters.
            logo: the URL of its logo.
            protocol: its settings as a client of the OpenID Provider (a
                :class:`~approw.v2.common.shapes.org.ProtocolSettings` dict, e.g.
                ``{"token_endpoint_auth_method": "client_secret_basic",
                "access_token_expire": 600}``); the keys given change.

        Returns:
            The application as changed (an
            :class:`~approw.v2.common.shapes.org.Application` dict, with ``oidcConfig``).

        Raises:
            ApprowWrongArgumentException: ``name`` is empty, or ``protocol`` has an unknown
                key.
            NotFoundError: no application has this ID (2011).
            AlreadyExistsError: another application has this identifier (2039).
            ApprowException: ``name`` is too long (2007) or ``description`` (2013); a
                malformed identifier, redirect URI or protocol value (2231).
        """
        if name is not None and not name.strip():
            raise ApprowWrongArgumentException("name must not be empty")
        unknown = sorted(set(protocol or {}) - set(ProtocolSettings.__annotations__))
        if unknown:
            raise ApprowWrongArgumentException(
                f"unknown protocol setting(s) {', '.join(unknown)}; use {', '.join(ProtocolSettings.__annotations__)}")
        body = {"name": name, "identifier": identifier, "description": description, "logo": logo,
                "redirectUris": None if redirect_uris is None else list(redirect_uris),
                "oidcConfig": None if protocol is None else dict(protocol)}
        updated: Application = await self._rest("POST", self._app_url(app_id),
                                                json={k: v for k, v in body.items() if v is not None})
        return updated

    @checked
    async def delete(self, app_id: str) -> bool:
        """Delete an application with its namespace, access policies and agreements.

        Its roles, resources and grants go with the namespace; the sessions and tokens issued
        for it end.

        Args:
            app_id: the application's ID.

        Returns:
            ``True``.

        Raises:
            NotFoundError: no application has this ID (2011).
            PermissionDeniedError: it is the pool's default application (1001).
        """
        return await self._rest_ok("DELETE", self._app_url(app_id))

    @checked
    async def find_by_id(self, app_id: str) -> Optional[Application]:
        """The application with this ID, or ``None``.

        Args:
            app_id: the application's ID.

        Returns:
            The application with its ``secret`` and ``oidcConfig`` (an
            :class:`~approw.v2.common.shapes.org.Application` dict), or ``None`` when no
            application has this ID.

        Raises:
            ApprowArgumentTypeError: ``app_id`` is not a str.
        """
        found: Optional[Application] = await self._rest("GET", self._app_url(app_id))
        return found

    @checked
    async def refresh_application_secret(self, app_id: str) -> Application:
        """Give the application a new client secret; the old one is refused from now on.

        Args:
            app_id: the application's ID.

        Returns:
            The application with its new ``secret`` (an
            :class:`~approw.v2.common.shapes.org.Application` dict).

        Raises:
            NotFoundError: no application has this ID (2011).
        """
        refreshed: Application = await self._rest(
            "PATCH", f"/api/v2/application/{path_segment(app_id)}/refresh-secret")
        return refreshed

    @checked
    async def active_users(self, app_id: str, page: int = 1, limit: int = 10) -> UserPage:
        """One page of the users signed in to the application, newest first.

        A user is signed in while they hold a live token issued for the application (by a
        login through it or by its OpenID Provider).

        Args:
            app_id: the application's ID.
            page: the page, from 1.
            limit: users per page.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowWrongArgumentException: ``page`` or ``limit`` is negative.
            NotFoundError: no application has this ID (2011).
        """
        checks.page_options(page, limit)
        found: UserPage = await self._rest("GET", self._app_url(app_id, "active-users"),
                                           params={"page": page, "limit": limit})
        return found

    # ------------------------------------------------------------------ resources
    @checked
    async def list_resources(self, app_id: str, page: int = 1, limit: int = 10,
                             resource_type: Optional[str] = None) -> ResourcePage:
        """One page of the application's resource definitions, newest first.

        Args:
            app_id: the application's ID.
            page: the page, from 1.
            limit: definitions per page.
            resource_type: only definitions of this type (``DATA``, ``API``, ``MENU``, ``UI``
                or ``BUTTON``).

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.ResourcePage`
            dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types, or
                ``page`` or ``limit`` is negative.
            ApprowException: no application has this ID (3003).
        """
        if resource_type is not None:
            checks.resource_type(resource_type)
        checks.page_options(page, limit)
        return await self._acl.list_resources(app_id, resource_type, page, limit)

    @checked
    async def create_resource(self, app_id: str, code: str, resource_type: str,
                              actions: Sequence[Mapping[str, Any]], description: Optional[str] = None) -> Resource:
        """Define a resource of the application.

        Args:
            app_id: the application's ID.
            code, resource_type, actions, description: as in
                :meth:`~.AsyncAclManagementClient.create_resource`.

        Returns:
            The definition (a :class:`~approw.v2.common.shapes.users.Resource` dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types, or
                an action lacks ``name`` or ``description``.
            AlreadyExistsError: the application has a resource with this code (2026).
            ApprowException: no application has this ID (3003); ``code`` is malformed, or
                an action name is empty or repeated (2231).
        """
        checks.resource_type(resource_type)
        return await self._acl.create_resource(app_id, code, resource_type, actions, description)

    @checked
    async def update_resource(self, app_id: str, code: str, resource_type: Optional[str] = None,
                              actions: Optional[Sequence[Mapping[str, Any]]] = None,
                              description: Optional[str] = None) -> Resource:
        """Change a resource definition of the application; only the values given change.

        Args:
            app_id: the application's ID.
            code, resource_type, actions, description: as in
                :meth:`~.AsyncAclManagementClient.update_resource`.

        Returns:
            The definition as changed (a :class:`~approw.v2.common.shapes.users.Resource`
            dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` or ``actions`` is malformed.
            NotFoundError: the application has no resource with this code (404).
            ApprowException: no application has this ID (3003).
        """
        if resource_type is not None:
            checks.resource_type(resource_type)
        return await self._acl.update_resource(app_id, code, resource_type, actions, description)

    @checked
    async def delete_resource(self, app_id: str, code: str) -> bool:
        """Delete a resource definition of the application and every grant on it.

        Args:
            app_id: the application's ID.
            code: the resource code.

        Returns:
            ``True``.

        Raises:
            NotFoundError: the application has no resource with this code (404).
            ApprowException: no application has this ID (3003).
        """
        return await self._acl.delete_resource(app_id, code)

    @checked
    async def find_resource_by_code(self, app_id: str, code: str) -> Optional[Resource]:
        """The application's resource definition with this code, or ``None``.

        Args:
            app_id: the application's ID.
            code: the resource code.

        Returns:
            The definition (a :class:`~approw.v2.common.shapes.users.Resource` dict), or
            ``None`` when there is none.

        Raises:
            ApprowWrongArgumentException: ``code`` is empty.
            ApprowException: no application has this ID (3003).
        """
        return await self._acl.find_resource_by_code(code, app_id)

