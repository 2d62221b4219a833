"""approw._core.loads / dumps: agreement with the stdlib json, exact integers,
strictness, error positions, nesting limits, threads, the key cache.  (The
transport decodes its answers with the same decoder: tests/c/test_transport_session.py.)"""

import collections
import ctypes
import ctypes.util
import enum
import gc
import json
import math
import random
import string
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approw import _core

MAX_DEPTH = 512


# ------------------------------------------------------------------ helpers

def same(a, b):
    """Deep equality that also compares types (1 != 1.0 != True) and the sign
    of zero, with dict key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def decode_error(data):
    with pytest.raises(_core.DecodeError) as ei:
        _core.loads(data)
    return ei.value


# --------------------------------------------------------------- strategies

ints = st.one_of(
    st.integers(),
    st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
    st.sampled_from([2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1, -(2 ** 53) - 1, 2 ** 63 - 1, 2 ** 63,
                     -(2 ** 63), 2 ** 64, 2 ** 64 + 1, 10 ** 40, -(10 ** 40), 0]),
)
floats = st.floats(allow_nan=False, allow_infinity=False)
texts = st.text() | st.text(st.characters(min_codepoint=0, max_codepoint=0x7F)) | st.text(
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF))
scalars = st.none() | st.booleans() | ints | floats | texts
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(texts, children, max_size=6),
    max_leaves=40,
)
PROPS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------- properties

@PROPS
@given(values)
def test_loads_agrees_with_stdlib(x):
    for text in (json.dumps(x), json.dumps(x, ensure_ascii=False),
                 json.dumps(x, indent=2, ensure_ascii=False)):
        expected = json.loads(text)
        assert same(_core.loads(text.encode()), expected)
        assert same(_core.loads(text), expected)


@PROPS
@given(values)
def test_dumps_round_trips(x):
    out = _core.dumps(x)
    assert isinstance(out, bytes)
    out.decode("utf-8")     # always valid UTF-8
    assert same(json.loads(out), x)
    assert same(_core.loads(out), x)


@settings(max_examples=300, deadline=None)
@given(ints)
def test_integers_are_exact(n):
    assert same(_core.loads(str(n)), n)
    assert _core.dumps(n) == str(n).encode()


@settings(max_examples=300, deadline=None)
@given(floats)
def test_floats_match_repr(f):
    assert same(_core.loads(repr(f)), f)
    assert same(json.loads(_core.dumps(f)), f)
    assert _core.dumps(f) == repr(f).encode()


# --------------------------------------------------------------- edge cases

@pytest.mark.parametrize("text, expected", [
    ("{}", {}), ("[]", []), ('""', ""), ("[[]]", [[]]), ('{"":{}}', {"": {}}),
    ("null", None), ("true", True), ("false", False),
    ("0", 0), ("-0", 0), ("1", 1), ("-1", -1), ("1.0", 1.0), ("-0.0", -0.0), ("1e5", 1e5),
    ("1E5", 1e5), ("1e-5", 1e-5), ("1.5E+3", 1500.0), ("0.1", 0.1),
    (str(2 ** 53 - 1), 2 ** 53 - 1), (str(2 ** 53), 2 ** 53), (str(2 ** 53 + 1), 2 ** 53 + 1),
    (str(-(2 ** 53) - 1), -(2 ** 53) - 1), (str(2 ** 63), 2 ** 63), (str(2 ** 64), 2 ** 64),
    (str(10 ** 40), 10 ** 40), (str(-(10 ** 40)), -(10 ** 40)), ("999999999999999", 999999999999999),
    ("9999999999999999", 9999999999999999), ("-9999999999999999", -9999999999999999),
    ("1" * 100, int("1" * 100)),
    ("1e308", 1e308), ("5e-324", 5e-324), ("1.7976931348623157e308", 1.7976931348623157e308),
    ("2.2250738585072014e-308", 2.2250738585072014e-308), ("0.30000000000000004", 0.30000000000000004),
    ("1e-400", 0.0),
    ("0." + "1" * 80, float("0." + "1" * 80)),
])
def test_scalars(text, expected):
    for got in (_core.loads(text), _core.loads(text.encode()),
                _core.loads(b"[" + text.encode() + b"]")[0]):
        assert same(got, expected), (text, got)
    assert same(json.loads(text), expected)


@pytest.mark.parametrize("text, expected", [
    (r'"\" \\ \/ \b \f \n \r \t"', '" \\ / \b \f \n \r \t'),
    (r'"\u0041\u00e9\u20AC\uffff"', "A\u00e9\u20ac\uffff"),
    (r'"\ud83d\ude00 \uD834\uDD1E"', "\U0001F600 \U0001D11E"),
    ('"\U0001F600\u00e9\u4e2d"', "\U0001F600\u00e9\u4e2d"),
    (r'"a\u0000b"', "a\x00b"), (r'"\u0000"', "\x00"), (r'{"k\u0000":"v\u0000"}', {"k\x00": "v\x00"}),
    (r'{"\u0061":1,"a":2}', {"a": 2}), ('"\x7f"', "\x7f"),
])
def test_strings(text, expected):
    for got in (_core.loads(text), _core.loads(text.encode()),
                _core.loads(b'{"x":' + text.encode() + b"}")["x"]):
        assert same(got, expected)
    assert same(json.loads(text), expected)


def test_duplicate_keys_last_wins_like_stdlib():
    text = '{"a": 1, "b": 2, "a": 3, "c": {"x": 1, "x": [2]}}'
    assert same(_core.loads(text), json.loads(text))
    assert list(_core.loads(text)) == ["a", "b", "c"]


def test_whitespace():
    text = ' \t\r\n{ "a" :\n[ 1 ,\t2 , { } , [ ] ] , "b"\r\n: null }\n '
    assert _core.loads(text) == {"a": [1, 2, {}, []], "b": None}
    assert _core.loads(b"  [1 ,\n 2]  ") == [1, 2]


def test_utf8_bom():
    # bytes: skipped (as json.loads does for bytes); str: rejected like json.loads.
    assert _core.loads(b"\xef\xbb\xbf[1]") == [1] == json.loads(b"\xef\xbb\xbf[1]")
    e = decode_error("\ufeff[1]")
    assert e.pos == 0 and "BOM" in str(e)
    with pytest.raises(json.JSONDecodeError):
        json.loads("\ufeff[1]")


def test_input_types():
    assert _core.loads('{"a":"\u00e9"}') == {"a": "\u00e9"}
    assert _core.loads(b'{"a":1}') == {"a": 1}
    assert _core.loads(bytearray(b'{"a":1}')) == {"a": 1}
    assert _core.loads(memoryview(b'{"a":1}')) == {"a": 1}
    # a view that stops before the end of its buffer: nothing beyond is read
    assert _core.loads(memoryview(b"[1, 2]99999")[:6]) == [1, 2]
    assert _core.loads(memoryview(bytearray(b'"x"'))) == "x"
    with pytest.raises(TypeError, match="str, bytes, bytearray or memoryview"):
        _core.loads(12)
    with pytest.raises(TypeError):
        _core.loads(None)
    with pytest.raises(BufferError):
        _core.loads(memoryview(b"[1,2,3,4]")[::2])


def test_str_with_lone_surrogate_is_a_value_error():
    with pytest.raises(ValueError):
        _core.loads('"\ud800"')


def test_exact_size_buffer_is_not_overread():
    # ctypes arrays are allocated with their exact size (ASan/valgrind see any
    # read past the end); the text has no NUL terminator.
    for text in (b'{"a": [1, 2.5, "x"]}', b"123456", b'"abc"', b"[1,", b"nul", b'"\\u12'):
        buf = (ctypes.c_char * len(text)).from_buffer_copy(text)
        view = memoryview(buf).cast("B")
        try:
            assert _core.loads(view) == json.loads(text)
        except ValueError:
            with pytest.raises(ValueError):
                json.loads(text)


# ----------------------------------------------------------------- malformed

# Lone surrogates, escaped or UTF-8-encoded (the stdlib decodes bytes with
# "surrogatepass" and returns a str with a lone surrogate), and the
# NaN/Infinity extensions.
STRICTER_THAN_STDLIB = {b'"\\ud800"', b'"\\ud800\\u0041"', b'"\\udc00"', b'"\xed\xa0\x80"',
                        b"NaN", b"Infinity", b"-Infinity",
                        b"1e400", b"[0, -1.5e999]", b'{"a": 123456789012345678901234567890e300}'}


@pytest.mark.parametrize("data, pos, words", [
    (b"", 0, "Expecting value"),
    (b"   ", 3, "Expecting value"),
    (b"[1,]", 3, "Expecting value"),
    (b'{"a":1,}', 7, "Expecting property name"),
    (b'{"a" 1}', 5, "Expecting ':' delimiter"),
    (b"[1 2]", 3, "Expecting ',' delimiter"),
    (b'{"a":1 "b":2}', 7, "Expecting ',' delimiter"),
    (b"[1", 2, "Expecting ',' delimiter"),
    (b"{", 1, "Expecting property name"),
    (b"{1:2}", 1, "Expecting property name"),
    (b"{'a':1}", 1, "Expecting property name"),
    (b'"abc', 0, "Unterminated string"),
    (b'["a\\"]', 1, "Unterminated string"),
    (b'"\\x"', 1, "Invalid \\escape"),
    (b'"\\u12G4"', 1, "Invalid \\uXXXX escape"),
    (b'"\\u12"', 1, "Invalid \\uXXXX escape"),
    (b'"\\ud800"', 1, "Unpaired high surrogate"),
    (b'"\\ud800\\u0041"', 1, "Unpaired high surrogate"),
    (b'"\\udc00"', 1, "Unpaired low surrogate"),
    (b'"a\x01b"', 2, "Invalid control character 0x01 in string"),
    (b'"a\nb"', 2, "Invalid control character 0x0a in string"),
    (b'"a\x00b"', 2, "Invalid control character 0x00 in string"),
    (b'{"k\x1f":1}', 3, "Invalid control character 0x1f in string"),
    (b"01", 0, "leading zero"),
    (b"[-01]", 2, "leading zero"),
    (b"1.", 2, "Invalid number"),
    (b"1.e5", 2, "Invalid number"),
    (b".5", 0, "Expecting value"),
    (b"-", 1, "Invalid number"),
    (b"+1", 0, "Expecting value"),
    (b"1e", 2, "Invalid number"),
    (b"1e+", 3, "Invalid number"),
    (b"1-2", 1, "Invalid number"),
    (b"NaN", 0, "Expecting value"),
    (b"Infinity", 0, "Expecting value"),
    (b"-Infinity", 1, "Invalid number"),
    (b"1e400", 0, "Number out of the range of a float (Infinity)"),     # would overflow to inf
    (b"[0, -1.5e999]", 4, "Number out of the range of a float (Infinity)"),
    (b'{"a": 123456789012345678901234567890e300}', 6, "Number out of the range of a float"),
    (b"nul", 0, "Expecting value"),
    (b"[tru]", 1, "Expecting value"),
    (b"True", 0, "Expecting value"),
    (b"[1] x", 4, "Extra data"),
    (b"1 2", 2, "Extra data"),
    (b'{"a":1}}', 7, "Extra data"),
    (b"[1]\x00", 3, "Invalid control character 0x00 outside a string"),
    (b"\x00[1]", 0, "Invalid control character 0x00 outside a string"),
    (b"[1,\x002]", 3, "Invalid control character 0x00 outside a string"),
    (b"[1,\x0b2]", 3, "Invalid control character 0x0b outside a string"),
    (b"[1,\x0c2]", 3, "Invalid control character 0x0c outside a string"),
    (b'"\xff"', 1, "Invalid UTF-8 byte 0xff"),
    (b'"\xc0\x80"', 1, "Invalid UTF-8 byte 0xc0"),          # overlong NUL
    (b'"\xe0\x80\xaf"', 1, "Invalid UTF-8 byte 0xe0"),      # overlong
    (b'"\xed\xa0\x80"', 1, "Invalid UTF-8 byte 0xed"),      # encoded surrogate
    (b'"\xf4\x90\x80\x80"', 1, "Invalid UTF-8 byte 0xf4"),  # > U+10FFFF
    (b'"ab\xe2\x82"', 3, "Invalid UTF-8 byte 0xe2"),        # truncated
    (b'"\x80"', 1, "Invalid UTF-8 byte 0x80"),
    (b'{"\xfe":1}', 2, "Invalid UTF-8 byte 0xfe"),
    (b"\xef\xbb\xbf", 3, "Expecting value"),
    (b"\xff", 0, "Expecting value"),
])
def test_malformed(data, pos, words):
    for arg in (data, bytearray(data), memoryview(data)):
        with pytest.raises(_core.DecodeError) as ei:
            _core.loads(arg)
        e = ei.value
        assert isinstance(e, ValueError) and isinstance(e, _core.CoreError)
        assert e.pos == pos, (data, str(e))
        assert words in str(e)
        assert "(byte %d)" % pos in str(e)
    if data in STRICTER_THAN_STDLIB:
        json.loads(data)    # documented difference: the stdlib accepts these
    else:
        with pytest.raises(ValueError):
            json.loads(data)


def test_error_line_and_column():
    e = decode_error(b'{\n  "a": 1,\n  "b": tru\n}')
    assert e.pos == 19
    assert "line 3 column 8 (byte 19)" in str(e)


def test_first_error_in_document_order_wins():
    e = decode_error(b"[01, x]")
    assert e.pos == 1 and "leading zero" in str(e)


def test_decode_error_is_catchable_as_valueerror():
    with pytest.raises(ValueError):
        _core.loads(b"{")


# ------------------------------------------------------------------- nesting

def test_the_limits_are_exported():
    """What the Python side (the path finder of a refused value) reads from the core."""
    assert (_core.JSON_MAX_DEPTH, _core.INT_MAX_STR_DIGITS) == (MAX_DEPTH, 4300)


@pytest.mark.parametrize("opener, closer", [(b"[", b"]"), (b'{"a":', b"}")])
def test_nesting_limit(opener, closer):
    ok = opener * MAX_DEPTH + b"1" + closer * MAX_DEPTH
    assert _core.loads(ok) == json.loads(ok)
    too_deep = opener * (MAX_DEPTH + 1) + b"1" + closer * (MAX_DEPTH + 1)
    e = decode_error(too_deep)
    assert "Nesting deeper than 512 levels" in str(e)
    assert e.pos == len(opener) * MAX_DEPTH


@pytest.mark.parametrize("opener, closer", [(b"[", b"]"), (b'{"a":', b"}")])
def test_deep_nesting_100k(opener, closer):
    n = 100_000
    for data in (opener * n + closer * n, opener * n):
        e = decode_error(data)
        assert "Nesting deeper than 512 levels" in str(e)


def test_dumps_nesting_limit_and_cycles():
    x = 1
    for _ in range(MAX_DEPTH):
        x = [x]
    assert json.loads(_core.dumps(x)) == x
    with pytest.raises(ValueError, match="nesting deeper than 512"):
        _core.dumps([x])
    deep = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ValueError, match="circular reference"):
        _core.dumps(deep)
    d = {}
    for _ in range(100_000):
        d = {"a": d}
    with pytest.raises(ValueError):
        _core.dumps(d)
    cyc = []
    cyc.append(cyc)
    with pytest.raises(ValueError):
        _core.dumps(cyc)
    cyd = {}
    cyd["self"] = [cyd]
    with pytest.raises(ValueError):
        _core.dumps(cyd)


# --------------------------------------------------------------------- dumps

class IntE(enum.IntEnum):
    ONE = 1


class MyInt(int):
    def __repr__(self):
        return "nope"


class MyFloat(float):
    def __repr__(self):
        return "nope"


class MyStr(str):
    def __str__(self):
        return "nope"


class MyDict(dict):
    def items(self):
        raise AssertionError("not called")


class MyList(list):
    def __iter__(self):
        raise AssertionError("not called")


def test_dumps_exact_output():
    assert _core.dumps({"a": [1, 2.5, "x", None, True, False, {}, []]}) == \
        b'{"a":[1,2.5,"x",null,true,false,{},[]]}'
    assert _core.dumps(1.0) == b"1.0"
    assert _core.dumps(1e16) == b"1e+16"
    assert _core.dumps(-0.0) == b"-0.0"
    assert _core.dumps(0.1) == b"0.1"
    assert _core.dumps(1 / 3) == b"0.3333333333333333"
    assert _core.dumps(5e-324) == b"5e-324"
    assert _core.dumps(2 ** 64) == b"18446744073709551616"
    assert _core.dumps(-(2 ** 63)) == b"-9223372036854775808"
    assert _core.dumps(10 ** 40) == b"1" + b"0" * 40
    assert _core.dumps("\u00e9\U0001F600") == '"\u00e9\U0001F600"'.encode()
    assert _core.dumps('q"b\\s/\x01\x1f\n') == b'"q\\"b\\\\s/\\u0001\\u001f\\n"'
    assert _core.dumps("") == b'""'
    assert _core.dumps({}) == b"{}"
    assert _core.dumps(()) == b"[]"


def test_dumps_bool_before_int_and_subclasses_as_base():
    assert _core.dumps([True, False, 1, 0]) == b"[true,false,1,0]"
    assert _core.dumps(IntE.ONE) == b"1"
    assert _core.dumps(MyInt(7)) == b"7"
    assert _core.dumps(MyInt(2 ** 70)) == str(2 ** 70).encode()
    assert _core.dumps(MyFloat(2.5)) == b"2.5"
    assert _core.dumps(MyStr("s")) == b'"s"'
    assert _core.dumps(MyDict(a=1)) == b'{"a":1}'
    assert _core.dumps(MyList([1, 2])) == b"[1,2]"
    assert _core.dumps((1, (2, "x"))) == b'[1,[2,"x"]]'
    assert _core.dumps(collections.OrderedDict([("b", 1), ("a", 2)])) == b'{"b":1,"a":2}'
    assert _core.dumps(collections.defaultdict(list, {"k": []})) == b'{"k":[]}'
    assert _core.dumps({MyStr("k"): 1}) == b'{"k":1}'


def test_dumps_nul_in_values_and_keys():
    for x in ("a\x00b", ["\x00"], {"k\x00": "v\x00"}, {"o": {"\x00": {"\x00\x00": "\x00\n\""}}},
              {"a\x00": 1, "b": "x\x00", "c": [{"\x00": None}]}):
        out = _core.dumps(x)
        assert same(json.loads(out), x)
        assert same(_core.loads(out), x)
        assert b"\x00" not in out and b"\xff" not in out


def test_dumps_errors():
    for bad in (float("nan"), float("inf"), float("-inf"), [1, {"a": float("nan")}]):
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            _core.dumps(bad)
    for key in (1, 1.5, None, True, (1,), b"k"):
        with pytest.raises(TypeError, match="Dict key must be str, not"):
            _core.dumps({key: 1})
    for obj, name in ((set(), "set"), (b"x", "bytes"), (object(), "object"),
                      (1j, "complex"), ({"a": [frozenset()]}, "frozenset"),
                      (bytearray(b""), "bytearray"), (collections.Counter, "type")):
        with pytest.raises(TypeError, match="Object of type %s is not JSON serializable" % name):
            _core.dumps(obj)
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        _core.dumps("a\ud800")
    with pytest.raises(UnicodeEncodeError):
        _core.dumps({"\udfff": 1})
    with pytest.raises(ValueError):    # UnicodeEncodeError is a ValueError
        _core.dumps(["x", "\ud83d"])
    with pytest.raises(TypeError):
        _core.dumps()


def test_dumps_int_max_str_digits_like_stdlib():
    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("no int max str digits limit")
    big = 10 ** 5000
    with pytest.raises(ValueError):
        json.dumps(big)
    with pytest.raises(ValueError):
        _core.dumps(big)
    with pytest.raises(ValueError):
        _core.loads("1" * 5000)
    with pytest.raises(ValueError):
        json.loads("1" * 5000)


def test_integer_over_int_max_str_digits_is_a_decode_error():
    """A JSON integer longer than sys.get_int_max_str_digits() is a DecodeError
    (a CoreError) with its position, not a bare ValueError."""
    if not hasattr(sys, "get_int_max_str_digits"):
        pytest.skip("no int max str digits limit")
    limit = sys.get_int_max_str_digits()
    doc = b'{"n": ' + b"7" * (limit + 1) + b"}"
    e = decode_error(doc)
    assert isinstance(e, _core.CoreError)
    assert e.pos == 6 and "(byte 6)" in str(e)
    assert "limit" in str(e)
    assert _core.loads(b'{"n": ' + b"7" * limit + b"}") == {"n": int("7" * limit)}
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        assert _core.loads(doc) == {"n": int("7" * (limit + 1))}
    finally:
        sys.set_int_max_str_digits(old)



@pytest.mark.skipif(sys.version_info >= (3, 11), reason="every 3.11+ has the interpreter's limit")
def test_the_core_applies_the_default_limit_where_the_interpreter_has_none(monkeypatch):
    """CPython 3.9.0-3.9.13 and 3.10.0-3.10.6 convert ints of any length (quadratic in the
    digits).  There the core refuses more than 4300 digits itself, both ways.  On the later
    releases this is seen with the interpreter's limit turned off and its functions hidden."""
    old = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    if old is not None:
        sys.set_int_max_str_digits(0)
        for name in ("get_int_max_str_digits", "set_int_max_str_digits"):
            monkeypatch.delattr(sys, name)
    try:
        assert _core.loads("7" * 4300) == int("7" * 4300)
        e = decode_error(b'{"n": ' + b"7" * 4301 + b"}")
        assert e.pos == 6 and "limit (4300 digits)" in str(e) and "4301 digits" in str(e)
        assert _core.dumps(-(10 ** 4299)) == b"-1" + b"0" * 4299
        with pytest.raises(ValueError, match=r"limit \(4300 digits\).*4301 digits"):
            _core.dumps({"n": [-(10 ** 4300)]})
        if old is not None:
            monkeypatch.undo()
            assert _core.loads("7" * 4301) == int("7" * 4301)     # the interpreter's 0: no limit
    finally:
        monkeypatch.undo()
        if old is not None:
            sys.set_int_max_str_digits(old)


