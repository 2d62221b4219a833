"""``management.users``, custom data: the values of a user's custom fields
(:class:`AsyncUserCustomDataMethods`, a part of ``AsyncUsersManagementClient``).

Values are typed by their field (define fields with ``management.udf``); reads return them as
Python values (numbers, booleans, dicts, ``datetime``), writes accept the same.
"""
from typing import Any, Dict, List, Mapping, Sequence, cast

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import UdvItem
from approw.v2.common.utils import (
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
    """Custom data of users."""

    @checked
    async def list_udv(self, userId: str) -> List[UdvItem]:  # noqa: N803 (reference name)
        """A user's custom data as ``[{key, dataType, value, label}]`` with typed values."""
        items = await self._exec(ops.udv({"targetType": "USER", "targetId": userId}))
        return cast(List[UdvItem], convert_udv_data_type(cast(List[Dict[str, Any]], items)))

    @checked
    async def get_udf_value(self, user_id: str) -> Dict[str, Any]:
        """A user's custom data as ``{key: typed value}``."""
        return convert_udv_list_to_dict(await self._exec(ops.udv({"targetType": "USER", "targetId": user_id})))

    @checked
    async def get_udf_value_batch(self, user_ids: Sequence[str]) -> Dict[str, Dict[str, Any]]:
        """The custom data of several users: ``{user id: {key: typed value}}``."""
        return convert_udf_value_batch(await self._exec(ops.udfValueBatch(
            {"targetType": "USER", "targetIds": user_ids})))

    @checked
    async def set_udv(self, userId: str, key: str, value: Any) -> List[UdvItem]:  # noqa: N803
        """Set one custom field of a user; returns all of the user's values as the server sends
        them (``value`` as JSON text)."""
        return await self._exec(ops.setUdv({
            "targetType": "USER", "targetId": userId, "key": key, "value": serialize_udv_value(value)}))

    @checked
    async def set_udf_value(self, user_id: str, data: Mapping[str, Any]) -> bool:
        """Set several custom fields of a user (``{key: value}``); ``True``."""
        if not data:
            raise ApprowWrongArgumentException("data must not be a empty dict")
        await self._exec(ops.setUdvBatch({"targetType": "USER", "targetId": user_id, "udvList": udv_input(data)}))
        return True

    @checked
    async def set_udf_value_batch(self, data: Mapping[str, Any]) -> bool:
        """Set custom fields of several users: ``{user id: {key: value}}``; ``True``."""
        await self._exec(ops.setUdfValueBatch({"targetType": "USER", "input": udf_value_batch_input(data)}))
        return True

    @checked
    async def remove_udv(self, userId: str, key: str) -> List[UdvItem]:  # noqa: N803 (reference name)
        """Remove one custom field's value from a user; returns the values left."""
        return await self._exec(ops.removeUdv({"targetType": "USER", "targetId": userId, "key": key}))

    @checked
    async def remove_udf_value(self, user_id: str, key: str) -> bool:
        """Remove one custom field's value from a user; ``True``."""
        await self.remove_udv(user_id, key)
        return True
