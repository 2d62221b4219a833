"""Random strings and the PKCE S256 challenge, from the standard library.

These run once per sign-in flow (a ``state``, a ``nonce``, a code verifier and its
challenge), far from any hot path, so they use ``secrets`` and ``hashlib`` rather than C.
Both modules are imported on first use: importing the SDK does not load them.
"""
__all__ = ["random_string", "pkce_s256"]

_LOWERCASE = "abcdefghijklmnopqrstuvwxyz"


def random_string(length: int, alphabet: str = _LOWERCASE) -> str:
    """``length`` characters of ``alphabet`` drawn uniformly from the OS CSPRNG."""
    import secrets

    return "".join([secrets.choice(alphabet) for _ in range(length)])


def pkce_s256(verifier: str) -> str:
    """RFC 7636 S256: base64url(SHA-256(ASCII(verifier))) without padding."""
    import base64
    import hashlib

    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
