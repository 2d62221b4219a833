"""``management.whitelist``: :class:`AsyncWhitelistManagementClient`, the registration
whitelists of the pool.

There is one list per kind of identifier (``USERNAME``, ``EMAIL``, ``PHONE``).  While a list
is enabled, users can sign themselves up only with a value on it (administrators still create
any user)::

    management.whitelist.add("EMAIL", ["alice@example.com"])
    management.whitelist.enable("EMAIL")
"""
from typing import List, Optional, Sequence

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked, one_of
from approw.v2.common.shapes import UserPool, WhitelistEntry
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient

__all__ = ["AsyncWhitelistManagementClient", "WHITELIST_TYPES"]

#: Kinds of whitelist, and the pool setting (``whitelist.<field>``) that enables each.
WHITELIST_TYPES = {"USERNAME": "usernameEnabled", "EMAIL": "emailEnabled", "PHONE": "phoneEnabled"}


def _type(value: str) -> str:
    """``USERNAME``, ``EMAIL`` or ``PHONE``, in any case (``WhitelistType.Email`` style
    spellings of other SDKs: ``"Email"``)."""
    kind = value.upper()
    one_of("type", kind, tuple(WHITELIST_TYPES))
    return kind


def _values(values: Sequence[str]) -> List[str]:
    if not values:
        raise ApprowWrongArgumentException("list must not be empty")
    if any(not v.strip() for v in values):
        raise ApprowWrongArgumentException("list must not contain empty values")
    return list(values)


class AsyncWhitelistManagementClient(AsyncManagementSubClient):
    """The registration whitelists, ``management_client.whitelist`` (every call carries the
    management token)."""

    @checked
    async def list(self, type: str) -> List[WhitelistEntry]:  # noqa: A002 (reference name)
        """The values on one whitelist, oldest first.

        Args:
            type: ``USERNAME``, ``EMAIL`` or ``PHONE``, in any case.

        Returns:
            A list of ``{value, createdAt, updatedAt}``
            (:class:`~approw.v2.common.shapes.pool.WhitelistEntry` dicts).

        Raises:
            ApprowWrongArgumentException: ``type`` is not one of the three kinds.

        Example::

            management_client.whitelist.add("EMAIL", ["alice@example.com"])
            print([entry["value"] for entry in management_client.whitelist.list("EMAIL")])
        """
        return await self._exec(ops.whitelist({"type": _type(type)}))

    @checked
    async def add(self, type: str, list: Sequence[str]  # noqa: A002 (reference names)
                  ) -> List[Optional[WhitelistEntry]]:
        """Put values on one whitelist (values listed before keep their dates).

        Args:
            type: ``USERNAME``, ``EMAIL`` or ``PHONE``, in any case.
            list: the usernames, e-mail addresses (compared in any case) or phone numbers; at
                least one, none blank.

        Returns:
            Their entries (:class:`~approw.v2.common.shapes.pool.WhitelistEntry` dicts).

        Raises:
            ApprowWrongArgumentException: ``type`` is not one of the three kinds, or ``list`` is
                empty or has a blank value.
            ApprowArgumentTypeError: ``list`` is not a list of str.
        """
        return await self._exec(ops.addWhitelist({"type": _type(type), "list": _values(list)}))

    @checked
    async def remove(self, type: str, list: Sequence[str]  # noqa: A002 (reference names)
                     ) -> List[Optional[WhitelistEntry]]:
        """Take values off one whitelist (values that were not listed are ignored).

        Args:
            type: ``USERNAME``, ``EMAIL`` or ``PHONE``, in any case.
            list: the values; at least one, none blank.

        Returns:
            The entries removed (:class:`~approw.v2.common.shapes.pool.WhitelistEntry` dicts).

        Raises:
            ApprowWrongArgumentException: ``type`` is not one of the three kinds, or ``list`` is
                empty or has a blank value.
            ApprowArgumentTypeError: ``list`` is not a list of str.
        """
        return await self._exec(ops.removeWhitelist({"type": _type(type), "list": _values(list)}))

    @checked
    async def enable(self, type: str) -> UserPool:  # noqa: A002 (reference name)
        """Enforce one whitelist at sign-up: only its values may register.

        Args:
            type: ``USERNAME``, ``EMAIL`` or ``PHONE``, in any case.

        Returns:
            The pool's settings afterwards, as ``userpool.detail`` returns them.

        Raises:
            ApprowWrongArgumentException: ``type`` is not one of the three kinds.
        """
        return await self._switch(type, True)

    @checked
    async def disable(self, type: str) -> UserPool:  # noqa: A002 (reference name)
        """Stop enforcing one whitelist (its values are kept).

        Args:
            type: ``USERNAME``, ``EMAIL`` or ``PHONE``, in any case.

        Returns:
            The pool's settings afterwards, as ``userpool.detail`` returns them.

        Raises:
            ApprowWrongArgumentException: ``type`` is not one of the three kinds.
        """
        return await self._switch(type, False)

    async def _switch(self, type: str, on: bool) -> UserPool:  # noqa: A002
        field = WHITELIST_TYPES[_type(type)]
        return await self._exec(ops.updateUserpool({"input": {"whitelist": {field: on}}}))
