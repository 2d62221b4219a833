"""Type stubs for the C extension ``approw._core`` (internal API)."""

import builtins
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

CURL_VERSION: str
OPENSSL_VERSION: str
CJSON_VERSION: str
RSA_MIN_BITS: int     # 1024: smaller RSA keys are refused for encryption and verification
JWT_MAX_BYTES: int    # 16384: jwt_verify's default max_bytes
DEFAULT_TIMEOUT_MS: int  # 10000: the default request and connect timeout of clients and Session
JSON_MAX_DEPTH: int      # 512: the deepest nesting loads and dumps accept
INT_MAX_STR_DIGITS: int  # 4300: the longest int (digits) where the interpreter sets no limit

# libcurl, libcurl_tls, zlib, nghttp2 (None where absent), openssl, cjson
def versions() -> Dict[str, Optional[str]]: ...

Headers = Union[Mapping[str, str], Sequence[Tuple[str, str]], None]
JSONValue = Any

# ----------------------------------------------------------------- exceptions
class CoreError(Exception): ...

class TransportError(CoreError):
    url: str          # redacted: no userinfo, no query string
    curl_code: int

class TimeoutError(TransportError, builtins.TimeoutError): ...
class ConnectionError(TransportError, builtins.ConnectionError): ...
class TLSError(ConnectionError): ...

class AmbiguousRequestError(ConnectionError):
    """The connection closed after a request that is not idempotent was sent and
    before its answer came.  It was NOT resent (libcurl would have resent it on a
    new connection); the server may have applied it.  Never retry it blindly."""

class ResponseTooLargeError(TransportError):
    """The answer's body (counted after decompression) exceeded the Session's
    max_response_bytes, or its header block max_header_bytes (or a single header
    line exceeded libcurl's own 100 KiB limit)."""

class HTTPError(TransportError):
    status: int
    body: bytes                 # first bytes of the answer
    retry_after: Optional[str]  # the answer's Retry-After header, verbatim (seconds or HTTP-date)
    request_id: Optional[str]   # the answer's x-request-id header

class GraphQLError(CoreError):
    errors: list[tuple[int, str, Any]]   # (code, message, data) per GraphQL error
    status: int
    data: Any                            # the answer's `data` (usually None)
    retry_after: Optional[str]           # the answer's Retry-After header, verbatim
    request_id: Optional[str]            # the answer's x-request-id header

class DecodeError(CoreError, ValueError):
    """Malformed JSON (loads), including an integer with more digits than
    sys.get_int_max_str_digits() allows.  In an answer of Session.graphql the
    same problem raises HTTPError("the answer is not JSON (...)") instead."""
    pos: int

class ArgumentError(CoreError, ValueError):
    """A value the transport cannot use: CR, LF or NUL in a header name or value
    (a token, an option), NUL in a URL or GraphQL document, a method that is not
    an upper-case token, a negative timeout or limit, an unreadable ca_file.
    The offending value itself (it may be a secret) is never in the message."""

class CryptoError(CoreError, ValueError): ...
class JWTError(CryptoError): ...
class JWTDecodeError(JWTError): ...
class JWTAlgorithmError(JWTError): ...
class JWTSignatureError(JWTError): ...
class JWTExpiredError(JWTError): ...
class JWTNotYetValidError(JWTError): ...
class JWTClaimsError(JWTError): ...

# ----------------------------------------------------------------- transport
class Response(Tuple[int, dict[str, str], bytes]):
    status: int
    headers: dict[str, str]   # lower-case names; at least content-type when sent
    body: bytes

