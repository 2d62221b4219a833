"""User-defined fields (UDF) and their values (UDV): typing and wire encoding.

Values written by ``setUdv`` & co. arrive as JSON *text*; values in
``params`` (create/register/login) arrive inside a JSON array with *raw* values.  Both are
checked against the field's data type and stored as the text the service returns:

    STRING   the decoded string           NUMBER  JSON number text
    BOOLEAN  "true" / "false"             OBJECT  JSON object text
    DATETIME ISO text verbatim, or epoch-ms digits        SELECT  the chosen string
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from ...errors import invalid
from ...store import Store
from ...values import parse_iso
from . import state


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def to_stored_text(data_type: str, key: str, value: Any) -> str:
    """The stored/returned text of a typed ``value``; a type mismatch -> error 2231."""
    if data_type in ("STRING", "SELECT") and isinstance(value, str):
        return value
    if data_type == "NUMBER" and _is_number(value) and value == value and abs(value) != float("inf"):
        return json.dumps(value)
    if data_type == "BOOLEAN" and isinstance(value, bool):
        return "true" if value else "false"
    if data_type == "OBJECT" and isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if data_type == "DATETIME":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            parse_iso(value, "value of %r" % key)
            return value
    raise invalid("value of custom field %r must be of type %s, got %s" % (key, data_type, json.dumps(value)))


def parse_wire_value(key: str, text: Any, lenient: bool = False) -> Any:
    """Decode the JSON text a client sent as a value; ``lenient`` keeps non-JSON text as a string."""
    if not isinstance(text, str):
        raise invalid("value of custom field %r must be JSON text" % key)
    try:
        return json.loads(text)
    except ValueError:
        if lenient:
            return text
        raise invalid("value of custom field %r is not valid JSON text: %r" % (key, text)) from None


def field_types(store: Store, target_type: str) -> Dict[str, str]:
    return {f["key"]: f["dataType"] for f in state.udfs(store, target_type)}


def check_values(store: Store, target_type: str, values: List[Tuple[str, Any]]) -> List[Tuple[str, str]]:
    """``[(key, stored text)]`` for typed values; unknown keys and wrong types -> error 2231."""
    types = field_types(store, target_type)
    checked = []
    for key, value in values:
        if key not in types:
            raise invalid("custom field %r is not defined for %s (define it with setUdf first)" % (key, target_type))
        checked.append((key, to_stored_text(types[key], key, value)))
    return checked


def parse_params(params: Optional[str]) -> List[Tuple[str, Any]]:
    """The ``params`` argument: JSON text of ``[{"key": ..., "value": <raw value>}, ...]``."""
    if params is None or params == "":
        return []
    try:
        items = json.loads(params)
    except ValueError:
        raise invalid("params must be JSON text of [{key, value}], got %r" % params[:200]) from None
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("key"), str) and "value" in i for i in items
    ):
        raise invalid("params must be a JSON array of {key, value} objects")
    return [(i["key"], i["value"]) for i in items]


def write_values(store: Store, target_type: str, target_id: str, checked: List[Tuple[str, str]]) -> None:
    with store.tx():
        for key, text in checked:
            state.set_udv(store, target_type, target_id, key, text)
