"""Keys and cryptography owned by the emulator.

* ``KeyRing``: two RSA key pairs — one signs tokens (RS256, published as a JWKS), the
  other decrypts passwords (PKCS#1 v1.5, its public half is what SDK clients pass as
  ``enc_public_key``).  Keeping them apart means a signature key is never used to decrypt.
  The signing key can be rotated (:meth:`KeyRing.rotated`): the previous keys stay published
  and keep verifying the tokens they signed (``retired``), new tokens name the new ``kid``.
* JWT: compact RS256 signing and strict verification (algorithm pinned, ``kid`` checked,
  ``exp`` enforced) with the ``cryptography`` package only.
* Password hashing: PBKDF2-HMAC-SHA256 with a per-password salt.  The stored text names
  its own iteration count, so changing the cost option never invalidates stored hashes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import os
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .config import DEFAULT_HASH_ITERATIONS
from .errors import DECRYPTION_FAILED, ApprowError
from .jsonlimits import loads_limited

SIGNING_KEY_BITS = 2048
PASSWORD_KEY_BITS = 2048
_HASH_SCHEME = "pbkdf2_sha256"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c in text for c in "=+/ \n"):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_b64url(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _new_key(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def _load_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("stored key is not an RSA key")
    return key


def _public_jwk(key: rsa.RSAPrivateKey) -> Tuple[str, Dict[str, str]]:
    """``(kid, JWK)`` of a key's public half; the kid is the RFC 7638 thumbprint (SHA-256 over
    the required members in lexicographic order)."""
    numbers = key.public_key().public_numbers()
    jwk = {"e": _int_b64url(numbers.e), "kty": "RSA", "n": _int_b64url(numbers.n)}
    thumb = json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode("ascii")
    return b64url(hashlib.sha256(thumb).digest()), jwk


class KeyRing:
    """The signing key (with the retired ones that still verify) and the password key,
    loaded once and cached.  Immutable: rotation makes a new key ring."""

    def __init__(self, signing_pem: str, password_pem: str, retired: Sequence[str] = ()) -> None:
        self.signing_pem = signing_pem
        self.password_pem = password_pem
        self.retired_pems: Tuple[str, ...] = tuple(retired)
        self._signing = _load_key(signing_pem)
        self._password = _load_key(password_pem)
        self.kid, self.jwk = _public_jwk(self._signing)
        # kid -> (public key, JWK) of every key that verifies: the current one first.
        self._verifiers: Dict[str, Tuple[rsa.RSAPublicKey, Dict[str, str]]] = {
            self.kid: (self._signing.public_key(), self.jwk)
        }
        for pem in self.retired_pems:
            key = _load_key(pem)
            self._verifiers.setdefault(_public_jwk(key)[0], (key.public_key(), _public_jwk(key)[1]))
        self.public_key_pem = (
            self._password.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )

    @classmethod
    def generate(cls) -> "KeyRing":
        return cls(_key_pem(_new_key(SIGNING_KEY_BITS)), _key_pem(_new_key(PASSWORD_KEY_BITS)))

    def rotated(self, keep: int = 2) -> "KeyRing":
        """A key ring with a new signing key; the current one and up to ``keep - 1`` older ones
        are kept as retired keys (published and verifying, never signing)."""
        retired = ((self.signing_pem,) + self.retired_pems)[: max(0, keep)]
        return KeyRing(_key_pem(_new_key(SIGNING_KEY_BITS)), self.password_pem, retired)

    def jwks(self) -> Dict[str, Any]:
        return {"keys": [dict(jwk, alg="RS256", use="sig", kid=kid) for kid, (_, jwk) in self._verifiers.items()]}

    # --- JWT ---------------------------------------------------------------------------

    def sign(self, claims: Dict[str, Any]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = "%s.%s" % (
            b64url(json.dumps(header, separators=(",", ":")).encode("utf-8")),
            b64url(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode("utf-8")),
        )
        signature = self._signing.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)

    @staticmethod
    def sign_hs256(claims: Dict[str, Any], secret: str) -> str:
        """An HS256 token (an application configured so signs its ID tokens with its secret)."""
        header = {"alg": "HS256", "typ": "JWT"}
        signing_input = "%s.%s" % (
            b64url(json.dumps(header, separators=(",", ":")).encode("utf-8")),
            b64url(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode("utf-8")),
        )
        mac = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
        return signing_input + "." + b64url(mac)

    def verify(self, token: str, now: Optional[float] = None) -> Dict[str, Any]:
        """Claims of a token this key ring signed; :class:`TokenError` otherwise."""
        if not isinstance(token, str) or token.count(".") != 2 or len(token) > 16384:
            raise TokenError("malformed")
        head_b64, body_b64, sig_b64 = token.split(".")
        try:
            header = loads_limited(b64url_decode(head_b64).decode("utf-8"))
            signature = b64url_decode(sig_b64)
        except (ValueError, binascii.Error):
            raise TokenError("malformed") from None
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            raise TokenError("algorithm not accepted")
        verifier = self._verifiers.get(header.get("kid", self.kid))
        if verifier is None:
            raise TokenError("unknown key id")
        try:
            verifier[0].verify(
                signature, ("%s.%s" % (head_b64, body_b64)).encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            raise TokenError("bad signature") from None
        try:
            claims = loads_limited(b64url_decode(body_b64).decode("utf-8"))
        except (ValueError, binascii.Error):
            raise TokenError("malformed") from None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
            raise TokenError("malformed")
        if claims["exp"] <= (time.time() if now is None else now):
            raise TokenError("expired", claims)
        return claims

    # --- passwords in transit ------------------------------------------------------------

    def decrypt_password(self, ciphertext: Any) -> str:
        """Plain text of a password the SDK encrypted with :attr:`public_key_pem`."""
        if not isinstance(ciphertext, str):
            raise ApprowError(DECRYPTION_FAILED)
        try:
            raw = base64.b64decode(ciphertext.strip(), validate=True)
            plain = self._password.decrypt(raw, padding.PKCS1v15())
            return plain.decode("utf-8")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ApprowError(
                DECRYPTION_FAILED,
                "Client password decryption error: encrypt the password (RSA PKCS#1 v1.5, base64) "
                "with the emulator's public key (GET /api/v2/.well-known)",
            ) from None

    def encrypt_password(self, plain: str) -> str:
        """What an SDK sends for ``plain`` (used by tests and the pytest fixture)."""
        raw = self._password.public_key().encrypt(plain.encode("utf-8"), padding.PKCS1v15())
        return base64.b64encode(raw).decode("ascii")


class TokenError(Exception):
    """A token that must not be accepted; ``reason`` says why, ``claims`` is set when expired."""

    def __init__(self, reason: str, claims: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.claims = claims

    @property
    def expired(self) -> bool:
        return self.reason == "expired"


# --- password storage --------------------------------------------------------------------


_openssl_pbkdf2_hmac: Optional[Callable[..., bytes]]
try:
    from _hashlib import pbkdf2_hmac as _openssl_pbkdf2_hmac
except ImportError:  # a Python whose hashlib cannot load OpenSSL (3.12 dropped the fallback)
    _openssl_pbkdf2_hmac = None


def _pbkdf2_sha256(password: bytes, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA256: hashlib's (OpenSSL), else cryptography's."""
    if _openssl_pbkdf2_hmac is not None:
        return _openssl_pbkdf2_hmac("sha256", password, salt, iterations)
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    return PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(password)


