"""Leak loops for approw._core crypto: 100,000 calls per entry point, success
and error paths mixed, resident set size stable (/proc/self/statm).

Slow (tens of seconds); run with `pytest -m slow tests/c/test_crypto_leaks.py`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

import pytest
from leakcheck import N, assert_stable

from approw import _core

pytestmark = pytest.mark.slow

cryptography = pytest.importorskip("cryptography")
jwt = pytest.importorskip("jwt")

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402

from approw.v2.common.constants import DEFAULT_ENCRYPT_PUBLICKEY  # noqa: E402 (API.md 1.3)

NOW = 1_700_000_000
SECRET = "leak-test-shared-secret-32-bytes"


def _b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _run(cases, calls: int = N) -> None:
    """Call the cases round-robin, `calls` times in all, RSS checked (leakcheck)."""
    it = iter(range(1 << 62))

    def call() -> None:
        i = next(it) % len(cases)
        fn, exc = cases[i]
        if exc is None:
            fn()
            return
        try:
            fn()
        except exc:
            pass
        else:
            raise AssertionError(f"case {i} did not raise {exc}")

    assert_stable(call, calls)


@pytest.fixture(scope="module")
def material():
    priv = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    big = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    pub = priv.public_key()
    nums = pub.public_numbers()

    def b64i(v: int) -> str:
        return _b64u(v.to_bytes((v.bit_length() + 7) // 8, "big"))

    m = {
        "priv": priv,
        "pem": pub.public_bytes(serialization.Encoding.PEM,
                                serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        "pkcs1": pub.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.PKCS1),
        "big_pem": big.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        "big": big,
        "jwk": {"kty": "RSA", "n": b64i(nums.n), "e": b64i(nums.e)},
        "ec_pem": ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
    }
    # Parsed once, as the SDK does (approw.v2.common.keys): the loops below measure the
    # operations; test_leak_public_key the parsing.
    m["key"] = _core.PublicKey(m["pem"])
    m["big_key"] = _core.PublicKey(m["big_pem"])
    m["jwk_key"] = _core.PublicKey(m["jwk"])
    m["default_key"] = _core.PublicKey(DEFAULT_ENCRYPT_PUBLICKEY)
    return m


def test_leak_rsa_encrypt(material):
    key, default = material["key"], material["default_key"]
    cases = [
        (lambda: _core.rsa_encrypt(default, "password-1"), None),
        (lambda: _core.rsa_encrypt(default, "pässwörd-ü"), None),
        (lambda: _core.rsa_encrypt(key, b"bytes password"), None),
        (lambda: _core.rsa_encrypt(key, bytearray(b"ba")), None),
        (lambda: _core.rsa_encrypt(material["big_key"], "GIL-free path"), None),
        (lambda: _core.rsa_encrypt(default, "x" * 118), _core.CryptoError),
        (lambda: _core.rsa_encrypt(key, 5), TypeError),
        (lambda: _core.rsa_encrypt(material["jwk"], "x"), TypeError),
        (lambda: _core.rsa_encrypt(None, "x"), TypeError),
        (lambda: _core.rsa_encrypt(key, "\udc80"), UnicodeEncodeError),
        (lambda: _core.rsa_encrypt(key), TypeError),
    ]
    _run(cases)


def test_leak_public_key(material):
    """Parsing (about 0.3 ms a key): PEM, PKCS#1, JWK, and keys that fail; 12,000 calls."""
    pem = material["pem"]
    counter = iter(range(10**9))
    cases = [
        (lambda: _core.PublicKey(f"k{next(counter) % 500}\n" + pem), None),
        (lambda: _core.PublicKey(material["pkcs1"]), None),
        (lambda: _core.PublicKey(dict(material["jwk"], alg="RS256")), None),
        (lambda: _core.rsa_encrypt(pem, "parsed for this call"), None),
        (lambda: _core.PublicKey(f"e{next(counter) % 300}\n" + material["ec_pem"]),
         _core.CryptoError),
        (lambda: _core.PublicKey("garbage"), _core.CryptoError),
        (lambda: _core.PublicKey(pem[:100]), _core.CryptoError),
        (lambda: _core.PublicKey({"kty": "RSA", "n": "!!", "e": "AQAB"}), _core.CryptoError),
        (lambda: _core.PublicKey({"kty": "RSA"}), _core.CryptoError),
        (lambda: _core.PublicKey(5), TypeError),
    ]
    _run(cases, calls=12_000)


