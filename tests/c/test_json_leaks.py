"""100,000 calls of loads / dumps (and their error paths) with RSS stable."""

import gc
import json
import os
import threading

import pytest

from approw import _core

pytestmark = pytest.mark.slow

N = 100_000
WARMUP = 3_000
LIMIT_MB = 2.0

DOC = json.dumps({
    "data": {"users": {"totalCount": 2, "list": [
        {"id": "5f1c0a2b3c4d5e6f70819203", "username": "alice", "email": "a@example.com",
         "emailVerified": True, "phone": None, "loginsCount": 42, "big": 2 ** 70, "score": 0.25,
         "registerSource": ["import:manual"], "nickname": "王芳", "note": "tab\there \u00e9 \U0001F600",
         "identities": [{"provider": "github", "isSocial": True}]},
        {"id": "5f1c0a2b3c4d5e6f70819204", "username": "bob", "k\u0000": "v\u0000", "tags": []},
    ]}},
}, ensure_ascii=False).encode()
VALUE = json.loads(DOC)
VARIABLES = {"userInfo": {"username": "alice", "email": "a@example.com", "password": "x" * 172,
                          "registerSource": ["import:manual"], "age": 30, "big": 2 ** 80,
                          "ratio": 0.5, "nul\u0000key": "nul\u0000value"},
             "keepPassword": False, "params": None}
BIG = json.dumps({"list": [VALUE] * 200}).encode()      # > 64 KiB: GIL released


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def growth(fn, n=N):
    for _ in range(WARMUP):
        fn()
    gc.collect()
    before = rss_mb()
    for _ in range(n):
        fn()
    gc.collect()
    return rss_mb() - before


def expect(exc, fn, *args):
    try:
        fn(*args)
    except exc:
        return
    raise AssertionError("no %s" % exc.__name__)


def test_loads_does_not_leak():
    def call():
        assert _core.loads(DOC) == VALUE
    assert growth(call) < LIMIT_MB


def test_loads_str_bytearray_memoryview_do_not_leak():
    text = DOC.decode()
    ba = bytearray(DOC)

    def call():
        _core.loads(text)
        _core.loads(ba)
        _core.loads(memoryview(DOC))
    assert growth(call, N // 3) < LIMIT_MB


def test_subtree_does_not_leak():
    def call():
        assert _core._json_subtree(DOC, "data") == VALUE["data"]
    assert growth(call) < LIMIT_MB


def test_dumps_does_not_leak():
    def call():
        _core.dumps(VARIABLES)
        _core.dumps(VALUE)
    assert growth(call) < LIMIT_MB


def test_envelope_does_not_leak():
    def call():
        _core._json_envelope("query { users { totalCount } }", VARIABLES)
    assert growth(call) < LIMIT_MB


def test_decode_errors_do_not_leak():
    bad = [DOC[:-1], DOC + b"x", DOC.replace(b"alice", b"al\x01ce"), b"[01]", b'"\\ud800"',
           b'{"a": [1, 2, {"b": "\xff"}]}', b"[" * 1000, b'"\\u0000' + b"x" * 100]

    def call():
        for b in bad:
            expect(_core.DecodeError, _core.loads, b)
    assert growth(call, N // len(bad)) < LIMIT_MB


def test_conversion_errors_do_not_leak():
    # Fails in the middle of building objects (int beyond the digit limit).
    doc = b'{"a": [1, "x", {"b": [' + b"1" * 5000 + b"]}]}"

    def call():
        expect(ValueError, _core.loads, doc)
        expect(ValueError, _core._json_subtree, doc, "a")
    assert growth(call, N // 4) < LIMIT_MB


def test_encode_errors_do_not_leak():
    cyc = [1]
    cyc.append(cyc)
    bad = [{"a": [1, float("nan")]}, {"a": {1: 2}}, {"a": [set()]}, ["ok", "\ud800"], cyc,
           {"k\u0000": [float("inf")]}]

    def call():
        for b in bad:
            expect((ValueError, TypeError), _core.dumps, b)
    assert growth(call, N // len(bad)) < LIMIT_MB


def test_fallback_path_does_not_leak():
    doc = b'[' + b"1" * 80 + b', 0.' + b"1" * 80 + b', {"k\\u0000": "x"}]'

    def call():
        _core._json_parse_fallback(doc)
    assert growth(call) < LIMIT_MB


def test_replaced_hooks_do_not_leak():
    # Trees from someone else's allocator are cJSON_Delete()d at the pop.
    _core._json_default_hooks(True)
    try:
        def call():
            _core.loads(DOC)
            _core._json_subtree(DOC, "data")
            _core.dumps(VARIABLES)
            expect(_core.DecodeError, _core.loads, DOC[:-1])
        assert growth(call, N // 4) < LIMIT_MB
    finally:
        _core._json_default_hooks(False)


def test_big_documents_and_threads_do_not_leak():
    def call():
        _core.loads(BIG)

    def threaded():
        t = threading.Thread(target=lambda: [_core.loads(BIG) for _ in range(3)])
        t.start()
        t.join()
    assert growth(call, 2_000) < LIMIT_MB
    # every thread's arena is unmapped when the thread exits
    assert growth(threaded, 300) < LIMIT_MB
