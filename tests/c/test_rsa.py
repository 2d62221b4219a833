"""approw._core RSA: PublicKey and rsa_encrypt (what `cryptography` decrypts), and the keys
the SDK keeps (approw.v2.common.keys)."""
from __future__ import annotations

import base64
import os
import threading
import time

import pytest

from approw import _core

from crypto_keys import PKCS1, _jwk, _pem, keys  # noqa: F401 (fixture)
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402

# The SDK's DEFAULT_ENCRYPT_PUBLICKEY (its exact text is checked in tests/unit/test_options.py).
from approw.v2.common.constants import DEFAULT_ENCRYPT_PUBLICKEY  # noqa: E402


# --------------------------------------------------------------- exceptions

def test_exception_hierarchy():
    assert issubclass(_core.CryptoError, ValueError)
    assert issubclass(_core.CryptoError, _core.CoreError)
    for name in ("JWTDecodeError", "JWTAlgorithmError", "JWTSignatureError",
                 "JWTExpiredError", "JWTNotYetValidError", "JWTClaimsError"):
        exc = getattr(_core, name)
        assert issubclass(exc, _core.JWTError)
        assert issubclass(exc, _core.CryptoError)
        assert issubclass(exc, ValueError)


# --------------------------------------------------------------- RSA

@pytest.mark.parametrize("bits", [1024, 2048, 3072])
@pytest.mark.parametrize("fmt", ["spki", "pkcs1"])
@pytest.mark.parametrize("as_bytes", [False, True])
def test_rsa_encrypt_decrypts_with_cryptography(keys, bits, fmt, as_bytes):
    priv = keys[bits]
    pem = _pem(priv, fmt)
    assert ("BEGIN RSA PUBLIC KEY" in pem) == (fmt == "pkcs1")
    if as_bytes:
        pem = pem.encode()
    for msg in ["password", "pässwörd-🔑", ""]:
        out = _core.rsa_encrypt(pem, msg)
        assert isinstance(out, str)
        raw = base64.b64decode(out, validate=True)
        assert len(raw) == bits // 8
        assert out == base64.b64encode(raw).decode()    # standard alphabet, padded
        assert priv.decrypt(raw, PKCS1) == msg.encode("utf-8")


def test_rsa_encrypt_bytes_like_plaintext(keys):
    priv = keys[1024]
    pem = _pem(priv, "spki")
    for pt in (b"\x00\x01\xffbinary", bytearray(b"ba"), memoryview(b"mv")):
        raw = base64.b64decode(_core.rsa_encrypt(pem, pt))
        assert priv.decrypt(raw, PKCS1) == bytes(pt)


def test_rsa_encrypt_many_random_messages(keys):
    """Every length 0..k-11, random content (edge bytes included)."""
    for bits in (1024, 3072):
        priv = keys[bits]
        pem = _pem(priv, "spki")
        k = bits // 8
        lengths = range(0, k - 10) if bits == 1024 else range(0, k - 10, 7)
        for n in lengths:
            msg = os.urandom(n)
            if n % 3 == 0:
                msg = b"\xff" * n
            elif n % 3 == 1:
                msg = b"\x00" * n
            raw = base64.b64decode(_core.rsa_encrypt(pem, msg))
            assert priv.decrypt(raw, PKCS1) == msg


@pytest.mark.parametrize("bits,e", [(1024, 65537), (1024, 3), (1025, 65537), (1038, 65537),
                                    (1039, 65537), (1040, 65537), (1536, 65537)])
def test_rsa_encrypt_key_sizes(bits, e):
    """Odd sizes and a small exponent: every byte length decrypts."""
    priv = rsa.generate_private_key(public_exponent=e, key_size=bits)
    pem = _pem(priv, "spki")
    k = (bits + 7) // 8
    for i in range(150):
        n = i % (k - 10)
        msg = os.urandom(n) if i % 4 else bytes([0xFF if i % 8 else 0x00]) * n
        raw = base64.b64decode(_core.rsa_encrypt(pem, msg))
        assert len(raw) == k
        assert priv.decrypt(raw, PKCS1) == msg