# ----------------------------------------------------------------- key cache

def test_many_distinct_keys_and_collisions():
    keys = ["k%d" % i for i in range(5000)] + ["x" * n for n in (1, 7, 8, 9, 15, 16, 62, 63, 64, 65, 200)]
    doc = {k: i for i, k in enumerate(keys)}
    text = json.dumps(doc)
    for _ in range(2):
        assert same(_core.loads(text), doc)
    # keys differing only in the middle (the slot hash reads the ends)
    mid = {"aaaaaaaa%saaaaaaaa" % c: c for c in string.ascii_letters}
    assert _core.loads(json.dumps(mid)) == mid


def test_cached_keys_are_plain_str():
    d = _core.loads(b'{"id": 1}')
    (k,) = d
    assert type(k) is str and k == "id" and hash(k) == hash("id")
    d2 = _core.loads(b'{"\\u0069d": 2}')    # escaped spelling of the same key
    assert d2 == {"id": 2}


# ------------------------------------------------------------------- threads

def _users_page(n, seed):
    rng = random.Random(seed)
    users = []
    for i in range(n):
        uid = "%024x" % rng.getrandbits(96)
        users.append({
            "id": uid, "arn": "arn:cn:approw:pool:user:" + uid, "username": "user%d" % i,
            "email": rng.choice([None, "u%d@example.com" % i]), "emailVerified": rng.random() < 0.5,
            "phone": None, "nickname": rng.choice(["Wei", "José", "王芳", None]),
            "registerSource": ["import:manual"], "loginsCount": rng.randint(0, 10 ** 6),
            "token": "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(0, 300))),
            "score": rng.random(), "big": rng.randint(2 ** 60, 2 ** 70),
            "identities": [{"provider": "github", "isSocial": True, "userId": uid}] * rng.randint(0, 2),
        })
    return json.dumps({"data": {"users": {"totalCount": n, "list": users}}},
                      ensure_ascii=False).encode()