@dataclass(frozen=True)
class PasswordHasher:
    iterations: int = DEFAULT_HASH_ITERATIONS

    def hash(self, password: str) -> str:
        salt = os.urandom(16)
        digest = _pbkdf2_sha256(password.encode("utf-8"), salt, self.iterations)
        return "%s$%d$%s$%s" % (_HASH_SCHEME, self.iterations, b64url(salt), b64url(digest))

    @staticmethod
    def verify(password: str, stored: Optional[str]) -> bool:
        if not stored:
            return False
        try:
            scheme, iterations, salt, digest = stored.split("$")
            if scheme != _HASH_SCHEME:
                return False
            expected = b64url_decode(digest)
            actual = _pbkdf2_sha256(password.encode("utf-8"), b64url_decode(salt), int(iterations))
        except (ValueError, binascii.Error):
            return False
        return hmac.compare_digest(actual, expected)


def random_secret(nbytes: int = 16) -> str:
    return os.urandom(nbytes).hex()


_OID_COUNTER = itertools.count(int.from_bytes(os.urandom(3), "big"))


def object_id() -> str:
    """A 24-hex id shaped like a MongoDB ObjectId: time, random, counter."""
    counter = next(_OID_COUNTER) & 0xFFFFFF  # itertools.count is atomic under the GIL
    return "%08x%s%06x" % (int(time.time()) & 0xFFFFFFFF, os.urandom(5).hex(), counter)
