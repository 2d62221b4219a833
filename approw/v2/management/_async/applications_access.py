"""``management.applications``, access: who may use an application
(:class:`AsyncApplicationAccessMethods`, a part of ``AsyncApplicationsManagementClient``).

A policy allows or denies one target: ``USER`` (user ID), ``ROLE`` (role code, of the
application's namespace), ``GROUP`` (group code) or ``ORG`` (organisation node ID; with
``inherit_by_children`` it also covers the members of the node's descendants).  A user may
use the application when no enabled policy reaching them denies it and one allows it, or,
without such a policy, when the default strategy is ``ALLOW_ALL``.
"""
from typing import Optional, Sequence

from approw.v2.common import checks
from approw.v2.common.checks import checked
from approw.v2.common.shapes import AccessPolicyPage, Application
from approw.v2.exceptions import ApprowWrongArgumentException

from .applications_base import AsyncApplicationsBase

__all__ = ["AsyncApplicationAccessMethods"]

STRATEGIES = ("ALLOW_ALL", "DENY_ALL")


class AsyncApplicationAccessMethods(AsyncApplicationsBase):
    """Who may use an application, a part of ``management_client.applications``.

    A sign-in through an application the user may not use is refused (1001).  Every method
    raises ``NotFoundError`` (2011) for an application that does not exist.
    """

    async def _policy(self, app_id: str, action: str, target_type: str, target_identifiers: Sequence[str],
                      inherit_by_children: Optional[bool]) -> bool:
        checks.target_type(target_type)
        return await self._rest_ok("POST", self._app_url(app_id, "authorization", action), json={
            "appId": app_id, "targetType": target_type, "targetIdentifiers": target_identifiers,
            "inheritByChildren": inherit_by_children, "namespace": app_id})

    @checked
    async def get_access_policies(self, app_id: str, page: int = 1, limit: int = 10) -> AccessPolicyPage:
        """One page of the application's access policies, oldest first.

        Args:
            app_id: the application's ID.
            page: the page, from 1.
            limit: policies per page.

        Returns:
            ``{totalCount, list}`` (an
            :class:`~approw.v2.common.shapes.org.AccessPolicyPage` dict), each policy with
            ``targetType``, ``targetIdentifier``, ``effect`` (``ALLOW`` or ``DENY``),
            ``enabled`` and ``inheritByChildren``.

        Raises:
            ApprowWrongArgumentException: ``page`` or ``limit`` is negative.
            NotFoundError: no application has this ID (2011).
        """
        checks.page_options(page, limit)
        found: AccessPolicyPage = await self._rest("GET", self._app_url(app_id, "authorization", "records"),
                                                   params={"page": page, "limit": limit})
        return found

    @checked
    async def allow_access(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                           inherit_by_children: Optional[bool] = None) -> bool:
        """Let these targets use the application (replacing a deny policy of theirs).

        Args:
            app_id: the application's ID.
            target_type: ``USER``, ``ROLE``, ``GROUP`` or ``ORG``.
            target_identifiers: user IDs, role codes (of the application's namespace), group
                codes or node IDs.
            inherit_by_children: for ``ORG``, also the members of the node's descendants.

        Returns:
            ``True``.

        Raises:
            ApprowWrongArgumentException: ``target_type`` is not one of the four types.
            NotFoundError: no application has this ID (2011), or a role, group or node does
                not exist (404).
            UserNotFoundError: a user does not exist (2004).
            ApprowException: ``target_identifiers`` is empty (2231).
        """
        return await self._policy(app_id, "allow", target_type, target_identifiers, inherit_by_children)

    @checked
    async def deny_access(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                          inherit_by_children: Optional[bool] = None) -> bool:
        """Keep these targets out of the application (a deny wins over any allow).

        Args:
            app_id, target_type, target_identifiers, inherit_by_children: as in
                :meth:`allow_access`.

        Returns:
            ``True``.

        Raises:
            ApprowWrongArgumentException, NotFoundError, UserNotFoundError, ApprowException:
                as in :meth:`allow_access`.
        """
        return await self._policy(app_id, "deny", target_type, target_identifiers, inherit_by_children)

    @checked
    async def enable_access_policy(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                                   inherit_by_children: Optional[bool] = None) -> bool:
        """Switch the targets' policies back on.

        Args:
            app_id, target_type, target_identifiers: as in :meth:`allow_access`.
            inherit_by_children: accepted, not used.

        Returns:
            ``True``.

        Raises:
            ApprowWrongArgumentException: ``target_type`` is not one of the four types.
            NotFoundError: no application has this ID (2011), a target does not exist or
                has no policy for the application (404).
            UserNotFoundError: a user does not exist (2004).
        """
        return await self._policy(app_id, "enable-effect", target_type, target_identifiers, inherit_by_children)

    @checked
    async def disable_access_policy(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                                    inherit_by_children: Optional[bool] = None) -> bool:
        """Switch the targets' policies off: kept and listed, but not applied.

        Args:
            app_id, target_type, target_identifiers: as in :meth:`allow_access`.
            inherit_by_children: accepted, not used.

        Returns:
            ``True``.

        Raises:
            ApprowWrongArgumentException, NotFoundError, UserNotFoundError: as in
                :meth:`enable_access_policy`.
        """
        return await self._policy(app_id, "disable-effect", target_type, target_identifiers, inherit_by_children)

    @checked
    async def delete_access_policy(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                                   inherit_by_children: Optional[bool] = None) -> bool:
        """Remove the targets' policies; targets that do not exist or have none are skipped.

        Args:
            app_id, target_type, target_identifiers: as in :meth:`allow_access`.
            inherit_by_children: accepted, not used.

        Returns:
            ``True``.

        Raises:
            ApprowWrongArgumentException: ``target_type`` is not one of the four types.
            NotFoundError: no application has this ID (2011).
            ApprowException: ``target_identifiers`` is empty (2231).
        """
        return await self._policy(app_id, "revoke", target_type, target_identifiers, inherit_by_children)

    @checked
    async def update_default_access_policy(self, app_id: str, default_strategy: str) -> Application:
        """Set who may use the application when no enabled policy reaches them.

        Args:
            app_id: the application's ID.
            default_strategy: ``ALLOW_ALL`` (everyone) or ``DENY_ALL`` (no one).

        Returns:
            The application, its ``permissionStrategy`` showing the change (an
            :class:`~approw.v2.common.shapes.org.Application` dict).

        Raises:
            ApprowWrongArgumentException: ``default_strategy`` is neither value.
            NotFoundError: no application has this ID (2011).
        """
        if default_strategy not in STRATEGIES:
            raise ApprowWrongArgumentException("default_strategy must be ALLOW_ALL or DENY_ALL")
        updated: Application = await self._rest("POST", self._app_url(app_id),
                                                json={"appId": app_id, "defaultStrategy": default_strategy})
        return updated
