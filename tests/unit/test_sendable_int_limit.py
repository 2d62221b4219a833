"""Where the interpreter has no limit on int <-> text conversion (CPython 3.9.0-3.9.13 and
3.10.0-3.10.6), the encoder refuses more than 4300 digits itself, and the path finder that
explains a refused value names such an int too.  Seen here with the limit's functions hidden
from ``sys``, as on those releases (the int itself stays convertible: the check is the SDK's)."""
import sys

import pytest

from approw.v2.common.sendable import json_text, unsendable
from approw.v2.exceptions import ApprowArgumentTypeError, ApprowWrongArgumentException


@pytest.fixture
def no_interpreter_limit(monkeypatch):
    old = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    if old is not None:
        sys.set_int_max_str_digits(0)
        monkeypatch.delattr(sys, "get_int_max_str_digits")
    yield
    monkeypatch.undo()
    if old is not None:
        sys.set_int_max_str_digits(old)


def test_a_long_int_is_named_with_its_path(no_interpreter_limit):
    e = unsendable(ValueError("refused"), {"input": {"n": [1, -(10 ** 4300)]}}, "variables")
    assert type(e) is ApprowWrongArgumentException and not isinstance(e, ApprowArgumentTypeError)
    assert str(e) == ("cannot send input['n'][1]: an integer of 4301 digits is longer than the "
                      "4300 the SDK converts to text")


def test_4300_digits_still_travel(no_interpreter_limit):
    assert json_text({"n": 10 ** 4299}, "custom_data") == '{"n": 1' + "0" * 4299 + "}"
    with pytest.raises(ApprowWrongArgumentException, match=r"custom_data\['n'\]: an integer of 4301"):
        json_text({"n": 10 ** 4300}, "custom_data")
