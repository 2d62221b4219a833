"""The SDK's own helpers: argument aliases, the custom-data conversions, JSON text for
variables, and the other helpers of the reference SDK's ``approw.v2.common.utils`` (which
re-exports them with ``encrypt``).

Custom data ("user defined values", UDV) travel as ``{key, dataType, value, label}`` items
whose ``value`` is JSON text; :func:`convert_udv_list_to_dict` turns such a list into
``{key: typed value}``.  Writes go the other way: :func:`serialize_udv_value` for single
values, :func:`custom_data_params` for the ``params`` variable of register/login/create
(raw values), :func:`context_json` for the ``context`` variable.  JSON text the SDK writes
itself uses Python's default ASCII-only encoding, as the reference does.

The client classes import this module, and importing them stays light: ``re``, ``datetime``
and ``urllib`` are imported by the functions that use them, and nothing here needs the C core.
"""
from __future__ import annotations

import sys

from ..exceptions import ApprowArgumentTypeError, ApprowException, ApprowWrongArgumentException
from .checks import is_mapping
from .randomness import random_string
from .sendable import json_text

# For type checkers only: ``typing`` costs more to import than the SDK itself, and the
# shapes and input objects are TypedDicts (plain dicts at run time).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Sequence, TypeVar

    from .shapes import AuthorizedResources

    T = TypeVar("T")

__all__ = [
    "is_number",
    "convert_udv_data_type",
    "convert_udv_list_to_dict",
    "convert_nested_pagination_custom_data_list_to_dict",
    "convert_user_custom_data",
    "get_hostname_from_url",
    "url_join_args",
    "camel_to_snake",
    "format_authorized_resources",
    "get_random_string",
    "serialize_udv_value",
    "custom_data_params",
    "context_json",
    "pick_alias",
    "pick_required",
    "udv_input",
    "udf_value_batch_input",
    "convert_udf_value_batch",
    "required_field",
    "authorized_resources",
    "nested_users",
    "path_segment",
]


def is_number(s: Any) -> bool:
    """``True`` when ``float(s)`` succeeds."""
    try:
        float(s)
    except (TypeError, ValueError):
        return False
    return True


def _parse_datetime(value: Any) -> Any:
    import datetime     # the custom-data conversions are off the per-call path

    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value / 1000)
    if not isinstance(value, str):
        return value
    text = value.strip()
    import re

    if re.fullmatch(r"-?\d+", text):
        return datetime.datetime.fromtimestamp(int(text) / 1000)
    try:
        return datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        pass
    try:  # other date formats, when python-dateutil happens to be installed
        from dateutil import parser as date_parser  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return value
    try:
        return date_parser.parse(text)
    except (ValueError, OverflowError):
        return value


def _typed_value(data_type: Any, value: Any) -> Any:
    import json

    if data_type in ("NUMBER", "BOOLEAN", "OBJECT"):
        if not isinstance(value, (str, bytes)):
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value
    if data_type == "DATETIME":
        return _parse_datetime(value)
    return value


