"""``management.applications``, roles: the roles of an application, which live in its
namespace (:class:`AsyncApplicationRoleMethods`, a part of
``AsyncApplicationsManagementClient``; each method is the ``roles`` method of the same
purpose with ``namespace = app_id``)."""
from typing import Optional, Sequence

from approw.v2.common.checks import checked
from approw.v2.common.shapes import AuthorizedResources, CommonMessage, Role, RolePage, UserPage

from .applications_base import AsyncApplicationsBase

__all__ = ["AsyncApplicationRoleMethods"]


class AsyncApplicationRoleMethods(AsyncApplicationsBase):
    """Roles of applications."""

    @checked
    async def create_role(self, app_id: str, code: str, description: Optional[str] = None) -> Role:
        """Create a role of the application."""
        return await self._roles.create(code, description, namespace=app_id)

    @checked
    async def delete_role(self, app_id: str, code: str) -> CommonMessage:
        """Delete a role of the application."""
        return await self._roles.delete(code, app_id)

    @checked
    async def delete_roles(self, app_id: str, codes: Sequence[str]) -> CommonMessage:
        """Delete several roles of the application (all, or none if one does not exist)."""
        return await self._roles.delete_many(codes, app_id)

    @checked
    async def update_role(self, app_id: str, code: str, description: Optional[str] = None,
                          new_code: Optional[str] = None) -> Role:
        """Change a role's description, or rename it with ``new_code``."""
        return await self._roles.update(code, description, new_code, app_id)

    @checked
    async def find_role(self, app_id: str, code: str) -> Optional[Role]:
        """The application's role with this code, or ``None``."""
        return await self._roles.detail(code, app_id)

    @checked
    async def get_roles(self, app_id: str, page: int = 1, limit: int = 10) -> RolePage:
        """One page of the application's roles, ``{totalCount, list}``."""
        return await self._roles.list(page, limit, app_id)

    @checked
    async def get_users_by_role_code(self, app_id: str, code: str, page: int = 1, limit: int = 10) -> UserPage:
        """One page of the users given a role of the application.  An unknown role raises
        ``ApprowException(500, 'role not exists')``."""
        return await self._roles.list_users(code, page, limit, app_id)

    @checked
    async def add_users_to_role(self, app_id: str, code: str, user_ids: Sequence[str]) -> CommonMessage:
        """Give a role of the application to these users."""
        return await self._roles.add_users(code, user_ids, app_id)

    @checked
    async def remove_users_from_role(self, app_id: str, code: str, user_ids: Sequence[str]) -> CommonMessage:
        """Take a role of the application from these users."""
        return await self._roles.remove_users(code, user_ids, app_id)

    @checked
    async def list_authorized_resources_by_role(self, app_id: str, code: str,
                                                resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources a role of the application may act on, ``{totalCount, list}``."""
        return await self._roles.list_authorized_resources(code, app_id, resource_type)
