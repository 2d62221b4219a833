"""Keys and token helpers of the crypto tests (test_rsa.py, test_jwt.py, test_base64url.py):
RSA keys made by `cryptography`, tokens signed by PyJWT or by hand."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

cryptography = pytest.importorskip("cryptography")

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402

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
