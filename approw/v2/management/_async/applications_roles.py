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
    """The roles of applications, a part of ``management_client.applications``.

    The roles live in the application's namespace (its code is the application ID).
    """

    @checked
    async def create_role(self, app_id: str, code: str, description: Optional[str] = None) -> Role:
        """Create a role of the application.

        Args:
            app_id: the application's ID.
            code: the role code: 1 to 128 letters, digits, ``_`` and ``-``.
            description: a description.

        Returns:
            The role (a :class:`~approw.v2.common.shapes.users.Role` dict), its
            ``namespace`` the application ID.

        Raises:
            AlreadyExistsError: the application has a role with this code (2026).
            ApprowException: no application has this ID (3003), or ``code`` is malformed
                (2231).
        """
        return await self._roles.create(code, description, namespace=app_id)

    @checked
    async def delete_role(self, app_id: str, code: str) -> CommonMessage:
        """Delete a role of the application with its holders, policy assignments and grants.

        Args:
            app_id: the application's ID.
            code: the role code.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: the application has no role with this code (404).
            ApprowException: no application has this ID (3003).
        """
        return await self._roles.delete(code, app_id)

    @checked
    async def delete_roles(self, app_id: str, codes: Sequence[str]) -> CommonMessage:
        """Delete several roles of the application: all of them, or none if one does not exist.

        Args:
            app_id: the application's ID.
            codes: the role codes.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: one of the roles does not exist (404); nothing is deleted.
            ApprowException: no application has this ID (3003).
        """
        return await self._roles.delete_many(codes, app_id)

    @checked
    async def update_role(self, app_id: str, code: str, description: Optional[str] = None,
                          new_code: Optional[str] = None) -> Role:
        """Change a role's description, or rename it (its holders and grants stay).

        Args:
            app_id: the application's ID.
            code: the role code.
            description: a new description.
            new_code: a new code.

        Returns:
            The role as changed (a :class:`~approw.v2.common.shapes.users.Role` dict).

        Raises:
            NotFoundError: the application has no role with this code (404).
            AlreadyExistsError: another of its roles has ``new_code`` (2026).
            ApprowException: no application has this ID (3003), or ``new_code`` is
                malformed (2231).
        """
        return await self._roles.update(code, description, new_code, app_id)

    @checked
    async def find_role(self, app_id: str, code: str) -> Optional[Role]:
        """The application's role with this code, or ``None``.

        Args:
            app_id: the application's ID.
            code: the role code.

        Returns:
            The role with its ``parent`` (a :class:`~approw.v2.common.shapes.users.Role`
            dict), or ``None`` when there is none.

        Raises:
            ApprowArgumentTypeError: ``app_id`` or ``code`` is not a str.
            ApprowException: no application has this ID (3003).
        """
        return await self._roles.detail(code, app_id)

    @checked
    async def get_roles(self, app_id: str, page: int = 1, limit: int = 10) -> RolePage:
        """One page of the application's roles, newest first.

        Args:
            app_id: the application's ID.
            page: the page, from 1.
            limit: roles per page.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.RolePage` dict).

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
            ApprowException: no application has this ID (3003).
        """
        return await self._roles.list(page, limit, app_id)

    @checked
    async def get_users_by_role_code(self, app_id: str, code: str, page: int = 1, limit: int = 10) -> UserPage:
        """One page of the users given a role of the application directly.

        Args:
            app_id: the application's ID.
            code: the role code.
            page: the page, from 1.
            limit: users per page.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.UserPage` dict).

        Raises:
            ApprowException: no application has this ID (3003), or it has no role with this
                code (500, ``role not exists``).
        """
        return await self._roles.list_users(code, page, limit, app_id)

    @checked
    async def add_users_to_role(self, app_id: str, code: str, user_ids: Sequence[str]) -> CommonMessage:
        """Give a role of the application to these users (those who hold it keep it).

        Args:
            app_id: the application's ID.
            code: the role code.
            user_ids: the users' IDs.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: the application has no role with this code (404).
            UserNotFoundError: a user does not exist (2004); no one gets the role.
            ApprowException: no application has this ID (3003), or ``user_ids`` is empty
                (2231).
        """
        return await self._roles.add_users(code, user_ids, app_id)

    @checked
    async def remove_users_from_role(self, app_id: str, code: str, user_ids: Sequence[str]) -> CommonMessage:
        """Take a role of the application from these users (others are skipped).

        Args:
            app_id: the application's ID.
            code: the role code.
            user_ids: the users' IDs.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: the application has no role with this code (404).
            ApprowException: no application has this ID (3003), or ``user_ids`` is empty
                (2231).
        """
        return await self._roles.remove_users(code, user_ids, app_id)

    @checked
    async def list_authorized_resources_by_role(self, app_id: str, code: str,
                                                resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources a role of the application (with its parents) may act on.

        Args:
            app_id: the application's ID.
            code: the role code.
            resource_type: only resources of this type (``DATA``, ``API``, ``MENU``, ``UI``
                or ``BUTTON``).

        Returns:
            ``{totalCount, list: [{code, type, actions}]}`` (an
            :class:`~approw.v2.common.shapes.users.AuthorizedResources` dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is not one of the five types.
            ApprowException: no application has this ID (3003), or it has no role with this
                code (500, ``role not exists``).
        """
        return await self._roles.list_authorized_resources(code, app_id, resource_type)
