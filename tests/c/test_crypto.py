"""approw._core crypto: RSA encryption, SHA-256, base64url, PKCE, random, JWT.

Independent oracles: `cryptography` decrypts what rsa_encrypt produced and
makes the keys; `hashlib`/`base64` check the hashing and encoding; PyJWT makes
the JWT test vectors.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import threading
import time
from collections import Counter

import pytest

from approw import _core

cryptography = pytest.importorskip("cryptography")
jwt = pytest.importorskip("jwt")

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: E402

# The SDK's DEFAULT_ENCRYPT_PUBLICKEY (its exact text is checked in tests/unit/test_options.py).
from approw.v2.common.constants import DEFAULT_ENCRYPT_PUBLICKEY  # noqa: E402

PKCS1 = padding.PKCS1v15()


def _pem(priv, fmt: str) -> str:
    f = {
        "spki": serialization.PublicFormat.SubjectPublicKeyInfo,
        "pkcs1": serialization.PublicFormat.PKCS1,
    }[fmt]
    return priv.public_key().public_bytes(serialization.Encoding.PEM, f).decode()


@pytest.fixture(scope="module")
def keys():
    """Fresh RSA keys: 1024 and 2048 (GIL-held path), 3072 (GIL-free path)."""
    return {bits: rsa.generate_private_key(public_exponent=65537, key_size=bits)
            for bits in (1024, 2048, 3072)}


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64u_int(v: int) -> str:
    return _b64u(v.to_bytes((v.bit_length() + 7) // 8, "big"))


def _jwk(priv) -> dict:
    nums = priv.public_key().public_numbers()
    return {"kty": "RSA", "n": _b64u_int(nums.n), "e": _b64u_int(nums.e)}


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
    # Failed key texts are cached as failures: the second call fails the same way.
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
    assert _core.rsa_encrypt(public_key_pem=pem, plaintext="kw")


def test_rsa_str_subclass_key(keys):
    class S(str):
        pass

    priv = keys[1024]
    out = _core.rsa_encrypt(S(_pem(priv, "spki")), "sub")
    assert priv.decrypt(base64.b64decode(out), PKCS1) == b"sub"


def test_rsa_key_cache_same_and_distinct(keys):
    priv = keys[1024]
    pem = _pem(priv, "spki")
    for _ in range(3):                                           # cached entry reused
        assert priv.decrypt(base64.b64decode(_core.rsa_encrypt(pem, "a")), PKCS1) == b"a"
    # More distinct PEM texts (comment lines before the block) than the cache
    # holds: every one still works after evictions.
    for i in range(200):
        variant = f"comment {i}\n" + pem
        assert priv.decrypt(base64.b64decode(_core.rsa_encrypt(variant, "b")), PKCS1) == b"b"
    assert priv.decrypt(base64.b64decode(_core.rsa_encrypt(pem, "c")), PKCS1) == b"c"


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.skipif(
    "asan" in os.environ.get("LD_PRELOAD", "")
    and "quarantine_size_mb=0" not in os.environ.get("ASAN_OPTIONS", ""),
    reason="RSS is meaningless with the ASan quarantine")
def test_rsa_key_cache_is_bounded(keys):
    """Thousands of distinct PEMs: memory must not grow with their number."""
    pem = _pem(keys[2048], "spki")
    for i in range(300):                                         # warm-up
        _core.rsa_encrypt(f"warm {i}\n" + pem, "x")
    before = _rss_bytes()
    for i in range(4000):
        _core.rsa_encrypt(f"key number {i}\n" + pem, "x")
    growth = _rss_bytes() - before
    # Unbounded, 4000 parsed 2048-bit keys with contexts are > 20 MB.
    assert growth < 4 * 1024 * 1024, growth


# --------------------------------------------------------------- SHA-256, base64url, PKCE

@pytest.mark.parametrize("n", [0, 1, 55, 56, 63, 64, 65, 1000, 2047, 2048, 100_000])
def test_sha256_matches_hashlib(n):
    data = bytes(range(256)) * (n // 256 + 1)
    data = data[:n]
    assert _core.sha256(data) == hashlib.sha256(data).digest()
    assert _core.sha256(bytearray(data)) == hashlib.sha256(data).digest()
    assert _core.sha256(memoryview(data)) == hashlib.sha256(data).digest()


def test_sha256_str_is_utf8():
    s = "héllo wörld ✓"
    assert _core.sha256(s) == hashlib.sha256(s.encode()).digest()
    with pytest.raises(TypeError):
        _core.sha256(123)
    with pytest.raises(TypeError):
        _core.sha256(None)


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


def test_pkce_rfc7636_appendix_b():
    # RFC 7636 Appendix B: code_verifier -> S256 code_challenge.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert _core.pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert _core.pkce_challenge(verifier.encode()) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_pkce_matches_hashlib():
    for v in ["a" * 43, _core.random_string(128), "x"]:
        expect = _b64u(hashlib.sha256(v.encode("ascii")).digest())
        assert _core.pkce_challenge(v) == expect
        assert len(_core.pkce_challenge(v)) == 43
    with pytest.raises(ValueError, match="ASCII"):
        _core.pkce_challenge("vérifier")
    with pytest.raises(ValueError, match="ASCII"):
        _core.pkce_challenge(b"\xff" * 43)
    with pytest.raises(TypeError):
        _core.pkce_challenge(None)


# --------------------------------------------------------------- random

def test_random_bytes():
    for n in (0, 1, 16, 2047, 2048, 70_000):
        b = _core.random_bytes(n)
        assert isinstance(b, bytes) and len(b) == n
    assert _core.random_bytes(32) != _core.random_bytes(32)
    # All byte values appear in 64 KiB (missing one: p ~ 256 * e^-256).
    assert len(set(_core.random_bytes(65536))) == 256
    with pytest.raises(ValueError):
        _core.random_bytes(-1)
    with pytest.raises(TypeError):
        _core.random_bytes(1.5)
    with pytest.raises(TypeError):
        _core.random_bytes("3")
    with pytest.raises(TypeError):
        _core.random_bytes(True)


def test_random_string_basic():
    s = _core.random_string(10)
    assert len(s) == 10 and set(s) <= set("abcdefghijklmnopqrstuvwxyz")
    assert _core.random_string(0) == ""
    assert _core.random_string(5, "x") == "xxxxx"
    assert set(_core.random_string(length=100, alphabet="01")) <= {"0", "1"}
    assert len(_core.random_string(50_000)) == 50_000            # GIL-free fill
    assert _core.random_string(20) != _core.random_string(20)


def test_random_string_non_ascii_alphabets_are_canonical():
    for alphabet in ["αβγ", "aé", "a€", "a😀", "😀😁", "é"]:
        s = _core.random_string(200, alphabet)
        assert len(s) == 200 and set(s) <= set(alphabet)
        # A str built by CPython itself from the same characters compares
        # equal only if ours has the canonical (narrowest) representation.
        assert s == "".join(list(s))
        assert hash(s) == hash("".join(list(s)))
    s = _core.random_string(64, "aé")
    assert s == "".join(list(s))


def test_random_string_bad_arguments():
    with pytest.raises(ValueError, match="empty"):
        _core.random_string(5, "")
    with pytest.raises(ValueError):
        _core.random_string(-1)
    with pytest.raises(TypeError):
        _core.random_string(5, b"abc")
    with pytest.raises(TypeError):
        _core.random_string(5, ["a", "b"])
    with pytest.raises(TypeError):
        _core.random_string("5")
    with pytest.raises(TypeError):
        _core.random_string(2.0)
    with pytest.raises(TypeError):
        _core.random_string()
    with pytest.raises(TypeError):
        _core.random_string(1, "a", "b")
    with pytest.raises(TypeError):
        _core.random_string(1, alphabet="a", length=2)


def _chi2(counts: Counter, alphabet: str, total: int) -> float:
    exp = total / len(alphabet)
    return sum((counts.get(ch, 0) - exp) ** 2 / exp for ch in alphabet)


def _chi2_limit(df: int) -> float:
    # Wilson-Hilferty upper quantile at z = 6 (p ~ 1e-9): never flaky, yet a
    # modulo bias (some symbols twice as likely) lands orders of magnitude above.
    z = 6.0
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


@pytest.mark.parametrize("alphabet", [
    "abcdefghijklmnopqrstuvwxyz",                 # 26: 256 % 26 != 0
    "".join(chr(0x100 + i) for i in range(200)),  # 200: modulo bias would be 2:1
    "".join(chr(0x4e00 + i) for i in range(300)),  # > 256: 32-bit draws
    "01",
])
def test_random_string_uniform(alphabet):
    total = 400 * len(alphabet)
    s = _core.random_string(total, alphabet)
    counts = Counter(s)
    assert set(counts) <= set(alphabet)
    df = len(alphabet) - 1
    assert _chi2(counts, alphabet, total) < _chi2_limit(df)


def test_random_string_first_symbols_not_favoured():
    # With alphabet size 200 a modulo mapping of bytes favours the first 56
    # symbols 2:1; with rejection sampling both groups get 56/200 and 144/200.
    alphabet = "".join(chr(0x100 + i) for i in range(200))
    total = 100_000
    s = _core.random_string(total, alphabet)
    first = sum(1 for ch in s if ord(ch) - 0x100 < 56)
    p = 56 / 200
    sd = math.sqrt(total * p * (1 - p))
    assert abs(first - total * p) < 6 * sd


# --------------------------------------------------------------- JWT helpers

NOW = 1_700_000_000


def _claims(**extra) -> dict:
    c = {"sub": "user-1", "iat": NOW, "exp": NOW + 600, "name": "Ann"}
    c.update(extra)
    return {k: v for k, v in c.items() if v is not None}


@pytest.fixture(scope="module")
def rs(keys):
    priv = keys[2048]
    return {"priv": priv, "pem": _pem(priv, "spki"), "pkcs1": _pem(priv, "pkcs1"),
            "jwk": _jwk(priv)}


SECRET = "a-shared-secret-of-some-length!!"


def _raw_token(header: dict | list | str, payload, key, alg: str) -> str:
    """Sign arbitrary header/payload JSON text (PyJWT only signs objects)."""
    h = header if isinstance(header, str) else json.dumps(header)
    p = payload if isinstance(payload, str) else json.dumps(payload)
    signing_input = _b64u(h.encode()) + "." + _b64u(p.encode())
    if alg == "HS256":
        sig = hmac.new(key if isinstance(key, bytes) else key.encode(),
                       signing_input.encode(), hashlib.sha256).digest()
    elif alg == "RS256":
        from cryptography.hazmat.primitives import hashes
        sig = key.sign(signing_input.encode(), PKCS1, hashes.SHA256())
    else:
        sig = b""
    return signing_input + "." + _b64u(sig)


def _verify(token, key, algs=("RS256",), **kw):
    kw.setdefault("now", NOW)
    return _core.jwt_verify(token, key, list(algs), **kw)


# --------------------------------------------------------------- JWT: good tokens

def test_jwt_rs256_pem_and_jwk(rs):
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    for key in (rs["pem"], rs["pem"].encode(), rs["pkcs1"], rs["jwk"]):
        assert _verify(token, key) == _claims()
    assert _verify(token.encode(), rs["pem"]) == _claims()
    assert _verify(token, rs["pem"], ("HS256", "RS256")) == _claims()
    assert _verify(token, dict(rs["jwk"], alg="RS256", use="sig", kid="k1")) == _claims()


def test_jwt_hs256(rs):
    token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    assert _verify(token, SECRET, ("HS256",)) == _claims()
    assert _verify(token, SECRET.encode(), ("HS256",)) == _claims()
    token2 = jwt.encode(_claims(), b"\x00\xffbinary-secret" * 3, algorithm="HS256")
    assert _verify(token2, b"\x00\xffbinary-secret" * 3, ("HS256",)) == _claims()


def test_jwt_returns_all_claim_types(rs):
    claims = _claims(roles=["a", "b"], nested={"x": 1.5, "y": None, "z": True}, n=2**70)
    token = jwt.encode(claims, rs["priv"], algorithm="RS256", headers={"kid": "k"})
    assert _verify(token, rs["jwk"]) == claims


def test_jwt_default_now_is_wall_clock(rs):
    t = int(time.time())
    ok = jwt.encode({"exp": t + 60, "nbf": t - 60}, SECRET, algorithm="HS256")
    assert _core.jwt_verify(ok, SECRET, ["HS256"]) == {"exp": t + 60, "nbf": t - 60}
    old = jwt.encode({"exp": t - 60}, SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTExpiredError):
        _core.jwt_verify(old, SECRET, ["HS256"])


# --------------------------------------------------------------- JWT: signature

def _tamper_payload(token: str, **change) -> str:
    h, p, s = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    claims.update(change)
    return ".".join([h, _b64u(json.dumps(claims).encode()), s])


def _tamper_sig(token: str) -> str:
    h, p, s = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    raw[len(raw) // 2] ^= 0x01
    return ".".join([h, p, _b64u(bytes(raw))])


def test_jwt_tampered(rs, keys):
    rs_token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    hs_token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    for token, key, algs in ((rs_token, rs["pem"], ("RS256",)), (rs_token, rs["jwk"], ("RS256",)),
                             (hs_token, SECRET, ("HS256",))):
        with pytest.raises(_core.JWTSignatureError):
            _verify(_tamper_payload(token, sub="admin"), key, algs)
        with pytest.raises(_core.JWTSignatureError):
            _verify(_tamper_sig(token), key, algs)
        h, p, s = token.split(".")
        short = _b64u(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))[:-3])
        with pytest.raises(_core.JWTSignatureError):
            _verify(f"{h}.{p}.{short}", key, algs)                  # truncated signature
        with pytest.raises(_core.JWTSignatureError):
            _verify(f"{h}.{p}.", key, algs)                         # empty signature


def test_jwt_wrong_key(rs, keys):
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.JWTSignatureError):
        _verify(token, _pem(keys[1024], "spki"))
    with pytest.raises(_core.JWTSignatureError):
        _verify(token, _jwk(keys[3072]))
    hs = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTSignatureError):
        _verify(hs, SECRET + "x", ("HS256",))


def test_jwt_large_key_path(keys):
    """3072-bit keys verify on a duplicated context without the GIL."""
    priv = keys[3072]
    token = jwt.encode(_claims(), priv, algorithm="RS256")
    assert _verify(token, _pem(priv, "spki")) == _claims()
    with pytest.raises(_core.JWTSignatureError):
        _verify(_tamper_sig(token), _pem(priv, "spki"))


# --------------------------------------------------------------- JWT: algorithm rules

def test_jwt_alg_none_refused(rs):
    token = _raw_token({"alg": "none", "typ": "JWT"}, _claims(), None, "none")
    assert token.endswith(".")
    for algs in (("RS256",), ("HS256",), ("RS256", "HS256")):
        with pytest.raises(_core.JWTAlgorithmError, match="never accepted"):
            _verify(token, rs["pem"], algs)
        with pytest.raises(_core.JWTAlgorithmError):
            _verify(token, SECRET, algs)
    with pytest.raises(_core.JWTAlgorithmError, match="unsupported algorithm 'none'"):
        _verify(token, SECRET, ("none",))


def test_jwt_rs_hs_confusion_refused(rs):
    """An HS256 token MACed with the RSA public key PEM as the secret."""
    for pem in (rs["pem"], rs["pkcs1"]):
        forged = _raw_token({"alg": "HS256", "typ": "JWT"}, _claims(sub="admin"), pem, "HS256")
        for algs in (("HS256",), ("RS256", "HS256")):
            with pytest.raises(_core.JWTAlgorithmError, match="confusion"):
                _verify(forged, pem, algs)
            with pytest.raises(_core.JWTAlgorithmError):
                _verify(forged, pem.encode(), algs)
        with pytest.raises(_core.JWTAlgorithmError, match="not in algorithms"):
            _verify(forged, pem, ("RS256",))
    # A JWK serialised as JSON text, or an OpenSSH key, is not a secret either.
    for text in (json.dumps(rs["jwk"]), "ssh-rsa AAAAB3NzaC1yc2E user@host"):
        forged = _raw_token({"alg": "HS256"}, _claims(), text, "HS256")
        with pytest.raises(_core.JWTAlgorithmError):
            _verify(forged, text, ("HS256",))
    # HS256 with a JWK mapping as the key.
    hs = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTAlgorithmError):
        _verify(hs, rs["jwk"], ("HS256",))


def test_jwt_alg_must_be_allowed_and_fit_key(rs):
    rs_token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.JWTAlgorithmError, match="not in algorithms"):
        _verify(rs_token, rs["pem"], ("HS256",))
    with pytest.raises(_core.JWTAlgorithmError, match="shared secret"):
        _verify(rs_token, SECRET, ("RS256",))
    with pytest.raises(_core.JWTAlgorithmError, match="JWK is for"):
        _verify(rs_token, dict(rs["jwk"], alg="HS256"))
    rs512 = jwt.encode(_claims(), rs["priv"], algorithm="RS512")
    with pytest.raises(_core.JWTAlgorithmError, match="not supported"):
        _verify(rs512, rs["pem"])


def test_jwt_algorithms_argument(rs):
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.JWTAlgorithmError, match="empty"):
        _verify(token, rs["pem"], ())
    with pytest.raises(_core.JWTAlgorithmError, match="unsupported"):
        _verify(token, rs["pem"], ("RS256", "ES256"))
    with pytest.raises(TypeError):
        _core.jwt_verify(token, rs["pem"], "RS256", now=NOW)
    with pytest.raises(TypeError):
        _core.jwt_verify(token, rs["pem"], [256], now=NOW)
    with pytest.raises(TypeError):
        _core.jwt_verify(token, rs["pem"], None, now=NOW)
    assert _core.jwt_verify(token, rs["pem"], ("RS256",), now=NOW) == _claims()
    assert _core.jwt_verify(token, rs["pem"], {"RS256"}, now=NOW) == _claims()
    assert _core.jwt_verify(token=token, key=rs["pem"], algorithms=["RS256"], now=NOW) == _claims()


def test_jwt_bad_keys(rs):
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.CryptoError, match="kty"):
        _verify(token, {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"})
    with pytest.raises(_core.CryptoError, match="missing 'n'"):
        _verify(token, {"kty": "RSA", "e": "AQAB"})
    with pytest.raises(_core.CryptoError, match="not base64url"):
        _verify(token, {"kty": "RSA", "n": "!!!!", "e": "AQAB"})
    with pytest.raises(_core.CryptoError):
        _verify(token, {"kty": "RSA", "n": rs["jwk"]["n"], "e": "AQ"})      # e = 1
    with pytest.raises(_core.CryptoError):
        _verify(token, {"kty": "RSA", "n": rs["jwk"]["n"], "e": 65537})     # not a str
    with pytest.raises(_core.CryptoError):
        _verify(token, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(TypeError):
        _verify(token, 12345)
    n = rs["jwk"]["n"]
    with pytest.raises(_core.CryptoError, match="odd"):
        _verify(token, {"kty": "RSA", "n": n, "e": _b64u_int(65536)})
    with pytest.raises(_core.CryptoError, match="odd"):
        _verify(token, {"kty": "RSA", "n": n, "e": n})                     # e >= n
    with pytest.raises(_core.CryptoError, match="out of range"):
        _verify(token, {"kty": "RSA", "n": _b64u_int((1 << 300) + 1), "e": "AQAB"})
    big_n = _b64u_int((1 << 4095) | int.from_bytes(os.urandom(511), "big") | 1)
    with pytest.raises(_core.CryptoError, match="exponent too large"):
        _verify(token, {"kty": "RSA", "n": big_n, "e": _b64u_int((1 << 65) + 1)})
    with pytest.raises(_core.JWTSignatureError):                           # loads; wrong key
        _verify(token, {"kty": "RSA", "n": big_n, "e": "AQAB"})
    hs = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(_core.CryptoError, match="empty"):
        _verify(hs, "", ("HS256",))


# --------------------------------------------------------------- JWT: claims

def test_jwt_expiry(rs):
    token = jwt.encode(_claims(exp=NOW - 100), SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTExpiredError):
        _verify(token, SECRET, ("HS256",))
    assert _verify(token, SECRET, ("HS256",), leeway=100)["exp"] == NOW - 100    # within leeway
    assert _verify(token, SECRET, ("HS256",), leeway=150.5)["exp"] == NOW - 100
    with pytest.raises(_core.JWTExpiredError):
        _verify(token, SECRET, ("HS256",), leeway=99)
    edge = jwt.encode(_claims(exp=NOW), SECRET, algorithm="HS256")
    assert _verify(edge, SECRET, ("HS256",))["exp"] == NOW                        # now == exp
    with pytest.raises(_core.JWTExpiredError):
        _verify(edge, SECRET, ("HS256",), now=NOW + 0.001)
    # Signature problems are reported before claims.
    with pytest.raises(_core.JWTSignatureError):
        _verify(_tamper_sig(token), SECRET, ("HS256",))


def test_jwt_not_before(rs):
    token = jwt.encode(_claims(nbf=NOW + 100), rs["priv"], algorithm="RS256")
    with pytest.raises(_core.JWTNotYetValidError):
        _verify(token, rs["pem"])
    assert _verify(token, rs["pem"], leeway=100)["nbf"] == NOW + 100
    assert _verify(token, rs["pem"], now=NOW + 100)["nbf"] == NOW + 100


def test_jwt_malformed_time_claims():
    for claim, value in (("exp", "soon"), ("exp", True), ("nbf", [1]), ("iat", "yesterday"),
                         ("exp", None), ("iat", {"t": 1})):
        payload = {"sub": "x", claim: value}
        token = _raw_token({"alg": "HS256"}, payload, SECRET, "HS256")
        with pytest.raises(_core.JWTClaimsError, match=claim):
            _verify(token, SECRET, ("HS256",))
    ok = _raw_token({"alg": "HS256"}, {"exp": NOW + 0.5, "iat": 1.5, "nbf": 10**30 * -1},
                    SECRET, "HS256")
    assert _verify(ok, SECRET, ("HS256",))["iat"] == 1.5
    huge = _raw_token({"alg": "HS256"}, {"exp": 10**40}, SECRET, "HS256")
    assert _verify(huge, SECRET, ("HS256",))["exp"] == 10**40
    far = _raw_token({"alg": "HS256"}, {"nbf": 10**40}, SECRET, "HS256")
    with pytest.raises(_core.JWTNotYetValidError):
        _verify(far, SECRET, ("HS256",))


def test_jwt_audience(rs):
    one = jwt.encode(_claims(aud="app1"), SECRET, algorithm="HS256")
    many = jwt.encode(_claims(aud=["app0", "app1"]), SECRET, algorithm="HS256")
    none = jwt.encode(_claims(), SECRET, algorithm="HS256")
    for token in (one, many):
        assert _verify(token, SECRET, ("HS256",), audience="app1")
        assert _verify(token, SECRET, ("HS256",), audience=["x", "app1"])
        assert _verify(token, SECRET, ("HS256",), audience=("app1",))
        with pytest.raises(_core.JWTClaimsError, match="does not match"):
            _verify(token, SECRET, ("HS256",), audience="other")
        with pytest.raises(_core.JWTClaimsError, match="does not match"):
            _verify(token, SECRET, ("HS256",), audience=["other", "app"])
        # RFC 7519 4.1.3: aud present but the caller did not say who it is.
        with pytest.raises(_core.JWTClaimsError, match="no audience was given"):
            _verify(token, SECRET, ("HS256",))
    with pytest.raises(_core.JWTClaimsError, match="no 'aud'"):
        _verify(none, SECRET, ("HS256",), audience="app1")
    bad = _raw_token({"alg": "HS256"}, {"aud": 5}, SECRET, "HS256")
    with pytest.raises(_core.JWTClaimsError, match="aud"):
        _verify(bad, SECRET, ("HS256",), audience="app1")
    bad = _raw_token({"alg": "HS256"}, {"aud": ["ok", 5]}, SECRET, "HS256")
    with pytest.raises(_core.JWTClaimsError, match="aud"):
        _verify(bad, SECRET, ("HS256",), audience="ok")
    with pytest.raises(ValueError):
        _verify(one, SECRET, ("HS256",), audience=[])
    with pytest.raises(TypeError):
        _verify(one, SECRET, ("HS256",), audience=5)
    with pytest.raises(TypeError):
        _verify(one, SECRET, ("HS256",), audience=["app1", 5])


def test_jwt_issuer(rs):
    token = jwt.encode(_claims(iss="https://idp.example"), SECRET, algorithm="HS256")
    assert _verify(token, SECRET, ("HS256",), issuer="https://idp.example")
    assert _verify(token, SECRET, ("HS256",))                 # not checked when not asked
    with pytest.raises(_core.JWTClaimsError, match="issuer"):
        _verify(token, SECRET, ("HS256",), issuer="https://evil.example")
    no_iss = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(_core.JWTClaimsError, match="no 'iss'"):
        _verify(no_iss, SECRET, ("HS256",), issuer="https://idp.example")
    bad = _raw_token({"alg": "HS256"}, {"iss": 7}, SECRET, "HS256")
    with pytest.raises(_core.JWTClaimsError, match="iss"):
        _verify(bad, SECRET, ("HS256",), issuer="7")
    with pytest.raises(TypeError):
        _verify(token, SECRET, ("HS256",), issuer=b"https://idp.example")


def test_jwt_option_arguments():
    token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    with pytest.raises(ValueError):
        _verify(token, SECRET, ("HS256",), leeway=-1)
    with pytest.raises(ValueError):
        _verify(token, SECRET, ("HS256",), leeway=float("nan"))
    with pytest.raises(TypeError):
        _verify(token, SECRET, ("HS256",), leeway="5")
    with pytest.raises(TypeError):
        _verify(token, SECRET, ("HS256",), now="now")
    with pytest.raises(ValueError):
        _verify(token, SECRET, ("HS256",), now=float("inf"))
    with pytest.raises(TypeError):
        _core.jwt_verify(token, SECRET, ["HS256"], 0)           # options are keyword-only
    with pytest.raises(TypeError):
        _core.jwt_verify(token, SECRET, ["HS256"], bogus=1)
    with pytest.raises(TypeError):
        _core.jwt_verify(token, SECRET)
    fresh = jwt.encode({"exp": int(time.time()) + 600}, SECRET, algorithm="HS256")
    assert _core.jwt_verify(fresh, SECRET, ["HS256"], now=None, audience=None, issuer=None,
                            leeway=0)["exp"] > time.time()


# --------------------------------------------------------------- JWT: malformed

def test_jwt_malformed_structure(rs):
    good = jwt.encode(_claims(), SECRET, algorithm="HS256")
    h, p, s = good.split(".")
    cases = [
        f"{h}.{p}",                        # 2 parts
        f"{h}.{p}.{s}.{s}",                # 4 parts
        "",                                # empty
        "..",                              # empty parts
        f".{p}.{s}",
        f"{h}..{s}",
        f"{h}!.{p}.{s}",                   # bad base64 in header
        f"{h}.{p}*.{s}",                   # bad base64 in payload
        f"{h}.{p}.{s}+",                   # bad base64 in signature
        f"{h}.{p}x.{s}",                   # impossible base64 length
        "ünïcode." + p + "." + s,
    ]
    for token in cases:
        with pytest.raises(_core.JWTDecodeError):
            _verify(token, SECRET, ("HS256",))
    with pytest.raises(TypeError):
        _verify(12, SECRET, ("HS256",))


def test_jwt_header_and_payload_must_be_json_objects(rs):
    cases = [
        ("not json", _claims()),
        (["HS256"], _claims()),
        ({"alg": "HS256"}, "[1, 2, 3]"),
        ({"alg": "HS256"}, '"just a string"'),
        ({"alg": "HS256"}, "{bad json"),
        ({"alg": "HS256"}, "123"),
    ]
    for header, payload in cases:
        token = _raw_token(header, payload, SECRET, "HS256")
        with pytest.raises(_core.JWTDecodeError):
            _verify(token, SECRET, ("HS256",))
    # The JSON failure is chained.
    token = _raw_token("{nope", _claims(), SECRET, "HS256")
    with pytest.raises(_core.JWTDecodeError) as ei:
        _verify(token, SECRET, ("HS256",))
    assert isinstance(ei.value.__cause__, ValueError)
    # No alg, alg not a string, unsupported crit extension.
    for header in ({"typ": "JWT"}, {"alg": 256}, {"alg": "HS256", "crit": ["b64"], "b64": False}):
        token = _raw_token(header, _claims(), SECRET, "HS256")
        with pytest.raises(_core.JWTDecodeError):
            _verify(token, SECRET, ("HS256",))


# --------------------------------------------------------------- threads

def test_concurrent_encrypt_and_verify(keys, rs):
    """4 threads encrypting (GIL-held 1024, GIL-free 3072) and verifying at once."""
    pem_small = _pem(keys[1024], "spki")
    pem_big = _pem(keys[3072], "pkcs1")
    rs_token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    big_token = jwt.encode(_claims(), keys[3072], algorithm="RS256")
    hs_token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    errors: list = []
    results: list = []
    barrier = threading.Barrier(4)

    def worker(idx: int) -> None:
        try:
            barrier.wait()
            for i in range(60):
                msg = f"t{idx}-{i}"
                results.append((1024, msg, _core.rsa_encrypt(pem_small, msg)))
                if i % 4 == 0:
                    results.append((3072, msg, _core.rsa_encrypt(pem_big, msg)))
                assert _verify(rs_token, rs["jwk"] if i % 2 else rs["pem"]) == _claims()
                assert _verify(hs_token, SECRET, ("HS256",)) == _claims()
                if i % 4 == 1:
                    assert _verify(big_token, pem_big) == _claims()
                    with pytest.raises(_core.JWTSignatureError):
                        _verify(_tamper_sig(rs_token), rs["pem"])
        except BaseException as e:     # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 4 * (60 + 15)
    for bits, msg, ct in results:
        assert keys[bits].decrypt(base64.b64decode(ct), PKCS1) == msg.encode()


# --------------------------------------------------------------- limits

def _weak_pem(bits: int) -> tuple[str, dict]:
    """A public key of `bits` bits (an odd modulus; never used to sign)."""
    n = (1 << (bits - 1)) | (int.from_bytes(os.urandom(bits // 8), "big") % (1 << (bits - 1))) | 1
    pub = rsa.RSAPublicNumbers(65537, n).public_key()
    pem = pub.public_bytes(serialization.Encoding.PEM,
                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem, {"kty": "RSA", "n": _b64u_int(n), "e": "AQAB"}


@pytest.mark.parametrize("bits", [512, 768, 1016])
def test_rsa_keys_under_1024_bits_are_refused(rs, bits):
    assert _core.RSA_MIN_BITS == 1024
    pem, jwk = _weak_pem(bits)
    with pytest.raises(_core.CryptoError, match="out of range"):
        _core.rsa_encrypt(pem, "passw0rd")
    token = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    for key in (pem, jwk):
        with pytest.raises(_core.CryptoError, match="out of range"):
            _verify(token, key)


def test_jwt_size_cap(rs):
    assert _core.JWT_MAX_BYTES == 16 * 1024
    big = jwt.encode(_claims(pad="x" * 20_000), rs["priv"], algorithm="RS256")
    for token in (big, big.encode()):
        with pytest.raises(_core.JWTDecodeError, match="larger than max_bytes"):
            _verify(token, rs["pem"])
    assert _verify(big, rs["pem"], max_bytes=len(big))["pad"] == "x" * 20_000
    small = jwt.encode(_claims(), rs["priv"], algorithm="RS256")
    assert _verify(small, rs["pem"], max_bytes=len(small)) == _claims()
    with pytest.raises(_core.JWTDecodeError, match="larger than max_bytes"):
        _verify(small, rs["pem"], max_bytes=len(small) - 1)
    # the cap is checked before anything is decoded: even garbage gets the size error
    with pytest.raises(_core.JWTDecodeError, match="larger than max_bytes"):
        _verify("!" * (_core.JWT_MAX_BYTES + 1), rs["pem"])
    for bad in (0, -1):
        with pytest.raises(ValueError):
            _verify(small, rs["pem"], max_bytes=bad)
    with pytest.raises(TypeError):
        _verify(small, rs["pem"], max_bytes="10")