def test_threads_decode_concurrently():
    # The key cache and the GC pause are shared state: threads that switch
    # in the middle of other decodes must not disturb them.
    pages = [_users_page(300, seed) for seed in range(4)]
    assert all(len(p) > 64 * 1024 for p in pages)
    expected = [json.loads(p) for p in pages]
    small = [json.dumps({"i": i, "s": "x" * i}).encode() for i in range(50)]
    errors = []

    def work(k):
        try:
            for rep in range(15):
                assert same(_core.loads(pages[k]), expected[k])
                for s in small:
                    assert _core.loads(s) == json.loads(s)
                assert json.loads(_core.dumps(expected[k])) == expected[k]
                with pytest.raises(_core.DecodeError):
                    _core.loads(pages[k][:-1])
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_gc_state_is_restored():
    assert gc.isenabled()
    _core.loads(b'[{"a": [1]}]')
    assert gc.isenabled()
    gc.disable()
    try:
        _core.loads(b'[{"a": [1]}]')
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError):
        _core.loads(b'[{"a": [' + b"1" * 5000 + b"]}]")    # fails mid-conversion
    assert gc.isenabled()


def _libcjson():
    name = ctypes.util.find_library("cjson") or "libcjson.so.1"
    lib = ctypes.CDLL(name)
    lib.cJSON_Parse.restype = ctypes.c_void_p
    lib.cJSON_Parse.argtypes = [ctypes.c_char_p]
    lib.cJSON_PrintUnformatted.restype = ctypes.c_void_p
    lib.cJSON_PrintUnformatted.argtypes = [ctypes.c_void_p]
    lib.cJSON_Delete.argtypes = [ctypes.c_void_p]
    lib.cJSON_free.argtypes = [ctypes.c_void_p]
    return lib


