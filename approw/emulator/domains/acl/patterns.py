"""How resource codes and action names match.

Resource codes have three forms: a kind (``books``, every item of that kind), an item
(``books:1``) and a wildcard (``books:*``, every item of the kind; ``*``, everything).  A kind
and its ``:*`` wildcard mean the same.  A granted pattern *covers* a queried code when its
``*`` characters, each standing for any text, can make it equal to the query, so

* ``books``, ``books:*`` and ``*`` cover ``books:1``, ``books:*`` and ``books``;
* ``books:1`` covers only ``books:1`` (not ``books:*``: holding one item is not holding all).

Actions match the same way: ``books:*`` covers ``books:read``, ``*`` covers every action,
anything else only itself.  A resource's type is one of :data:`RESOURCE_TYPES`.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterable, Optional

from ...errors import invalid

RESOURCE_TYPES = ("DATA", "API", "MENU", "UI", "BUTTON")


def resource_type(value: Any) -> Optional[str]:
    """A resource type argument: None, or one of :data:`RESOURCE_TYPES` (else 2231)."""
    if value is None:
        return None
    if value not in RESOURCE_TYPES:
        raise invalid("resourceType must be one of %s, got %r" % (", ".join(RESOURCE_TYPES), value))
    return str(value)


def normalize(code: str) -> str:
    """A kind as its ``:*`` wildcard; other codes unchanged."""
    return code if code == "*" or ":" in code else code + ":*"


@functools.lru_cache(maxsize=4096)
def _regex(pattern: str) -> "re.Pattern[str]":
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def _glob(pattern: str, text: str) -> bool:
    if "*" not in pattern:
        return pattern == text
    return _regex(pattern).fullmatch(text) is not None


def covers(pattern: str, code: str) -> bool:
    """Whether a grant on resource ``pattern`` reaches resource ``code``."""
    return _glob(normalize(pattern), normalize(code))


def action_covers(pattern: str, action: str) -> bool:
    return _glob(pattern, action)


def any_action_covers(patterns: Iterable[str], action: str) -> bool:
    return any(action_covers(p, action) for p in patterns)


def kind_of(code: str) -> str:
    """``books`` for ``books``, ``books:1`` and ``books:*``."""
    return code.split(":", 1)[0]
