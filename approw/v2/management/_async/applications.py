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
from approw.v2.common.utils import path_segment
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
    access policies and agreements (every call carries the management token)."""

    def __init__(self, options: ManagementClientOptions, executor: AsyncExecutor,
                 token_provider: AsyncManagementTokenProvider) -> None:
        super().__init__(options, executor, token_provider)
        self._acl = AsyncAclManagementClient(options, executor, token_provider)
        self._roles = AsyncRolesManagementClient(options, executor, token_provider)

    # ------------------------------------------------------------------ applications
    @checked
    async def list(self, page: int = 1, limit: int = 10) -> ApplicationPage:
        """One page of the pool's applications, ``{totalCount, list}`` (the default one first)."""
        found: ApplicationPage = await self._rest("GET", "/api/v2/applications", params={"page": page, "limit": limit})
        return found

    def iter(self, limit: int = 100) -> "AsyncPager[Application]":
        """Every application of the pool, ``limit`` per request, lazily (``async for`` with
        the asyncio client)."""
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit)

    @checked
    async def create(self, name: str, identifier: str, redirect_uris: Sequence[str],
                     logo: Optional[str] = None) -> Application:
        """Create an application: ``identifier`` is its subdomain (letters, digits and ``-``),
        ``redirect_uris`` the URIs it may send users back to.  Returns it with its ``id`` and
        ``secret``."""
        if not name.strip():
            raise ApprowWrongArgumentException("name must not be empty")
        created: Application = await self._rest("POST", "/api/v2/applications", json={
            "name": name, "identifier": identifier, "redirectUris": redirect_uris, "logo": logo})
        return created

    @checked
    async def update(self, app_id: str, name: Optional[str] = None, identifier: Optional[str] = None,
                     redirect_uris: Optional[Sequence[str]] = None, description: Optional[str] = None,
                     logo: Optional[str] = None, protocol: Optional[ProtocolSettings] = None) -> Application:
        """Change the given settings of an application: its name, identifier, the redirect URIs
        it may send users back to (exactly those; a loopback ``http://127.0.0.1/...`` one with any
        port), description, logo, and ``protocol`` -- its settings as a client of the OpenID
        Provider (:class:`~approw.v2.common.shapes.ProtocolSettings`, e.g.
        ``{"token_endpoint_auth_method": "client_secret_basic", "access_token_expire": 600}``).
        Returns the application."""
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
        """Delete an application with its roles, resources, access policies and agreements;
        the sessions issued for it end.  ``True``."""
        return await self._rest_ok("DELETE", self._app_url(app_id))

    @checked
    async def find_by_id(self, app_id: str) -> Optional[Application]:
        """The application with this ID (with its ``secret``), or ``None``."""
        found: Optional[Application] = await self._rest("GET", self._app_url(app_id))
        return found

    @checked
    async def refresh_application_secret(self, app_id: str) -> Application:
        """Give the application a new client secret; the old one is refused from now on.
        Returns the application with its new ``secret``."""
        refreshed: Application = await self._rest(
            "PATCH", f"/api/v2/application/{path_segment(app_id)}/refresh-secret")
        return refreshed

    @checked
    async def active_users(self, app_id: str, page: int = 1, limit: int = 10) -> UserPage:
        """One page of the users signed in to the application (holding a live token issued for
        it), ``{totalCount, list}``."""
        checks.page_options(page, limit)
        found: UserPage = await self._rest("GET", self._app_url(app_id, "active-users"),
                                           params={"page": page, "limit": limit})
        return found

    # ------------------------------------------------------------------ resources
    @checked
    async def list_resources(self, app_id: str, page: int = 1, limit: int = 10,
                             resource_type: Optional[str] = None) -> ResourcePage:
        """One page of the application's resource definitions (of one type, when given)."""
        if resource_type is not None:
            checks.resource_type(resource_type)
        checks.page_options(page, limit)
        return await self._acl.list_resources(app_id, resource_type, page, limit)

    @checked
    async def create_resource(self, app_id: str, code: str, resource_type: str,
                              actions: Sequence[Mapping[str, Any]], description: Optional[str] = None) -> Resource:
        """Define a resource of the application: ``resource_type`` is ``DATA``, ``API``,
        ``MENU``, ``UI`` or ``BUTTON``; ``actions`` is ``[{"name", "description"}, ...]``."""
        checks.resource_type(resource_type)
        return await self._acl.create_resource(app_id, code, resource_type, actions, description)

    @checked
    async def update_resource(self, app_id: str, code: str, resource_type: Optional[str] = None,
                              actions: Optional[Sequence[Mapping[str, Any]]] = None,
                              description: Optional[str] = None) -> Resource:
        """Change a resource definition of the application (only what is given; ``actions``
        replace the old ones)."""
        if resource_type is not None:
            checks.resource_type(resource_type)
        return await self._acl.update_resource(app_id, code, resource_type, actions, description)

    @checked
    async def delete_resource(self, app_id: str, code: str) -> bool:
        """Delete a resource definition of the application and every grant on it; ``True``."""
        return await self._acl.delete_resource(app_id, code)

    @checked
    async def find_resource_by_code(self, app_id: str, code: str) -> Optional[Resource]:
        """The application's resource definition with this code, or ``None``."""
        return await self._acl.find_resource_by_code(code, app_id)

