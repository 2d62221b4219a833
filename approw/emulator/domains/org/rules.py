"""Rules of the organisations domain: what a node may be called, and its errors.

A node has a non-empty ``name`` (at most 256 characters), an optional ``code`` (1 to 256
characters without whitespace or ``/``, unique within the organisation), optional
descriptions, and an ``order`` in [0, 2^32).  ``nameI18n`` and ``descriptionI18n`` are
text; given as a JSON object (in an import), they are kept as its JSON text.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from ...errors import ALREADY_EXISTS, NOT_FOUND, ApprowError, invalid
from ..namespaces import rules as shared

_MAX_ORDER = 2**32


def org_not_found(org_id: Any) -> ApprowError:
    return ApprowError(NOT_FOUND, "Organization %r does not exist" % (org_id,))


def node_not_found(node_id: Any, org_id: Optional[str] = None) -> ApprowError:
    where = "" if org_id is None else " in organization %r" % org_id
    return ApprowError(NOT_FOUND, "Node %r does not exist%s" % (node_id, where))


def code_taken(code: Any, org_id: str) -> ApprowError:
    return ApprowError(ALREADY_EXISTS, "Node code %r is already used in organization %r" % (code, org_id))


def _text(name: str, value: Any, where: str) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        raise invalid("%s%s must be a string" % (where, name))
    return value


def node_fields(data: Dict[str, Any], *, partial: bool = False, where: str = "") -> Dict[str, Any]:
    """The node columns given in ``data`` (GraphQL arguments or an imported node), checked;
    ``where`` prefixes messages (``children[0].``).  Unless ``partial``, ``name`` is required."""
    out: Dict[str, Any] = {}
    name = data.get("name")
    if name is not None or not partial:
        if not isinstance(name, str) or not name.strip() or len(name) > 256:
            raise invalid("%sname must be a non-empty string of at most 256 characters" % where)
        out["name"] = name
    code = data.get("code")
    if code is not None:
        if not isinstance(code, str) or not shared.CODE.fullmatch(code):
            raise invalid("%scode must be 1 to 256 characters without whitespace or '/', got %r" % (where, code))
        out["code"] = code
    for key in ("nameI18n", "description", "descriptionI18n"):
        if data.get(key) is not None:
            out[key] = _text(key, data[key], where)
    order = data.get("order")
    if order is not None:
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order < _MAX_ORDER:
            raise invalid("%sorder must be an integer in [0, 2^32), got %r" % (where, order))
        out["order"] = order
    return out
