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
from approw.v2.common.helpers import serialize_udv_value
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
    """Custom fields, ``management_client.udf``: define them and read or write the values targets
    hold (every call carries the management token)."""

    @checked
    async def list(self, targetType: str) -> List[UdfDefinition]:  # noqa: N803 (reference name)
        """The custom fields defined for one kind of target.

        Args:
            targetType: ``USER``, ``ROLE``, ``NODE``, ``ORG``, ``USERPOOL``, ``PERMISSION`` or
                ``APPLICATION``.

        Returns:
            A list of ``{targetType, dataType, key, label, options}``
            (:class:`~approw.v2.common.shapes.users.UdfDefinition` dicts), empty when none is
            defined.

        Raises:
            ApprowWrongArgumentException: ``targetType`` is not one of the seven kinds.

        Example::

            management_client.udf.set("USER", "school", "STRING", "School")
            print([field["key"] for field in management_client.udf.list("USER")])
        """
        one_of("targetType", targetType, UDF_TARGET_TYPES)
        return await self._exec(ops.udf({"targetType": targetType}))

    @checked
    async def set(self, targetType: str, key: str, dataType: str, label: str,  # noqa: N803
                  options: Optional[str] = None) -> UdfDefinition:
        """Define a custom field for one kind of target, or change its data type and label.

        Args:
            targetType: the kind of target, as in :meth:`list`.
            key: the field's key, not blank.
            dataType: ``STRING``, ``NUMBER``, ``DATETIME``, ``BOOLEAN``, ``OBJECT`` or ``SELECT``.
            label: the name shown for the field.
            options: for a ``SELECT`` field, its choices as JSON text (stored as given).

        Returns:
            The definition (a :class:`~approw.v2.common.shapes.users.UdfDefinition` dict).

        Raises:
            ApprowWrongArgumentException: ``targetType`` or ``dataType`` is not one of its
                values, or ``key`` is blank.
            ApprowArgumentTypeError: ``key`` or ``label`` is not a str.
        """
        one_of("targetType", targetType, UDF_TARGET_TYPES)
        one_of("dataType", dataType, UDF_DATA_TYPES)
        if not key.strip():
            raise ApprowWrongArgumentException("key must not be empty")
        return await self._exec(ops.setUdf({"targetType": targetType, "key": key, "dataType": dataType,
                                            "label": label, "options": options}))

    @checked
    async def remove(self, targetType: str, key: str) -> CommonMessage:  # noqa: N803
        """Remove a custom field of one kind of target, and every value of it.

        Args:
            targetType: the kind of target, as in :meth:`list`.
            key: the field's key.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict).

        Raises:
            ApprowException: no such field is defined for ``targetType`` (2231).
            ApprowWrongArgumentException: ``targetType`` is not one of the seven kinds.
        """
        one_of("targetType", targetType, UDF_TARGET_TYPES)
        return await self._exec(ops.removeUdf({"targetType": targetType, "key": key}))

    @checked
    async def list_udf_value(self, target_type: str, target_id: str) -> List[UdvItem]:
        """The custom field values one target holds, as the service sends them.

        Args:
            target_type: the kind of target, as in :meth:`list`.
            target_id: the target's ID (a user's, a role's, ...).

        Returns:
            A list of ``{key, dataType, value, label}``
            (:class:`~approw.v2.common.shapes.users.UdvItem` dicts) with ``value`` as JSON text
            (``'18'``, ``'true'``, ``'"MIT"'``).

        Raises:
            UserNotFoundError: for ``USER``, no user has this ID (2004).
            NotFoundError: for ``ROLE``, no role has this ID (404); for ``USERPOOL``, the ID is
                not the pool's (2224).
            ApprowWrongArgumentException: ``target_type`` is not one of the seven kinds.
        """
        one_of("target_type", target_type, UDF_TARGET_TYPES)
        return await self._exec(ops.udv({"targetType": target_type, "targetId": target_id}))

    @checked
    async def set_udf_value_batch(self, target_type: str, target_id: str,
                                  udf_value_list: Sequence[Mapping[str, Any]]) -> List[UdvItem]:
        """Set several custom field values of one target.

        Args:
            target_type: the kind of target, as in :meth:`list`.
            target_id: the target's ID.
            udf_value_list: ``[{"key": ..., "value": ...}]``; a ``value`` that is a str is sent as
                JSON text as it is (``'"MIT"'``, ``'18'``), any other is encoded (``18``,
                ``True``, a ``datetime``).

        Returns:
            The target's values afterwards, as :meth:`list_udf_value` returns them.

        Raises:
            UserNotFoundError: for ``USER``, no user has this ID (2004).
            NotFoundError: for ``ROLE``, no role has this ID (404); for ``USERPOOL``, the ID is
                not the pool's (2224).
            ApprowException: a key is not defined for ``target_type``, or a value is not of its
                field's type (2231).
            ApprowWrongArgumentException: ``target_type`` is not one of the seven kinds, or an
                item is not a dict with a non-empty str ``key``.
        """
        one_of("target_type", target_type, UDF_TARGET_TYPES)
        return await self._exec(ops.setUdvBatch({"targetType": target_type, "targetId": target_id,
                                                 "udvList": _udv_list(udf_value_list)}))
