"""``management.users``, custom data: the values of a user's custom fields
(:class:`AsyncUserCustomDataMethods`, a part of ``AsyncUsersManagementClient``).

Values are typed by their field (define fields with ``management.udf``); reads return them as
Python values (numbers, booleans, dicts, ``datetime``), writes accept the same.
"""
from typing import Any, Dict, List, Mapping, Sequence, cast

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import UdvItem
from approw.v2.common.helpers import (
    convert_udf_value_batch,
    convert_udv_data_type,
    convert_udv_list_to_dict,
    serialize_udv_value,
    udf_value_batch_input,
    udv_input,
)
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient

__all__ = ["AsyncUserCustomDataMethods"]


class AsyncUserCustomDataMethods(AsyncManagementSubClient):
    """Custom data of users (part of ``users``)."""

    @checked
    async def list_udv(self, userId: str) -> List[UdvItem]:  # noqa: N803 (reference name)
        """A user's custom data, one item per field that has a value, values typed.

        Args:
            userId: the user's ID.

        Returns:
            A list of ``{key, dataType, value, label}``
            (:class:`~approw.v2.common.shapes.users.UdvItem` dicts), each ``value`` a Python
            value of the field's type (number, bool, dict, ``datetime``, str).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``userId`` is not a str.
        """
        items = await self._exec(ops.udv({"targetType": "USER", "targetId": userId}))
        return cast(List[UdvItem], convert_udv_data_type(cast(List[Dict[str, Any]], items)))

    @checked
    async def get_udf_value(self, user_id: str) -> Dict[str, Any]:
        """A user's custom data as a ``{key: typed value}`` dict.

        Args:
            user_id: the user's ID.

        Returns:
            ``{key: value}`` for each field that has a value (an empty dict when none has).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``user_id`` is not a str.
        """
        return convert_udv_list_to_dict(await self._exec(ops.udv({"targetType": "USER", "targetId": user_id})))

    @checked
    async def get_udf_value_batch(self, user_ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
        """The custom data of several users.

        Args:
            user_ids: the users' IDs.

        Returns:
            ``{user id: {key: typed value}}``.

        Raises:
            UserNotFoundError: an ID is not a user's (2004).
            ApprowArgumentTypeError: ``user_ids`` is not a list of str.
        """
        return convert_udf_value_batch(await self._exec(ops.udfValueBatch(
            {"targetType": "USER", "targetIds": user_ids})))

    @checked
    async def set_udv(self, userId: str, key: str, value: Any) -> List[UdvItem]:  # noqa: N803
        """Set one custom field of a user.

        Args:
            userId: the user's ID.
            key: the field's key (defined for ``USER`` with ``udf.set``).
            value: a value of the field's type (a ``datetime`` for ``DATETIME``); it is sent as
                JSON.

        Returns:
            All of the user's values as the service sends them, a list of
            :class:`~approw.v2.common.shapes.users.UdvItem` dicts with ``value`` as JSON text
            (``'18'``).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowException: the field is not defined for users, or ``value`` is not of its type
                (2231).
            ApprowWrongArgumentException: ``value`` cannot be encoded as JSON (NaN, a set, ...).
        """
        return await self._exec(ops.setUdv({
            "targetType": "USER", "targetId": userId, "key": key, "value": serialize_udv_value(value)}))

    @checked
    async def set_udf_value(self, user_id: str, data: Mapping[str, Any]) -> bool:
        """Set several custom fields of a user.

        Args:
            user_id: the user's ID.
            data: ``{key: value}``, at least one field; values as in :meth:`set_udv`.

        Returns:
            ``True``.

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowException: a field is not defined for users, or a value is not of its type
                (2231).
            ApprowWrongArgumentException: ``data`` is empty, or a value cannot be encoded as JSON.
            ApprowArgumentTypeError: ``data`` is not a dict.
        """
        if not data:
            raise ApprowWrongArgumentException("data must not be a empty dict")
        await self._exec(ops.setUdvBatch({"targetType": "USER", "targetId": user_id, "udvList": udv_input(data)}))
        return True

    @checked
    async def set_udf_value_batch(self, data: Mapping[str, Any]) -> bool:
        """Set custom fields of several users at once.

        Args:
            data: ``{user id: {key: value}}``; values as in :meth:`set_udv`.

        Returns:
            ``True``.

        Raises:
            UserNotFoundError: an ID is not a user's (2004).
            ApprowException: a field is not defined for users, or a value is not of its type
                (2231).
            ApprowWrongArgumentException: a user's values are not a dict, or a value cannot be
                encoded as JSON.
        """
        await self._exec(ops.setUdfValueBatch({"targetType": "USER", "input": udf_value_batch_input(data)}))
        return True

    @checked
    async def remove_udv(self, userId: str, key: str) -> List[UdvItem]:  # noqa: N803 (reference name)
        """Remove one custom field's value from a user (a field without a value is ignored).

        Args:
            userId: the user's ID.
            key: the field's key.

        Returns:
            The values left, as the service sends them (see :meth:`set_udv`).

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``userId`` or ``key`` is not a str.
        """
        return await self._exec(ops.removeUdv({"targetType": "USER", "targetId": userId, "key": key}))

    @checked
    async def remove_udf_value(self, user_id: str, key: str) -> bool:
        """Remove one custom field's value from a user, as :meth:`remove_udv`.

        Args:
            user_id: the user's ID.
            key: the field's key.

        Returns:
            ``True``.

        Raises:
            UserNotFoundError: no user has this ID (2004).
            ApprowArgumentTypeError: ``user_id`` or ``key`` is not a str.
        """
        await self.remove_udv(user_id, key)
        return True
