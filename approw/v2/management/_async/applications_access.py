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
    """The access policy of applications."""

    async def _policy(self, app_id: str, action: str, target_type: str, target_identifiers: Sequence[str],
                      inherit_by_children: Optional[bool]) -> bool:
        checks.target_type(target_type)
        return await self._rest_ok("POST", self._app_url(app_id, "authorization", action), json={
            "appId": app_id, "targetType": target_type, "targetIdentifiers": target_identifiers,
            "inheritByChildren": inherit_by_children, "namespace": app_id})

    @checked
    async def get_access_policies(self, app_id: str, page: int = 1, limit: int = 10) -> AccessPolicyPage:
        """One page of the application's access policies, ``{totalCount, list: [{targetType,
        targetIdentifier, effect, enabled, inheritByChildren, ...}]}``, oldest first."""
        checks.page_options(page, limit)
        found: AccessPolicyPage = await self._rest("GET", self._app_url(app_id, "authorization", "records"),
                                                   params={"page": page, "limit": limit})
        return found

    @checked
    async def allow_access(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                           inherit_by_children: Optional[bool] = None) -> bool:
        """Let these targets use the application (replacing a deny); ``True``."""
        return await self._policy(app_id, "allow", target_type, target_identifiers, inherit_by_children)

    @checked
    async def deny_access(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                          inherit_by_children: Optional[bool] = None) -> bool:
        """Keep these targets out of the application (a deny wins over any allow); ``True``."""
        return await self._policy(app_id, "deny", target_type, target_identifiers, inherit_by_children)

    @checked
    async def enable_access_policy(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                                   inherit_by_children: Optional[bool] = None) -> bool:
        """Switch the targets' policies back on; ``True``."""
        return await self._policy(app_id, "enable-effect", target_type, target_identifiers, inherit_by_children)

    @checked
    async def disable_access_policy(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                                    inherit_by_children: Optional[bool] = None) -> bool:
        """Switch the targets' policies off (kept, but not applied); ``True``."""
        return await self._policy(app_id, "disable-effect", target_type, target_identifiers, inherit_by_children)

    @checked
    async def delete_access_policy(self, app_id: str, target_type: str, target_identifiers: Sequence[str],
                                   inherit_by_children: Optional[bool] = None) -> bool:
        """Remove the targets' policies; ``True``."""
        return await self._policy(app_id, "revoke", target_type, target_identifiers, inherit_by_children)

    @checked
    async def update_default_access_policy(self, app_id: str, default_strategy: str) -> Application:
        """Who may use the application without a policy of their own: everyone
        (``ALLOW_ALL``) or no one (``DENY_ALL``).  Returns the application."""
        if default_strategy not in STRATEGIES:
            raise ApprowWrongArgumentException("default_strategy must be ALLOW_ALL or DENY_ALL")
        updated: Application = await self._rest("POST", self._app_url(app_id),
                                                json={"appId": app_id, "defaultStrategy": default_strategy})
        return updated
