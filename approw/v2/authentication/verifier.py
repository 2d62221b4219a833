"""Verify ID tokens and access tokens locally: no request per call.

    from approw.v2.authentication import TokenVerifier

    verifier = TokenVerifier(issuer="https://YOUR_APP.approw.com/oidc", audience="APP_ID")
    claims = verifier.verify(token)          # ApprowTokenError when it must be refused

One verifier per process is enough (it is thread-safe and fork-safe); ``AsyncTokenVerifier``
is the same for coroutines.  ``AuthenticationClient.verify_token`` uses a shared verifier
built from the client's options.

What is checked, in order: the token is a JWS compact token whose header names an allowed
algorithm (``RS256``; ``HS256`` only when a ``secret`` is given, and then only with that
secret: a JWKS key is never used as an HMAC secret, and ``alg: none`` is never accepted);
the signature, with the provider's key for the header's ``kid`` (:class:`~.jwks.KeySet`:
cached per the provider's cache headers, refetched once when a new ``kid`` appears); ``iss``
equals ``issuer``; ``aud`` contains ``audience`` (and ``azp``, when present, is it); ``exp``
and ``iat`` are present, ``exp``/``nbf``/``iat`` hold within ``leeway`` seconds; ``nonce``
equals the one given; ``at_hash`` matches the access token given.  The signature and the
registered claims are checked in C (``approw._core.jwt_verify``, OpenSSL); the header is
decoded once per distinct header (the C call does not return it).
"""
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple, Type, TypeVar, Union

from approw import _core

from ..common.constants import DEFAULT_TIMEOUT_MS
from ..common.keys import public_key
from ..exceptions import ApprowTokenError, ApprowWrongArgumentException
from .jwks import JWK, AsyncKeySet, KeySet

if TYPE_CHECKING:
    from ..common.options import ClientOptions

__all__ = ["TokenVerifier", "AsyncTokenVerifier", "Claims", "clear_shared"]

Claims = Dict[str, Any]
_EXPIRED, _INVALID = 2206, 2207
_ALGORITHMS = ("RS256", "HS256")
_HEADER_CACHE = 256
V = TypeVar("V", bound="TokenVerifierBase")
_shared: Dict[Tuple[Any, ...], Any] = {}
_shared_keys: Dict[Tuple[Any, ...], KeySet] = {}
_shared_lock = threading.Lock()
_REASONS = (
    (_core.JWTExpiredError, "expired"),
    (_core.JWTNotYetValidError, "not_yet_valid"),
    (_core.JWTSignatureError, "signature"),
    (_core.JWTAlgorithmError, "algorithm"),
    (_core.JWTDecodeError, "malformed"),
    (_core.JWTClaimsError, "claims"),
)


def clear_shared() -> None:
    """Forget the verifiers (and their cached keys) that clients share (for tests)."""
    with _shared_lock:
        _shared.clear()
        _shared_keys.clear()


def _refuse(message: str, reason: str, code: int = _INVALID) -> ApprowTokenError:
    return ApprowTokenError(code, message, reason=reason)


def at_hash(access_token: str) -> str:
    """``at_hash`` of an access token for RS256/HS256: base64url of the left half of SHA-256
    (once per token exchange, not per verification: hashlib, imported on first use)."""
    import hashlib

    return _core.b64url_encode(hashlib.sha256(access_token.encode("ascii")).digest()[:16])