def test_rsa_encrypt_fresh_keys_many_messages():
    """Several fresh 1024-bit keys (the SDK's key size), many messages each."""
    for _ in range(4):
        priv = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        pem = _pem(priv, "pkcs1")
        for _ in range(250):
            msg = os.urandom(int.from_bytes(os.urandom(1), "big") % 118)
            assert priv.decrypt(base64.b64decode(_core.rsa_encrypt(pem, msg)), PKCS1) == msg


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_rsa_padding_not_shared_across_fork(keys):
    """A forked child must not repeat its parent's padding randomness: with the
    same padding the same plaintext would give the same ciphertext."""
    priv = keys[1024]
    pem = _pem(priv, "spki")
    _core.rsa_encrypt(pem, "warm")              # the parent now holds buffered bytes
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                                # child
        try:
            os.close(r)
            os.write(w, _core.rsa_encrypt(pem, "same").encode())
        finally:
            os._exit(0)
    os.close(w)
    child = b""
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        child += chunk
    os.close(r)
    os.waitpid(pid, 0)
    parent = _core.rsa_encrypt(pem, "same")
    assert len(child) == 172
    assert child.decode() != parent
    assert priv.decrypt(base64.b64decode(child), PKCS1) == b"same"


def test_rsa_encrypt_is_randomised(keys):
    pem = _pem(keys[1024], "spki")
    outs = {_core.rsa_encrypt(pem, "same") for _ in range(50)}
    assert len(outs) == 50
    for o in outs:
        assert keys[1024].decrypt(base64.b64decode(o), PKCS1) == b"same"


def test_default_key_loads():
    out = _core.rsa_encrypt(DEFAULT_ENCRYPT_PUBLICKEY, "123456")
    assert len(out) == 172
    assert len(base64.b64decode(out, validate=True)) == 128
    assert out != _core.rsa_encrypt(DEFAULT_ENCRYPT_PUBLICKEY, "123456")
    # The same key through cryptography: 1024-bit RSA, e = 65537.
    k = serialization.load_pem_public_key(DEFAULT_ENCRYPT_PUBLICKEY.encode())
    assert k.key_size == 1024
    # Without surrounding newlines and as bytes it is the same key.
    out2 = _core.rsa_encrypt(DEFAULT_ENCRYPT_PUBLICKEY.strip().encode(), b"x")
    assert len(out2) == 172


def test_rsa_plaintext_length_limit(keys):
    priv = keys[1024]
    pem = _pem(priv, "spki")
    ok = "a" * 117
    assert priv.decrypt(base64.b64decode(_core.rsa_encrypt(pem, ok)), PKCS1) == ok.encode()
    with pytest.raises(_core.CryptoError, match="too long.*at most 117"):
        _core.rsa_encrypt(pem, "a" * 118)
    # UTF-8 length counts, not characters: 59 two-byte chars = 118 bytes.
    with pytest.raises(ValueError, match="118 bytes"):
        _core.rsa_encrypt(pem, "é" * 59)
    with pytest.raises(_core.CryptoError):
        _core.rsa_encrypt(_pem(keys[2048], "spki"), b"a" * 246)
    assert _core.rsa_encrypt(_pem(keys[2048], "spki"), b"a" * 245)


def test_rsa_bad_keys(keys):
    priv = keys[1024]
    spki = _pem(priv, "spki")
    with pytest.raises(_core.CryptoError, match="not a PEM"):
        _core.rsa_encrypt("hello", "x")
    with pytest.raises(_core.CryptoError, match="not a PEM"):
        _core.rsa_encrypt(b"", "x")
    with pytest.raises(_core.CryptoError, match="cannot parse"):
        _core.rsa_encrypt(spki[:120], "x")                       # truncated
    with pytest.raises(_core.CryptoError, match="cannot parse"):
        _core.rsa_encrypt("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n", "x")
    ec_pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(_core.CryptoError, match="EC, not RSA"):
        _core.rsa_encrypt(ec_pem, "x")
    priv_pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    with pytest.raises(_core.CryptoError, match="private key"):
        _core.rsa_encrypt(priv_pem, "x")
    # A key text that failed fails the same way every time (nothing is kept).
    for bad in (ec_pem, spki[:120]):
        msgs = set()
        for _ in range(3):
            with pytest.raises(_core.CryptoError) as ei:
                _core.rsa_encrypt(bad, "x")
            msgs.add(str(ei.value))
        assert len(msgs) == 1
    assert priv.decrypt(base64.b64decode(_core.rsa_encrypt(spki, "ok")), PKCS1) == b"ok"
    # A ValueError too, so `except ValueError` callers keep working.
    with pytest.raises(ValueError):
        _core.rsa_encrypt("garbage", "x")