class Session:
    """A pool of libcurl handles (one Session per client object, shared by threads)."""

    def __init__(
        self,
        *,
        timeout_ms: int = ...,
        connect_timeout_ms: int = ...,
        verify: bool = True,
        ca_file: Optional[str] = None,        # the only CAs trusted; unreadable -> ArgumentError
        user_agent: Optional[str] = None,
        max_idle: int = 8,
        max_response_bytes: int = 33554432,   # 32 MiB, counted after decompression
        max_header_bytes: int = 65536,        # 64 KiB for the whole header block
    ) -> None:
        """`timeout_ms` is only the default of the per-call `timeout_ms`, so
        clients that differ only in their timeout can share one Session.
        Answers over max_response_bytes / max_header_bytes raise
        ResponseTooLargeError."""
    timeout_ms: int
    verify: bool
    ca_file: Optional[str]   # the CA bundle used: the one given, else $SSL_CERT_FILE, libcurl's
                             # default or the distribution's bundle (None: not verifying/none found)
    max_response_bytes: int
    max_header_bytes: int
    closed: bool
    idle_connections: int
    def request(
        self,
        method: str,
        url: str,
        headers: Headers = None,
        body: Union[bytes, str, None] = None,
        *,
        timeout_ms: Optional[int] = None,
        idempotent: Optional[bool] = None,
    ) -> Response:
        """One HTTP request.  `idempotent` says whether the request may be sent a
        second time when the reused keep-alive connection it went out on closes
        without an answer: None (the default) means True for GET, HEAD and
        OPTIONS and False for every other method (PUT and DELETE included: a
        service need not honour their idempotency).  A request that is not
        idempotent is never sent twice; that failure raises
        AmbiguousRequestError.  An idempotent one is sent again at most once, on
        a fresh connection."""
    def graphql(
        self,
        url: str,
        headers: Headers,
        document: str,
        variables: Optional[Mapping[str, Any]] = None,
        *,
        timeout_ms: Optional[int] = None,
        idempotent: bool = False,
        meta: bool = False,
    ) -> Any:
        """POST {"query": document, "variables": variables}; return `data`, or with
        meta=True `(data, HTTP status, the answer's x-request-id header or None)`.

        Raises GraphQLError when the answer has errors, HTTPError when it is not
        a JSON object with `data` or `errors`, TransportError subclasses on
        network failure.  `variables` is omitted from the body when empty/None.

        idempotent=False (the default, safe for mutations): the request is never
        sent twice; a reused connection that closes after it was sent raises
        AmbiguousRequestError.  Pass idempotent=True for queries: they are then
        sent again once, on a fresh connection.  The GIL is held while the
        answer is decoded (as json/orjson do) and released while waiting.
        """
    def close(self) -> None: ...
    def __enter__(self) -> "Session": ...
    def __exit__(self, *exc: object) -> None: ...

# ----------------------------------------------------------------- json
def loads(data: Union[bytes, bytearray, memoryview, str]) -> JSONValue:
    """Strict JSON -> Python; DecodeError (with .pos) on malformed input,
    including integers over sys.get_int_max_str_digits() digits."""
def dumps(obj: JSONValue) -> bytes: ...

# ----------------------------------------------------------------- crypto
class PublicKey:
    """An RSA public key (1024 to 16384 bits) parsed once: a PEM ("BEGIN PUBLIC KEY" or
    "BEGIN RSA PUBLIC KEY") or a JWK mapping {"kty": "RSA", "n", "e"[, "alg"]}.
    CryptoError when it cannot be used.  No cache: approw.v2.common.keys keeps them."""
    def __init__(self, key: Union[str, bytes, Mapping[str, Any]]) -> None: ...
    @property
    def bits(self) -> int: ...
    @property
    def alg(self) -> Optional[str]:
        """The algorithm the JWK named, or None."""

def rsa_encrypt(public_key: Union[PublicKey, str, bytes], plaintext: Union[str, bytes]) -> str:
    """RSA PKCS#1 v1.5 encryption by OpenSSL (EVP_PKEY_encrypt), standard base64
    (with padding).  A PEM is parsed for this call only: pass a PublicKey to reuse
    one.  Keys under RSA_MIN_BITS (1024) raise CryptoError."""
def b64url_encode(data: Union[bytes, str]) -> str:
    """base64url without padding."""
def b64url_decode(data: Union[bytes, str]) -> bytes:
    """base64url, padding optional."""
def jwt_verify(
    token: Union[str, bytes],
    key: Union[PublicKey, str, bytes, Mapping[str, Any]],
    algorithms: Sequence[str],
    *,
    leeway: float = 0,
    audience: Union[str, Sequence[str], None] = None,
    issuer: Optional[str] = None,
    now: Optional[float] = None,
    max_bytes: int = 16384,
) -> dict[str, Any]:
    """Verify a JWS compact token (RS256 with a PublicKey, PEM or JWK key of at least
    RSA_MIN_BITS, HS256 with a shared secret) and return its claims.  A token
    longer than max_bytes (default JWT_MAX_BYTES) raises JWTDecodeError before
    anything is decoded."""
