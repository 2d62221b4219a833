"""The signing keys of an identity provider, fetched from its JWKS URL and cached.

A :class:`KeySet` answers "which key has this ``kid``" without a request on the hot path:
:meth:`KeySet.get` reads an immutable snapshot (``kid -> JWK``) that is replaced as a whole,
so readers take no lock.  :meth:`KeySet.load` is the slow path, taken when the snapshot has
gone stale or does not know the ``kid``:

* **Freshness.**  A snapshot lives as long as the answer's ``Cache-Control: max-age`` (or
  ``Expires``) says, within one minute and one day; five minutes when the answer says nothing
  (``cache_ttl`` overrides all that).  When a refresh fails, the old keys stay in use and the
  refresh is retried after ``refetch_interval``; with no keys at all the failure is raised.
* **Key rotation.**  An unknown ``kid`` refetches the JWKS at once, but at most once per
  ``refetch_interval`` (garbage ``kid`` values cannot make us hammer the provider).
* **No refetch storms.**  One lock serialises fetches; a thread that waited for it re-checks
  whether another thread fetched meanwhile (a generation counter) before fetching itself, so N
  threads asking for the same new ``kid`` cause one request.  While one thread refreshes a
  stale snapshot, the others keep verifying with the keys they have.
* **fork().**  Locks are recreated in the child (``os.register_at_fork``); the snapshot stays
  valid and the transport (``approw._core.Session``) reconnects by itself.

Requests go through the SDK's shared session for the given transport settings
(:mod:`approw.v2.common.transport`), so TLS settings, proxies and timeouts are the clients'.
"""
import os
import re
import threading
import time
import weakref
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from approw import _core

from ..common.constants import DEFAULT_TIMEOUT_MS, SDK_VERSION
from ..common.executor_base import translate_core_error
from ..common.locks import AsyncLock
from ..common.transport import get_async_session, get_session
from ..exceptions import ApprowException, ApprowHTTPError, ApprowTokenError

__all__ = ["KeySet", "AsyncKeySet", "DEFAULT_TTL", "MIN_TTL", "MAX_TTL"]


DEFAULT_TTL = 300.0
MIN_TTL = 60.0
MAX_TTL = 86400.0
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?(\d+)", re.IGNORECASE)
_INVALID = 2207

JWK = Mapping[str, Any]
_key_sets: "weakref.WeakSet[KeySet]" = weakref.WeakSet()


def _reset_locks_after_fork() -> None:
    for key_set in list(_key_sets):
        key_set._lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_locks_after_fork)


def cache_lifetime(headers: Mapping[str, str], default: float = DEFAULT_TTL) -> float:
    """Seconds an answer may be cached, from ``Cache-Control`` or ``Expires`` (within
    :data:`MIN_TTL` and :data:`MAX_TTL`; ``default`` when neither says)."""
    control = headers.get("cache-control", "")
    seconds: Optional[float] = None
    if re.search(r"\b(no-store|no-cache)\b", control, re.IGNORECASE):
        seconds = 0.0
    else:
        found = _MAX_AGE.search(control)
        if found:
            seconds = float(found.group(1))
        elif headers.get("expires"):
            import email.utils  # only for this rare header (it imports socket)

            try:
                expires = email.utils.parsedate_to_datetime(headers["expires"]).timestamp()
                date = headers.get("date")
                now = email.utils.parsedate_to_datetime(date).timestamp() if date else time.time()
                seconds = expires - now
            except (TypeError, ValueError, OverflowError):
                seconds = 0.0
    if seconds is None:
        return default
    return min(MAX_TTL, max(MIN_TTL, seconds))


def _usable(jwk: Any) -> bool:
    """An RSA signature key for RS256 (JWKs for other uses or algorithms are skipped)."""
    return (isinstance(jwk, dict) and jwk.get("kty") == "RSA" and isinstance(jwk.get("n"), str)
            and isinstance(jwk.get("e"), str) and jwk.get("use", "sig") == "sig"
            and jwk.get("alg", "RS256") == "RS256")


