"""Rules shared by the authorization model's domains (namespaces, roles, groups, policies,
ACL): how their objects are named, the errors for a code that is malformed, missing or taken,
and the paging parameters of their REST listings.

Role codes follow the service's rule (letters, digits, ``_`` and ``-``); the other codes may
also hold ``:`` and ``.`` (application ids, ``books:read``-style names), never whitespace or
``/`` (they travel in URL paths).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from ...errors import ALREADY_EXISTS, NOT_FOUND, USER_NOT_FOUND, ApprowError, invalid
from ...store import Store
from ...values import now_iso
from ..users import state as users

ROLE_CODE = re.compile(r"[A-Za-z0-9_-]{1,128}", re.ASCII)
CODE = re.compile(r"[^\s/]{1,256}")


def check(kind: str, value: Any, pattern: "re.Pattern[str]" = CODE) -> str:
    """``value`` if it is a well-formed code of a ``kind`` ("role", "group", ...), else 2231."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        rule = "letters, digits, '_' and '-'" if pattern is ROLE_CODE else "no whitespace or '/'"
        raise invalid("%s code must be 1 to %d characters (%s), got %r"
                      % (kind, 128 if pattern is ROLE_CODE else 256, rule, value))
    return value


def not_found(kind: str, code: Any, namespace: Any = None) -> ApprowError:
    where = "" if namespace is None else " in namespace %r" % namespace
    return ApprowError(NOT_FOUND, "%s %r does not exist%s" % (kind, code, where))


def taken(kind: str, code: Any, namespace: Any = None) -> ApprowError:
    where = "" if namespace is None else " in namespace %r" % namespace
    return ApprowError(ALREADY_EXISTS, "%s %r already exists%s" % (kind, code, where))


def body(value: Any) -> Dict[str, Any]:
    """A REST request's JSON body, which must be an object."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("the request body must be a JSON object")
    return value


def optional_text(name: str, value: Any) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise invalid("%s must be a string" % name)
    return value


def page_args(query: Mapping[str, str]) -> Dict[str, int]:
    """``page`` and ``limit`` of a query string as ints (absent ones left out); else 2231."""
    out = {}
    for name in ("page", "limit"):
        text = query.get(name)
        if text is None or text == "":
            continue
        try:
            out[name] = int(text)
        except ValueError:
            raise invalid("%s must be a number, got %r" % (name, text)) from None
    return out


def require_users(store: Store, user_ids: Iterable[Any]) -> List[str]:
    """The given user ids without repeats, in order; one that is not a user -> error 2004."""
    wanted = list(dict.fromkeys(user_ids))
    found = users.users_by(store, "id", wanted)
    missing = [u for u in wanted if u not in found]
    if missing:
        raise ApprowError(USER_NOT_FOUND, "User %r does not exist" % missing[0])
    return wanted


def require_all(codes: Iterable[Any], require: Callable[[Any], Dict[str, Any]]) -> List[Dict[str, Any]]:
    """``require(code)`` for each code, in order and without repeats (it raises for an unknown
    one, so one unknown code fails the whole call)."""
    seen: Dict[Any, Dict[str, Any]] = {}
    for code in codes:
        if code not in seen:
            seen[code] = require(code)
    return list(seen.values())


def update_row(store: Store, table: str, row_id: Any, columns: Mapping[str, Any], taken_error: ApprowError) -> None:
    """``UPDATE table SET columns..., updated_at = now WHERE id = row_id``; a UNIQUE conflict
    (a code already taken) raises ``taken_error``."""
    names = list(columns) + ["updated_at"]
    values = list(columns.values()) + [now_iso(), row_id]
    try:
        store.run("UPDATE %s SET %s WHERE id = ?" % (table, ", ".join("%s = ?" % n for n in names)), values)
    except sqlite3.IntegrityError:
        raise taken_error from None
