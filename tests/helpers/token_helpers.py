"""Tokens in the userpool, auth and sessions tests: sign in (``LOGIN``, used by the ``login``
fixture), decode a JWT, check it against the emulator's JWKS, ask ``/users/me`` whose it is."""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

LOGIN = "mutation($i: LoginByUsernameInput!) { loginByUsername(input: $i) { id token tokenExpiredAt } }"

def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parts(token: str):
    head, body, sig = token.split(".")
    return json.loads(b64d(head)), json.loads(b64d(body)), b64d(sig)


def verify_with_jwks(jwks: dict, token: str) -> dict:
    header, claims, signature = parts(token)
    (key,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    public = rsa.RSAPublicNumbers(int.from_bytes(b64d(key["e"]), "big"), int.from_bytes(b64d(key["n"]), "big"))
    public.public_key().verify(signature, token.rsplit(".", 1)[0].encode(), padding.PKCS1v15(), hashes.SHA256())
    return claims


def me(emu, token: str):
    with emu.client() as c:
        status, body = c.get("/api/v2/users/me", token=token)
    assert status == 200
    return body
