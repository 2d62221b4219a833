"""``management.check``: :class:`CheckType`, the argument checks of the management client.

The same checks the sub-clients run before a request, for your own code::

    management_client.check.resource_type("DATA")      # passes
    management_client.check.target_type("TEAM")        # ApprowWrongArgumentException
"""
from typing import Any

from approw.v2.common import checks

__all__ = ["CheckType"]


class CheckType:
    """Validators raising ``ApprowWrongArgumentException`` with the reference's messages."""

    @staticmethod
    def is_list(_list: Any, message: str) -> None:
        """``_list`` must be a list (or tuple); else the exception carries ``message``."""
        checks.is_list(_list, message)

    @staticmethod
    def target_type(target_type: Any) -> None:
        """One of ``USER``, ``ROLE``, ``GROUP``, ``ORG``."""
        checks.target_type(target_type)

    @staticmethod
    def resource_type(resource_type: Any) -> None:
        """One of ``DATA``, ``API``, ``MENU``, ``UI``, ``BUTTON``."""
        checks.resource_type(resource_type)

    @staticmethod
    def page_options(page: Any, limit: Any) -> None:
        """``page`` and ``limit``, when given, must be ints of at least 1."""
        checks.page_options(page, limit)
