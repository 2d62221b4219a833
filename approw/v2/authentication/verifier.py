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
decoded once per distinct header (the C call does not return it).  A token over 16 KiB is
refused first, before its header is decoded or cached and before any key is looked up.

**Revocation.**  A purely local check cannot know that a token was revoked (the user logged
out, an administrator forced a logout, the password changed): such a token keeps verifying
until it expires.  With ``check_revoked=True`` the verifier also asks the service
(``checkLoginStatus`` at ``host``, by default the issuer without its ``/oidc``) whether the
token is still live, after the local checks pass, and remembers the answer for
``revocation_ttl`` seconds (default 10; at most 10,000 tokens).  A revoked token is then
refused (``reason`` ``revoked``) within ``revocation_ttl`` of its revocation, at the price of
one request per token per ``revocation_ttl``; when the service cannot be reached the
transport error is raised (a token is never accepted unchecked).
"""
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple, Type, TypeVar, Union

from approw import _core

from ..common.constants import DEFAULT_TIMEOUT_MS
from ..common.keys import public_key
from ..exceptions import ApprowArgumentTypeError, ApprowTokenError, ApprowWrongArgumentException
from .jwks import JWK, AsyncKeySet, KeySet

if TYPE_CHECKING:
    from ..common.options import ClientOptions

__all__ = ["TokenVerifier", "AsyncTokenVerifier", "Claims", "clear_shared"]

Claims = Dict[str, Any]
_EXPIRED, _INVALID = 2206, 2207
_ALGORITHMS = ("RS256", "HS256")
_HEADER_CACHE = 256
_LIVE_CACHE = 10000
_MAX_TOKEN = _core.JWT_MAX_BYTES  # what jwt_verify decodes at most (16 KiB)
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
    """Forget the verifiers (and their cached keys) that clients share (for tests).

    The next ``verify_token`` builds a new verifier and fetches the keys again.

    Raises:
        ApprowException: never; it only drops cached objects.
    """
    with _shared_lock:
        _shared.clear()
        _shared_keys.clear()


def _refuse(message: str, reason: str, code: int = _INVALID) -> ApprowTokenError:
    return ApprowTokenError(code, message, reason=reason)


def _not_a_jwt(token: str, why: str) -> str:
    """The message for a token that is not a JWT, with the fix for a common slip."""
    if token[:7].lower() == "bearer ":
        return ("not a JWT: the token starts with 'Bearer ': pass the token alone, without the "
                "'Bearer ' prefix of the Authorization header (token.split(' ', 1)[1])")
    return "not a JWT: " + why


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
        check_revoked: bool = False,
        revocation_ttl: float = 10.0,
        host: Optional[str] = None,
    ) -> None:
        """The settings; the arguments are described in :class:`TokenVerifier`'s docstring."""
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
        if isinstance(revocation_ttl, bool) or not isinstance(revocation_ttl, (int, float)) or revocation_ttl < 0:
            raise ApprowWrongArgumentException("revocation_ttl must be a number of seconds >= 0")
        self.issuer = issuer.rstrip("/")
        self.check_revoked = bool(check_revoked)
        self.revocation_ttl = float(revocation_ttl)
        self.host = (host or (self.issuer[:-5] if self.issuer.endswith("/oidc") else self.issuer)).rstrip("/")
        self._transport = (timeout, ca_bundle, use_unverified_ssl)
        self._live: Dict[bytes, Tuple[float, Optional[int]]] = {}   # sha256(token) -> (until, refusal code)
        self._live_lock = threading.Lock()
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
    def shared(cls: Type[V], options: "ClientOptions", check_revoked: bool = False) -> V:
        """The process-wide verifier for a client's options (``verify_token`` uses it).

        Sync and async verifiers of the same settings share one key set.

        Args:
            options: an ``AuthenticationClientOptions``: issuer ``{host}/oidc``, audience
                ``app_id``, HS256 too when ``secret`` is set, and the transport settings
                of the key fetches.
            check_revoked: also ask the service whether a token was revoked.

        Returns:
            The verifier of this class for those settings (made on first use).

        Raises:
            ApprowWrongArgumentException: ``options.app_id`` is not set.
        """
        transport = (options.timeout_ms, not options.use_unverified_ssl, options.ca_bundle)
        secret = getattr(options, "secret", None)
        key = (cls, options.host, options.app_id, secret, bool(check_revoked)) + transport
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
                    found = _shared[key] = cls(issuer, options.app_id, secret=secret or None, key_set=keys,
                                               check_revoked=check_revoked, host=options.host,
                                               timeout=transport[0], use_unverified_ssl=not transport[1],
                                               ca_bundle=transport[2])
        return found

    def __repr__(self) -> str:
        return "%s(issuer=%r, audience=%r, algorithms=%r)" % (type(self).__name__, self.issuer, self._aud,
                                                              self.algorithms)

    # ------------------------------------------------------------------ steps
    def _header(self, token: Any) -> Tuple[str, Optional[str]]:
        """``(alg, kid)`` of the token's header (decoded once per distinct header)."""
        if not isinstance(token, str):
            raise ApprowWrongArgumentException("token must be a str, not %s" % type(token).__name__)
        if len(token) > _MAX_TOKEN:     # before any decoding, caching or key lookup
            raise _refuse("the token is longer than %d bytes" % _MAX_TOKEN, "malformed")
        segment = token.partition(".")[0]
        found = self._headers.get(segment)
        if found is not None:
            return found
        try:
            header = _core.loads(_core.b64url_decode(segment))
        except ValueError:
            raise _refuse(_not_a_jwt(token, "the header is not base64url JSON"), "malformed") from None
        alg = header.get("alg") if isinstance(header, dict) else None
        kid = header.get("kid") if isinstance(header, dict) else None
        if not isinstance(alg, str) or (kid is not None and not isinstance(kid, str)):
            raise _refuse(_not_a_jwt(token, "the header has no 'alg' (or a bad 'kid')"), "malformed")
        if alg not in self.algorithms:
            raise _refuse("token algorithm %r is not accepted (accepted: %s)%s" % (
                alg, ", ".join(self.algorithms), "; unsigned tokens never are" if alg.lower() == "none" else ""),
                "algorithm")
        with self._headers_lock:
            if len(self._headers) >= _HEADER_CACHE:
                self._headers.clear()
            self._headers[segment] = (alg, kid)
        return alg, kid

    @staticmethod
    def _arguments(nonce: Any, access_token: Any) -> None:
        """``nonce`` and ``access_token``: None or text (an access token is ASCII)."""
        for name, value in (("nonce", nonce), ("access_token", access_token)):
            if value is not None and not isinstance(value, str):
                raise ApprowArgumentTypeError("%s must be a str or None, not %s" % (name, type(value).__name__))
        if nonce is not None:
            try:
                nonce.encode("utf-8")
            except UnicodeEncodeError:
                raise ApprowWrongArgumentException("nonce holds an unpaired surrogate") from None
        if access_token is not None and not access_token.isascii():
            raise ApprowWrongArgumentException("access_token must be ASCII (a token is base64url text)")

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

    # ------------------------------------------------------------------ revocation
    def _status_options(self) -> Any:
        """Options of the client that asks the service for a token's login status."""
        from .types import AuthenticationClientOptions

        timeout, ca_bundle, unverified = self._transport
        return AuthenticationClientOptions(app_id=self.audience[0], host=self.host, timeout=timeout,
                                           ca_bundle=ca_bundle, use_unverified_ssl=unverified)

    def _remembered(self, token: str) -> Tuple[bytes, Optional[Tuple[float, Optional[int]]]]:
        from hashlib import sha256  # only with check_revoked: not at import

        digest = sha256(token.encode()).digest()
        found = self._live.get(digest)
        if found is not None and found[0] <= time.monotonic():
            found = None
        return digest, found

    def _remember(self, digest: bytes, status: Any) -> Optional[int]:
        """Store the service's answer; the refusal code (2206/2207) or ``None`` when live."""
        live = isinstance(status, dict) and status.get("status") is True
        refusal: Optional[int] = None
        if not live:
            code = status.get("code") if isinstance(status, dict) else None
            refusal = _EXPIRED if code == _EXPIRED else _INVALID
        with self._live_lock:
            if len(self._live) >= _LIVE_CACHE:
                now = time.monotonic()
                for key in [k for k, (until, _) in self._live.items() if until <= now] or list(self._live):
                    del self._live[key]
            self._live[digest] = (time.monotonic() + self.revocation_ttl, refusal)
        return refusal

    def forget_revocations(self) -> None:
        """Forget the remembered login-status answers (e.g. after revoking tokens yourself).

        Only a verifier made with ``check_revoked=True`` remembers any.

        Raises:
            ApprowException: never; it only clears the memory.
        """
        with self._live_lock:
            self._live.clear()


