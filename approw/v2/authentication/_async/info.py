"""What the current user may do and belongs to: roles, authorized resources, organisations,
applications, and the security level of the account (and of a password, computed locally)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, List, Optional

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked, page_options, resource_type
from approw.v2.common.utils import authorized_resources, required_field

from .base import AsyncAuthenticationBase

if TYPE_CHECKING:   # the shapes are TypedDicts: imported for type checkers only
    from approw.v2.common.shapes import (
        AuthorizedResources,
        OrgNode,
        Paginated,
        RolePage,
        SecurityLevel,
    )

__all__ = ["AsyncInfoMethods"]

_HIGH = re.compile(r"(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{12,}", re.DOTALL)
_MEDIUM = re.compile(r"(?=.*[a-zA-Z])(?=.*\d).{8,}", re.DOTALL)


class AsyncInfoMethods(AsyncAuthenticationBase):
    """The current user's roles, permissions, organisations, applications and security."""

    @checked
    async def list_orgs(self) -> List[List[OrgNode]]:
        """The organisations the current user belongs to: one path per department, each a
        list of nodes from the organisation's root down to the department."""
        orgs: List[List[OrgNode]] = await self._rest("GET", "/api/v2/users/me/orgs",
                                                     token=self._token)
        return orgs

    @checked
    async def get_security_level(self) -> SecurityLevel:
        """How well the current user's account is protected: ``{email, phone, password, mfa,
        passwordSecurityLevel, score}`` (see :class:`SecurityLevel`)."""
        level: SecurityLevel = await self._rest("GET", "/api/v2/users/me/security-level",
                                                token=self._token)
        return level

    @checked
    async def list_roles(self, namespace: Optional[str] = None) -> RolePage:
        """The current user's roles (in ``namespace``, a permission group code, or all):
        ``{totalCount, list}``; requires a logged-in user."""
        user = await self._check_logged_in()
        found = await self._exec(ops.getUserRoles({"id": user["id"], "namespace": namespace}),
                                 self._token)
        roles: RolePage = required_field(found, "roles", "user")
        return roles

    @checked
    async def has_role(self, code: str, namespace: Optional[str] = None) -> bool:
        """Whether the current user has the role ``code`` (in ``namespace``)."""
        roles = await self.list_roles(namespace)
        if not roles.get("totalCount"):
            return False
        return any(role.get("code") == code for role in roles.get("list") or [])

    @checked
    async def list_applications(self, page: int = 1, limit: int = 10) -> Paginated:
        """The applications the current user may access: ``{totalCount, list}`` of their
        public details."""
        page_options(page, limit)
        apps: Paginated = await self._rest("GET", "/api/v2/users/me/applications/allowed",
                                           token=self._token, params={"page": page, "limit": limit})
        return apps

    @checked
    async def list_authorized_resources(self, namespace: str, resource_type: Optional[str] = None
                                        ) -> AuthorizedResources:
        """The resources the current user may act on in ``namespace`` (optionally only of
        ``resource_type``: ``DATA``, ``API``, ``MENU``, ``UI`` or ``BUTTON``): ``{totalCount,
        list: [{code, type, actions}]}``; requires a logged-in user."""
        if resource_type is not None:
            _resource_type(resource_type)
        user = await self._check_logged_in()
        found = await self._exec(ops.listUserAuthorizedResources({
            "id": user["id"], "namespace": namespace, "resourceType": resource_type}), self._token)
        return authorized_resources(required_field(found, "authorizedResources", "user"))

    @checked
    def compute_password_security_level(self, password: str) -> int:
        """The strength of ``password``, computed here without a request: 3 (high: a
        lower-case letter, an upper-case letter and a digit, at least 12 characters), 2
        (medium: a letter and a digit, at least 8 characters) or 1 (low)."""
        if _HIGH.match(password):
            return 3
        if _MEDIUM.match(password):
            return 2
        return 1


def _resource_type(value: str) -> None:
    resource_type(value, "invalid argument: resource_type")