def test_other_cjson_users_keep_working():
    # The same libcjson, used directly in between our calls: the core never
    # installs cJSON allocation hooks, so its trees are plain malloc memory.
    lib = _libcjson()
    for _ in range(1000):
        tree = lib.cJSON_Parse(b'{"a": [1, 2, "three"], "b": {"c": null}}')
        assert tree
        assert _core.dumps({"k": ["v", 1]}) == b'{"k":["v",1]}'
        text = lib.cJSON_PrintUnformatted(tree)
        assert ctypes.string_at(text) == b'{"a":[1,2,"three"],"b":{"c":null}}'
        lib.cJSON_free(text)
        lib.cJSON_Delete(tree)


def test_key_cache_neighbours_and_churn():
    # Keys that share a slot or a slot pair, seen alternately: still correct,
    # and cached key objects are reused across documents once resident.
    keys = ["key%04d" % i for i in range(3000)]
    docs = [json.dumps({k: j for k in keys[j::7]}) for j in range(7)]
    for _ in range(3):
        for j, d in enumerate(docs):
            assert _core.loads(d) == {k: j for k in keys[j::7]}
    a = _core.loads(b'{"alpha": 1, "beta": 2}')
    b = _core.loads(b'{"alpha": 3, "beta": 4}')
    assert [id(k) for k in a] == [id(k) for k in b]
