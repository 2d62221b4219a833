"""The RSA public keys the SDK reuses, parsed once: the password-encryption key of a user
pool (a PEM) and the signing keys of a JWKS (JWK mappings).

``approw._core.PublicKey`` is the parsed key; the cache policy lives here: the most recently
used 64 of each kind are kept (``functools.lru_cache``), and a key that fails to load is not
kept (each use raises its ``CryptoError`` again, so a fixed key file starts working at once).
"""
from functools import lru_cache
from typing import Any, Mapping, Optional, Tuple, Union

from approw import _core

__all__ = ["public_key", "encrypt"]

_KEPT = 64


@lru_cache(maxsize=_KEPT)
def _from_pem(pem: Union[str, bytes]) -> "_core.PublicKey":
    return _core.PublicKey(pem)


@lru_cache(maxsize=_KEPT)
def _from_jwk(fields: Tuple[Any, Any, Any, Optional[Any]]) -> "_core.PublicKey":
    kty, n, e, alg = fields
    jwk = {"kty": kty, "n": n, "e": e}
    if alg is not None:
        jwk["alg"] = alg
    return _core.PublicKey(jwk)


def public_key(key: Union[str, bytes, Mapping[str, Any], "_core.PublicKey"]) -> "_core.PublicKey":
    """``key`` (a PEM str/bytes, a JWK mapping or a ``PublicKey``) as a parsed ``PublicKey``.
    ``CryptoError`` when it is not a usable RSA public key, ``TypeError`` for other types."""
    kind = type(key)
    if kind is str or kind is bytes:
        return _from_pem(key)
    if isinstance(key, Mapping) and all(name in key for name in ("kty", "n", "e")):
        fields = (key["kty"], key["n"], key["e"], key.get("alg"))
        try:
            hash(fields)
        except TypeError:
            return _core.PublicKey(key)      # raises: n, e and kty are str in a usable JWK
        return _from_jwk(fields)
    return key if isinstance(key, _core.PublicKey) else _core.PublicKey(key)


def encrypt(plainText: str, publicKey: Any) -> str:  # noqa: N803 (reference names)
    """RSA PKCS#1 v1.5 encryption with the PEM ``publicKey``, standard base64 text (random
    padding: every call gives a different result).  Runs in C; parsed keys are kept (see
    :func:`public_key`).  The reference SDK's ``approw.v2.common.utils.encrypt``."""
    return _core.rsa_encrypt(public_key(publicKey), plainText)