def test_leak_base64url(material):
    data = os.urandom(3000)
    cases = [
        (lambda: _core.b64url_encode(data[:100]), None),
        (lambda: _core.b64url_encode("str"), None),
        (lambda: _core.b64url_encode(None), TypeError),
        (lambda: _core.b64url_decode("AQIDBA"), None),
        (lambda: _core.b64url_decode(b"AQIDBA=="), None),
        (lambda: _core.b64url_decode("A"), ValueError),
        (lambda: _core.b64url_decode("AB"), ValueError),
        (lambda: _core.b64url_decode("é"), ValueError),
        (lambda: _core.b64url_decode(3), TypeError),
    ]
    _run(cases)


def _raw(header, payload: str, key: str) -> str:
    h = header if isinstance(header, str) else json.dumps(header)
    si = _b64u(h.encode()) + "." + _b64u(payload.encode())
    return si + "." + _b64u(hmac.new(key.encode(), si.encode(), hashlib.sha256).digest())


def test_leak_jwt_verify(material):
    claims = {"sub": "u", "iat": NOW, "exp": NOW + 60, "aud": ["a", "b"], "iss": "i"}
    rs = jwt.encode(claims, material["priv"], algorithm="RS256")
    big = jwt.encode(claims, material["big"], algorithm="RS256")
    hs = jwt.encode(claims, SECRET, algorithm="HS256")
    h, p, s = rs.split(".")
    bad_sig = f"{h}.{p}.{_b64u(b'x' * 256)}"
    expired = jwt.encode(dict(claims, exp=NOW - 10), SECRET, algorithm="HS256")
    none_tok = _b64u(b'{"alg":"none"}') + "." + _b64u(json.dumps(claims).encode()) + "."
    confused = _raw({"alg": "HS256"}, json.dumps(claims), material["pem"])
    array_payload = _raw({"alg": "HS256"}, "[1,2,3]", SECRET)
    bad_json = _raw("{nope", json.dumps(claims), SECRET)
    bad_exp = _raw({"alg": "HS256"}, '{"exp": "x"}', SECRET)
    pem, key, jwk = material["pem"], material["key"], material["jwk_key"]
    v = _core.jwt_verify
    cases = [
        (lambda: v(rs, key, ["RS256"], now=NOW, audience="a", issuer="i"), None),
        (lambda: v(rs, jwk, ["RS256"], now=NOW, audience=["b"]), None),
        (lambda: v(big, material["big_key"], ["RS256"], now=NOW, audience="a"), None),
        (lambda: v(hs, SECRET, ["HS256"], now=NOW, audience="b", leeway=1.5), None),
        (lambda: v(hs.encode(), SECRET.encode(), ("HS256",), now=NOW, audience="a"), None),
        (lambda: v(bad_sig, key, ["RS256"], now=NOW), _core.JWTSignatureError),
        (lambda: v(hs, SECRET + "x", ["HS256"], now=NOW), _core.JWTSignatureError),
        (lambda: v(expired, SECRET, ["HS256"], now=NOW, audience="a"), _core.JWTExpiredError),
        (lambda: v(none_tok, key, ["RS256"], now=NOW), _core.JWTAlgorithmError),
        (lambda: v(confused, pem, ["HS256"], now=NOW), _core.JWTAlgorithmError),
        (lambda: v(rs, key, ["HS256"], now=NOW), _core.JWTAlgorithmError),
        (lambda: v(hs, key, ["HS256"], now=NOW), _core.JWTAlgorithmError),
        (lambda: v(rs, key, [], now=NOW), _core.JWTAlgorithmError),
        (lambda: v(array_payload, SECRET, ["HS256"], now=NOW), _core.JWTDecodeError),
        (lambda: v(bad_json, SECRET, ["HS256"], now=NOW), _core.JWTDecodeError),
        (lambda: v("a.b", SECRET, ["HS256"], now=NOW), _core.JWTDecodeError),
        (lambda: v("a!.b.c", SECRET, ["HS256"], now=NOW), _core.JWTDecodeError),
        (lambda: v(bad_exp, SECRET, ["HS256"], now=NOW), _core.JWTClaimsError),
        (lambda: v(hs, SECRET, ["HS256"], now=NOW, audience="zz"), _core.JWTClaimsError),
        (lambda: v(hs, SECRET, ["HS256"], now=NOW, audience="a", issuer="j"),
         _core.JWTClaimsError),
        (lambda: v(rs, {"kty": "RSA", "n": "!!", "e": "AQAB"}, ["RS256"], now=NOW),
         _core.CryptoError),
        (lambda: v(rs, {"kty": "oct"}, ["RS256"], now=NOW), _core.CryptoError),
        (lambda: v(rs, key, "RS256", now=NOW), TypeError),
        (lambda: v(rs, key, ["RS256"], leeway=-1), ValueError),
    ]
    _run(cases)
