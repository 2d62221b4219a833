"""What the current user may do and belongs to: roles, authorized resources, organisations,
applications, and the security level of the account (and of a password, computed locally)."""
from __future__ import annotations

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked, page_options, resource_type
from approw.v2.common.helpers import authorized_resources, required_field

from .base import AsyncAuthenticationBase

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional

    from approw.v2.common.shapes import (
        AuthorizedResources,
        OrgNode,
        Paginated,
        RolePage,
        SecurityLevel,
    )

__all__ = ["AsyncInfoMethods"]

#: Password levels 3 and 2 (``re`` caches them compiled; it is imported on first use).
_HIGH = r"(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{12,}"
_MEDIUM = r"(?=.*[a-zA-Z])(?=.*\d).{8,}"


class AsyncInfoMethods(AsyncAuthenticationBase):
    """The current user's roles, permissions, organisations, applications and security."""

    @checked
    async def list_orgs(self) -> List[List[OrgNode]]:
        """The organisations the current user belongs to.

        Returns:
            One path per department the user is in, each a list of
            :class:`~approw.v2.common.shapes.OrgNode` dicts from the organisation's root down
            to the department; ``[]`` when none.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
        """
        orgs: List[List[OrgNode]] = await self._rest("GET", "/api/v2/users/me/orgs",
                                                     token=self._token)
        return orgs

    @checked
    async def get_security_level(self) -> SecurityLevel:
        """How well the current user's account is protected.

        Returns:
            ``{email, phone, password, mfa, passwordSecurityLevel, score}`` (a
            :class:`~approw.v2.common.shapes.SecurityLevel` dict): which protections the
            account has, and a ``score`` out of 100.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
        """
        level: SecurityLevel = await self._rest("GET", "/api/v2/users/me/security-level",
                                                token=self._token)
        return level

    @checked
    async def list_roles(self, namespace: Optional[str] = None) -> RolePage:
        """The current user's roles.

        Args:
            namespace: only the roles of this permission group (its code); default all.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.RolePage` dict) of
            the user's roles.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
            ApprowException: ``namespace`` does not exist (3003).
        """
        user = await self._check_logged_in()
        found = await self._exec(ops.getUserRoles({"id": user["id"], "namespace": namespace}),
                                 self._token)
        roles: RolePage = required_field(found, "roles", "user")
        return roles

    @checked
    async def has_role(self, code: str, namespace: Optional[str] = None) -> bool:
        """Whether the current user has a role.

        Args:
            code: the role's code.
            namespace: the permission group of the role (its code); default any.

        Returns:
            ``True`` when the user has it.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
            ApprowException: ``namespace`` does not exist (3003).
        """
        roles = await self.list_roles(namespace)
        if not roles.get("totalCount"):
            return False
        return any(role.get("code") == code for role in roles.get("list") or [])

    @checked
    async def list_applications(self, page: int = 1, limit: int = 10) -> Paginated:
        """The applications the current user may access, one page of them.

        Args:
            page: the page, from 1.
            limit: applications per page.

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.Paginated` dict) of
            the applications' public details.

        Raises:
            ApprowWrongArgumentException: ``page`` or ``limit`` is not an int of at least 1.
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
        """
        page_options(page, limit)
        apps: Paginated = await self._rest("GET", "/api/v2/users/me/applications/allowed",
                                           token=self._token, params={"page": page, "limit": limit})
        return apps

    @checked
    async def list_authorized_resources(self, namespace: str, resource_type: Optional[str] = None
                                        ) -> AuthorizedResources:
        """The resources the current user may act on in a permission group.

        Args:
            namespace: the permission group's code.
            resource_type: only resources of this type: ``DATA``, ``API``, ``MENU``, ``UI``
                or ``BUTTON``; default all.

        Returns:
            ``{totalCount, list: [{code, type, actions}]}`` (an
            :class:`~approw.v2.common.shapes.AuthorizedResources` dict).

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is not one of those.
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
            ApprowException: ``namespace`` does not exist (3003).
        """
        if resource_type is not None:
            _resource_type(resource_type)
        user = await self._check_logged_in()
        found = await self._exec(ops.listUserAuthorizedResources({
            "id": user["id"], "namespace": namespace, "resourceType": resource_type}), self._token)
        return authorized_resources(required_field(found, "authorizedResources", "user"))

    @checked
    def compute_password_security_level(self, password: str) -> int:
        """The strength of a password, computed here without a request.

        Args:
            password: the password to rate.

        Returns:
            The level, 1 to 3.  3 is high (a lower-case letter, an upper-case letter and a
            digit, at least 12 characters), 2 medium (a letter and a digit, at least 8
            characters), 1 low.

        Raises:
            ApprowArgumentTypeError: ``password`` is not a str.
        """
        import re

        if re.match(_HIGH, password, re.DOTALL):
            return 3
        if re.match(_MEDIUM, password, re.DOTALL):
            return 2
        return 1


def _resource_type(value: str) -> None:
    resource_type(value, "invalid argument: resource_type")
