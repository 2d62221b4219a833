"""Policy statements: what a client may write, and how it is stored and returned.

A statement is ``{resource, actions, effect, condition}``: ``resource`` a resource code or
pattern (``books``, ``books:1``, ``books:*``, ``*``), ``actions`` a non-empty list of action
names (``books:read``, ``books:*``, ``*``), ``effect`` ``ALLOW`` (the default) or ``DENY``,
``condition`` an optional list of ``{param, operator, value}`` (checked by
:mod:`.conditions`, which also evaluates it), stored and returned as given.  Statements are returned exactly as written, in order.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

from ...errors import invalid
from . import conditions


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not any(c.isspace() for c in value)


def check(statements: Any) -> List[Dict[str, Any]]:
    """The statements to store; a malformed one -> error 2231 naming what is wrong."""
    if not isinstance(statements, Sequence) or not statements:
        raise invalid("statements must be a non-empty list of {resource, actions, effect}")
    out = []
    for index, statement in enumerate(statements):
        where = "statements[%d]" % index
        resource = statement.get("resource")
        if not _text(resource):
            raise invalid("%s.resource must be a resource code such as books:1, books:* or *, got %r" % (where, resource))
        actions = statement.get("actions")
        if not actions or not all(_text(a) for a in actions):
            raise invalid("%s.actions must be a non-empty list of action names such as books:read, got %r"
                          % (where, actions))
        condition = conditions.check(statement.get("condition"), where)
        out.append({"resource": resource, "actions": list(actions), "effect": statement.get("effect") or "ALLOW",
                    "condition": condition})
    return out