def test_rsa_bad_argument_types(keys):
    pem = _pem(keys[1024], "spki")
    with pytest.raises(TypeError):
        _core.rsa_encrypt(None, "x")
    with pytest.raises(TypeError):
        _core.rsa_encrypt(pem, 12)
    with pytest.raises(TypeError):
        _core.rsa_encrypt(pem)
    with pytest.raises(TypeError):
        _core.rsa_encrypt(pem, "x", "y")
    with pytest.raises(TypeError):
        _core.rsa_encrypt(pem, plaintext="x", bogus=1)
    with pytest.raises(UnicodeEncodeError):
        _core.rsa_encrypt(pem, "\udc80")                         # lone surrogate
    assert _core.rsa_encrypt(public_key=pem, plaintext="kw")


def test_rsa_str_subclass_key(keys):
    class S(str):
        pass

    priv = keys[1024]
    out = _core.rsa_encrypt(S(_pem(priv, "spki")), "sub")
    assert priv.decrypt(base64.b64decode(out), PKCS1) == b"sub"


def test_public_key_object(keys):
    priv = keys[2048]
    for text in (_pem(priv, "spki"), _pem(priv, "pkcs1").encode(), _jwk(priv)):
        key = _core.PublicKey(text)
        assert key.bits == 2048 and key.alg is None
        assert "2048" in repr(key)
        for _ in range(3):
            out = _core.rsa_encrypt(key, "a")
            assert priv.decrypt(base64.b64decode(out), PKCS1) == b"a"
    assert _core.PublicKey(dict(_jwk(priv), alg="RS256")).alg == "RS256"
    assert _core.PublicKey(key=_pem(priv, "spki")).bits == 2048
    with pytest.raises(TypeError):
        _core.PublicKey(5)
    with pytest.raises(TypeError):
        _core.PublicKey()
    with pytest.raises(TypeError):
        _core.rsa_encrypt(_jwk(priv), "x")             # a JWK only through PublicKey
    with pytest.raises(_core.CryptoError, match="missing 'n'"):
        _core.PublicKey({"kty": "RSA", "e": "AQAB"})
    with pytest.raises(_core.CryptoError):
        _core.PublicKey("not a pem")
    with pytest.raises(AttributeError):
        key.bits = 1                                    # immutable


def test_sdk_keeps_parsed_keys_and_not_failures(keys):
    """approw.v2.common.keys: the same PEM/JWK gives the same PublicKey; a bad key is not kept."""
    from approw.v2.common import keys as kept

    priv = keys[1024]
    pem = _pem(priv, "spki")
    assert kept.public_key(pem) is kept.public_key(pem)
    assert kept.public_key(_jwk(priv)) is kept.public_key(dict(_jwk(priv)))
    assert kept.public_key(_jwk(priv)) is not kept.public_key(dict(_jwk(priv), alg="RS256"))
    key = kept.public_key(pem)
    assert kept.public_key(key) is key
    before = kept._from_pem.cache_info().currsize
    for _ in range(2):
        with pytest.raises(_core.CryptoError):
            kept.public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    assert kept._from_pem.cache_info().currsize == before
    with pytest.raises(_core.CryptoError):
        kept.public_key({"kty": "RSA", "n": ["x"], "e": "AQAB"})    # unhashable: not kept
    with pytest.raises(TypeError):
        kept.public_key(None)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.skipif(
    "asan" in os.environ.get("LD_PRELOAD", "")
    and "quarantine_size_mb=0" not in os.environ.get("ASAN_OPTIONS", ""),
    reason="RSS is meaningless with the ASan quarantine")
def test_sdk_key_cache_is_bounded(keys):
    """Thousands of distinct PEMs through the SDK's key cache: memory must not grow
    with their number."""
    from approw.v2.common.keys import public_key

    pem = _pem(keys[2048], "spki")
    for i in range(300):                                         # warm-up
        _core.rsa_encrypt(public_key(f"warm {i}\n" + pem), "x")
    before = _rss_bytes()
    for i in range(4000):
        _core.rsa_encrypt(public_key(f"key number {i}\n" + pem), "x")
    growth = _rss_bytes() - before
    # Unbounded, 4000 parsed 2048-bit keys with contexts are > 20 MB.
    assert growth < 4 * 1024 * 1024, growth
