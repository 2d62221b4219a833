"""Agreements of an application: the terms its sign-up page shows, in an order the
administrator sets.

An agreement has a ``title`` (non-empty, at most 2,000 characters: it may hold links), a
``required`` flag (default true) and a ``lang`` (a language tag such as ``zh-CN`` or
``en-US``, default ``zh-CN``); ids are numbers.  A new agreement goes last; sorting takes
every agreement id of the application, in the wanted order.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from ...errors import NOT_FOUND, ApprowError, invalid
from ...store import Store
from . import state

_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", re.ASCII)


def fields(body: Dict[str, Any], *, partial: bool) -> Dict[str, Any]:
    """``title``, ``required`` and ``lang`` from a request body, checked; defaults unless
    ``partial``."""
    out: Dict[str, Any] = {}
    if "title" in body or not partial:
        title = body.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 2000:
            raise invalid("title must be a non-empty string of at most 2000 characters")
        out["title"] = title
    if body.get("required") is not None or not partial:
        required = body.get("required", True)
        if not isinstance(required, bool):
            raise invalid("required must be true or false")
        out["required"] = required
    if body.get("lang") is not None or not partial:
        lang = body.get("lang") or "zh-CN"
        if not isinstance(lang, str) or not _LANG.fullmatch(lang):
            raise invalid("lang must be a language tag such as zh-CN or en-US, got %r" % (lang,))
        out["lang"] = lang
    return out


def view(pool_id: str, agreement: Dict[str, Any]) -> Dict[str, Any]:
    return dict(agreement, userPoolId=pool_id)


def agreement_id(value: Any) -> int:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise invalid("an agreement id is a number, got %r" % (value,))


def require(store: Store, app_id: str, value: Any) -> Dict[str, Any]:
    found = state.agreement(store, app_id, agreement_id(value))
    if found is None:
        raise ApprowError(NOT_FOUND, "Agreement %r does not exist in application %s" % (value, app_id))
    return found


def sort(store: Store, app_id: str, ids: Any) -> None:
    """Put the application's agreements in the order of ``ids`` (all of them, each once)."""
    if not isinstance(ids, list):
        raise invalid("ids must be the list of the application's agreement ids")
    wanted: List[int] = [agreement_id(i) for i in ids]
    with store.tx():
        have = [a["id"] for a in state.agreements(store, app_id)]
        if len(wanted) != len(set(wanted)) or set(wanted) != set(have):
            raise invalid("ids must list each agreement of the application once: %s" % have)
        state.sort_agreements(store, wanted)
