"""``management.udf``: :class:`AsyncUdfManagementClient`, custom fields (user-defined fields)
and their values.

A custom field is defined per kind of target (``USER``, ``ROLE``, ``NODE``, ...) with a key,
a data type and a label; targets of that kind then hold a value per key::

    management.udf.set("USER", "school", "STRING", "School")
    management.udf.set_udf_value_batch("USER", user_id, [{"key": "school", "value": '"MIT"'}])
    management.udf.list_udf_value("USER", user_id)   # [{key, dataType, value, label}]
"""
from typing import Any, Dict, List, Mapping, Optional, Sequence

from approw.v2.common import operations as ops
from approw.v2.common.checks import checked, one_of
from approw.v2.common.shapes import CommonMessage, UdfDefinition, UdvItem
from approw.v2.common.utils import serialize_udv_value
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient

__all__ = ["AsyncUdfManagementClient", "UDF_TARGET_TYPES", "UDF_DATA_TYPES"]

#: Kinds of target a custom field can be defined for.
UDF_TARGET_TYPES = ("USER", "ROLE", "NODE", "ORG", "USERPOOL", "PERMISSION", "APPLICATION")
#: Data types of a custom field.
UDF_DATA_TYPES = ("STRING", "NUMBER", "DATETIME", "BOOLEAN", "OBJECT", "SELECT")


def _udv_list(udf_value_list: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """``[{key, value}]`` for the wire: a ``value`` that is a string is sent as it is (it is
    JSON text already, e.g. ``'"MIT"'`` or ``'18'``); any other value is JSON-encoded."""
    items = []
    for item in udf_value_list:
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str) or not item["key"]:
            raise ApprowWrongArgumentException(
                "udf_value_list must be a list of {'key': str, 'value': ...} dicts")
        value = item.get("value")
        items.append({"key": item["key"],
                      "value": value if isinstance(value, str) else serialize_udv_value(value)})
    return items


class AsyncUdfManagementClient(AsyncManagementSubClient):
    """Define custom fields and read or write the values targets hold (every call carries the
    management token)."""

    @checked
    async def list(self, targetType: str) -> List[UdfDefinition]:  # noqa: N803 (reference name)
        """The custom fields defined for ``targetType`` (``USER``, ``ROLE``, ``NODE``, ``ORG``,
        ...): ``[{targetType, dataType, key, label, options}]``."""
        one_of("targetType", targetType, UDF_TARGET_TYPES)
        return await self._exec(ops.udf({"targetType": targetType}))

    @checked
    async def set(self, targetType: str, key: str, dataType: str, label: str,  # noqa: N803
                  options: Optional[str] = None) -> UdfDefinition:
        """Define the custom field ``key`` for ``targetType``, or change its ``dataType``
        (``STRING``, ``NUMBER``, ``DATETIME``, ``BOOLEAN``, ``OBJECT``, ``SELECT``) and
        ``label``; ``options`` (JSON text) lists the choices of a ``SELECT`` field.  Returns
        the definition."""
        one_of("targetType", targetType, UDF_TARGET_TYPES)
        one_of("dataType", dataType, UDF_DATA_TYPES)
        if not key.strip():
            raise ApprowWrongArgumentException("key must not be empty")
        return await self._exec(ops.setUdf({"targetType": targetType, "key": key, "dataType": dataType,
                                            "label": label, "options": options}))

    @checked
    async def remove(self, targetType: str, key: str) -> CommonMessage:  # noqa: N803
        """Remove the custom field ``key`` of ``targetType`` and every value of it;
        ``{code: 200, message}``."""
        one_of("targetType", targetType, UDF_TARGET_TYPES)
        return await self._exec(ops.removeUdf({"targetType": targetType, "key": key}))

    @checked
    async def list_udf_value(self, target_type: str, target_id: str) -> List[UdvItem]:
        """The values one target holds, as the server sends them: ``[{key, dataType, value,
        label}]`` with ``value`` as text (``'18'``, ``'true'``, ``'{"a": 1}'``)."""
        one_of("target_type", target_type, UDF_TARGET_TYPES)
        return await self._exec(ops.udv({"targetType": target_type, "targetId": target_id}))

    @checked
    async def set_udf_value_batch(self, target_type: str, target_id: str,
                                  udf_value_list: Sequence[Mapping[str, Any]]) -> List[UdvItem]:
        """Set several values of one target: ``udf_value_list`` is ``[{key, value}]``, each
        ``value`` JSON text (``'"MIT"'``, ``'18'``) or a Python value to encode (``18``,
        ``True``, a ``datetime``).  Returns the target's values afterwards (as
        :meth:`list_udf_value`)."""
        one_of("target_type", target_type, UDF_TARGET_TYPES)
        return await self._exec(ops.setUdvBatch({"targetType": target_type, "targetId": target_id,
                                                 "udvList": _udv_list(udf_value_list)}))