def _revoked(code: Optional[int]) -> ApprowTokenError:
    if code == _EXPIRED:
        return _refuse("the service says the token has expired", "expired", _EXPIRED)
    return _refuse("the service says the token was revoked (logged out) or is no longer valid", "revoked")


class TokenVerifier(TokenVerifierBase):
    """Verify tokens locally (see the module docstring); thread-safe.

    Args:
        issuer: the provider's issuer (``https://YOUR_APP.approw.com/oidc``).
        audience: your application id (or several).
        jwks_uri: where the keys are published; default ``{issuer}/.well-known/jwks.json``.
        secret: the application secret, to accept HS256 tokens of an application
            configured so.
        algorithms: default RS256, plus HS256 when ``secret`` is given.
        leeway: seconds of clock skew tolerated.
        cache_ttl: fix the JWKS cache lifetime (default: the provider's cache headers).
        refetch_interval: least seconds between refetches for unknown key ids.
        timeout, ca_bundle, use_unverified_ssl: the JWKS request's transport (``timeout``
            in milliseconds), as in the client options.
        key_set: share a key set (``approw.v2.authentication.jwks.KeySet``).
        check_revoked, revocation_ttl, host: ask the service (at ``host``, default the
            issuer without ``/oidc``) whether the token was revoked, and remember the answer
            for ``revocation_ttl`` seconds (see the module docstring).

    Raises:
        ApprowWrongArgumentException: ``issuer`` is not a URL, ``audience`` is empty,
            ``algorithms`` names another algorithm or HS256 without ``secret``, or
            ``leeway`` / ``revocation_ttl`` is negative.
    """

    def verify(self, token: str, *, nonce: Optional[str] = None, access_token: Optional[str] = None) -> Claims:
        """Verify a token locally (see the module docstring for the checks).

        Args:
            token: the ID token or access token (without a ``Bearer`` prefix).
            nonce: the nonce of your authorization request (ID tokens).
            access_token: the access token issued with the ID token, to check its
                ``at_hash``.

        Returns:
            The token's claims (a dict) when every check passes.

        Raises:
            ApprowTokenError: the token is refused: ``code`` 2206 when it has expired, 2207
                otherwise; ``reason`` names the check (``signature``, ``issuer``,
                ``audience``, ``unknown_key``, ``malformed``, ``revoked``, ...).
            ApprowWrongArgumentException: ``token`` is not a str, or ``nonce`` /
                ``access_token`` is not text (:class:`ApprowArgumentTypeError` for a wrong
                type).
            ApprowHTTPError: the JWKS URI answered no key set (e.g. 404 for a wrong
                issuer).
            ApprowTransportError: the keys (or, with ``check_revoked``, the login status)
                could not be fetched.
        """
        self._arguments(nonce, access_token)
        alg, kid = self._header(token)
        key = self._fixed_key(alg) or self.key_set.get(kid) or self.key_set.load(kid)
        claims = self._check(token, alg, key, nonce, access_token)
        if self.check_revoked:
            digest, found = self._remembered(token)
            if found is None:
                from .client import AuthenticationClient

                status = AuthenticationClient(self._status_options()).check_login_status(token)
                refusal = self._remember(digest, status)
            else:
                refusal = found[1]
            if refusal is not None:
                raise _revoked(refusal)
        return claims


