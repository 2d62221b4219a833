"""``management.check``: :class:`CheckType`, the argument checks of the management client.

The same checks the sub-clients run before a request, for your own code::

    management_client.check.resource_type("DATA")      # passes
    management_client.check.target_type("TEAM")        # ApprowWrongArgumentException
"""
from __future__ import annotations

from approw.v2.common import checks

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["CheckType"]


class CheckType:
    """Validators raising ``ApprowWrongArgumentException`` with the reference's messages."""

    @staticmethod
    def is_list(_list: Any, message: str) -> None:
        """``_list`` must be a list (or tuple); else the exception carries ``message``.

        Args:
            _list: the value to check.
            message: the exception's message when ``_list`` is not a list or tuple.

        Raises:
            ApprowWrongArgumentException: ``_list`` is neither a list nor a tuple.
        """
        checks.is_list(_list, message)

    @staticmethod
    def target_type(target_type: Any) -> None:
        """One of ``USER``, ``ROLE``, ``GROUP``, ``ORG``.

        Args:
            target_type: the value to check.

        Raises:
            ApprowWrongArgumentException: ``target_type`` is none of the four
                (``unsupported target_type: ...``).
        """
        checks.target_type(target_type)

    @staticmethod
    def resource_type(resource_type: Any) -> None:
        """One of ``DATA``, ``API``, ``MENU``, ``UI``, ``BUTTON``.

        Args:
            resource_type: the value to check.

        Raises:
            ApprowWrongArgumentException: ``resource_type`` is none of the five
                (``unsupported resource_type: ...``).
        """
        checks.resource_type(resource_type)

    @staticmethod
    def page_options(page: Any, limit: Any) -> None:
        """``page`` and ``limit``, when given, must be ints of at least 1.

        A falsy value (``None``, ``0``) counts as not given and passes.

        Args:
            page: the page number to check.
            limit: the page size to check.

        Raises:
            ApprowWrongArgumentException: ``page`` or ``limit`` is given but is not an int
                (``True`` and ``False`` are not) or is negative (``page must be a int bigger
                than 0``, ``limit ...`` likewise).
        """
        checks.page_options(page, limit)
