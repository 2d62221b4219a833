"""Custom data of the current user: the values of the user pool's user-defined fields.

Every method needs a logged-in user (it first fetches the current user).  Values are typed
by their field (``NUMBER``, ``BOOLEAN``, ``OBJECT``, ``DATETIME``, ``STRING``) on the way out
and JSON-encoded on the way in, as the management client's custom-data methods do.
"""
from __future__ import annotations

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.helpers import convert_udv_data_type, convert_udv_list_to_dict, serialize_udv_value
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncAuthenticationBase

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping

    from approw.v2.common.shapes import UdvItem

__all__ = ["AsyncCustomDataMethods"]


class AsyncCustomDataMethods(AsyncAuthenticationBase):
    """Read and write the current user's custom data."""

    async def _me(self) -> str:
        return (await self._check_logged_in())["id"]

    @checked
    async def get_udf_value(self) -> Dict[str, Any]:
        """The current user's custom data.

        Returns:
            ``{key: value}``, each value typed by its field (``NUMBER`` a number,
            ``BOOLEAN`` a bool, ``OBJECT`` a dict, ...); ``{}`` when none is set.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
        """
        user_id = await self._me()
        items = await self._exec(ops.udv({"targetType": "USER", "targetId": user_id}), self._token)
        return convert_udv_list_to_dict(list(items or []))

    @checked
    async def set_udf_value(self, data: Mapping[str, Any]) -> bool:
        """Set several of the current user's custom fields at once.

        Args:
            data: ``{key: value}``; each key a user-defined field of the pool, each value of
                its type.

        Returns:
            ``True``.

        Raises:
            ApprowWrongArgumentException: ``data`` is empty.
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
            ApprowException: a key is not a field of the pool, or a value is not of its
                field's type (2231).
        """
        if not data:
            raise ApprowWrongArgumentException("data must not be a empty dict")
        user_id = await self._me()
        await self._exec(ops.setUdvBatch({
            "targetType": "USER", "targetId": user_id,
            "udvList": [{"key": k, "value": serialize_udv_value(v)} for k, v in data.items()],
        }), self._token)
        return True

    @checked
    async def remove_udf_value(self, key: str) -> bool:
        """Remove the current user's value of one custom field.

        Args:
            key: the field's key.

        Returns:
            ``True`` (also when the user had no value for it).

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
        """
        user_id = await self._me()
        await self._exec(ops.removeUdv({"targetType": "USER", "targetId": user_id, "key": key}),
                         self._token)
        return True

    @checked
    async def list_udv(self) -> List[UdvItem]:
        """The current user's custom data as a list (superseded by :meth:`get_udf_value`).

        Returns:
            ``[{key, dataType, value, label}]`` (:class:`~approw.v2.common.shapes.UdvItem`
            dicts) with typed values; ``[]`` when none is set.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
        """
        user_id = await self._me()
        items = await self._exec(ops.udv({"targetType": "USER", "targetId": user_id}), self._token)
        return _typed(items)

    @checked
    async def set_udv(self, key: str, value: Any) -> List[UdvItem]:
        """Set one of the current user's custom fields.

        Args:
            key: the field's key (a user-defined field of the pool).
            value: its value, of the field's type.

        Returns:
            All the user's values, as :meth:`list_udv` returns them.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
            ApprowException: ``key`` is not a field of the pool, or ``value`` is not of its
                type (2231).
        """
        user_id = await self._me()
        items = await self._exec(ops.setUdv({
            "targetType": "USER", "targetId": user_id, "key": key,
            "value": serialize_udv_value(value)}), self._token)
        return _typed(items)

    @checked
    async def remove_udv(self, key: str) -> List[UdvItem]:
        """Remove the current user's value of one custom field.

        Args:
            key: the field's key.

        Returns:
            The remaining values, as :meth:`list_udv` returns them.

        Raises:
            TokenInvalidError: nobody is logged in, or the token is no longer valid (2020).
        """
        user_id = await self._me()
        items = await self._exec(ops.removeUdv({"targetType": "USER", "targetId": user_id,
                                                "key": key}), self._token)
        return _typed(items)


def _typed(items: Any) -> List[UdvItem]:
    return convert_udv_data_type(list(items or []))  # type: ignore[return-value]
