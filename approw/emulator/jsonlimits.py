"""JSON from the network, decoded with a bounded nesting depth.

Python's ``json`` module recurses once per nesting level, so deeply nested text raises
``RecursionError`` (an internal error) instead of a decoding error.  Everything the emulator
decodes from a request -- bodies, ``variables``, the parts of a presented token -- goes
through :func:`loads_limited`, which refuses text nested deeper than :data:`MAX_JSON_DEPTH`
with a ``ValueError`` before decoding it.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

MAX_JSON_DEPTH = 256  # deepest JSON nesting accepted in anything a client sends

# A string literal, its closing quote optional so that an unterminated one is consumed in
# one step (linear time whatever the text), and everything that is not a bracket.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text opens more than ``limit`` nested arrays/objects (strings are
    skipped; malformed text is left for the decoder to report).  Linear time."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii")
    steps = memoryview(brackets.translate(_DEPTH_STEP)).cast("b")  # +1 open, -1 close
    return max(itertools.accumulate(steps), default=0) > limit


def loads_limited(text: str) -> Any:
    """``json.loads`` for request content: ValueError (never RecursionError) when the
    text is nested deeper than MAX_JSON_DEPTH."""
    if json_too_deep(text):
        raise ValueError("JSON nested deeper than %d levels" % MAX_JSON_DEPTH)
    try:
        return json.loads(text)
    except RecursionError:  # a lower recursion limit than the default: still a 2231
        raise ValueError("JSON nested too deeply") from None
