"""Arguments that cannot travel as JSON, reported as ``ApprowWrongArgumentException``.

The request encoder (``approw._core``) refuses NaN and infinities, integers longer than
Python's conversion limit, non-``str`` dict keys, values of other types (a ``set``, ``bytes``,
an object), strings with unpaired surrogates and self-containing (or over-deep) structures.
It fails fast with a builtin exception and no location; :func:`unsendable` turns that failure
into an ``ApprowWrongArgumentException`` (an ``ApprowArgumentTypeError`` for a wrong type)
naming the argument and the path inside it (``userInfo['tags'][2]: nan is not a JSON
number``).  The walk runs only after a failure, so a call that encodes pays nothing for it.
"""
from __future__ import annotations

import sys

from ..exceptions import ApprowArgumentTypeError, ApprowWrongArgumentException

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Optional, Set, Tuple

    _Problem = Tuple[str, str, bool]   # (path, reason, is_a_type_problem)

__all__ = ["ENCODE_ERRORS", "unsendable", "json_text"]

#: What the encoders raise for a value they cannot write.
ENCODE_ERRORS = (TypeError, ValueError, RecursionError)


def _scalar_problem(value: Any, max_digits: int) -> Optional[Tuple[str, bool]]:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            return "the text holds an unpaired surrogate (%r at index %d), not valid in UTF-8" \
                % (value[e.start], e.start), False
        return None
    if isinstance(value, int):
        try:
            text = int.__repr__(value)
        except ValueError:
            return "an integer of %d bits is longer than Python converts to text" % value.bit_length(), False
        # (CPython 3.9.0-3.9.13 and 3.10.0-3.10.6 have no limit: the encoder applies 4300)
        digits = len(text) - text.startswith("-")
        if digits > max_digits and not hasattr(sys, "get_int_max_str_digits"):
            return "an integer of %d digits is longer than the %d the SDK converts to text" \
                % (digits, max_digits), False
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "%r is not a JSON number" % value, False
        return None
    return "a %s cannot be sent as JSON (use a dict, list, str, int, float, bool or None)" \
        % type(value).__name__, True


def _find(value: Any, path: str) -> Optional[_Problem]:
    """The first part of ``value`` the encoder refuses (iterative: no recursion limit).  The
    limits are the C encoder's own (the core is loaded by the time a value is sent)."""
    from approw import _core

    max_depth, max_digits = _core.JSON_MAX_DEPTH, _core.INT_MAX_STR_DIGITS
    stack: List[Tuple[Any, str, int]] = [(value, path, 0)]
    open_ids: Set[int] = set()
    leave: List[Tuple[int, int]] = []       # (stack size at entry, id) to drop from open_ids
    while stack:
        while leave and len(stack) <= leave[-1][0]:
            open_ids.discard(leave.pop()[1])
        item, where, depth = stack.pop()
        if isinstance(item, (dict, list, tuple)):
            if id(item) in open_ids:
                return where, "the value contains itself (a circular reference)", False
            if depth >= max_depth:
                return where, "nested deeper than %d levels" % max_depth, False
            open_ids.add(id(item))
            leave.append((len(stack), id(item)))
            if isinstance(item, dict):
                children = []
                for key, child in item.items():
                    if not isinstance(key, str):
                        return where, "a dict key must be a str, not %s (%r)" % (type(key).__name__, key), True
                    problem = _scalar_problem(key, max_digits)
                    if problem is not None:
                        return "%s key %r" % (where, key), problem[0], problem[1]
                    children.append((child, "%s[%r]" % (where, key), depth + 1))
            else:
                children = [(child, "%s[%d]" % (where, i), depth + 1) for i, child in enumerate(item)]
            stack.extend(reversed(children))
            continue
        problem = _scalar_problem(item, max_digits)
        if problem is not None:
            return where, problem[0], problem[1]
    return None


def unsendable(error: BaseException, value: Any, name: str) -> ApprowWrongArgumentException:
    """The exception for ``error``, raised by an encoder given ``value`` (the argument or the
    variables named ``name``)."""
    if isinstance(value, dict) and name == "variables":
        found = next((p for p in (_find(v, k) for k, v in value.items()) if p is not None), None)
    else:
        found = _find(value, name)
    if found is None:
        return ApprowWrongArgumentException("%s cannot be sent as JSON: %s" % (name, error))
    where, reason, is_type = found
    kind = ApprowArgumentTypeError if is_type else ApprowWrongArgumentException
    return kind("cannot send %s: %s" % (where, reason))


def json_text(value: Any, name: str) -> str:
    """``value`` as JSON text (what a GraphQL variable holding JSON expects), or the exception
    of :func:`unsendable`: NaN, sets, cycles and the like are refused, never written."""
    problem = _find(value, name)
    if problem is not None:
        where, reason, is_type = problem
        raise (ApprowArgumentTypeError if is_type else ApprowWrongArgumentException)(
            "cannot send %s: %s" % (where, reason))
    import json     # custom data and context only: not imported with the client

    try:
        return json.dumps(value, allow_nan=False)
    except ENCODE_ERRORS as e:  # pragma: no cover - _find refuses first
        raise unsendable(e, value, name) from e