def convert_udv_data_type(data: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Type the ``value`` of each ``{key, dataType, value, label}`` item in place:
    ``NUMBER``/``BOOLEAN``/``OBJECT`` are JSON-decoded, ``DATETIME`` becomes a ``datetime``
    (epoch milliseconds or ISO-8601 text), others stay as they are.  Returns ``data``.
    Values that do not parse are left unchanged."""
    for item in data:
        item["value"] = _typed_value(item.get("dataType"), item.get("value"))
    return data


def convert_udv_list_to_dict(data: Optional[Sequence[Mapping[str, Any]]]) -> Dict[str, Any]:
    """``[{key, dataType, value, label}, ...]`` -> ``{key: typed value}``."""
    return {item["key"]: _typed_value(item.get("dataType"), item.get("value")) for item in data or []}


def convert_nested_pagination_custom_data_list_to_dict(data: Any) -> None:
    """For each user of a page ``{totalCount, list}``: ``customData`` list -> dict (in place)."""
    for user in (data or {}).get("list") or []:
        if isinstance(user, dict):
            user["customData"] = convert_udv_list_to_dict(user.get("customData"))


def get_hostname_from_url(url: str) -> str:
    """Host part of a URL (scheme optional): stops at ``:``, ``/`` or a space."""
    import re

    rest = url.split("://", 1)[1] if "://" in url else url
    return re.split(r"[:/ ]", rest, maxsplit=1)[0]


def url_join_args(api: str, query: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> str:
    """Append ``urlencode(query)`` and ``urlencode(kwargs)`` to ``api`` (``?`` unless ``api``
    already ends with one).  As in the reference, ``None`` is written as the text ``None``."""
    from urllib.parse import urlencode   # imported on first use, not with the client

    parts = [urlencode(q) for q in (query, kwargs) if q]
    if not parts:
        return api
    return api + ("" if api.endswith("?") else "?") + "&".join(parts)


def camel_to_snake(s: str) -> str:
    """``userPoolId`` -> ``user_pool_id``; digit runs are split too (``nodeV2`` -> ``node_v_2``)."""
    import re

    return re.sub(r"([A-Z]|[0-9]+)", r"_\1", s).lower().lstrip("_")


def format_authorized_resources(arr: List[Any]) -> List[Any]:
    """Remove keys with falsy values (``actions: []``, ``type: None``) from each dict item."""
    for item in arr:
        if isinstance(item, dict):
            for key in [k for k, v in item.items() if not v]:
                del item[key]
    return arr


def get_random_string(length: int = 10) -> str:
    """``length`` random lowercase ASCII letters from a CSPRNG."""
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise ApprowWrongArgumentException("length must be a non-negative int")
    return random_string(length)


def serialize_udv_value(value: Any) -> str:
    """Wire text of one custom-data value: its JSON encoding; a ``datetime`` is sent as the
    JSON string of its ``isoformat()``."""
    import json

    datetime = sys.modules.get("datetime")  # not imported: the value cannot be a datetime
    if datetime is not None and isinstance(value, (datetime.datetime, datetime.date)):
        value = value.isoformat()
    return json_text(value, "value")


def custom_data_params(custom_data: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The ``params`` variable of register/login/create: JSON ``[{key, value}, ...]`` with the
    raw values, or ``None`` when there is no custom data."""
    if custom_data is None:
        return None
    if not is_mapping(custom_data):
        raise ApprowWrongArgumentException("custom_data must be a dict")
    if not custom_data:
        return None
    for key, value in custom_data.items():
        if not isinstance(key, str):
            raise ApprowArgumentTypeError("custom_data keys must be str, not %s (%r)" % (type(key).__name__, key))
        json_text(value, "custom_data[%r]" % key)
    import json

    return json.dumps([{"key": k, "value": v} for k, v in custom_data.items()])


def context_json(context: Any) -> Any:
    """The ``context`` variable of register/login: JSON text when truthy, else unchanged."""
    return json_text(context, "context") if context else context


def pick_alias(value: Optional[T], alias: Optional[T], name: str, alias_name: str) -> Optional[T]:
    """Merge a parameter with its old spelling (e.g. ``client_ip`` / ``clientIp``)."""
    if alias is None:
        return value
    if value is not None and value != alias:
        raise ApprowWrongArgumentException(f"pass {name} or {alias_name}, not both")
    return alias


def pick_required(value: Optional[T], alias: Optional[T], name: str, alias_name: str) -> T:
    """As :func:`pick_alias` for a required parameter: one of the two spellings must be given."""
    picked = pick_alias(value, alias, name, alias_name)
    if picked is None:
        raise ApprowWrongArgumentException(f"{name} is required")
    return picked


def convert_user_custom_data(user: T) -> T:
    """A user's ``customData`` list -> ``{key: typed value}`` (in place; ``None`` passes)."""
    if isinstance(user, dict):
        user["customData"] = convert_udv_list_to_dict(user.get("customData"))
    return user


def udv_input(data: Mapping[str, Any]) -> List[Dict[str, str]]:
    """``{key: value}`` -> the ``udvList`` of ``setUdvBatch``: ``[{key, value: JSON text}]``."""
    return [{"key": key, "value": serialize_udv_value(value)} for key, value in data.items()]


def udf_value_batch_input(data: Mapping[str, Any]) -> List[Dict[str, str]]:
    """``{target id: {key: value}}`` -> the ``input`` of ``setUdfValueBatch``:
    ``[{targetId, key, value: JSON text}]``.  A target's values must be a dict."""
    out: List[Dict[str, str]] = []
    for target_id, values in data.items():
        if not is_mapping(values):
            raise ApprowWrongArgumentException("invalid data input")
        out += [{"targetId": target_id, "key": key, "value": serialize_udv_value(value)}
                for key, value in values.items()]
    return out


def convert_udf_value_batch(items: Optional[Sequence[Mapping[str, Any]]]) -> Dict[str, Dict[str, Any]]:
    """``[{targetId, data: [udv items]}]`` -> ``{targetId: {key: typed value}}``."""
    return {item["targetId"]: convert_udv_list_to_dict(item.get("data")) for item in items or []}


def required_field(parent: Optional[Mapping[str, Any]], field: str, what: str) -> Any:
    """``parent[field]`` of an object a query looked up; a missing object (``None``) raises
    ``ApprowException(500, "<what> not exists")``, as the reference does for roles and groups."""
    if not parent:
        raise ApprowException(500, f"{what} not exists")
    return parent.get(field)


def authorized_resources(found: Optional[Mapping[str, Any]]) -> AuthorizedResources:
    """``{totalCount, list}`` of authorized resources with each item's empty keys removed
    (:func:`format_authorized_resources`); ``None`` reads as an empty list."""
    found = found or {}
    resources: AuthorizedResources = {
        "totalCount": found.get("totalCount") or 0,
        "list": format_authorized_resources(list(found.get("list") or []))}
    return resources


def nested_users(parent: Optional[Mapping[str, Any]], what: str, with_custom_data: Any) -> Any:
    """The ``users`` page of a role or group a query looked up (see :func:`required_field`),
    each user's ``customData`` as a dict when it was asked for."""
    users = required_field(parent, "users", what)
    if with_custom_data:
        convert_nested_pagination_custom_data_list_to_dict(users)
    return users


def path_segment(value: Any) -> str:
    """``value`` as one segment of a URL path (``/`` and other reserved characters escaped)."""
    from urllib.parse import quote

    return quote(str(value), safe="")