class TokenVerifierBase:
    """Settings, header parsing and the claim checks shared by the sync and async verifiers."""

    def __init__(
        self,
        issuer: str,
        audience: Union[str, Sequence[str]],
        *,
        jwks_uri: Optional[str] = None,
        secret: Optional[str] = None,
        algorithms: Optional[Sequence[str]] = None,
        leeway: float = 30.0,
        cache_ttl: Optional[float] = None,
        refetch_interval: float = 60.0,
        timeout: int = DEFAULT_TIMEOUT_MS,
        ca_bundle: Optional[str] = None,
        use_unverified_ssl: bool = False,
        key_set: Optional[KeySet] = None,
    ) -> None:
        """``issuer``: the provider's issuer (``https://YOUR_APP.approw.com/oidc``);
        ``audience``: your application id (or several); ``jwks_uri``: default
        ``{issuer}/.well-known/jwks.json``; ``secret``: the application secret, to accept
        HS256 tokens of an application configured so; ``algorithms``: default RS256, plus
        HS256 when ``secret`` is given; ``leeway``: seconds of clock skew tolerated;
        ``cache_ttl``: fix the JWKS cache lifetime (default: the provider's cache headers);
        ``refetch_interval``: least seconds between refetches for unknown key ids;
        ``timeout`` (ms), ``ca_bundle``, ``use_unverified_ssl``: the JWKS request's transport,
        as in the client options; ``key_set``: share a :class:`~.jwks.KeySet`."""
        if not isinstance(issuer, str) or "://" not in issuer:
            raise ApprowWrongArgumentException("issuer must be the provider's issuer URL, e.g. "
                                               "https://YOUR_APP.approw.com/oidc")
        audiences = (audience,) if isinstance(audience, str) else tuple(audience or ())
        if not audiences or not all(isinstance(a, str) and a for a in audiences):
            raise ApprowWrongArgumentException("audience must be your application id (a str) or a list of them")
        if secret is not None and (not isinstance(secret, str) or not secret):
            raise ApprowWrongArgumentException("secret must be a non-empty str")
        chosen = tuple(algorithms) if algorithms is not None else ("RS256",) + (("HS256",) if secret else ())
        if not chosen or any(a not in _ALGORITHMS for a in chosen):
            raise ApprowWrongArgumentException("algorithms must be RS256 and/or HS256")
        if "HS256" in chosen and not secret:
            raise ApprowWrongArgumentException("HS256 needs the application secret (secret=...)")
        if isinstance(leeway, bool) or not isinstance(leeway, (int, float)) or leeway < 0:
            raise ApprowWrongArgumentException("leeway must be a number of seconds >= 0")
        self.issuer = issuer.rstrip("/")
        self.audience: Tuple[str, ...] = audiences
        self.algorithms = chosen
        self.leeway = float(leeway)
        self._secret = secret
        self.key_set = key_set or KeySet(jwks_uri or self.issuer + "/.well-known/jwks.json", cache_ttl=cache_ttl,
                                         refetch_interval=refetch_interval, timeout_ms=timeout,
                                         verify=not use_unverified_ssl, ca_file=ca_bundle)
        self._aud: Union[str, Tuple[str, ...]] = audiences[0] if len(audiences) == 1 else audiences
        self._headers: Dict[str, Tuple[str, Optional[str]]] = {}
        self._headers_lock = threading.Lock()

    @classmethod
    def shared(cls: Type[V], options: "ClientOptions") -> V:
        """The process-wide verifier for a client's options: issuer ``{host}/oidc``, audience
        ``app_id``, HS256 too when ``secret`` is set; sync and async verifiers of the same
        settings share one key set."""
        transport = (options.timeout_ms, not options.use_unverified_ssl, options.ca_bundle)
        secret = getattr(options, "secret", None)
        key = (cls, options.host, options.app_id, secret) + transport
        found = _shared.get(key)
        if found is None:
            with _shared_lock:
                found = _shared.get(key)
                if found is None:
                    issuer = options.host + "/oidc"
                    keys_key = (issuer,) + transport
                    keys = _shared_keys.get(keys_key)
                    if keys is None:
                        keys = _shared_keys[keys_key] = KeySet(
                            issuer + "/.well-known/jwks.json", timeout_ms=transport[0], verify=transport[1],
                            ca_file=transport[2])
                    if not options.app_id:
                        raise ApprowWrongArgumentException("verify_token needs options.app_id (the token audience)")
                    found = _shared[key] = cls(issuer, options.app_id, secret=secret or None, key_set=keys)
        return found

    def __repr__(self) -> str:
        return "%s(issuer=%r, audience=%r, algorithms=%r)" % (type(self).__name__, self.issuer, self._aud,
                                                              self.algorithms)

    # ------------------------------------------------------------------ steps
    def _header(self, token: Any) -> Tuple[str, Optional[str]]:
        """``(alg, kid)`` of the token's header (decoded once per distinct header)."""
        if not isinstance(token, str):
            raise ApprowWrongArgumentException("token must be a str, not %s" % type(token).__name__)
        segment = token.partition(".")[0]
        found = self._headers.get(segment)
        if found is not None:
            return found
        try:
            header = _core.loads(_core.b64url_decode(segment))
        except ValueError:
            raise _refuse("not a JWT: the header is not base64url JSON", "malformed") from None
        alg = header.get("alg") if isinstance(header, dict) else None
        kid = header.get("kid") if isinstance(header, dict) else None
        if not isinstance(alg, str) or (kid is not None and not isinstance(kid, str)):
            raise _refuse("not a JWT: the header has no 'alg' (or a bad 'kid')", "malformed")
        if alg not in self.algorithms:
            raise _refuse("token algorithm %r is not accepted (accepted: %s)%s" % (
                alg, ", ".join(self.algorithms), "; unsigned tokens never are" if alg.lower() == "none" else ""),
                "algorithm")
        with self._headers_lock:
            if len(self._headers) >= _HEADER_CACHE:
                self._headers.clear()
            self._headers[segment] = (alg, kid)
        return alg, kid

    def _check(self, token: str, alg: str, key: Union[str, JWK], nonce: Optional[str],
               access_token: Optional[str]) -> Claims:
        """Signature and claims; the claims, or ``ApprowTokenError``."""
        try:
            parsed = public_key(key) if alg == "RS256" else key
            claims = _core.jwt_verify(token, parsed, (alg,), leeway=self.leeway, audience=self._aud,
                                      issuer=self.issuer)
        except _core.CryptoError as e:
            reason = next((r for cls, r in _REASONS if isinstance(e, cls)), "key")
            if reason == "claims":
                text = str(e)
                reason = "audience" if "aud" in text else "issuer" if "iss" in text else "claims"
            raise _refuse(str(e), reason, _EXPIRED if reason == "expired" else _INVALID) from None
        if not isinstance(claims.get("exp"), (int, float)) or not isinstance(claims.get("iat"), (int, float)):
            raise _refuse("the token has no 'exp' or no 'iat' claim", "claims")
        if claims["iat"] > time.time() + self.leeway:
            raise _refuse("the token was issued in the future (iat)", "issued_in_future")
        azp = claims.get("azp")
        if azp is not None and azp not in self.audience:
            raise _refuse("the token was issued to another party (azp)", "audience")
        if nonce is not None or access_token is not None:
            import hmac     # only for the optional nonce / at_hash checks
        if nonce is not None:
            sent = claims.get("nonce")
            if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
                raise _refuse("the token's nonce does not match", "nonce")
        if access_token is not None and "at_hash" in claims:
            if not hmac.compare_digest(str(claims["at_hash"]).encode(), at_hash(access_token).encode()):
                raise _refuse("the token's at_hash does not match the access token", "at_hash")
        return claims

    def _fixed_key(self, alg: str) -> Optional[str]:
        return self._secret if alg == "HS256" else None