class KeySet:
    """The RS256 keys published at ``jwks_uri`` (see the module docstring)."""

    def __init__(
        self,
        jwks_uri: str,
        *,
        cache_ttl: Optional[float] = None,
        refetch_interval: float = 60.0,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        verify: bool = True,
        ca_file: Optional[str] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.jwks_uri = jwks_uri
        self.cache_ttl = cache_ttl
        self.refetch_interval = refetch_interval
        self._timeout_ms = timeout_ms
        self._verify = verify
        self._ca_file = ca_file
        self._clock = clock
        self._keys: Dict[str, JWK] = {}      # kid -> JWK; replaced whole, never mutated
        self._only: Optional[JWK] = None     # the key a token without kid may use (a set of one)
        self._expires = float("-inf")        # clock time the snapshot goes stale
        self._last_unknown = float("-inf")   # clock time of the last refetch for an unknown kid
        self._generation = 0                 # number of successful fetches
        self._lock = threading.Lock()
        self.fetches = 0                     # requests sent (successful or not)
        _key_sets.add(self)

    # ------------------------------------------------------------------ hot path
    def get(self, kid: Optional[str]) -> Optional[JWK]:
        """The key for ``kid`` from a fresh snapshot, or ``None`` (then call :meth:`load`)."""
        if self._clock() >= self._expires:
            return None
        return self._keys.get(kid) if kid is not None else self._only

    # ------------------------------------------------------------------ slow path
    def load(self, kid: Optional[str]) -> JWK:
        """The key for ``kid``, fetching the JWKS when the snapshot is stale or does not know
        ``kid`` (see the module docstring); ``ApprowTokenError`` (``unknown_key``) when the
        provider does not publish it."""
        seen = self._generation
        if not self._lock.acquire(blocking=False):
            stale = self._lookup(kid)
            if stale is not None:   # another thread is refreshing: the key stays good meanwhile
                return stale
            self._lock.acquire()
        try:
            if self._generation == seen:   # nobody fetched while we waited
                now = self._clock()
                if self._must_fetch(kid, now):
                    try:
                        self._install(self._fetch(), now)
                    except ApprowException as e:
                        self._fetch_failed(e, now)
            key = self._lookup(kid)
        finally:
            self._lock.release()
        return self._found(kid, key)

    def _must_fetch(self, kid: Optional[str], now: float) -> bool:
        """Whether the snapshot must be refetched for ``kid`` now (fetch lock held)."""
        if now >= self._expires:
            return True
        if self._lookup(kid) is None and now - self._last_unknown >= self.refetch_interval:
            self._last_unknown = now
            return True
        return False

    def _found(self, kid: Optional[str], key: Optional[JWK]) -> JWK:
        if key is None:
            raise ApprowTokenError(_INVALID, "the token's key (kid %r) is not published at %s" % (kid, self.jwks_uri)
                                   if kid is not None else "the token names no key (kid) and %s has %d keys"
                                   % (self.jwks_uri, len(self._keys)), reason="unknown_key")
        return key

    def _lookup(self, kid: Optional[str]) -> Optional[JWK]:
        return self._keys.get(kid) if kid is not None else self._only

    def _fetch_failed(self, e: ApprowException, now: float) -> None:
        """A refresh failed: the old keys stay when there are any (retried after
        ``refetch_interval``), else ``e`` is raised."""
        if not self._keys:
            raise e
        import logging  # only on this failure: the SDK does not import logging otherwise

        logging.getLogger("approw.v2.authentication").warning(
            "cannot refresh the JWKS from %s, keeping the cached keys: %s", self.jwks_uri, e)
        self._expires = now + self.refetch_interval

    def _install(self, fetched: Tuple[Dict[str, JWK], float], now: float) -> None:
        keys, lifetime = fetched
        self._keys = keys
        usable = list(keys.values())
        self._only = usable[0] if len(usable) == 1 else None
        self._expires = now + lifetime
        self._generation += 1

    _HEADERS = (("accept", "application/json"), ("x-approw-sdk-version", SDK_VERSION))

    def _fetch(self) -> Tuple[Dict[str, JWK], float]:
        self.fetches += 1
        session = get_session(verify=self._verify, ca_file=self._ca_file)
        try:
            response = session.request("GET", self.jwks_uri, self._HEADERS,
                                       timeout_ms=self._timeout_ms)
        except _core.CoreError as e:
            raise translate_core_error(e, "GET JWKS", self._timeout_ms) from e
        return self._parse(response)

    def _parse(self, response: Any) -> Tuple[Dict[str, JWK], float]:
        """``(kid -> JWK, seconds to keep them)`` from the JWKS answer."""
        where = self.jwks_uri.split("?", 1)[0]
        if response.status != 200:
            hint = ("; no keys are published there: check the issuer (the 'iss' claim of your tokens, "
                    "e.g. https://YOUR_APP.approw.com/oidc), whose keys are at {issuer}/.well-known/jwks.json"
                    if response.status == 404 else "")
            error = ApprowHTTPError(response.status if response.status >= 400 else 500,
                                    "HTTP %d from %s (JWKS)%s" % (response.status, where, hint),
                                    http_status=response.status)
            setattr(error, "retry_after", response.headers.get("retry-after"))  # web apps answer 503 with it
            raise error
        try:
            document = _core.loads(response.body)
        except _core.DecodeError as e:
            raise ApprowHTTPError(500, "the JWKS at %s is not JSON (%s)" % (where, e), http_status=200) from e
        found = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(found, list):
            raise ApprowHTTPError(500, "the answer of %s is not a JWKS ({\"keys\": [...]})" % where, http_status=200)
        keys: Dict[str, JWK] = {}
        anonymous: List[JWK] = []
        for jwk in found:
            if _usable(jwk):
                if isinstance(jwk.get("kid"), str):
                    keys.setdefault(jwk["kid"], jwk)
                else:
                    anonymous.append(jwk)
        if anonymous and not keys and len(anonymous) == 1:
            keys[""] = anonymous[0]   # a single key without kid: tokens without kid use it
        lifetime = self.cache_ttl if self.cache_ttl is not None else cache_lifetime(response.headers)
        return keys, lifetime


class AsyncKeySet:
    """A :class:`KeySet` for coroutines: :meth:`get` is the same lock-free lookup; :meth:`load`
    fetches on the running event loop (the asyncio transport, no thread), one fetch at a time
    per loop, into the same snapshot the threads use."""

    __slots__ = ("key_set", "get", "_lock")

    def __init__(self, key_set: KeySet) -> None:
        self.key_set = key_set
        self.get = key_set.get
        self._lock = AsyncLock()

    async def load(self, kid: Optional[str]) -> JWK:
        """:meth:`KeySet.load`, awaited."""
        ks = self.key_set
        seen = ks._generation
        async with self._lock:
            if ks._generation == seen:   # no task fetched while we waited
                now = ks._clock()
                if ks._must_fetch(kid, now):
                    try:
                        ks._install(await self._fetch(), now)
                    except ApprowException as e:
                        ks._fetch_failed(e, now)
            key = ks._lookup(kid)
        return ks._found(kid, key)

    async def _fetch(self) -> Tuple[Dict[str, JWK], float]:
        ks = self.key_set
        ks.fetches += 1
        session = get_async_session(verify=ks._verify, ca_file=ks._ca_file)
        try:
            response = await session.request("GET", ks.jwks_uri, ks._HEADERS,
                                             timeout_ms=ks._timeout_ms)
        except _core.CoreError as e:
            raise translate_core_error(e, "GET JWKS", ks._timeout_ms) from e
        return ks._parse(response)
