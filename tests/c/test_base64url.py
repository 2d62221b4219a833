"""approw._core base64url: the strict decoder of token parts, against the stdlib."""
import base64
import os

import pytest

from approw import _core


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_b64url_roundtrip_against_base64():
    for n in range(0, 200):
        data = os.urandom(n)
        enc = _core.b64url_encode(data)
        assert enc == base64.urlsafe_b64encode(data).rstrip(b"=").decode()
        assert _core.b64url_decode(enc) == data
        assert _core.b64url_decode(base64.urlsafe_b64encode(data)) == data     # padded bytes
        assert _core.b64url_decode(base64.urlsafe_b64encode(data).decode()) == data
    assert _core.b64url_encode("ü") == _b64u("ü".encode())
    assert _core.b64url_encode(bytearray(b"\xfb\xff")) == "-_8"


@pytest.mark.parametrize("bad", [
    "a", "abcde", "ab=c", "a+bc", "ab/c", "ab c", "abc\n", "abcd=", "ab===", "abc==",
    "a===", "====", "=", "AB", "ABC", "é", "ab\x00c",
])
def test_b64url_decode_rejects(bad):
    with pytest.raises(ValueError, match="invalid base64url"):
        _core.b64url_decode(bad)


def test_b64url_decode_accepts():
    assert _core.b64url_decode("") == b""
    assert _core.b64url_decode("AA") == b"\x00"
    assert _core.b64url_decode("AA==") == b"\x00"
    assert _core.b64url_decode("AAA") == b"\x00\x00"
    assert _core.b64url_decode("AAA=") == b"\x00\x00"
    assert _core.b64url_decode("-_-_") == base64.urlsafe_b64decode("-_-_")
    with pytest.raises(TypeError):
        _core.b64url_decode(5)