class TokenVerifier(TokenVerifierBase):
    """Verify tokens locally (see the module docstring); thread-safe."""

    def verify(self, token: str, *, nonce: Optional[str] = None, access_token: Optional[str] = None) -> Claims:
        """The token's claims when every check passes, else ``ApprowTokenError`` (``code``
        2206 expired, 2207 invalid; ``reason`` says which check).  ``nonce``: the nonce of your
        authorization request (ID tokens); ``access_token``: check the ID token's ``at_hash``."""
        alg, kid = self._header(token)
        key = self._fixed_key(alg) or self.key_set.get(kid) or self.key_set.load(kid)
        return self._check(token, alg, key, nonce, access_token)


class AsyncTokenVerifier(TokenVerifierBase):
    """:class:`TokenVerifier` for coroutines: ``await verifier.verify(token)``; a JWKS fetch
    runs in the event loop's default executor, everything else inline."""

    def __init__(self, issuer: str, audience: Union[str, Sequence[str]], **options: Any) -> None:
        super().__init__(issuer, audience, **options)
        self._async_keys = AsyncKeySet(self.key_set)

    async def verify(self, token: str, *, nonce: Optional[str] = None,
                     access_token: Optional[str] = None) -> Claims:
        """As :meth:`TokenVerifier.verify`."""
        alg, kid = self._header(token)
        key = self._fixed_key(alg) or self.key_set.get(kid) or await self._async_keys.load(kid)
        return self._check(token, alg, key, nonce, access_token)