class AsyncTokenVerifier(TokenVerifierBase):
    """:class:`TokenVerifier` for coroutines: ``await verifier.verify(token)``; a JWKS fetch
    runs in the event loop's default executor, everything else inline.

    Args:
        issuer: the provider's issuer (``https://YOUR_APP.approw.com/oidc``).
        audience: your application id (or several).
        **options: the other settings of :class:`TokenVerifier` (``jwks_uri``, ``secret``,
            ``leeway``, ``check_revoked``, ...).

    Raises:
        ApprowWrongArgumentException: a setting is invalid, as for :class:`TokenVerifier`.
    """

    def __init__(self, issuer: str, audience: Union[str, Sequence[str]], **options: Any) -> None:
        super().__init__(issuer, audience, **options)
        self._async_keys = AsyncKeySet(self.key_set)

    async def verify(self, token: str, *, nonce: Optional[str] = None,
                     access_token: Optional[str] = None) -> Claims:
        """Verify a token locally, as :meth:`TokenVerifier.verify`.

        Args:
            token: the ID token or access token (without a ``Bearer`` prefix).
            nonce: the nonce of your authorization request (ID tokens).
            access_token: the access token issued with the ID token, to check its
                ``at_hash``.

        Returns:
            The token's claims (a dict) when every check passes.

        Raises:
            ApprowTokenError: the token is refused (2206 expired, 2207 otherwise;
                ``reason``), as :meth:`TokenVerifier.verify` says.
            ApprowWrongArgumentException: an argument is not text.
            ApprowHTTPError: the JWKS URI answered no key set.
            ApprowTransportError: the keys (or the login status) could not be fetched.
        """
        self._arguments(nonce, access_token)
        alg, kid = self._header(token)
        key = self._fixed_key(alg) or self.key_set.get(kid) or await self._async_keys.load(kid)
        claims = self._check(token, alg, key, nonce, access_token)
        if self.check_revoked:
            digest, found = self._remembered(token)
            if found is None:
                from ._async.client import AsyncAuthenticationClient

                status = await AsyncAuthenticationClient(self._status_options()).check_login_status(token)
                refusal = self._remember(digest, status)
            else:
                refusal = found[1]
            if refusal is not None:
                raise _revoked(refusal)
        return claims
