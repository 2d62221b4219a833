"""Type stubs for the C extension ``approw._core`` (internal API)."""

import builtins
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

CURL_VERSION: str
OPENSSL_VERSION: str
CJSON_VERSION: str

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

class HTTPError(TransportError):
    status: int
    body: bytes       # first bytes of the answer

class GraphQLError(CoreError):
    errors: list[tuple[int, str, Any]]   # (code, message, data) per GraphQL error
    status: int
    data: Any                            # the answer's `data` (usually None)

class DecodeError(CoreError, ValueError):
    pos: int

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
        timeout_ms: int = 10000,
        connect_timeout_ms: int = 10000,
        verify: bool = True,
        ca_file: Optional[str] = None,
        user_agent: Optional[str] = None,
        max_idle: int = 8,
    ) -> None: ...
    def request(
        self,
        method: str,
        url: str,
        headers: Headers = None,
        body: Union[bytes, str, None] = None,
        *,
        timeout_ms: Optional[int] = None,
    ) -> Response: ...
    def graphql(
        self,
        url: str,
        headers: Headers,
        document: str,
        variables: Optional[Mapping[str, Any]] = None,
        *,
        timeout_ms: Optional[int] = None,
    ) -> Any:
        """POST {"query": document, "variables": variables}; return `data`.

        Raises GraphQLError when the answer has errors, HTTPError when it is not
        a JSON object with `data` or `errors`, TransportError subclasses on
        network failure.  `variables` is omitted from the body when empty/None.
        """
    def close(self) -> None: ...
    def __enter__(self) -> "Session": ...
    def __exit__(self, *exc: object) -> None: ...

# ----------------------------------------------------------------- json
def loads(data: Union[bytes, bytearray, memoryview, str]) -> JSONValue: ...
def dumps(obj: JSONValue) -> bytes: ...

# ----------------------------------------------------------------- crypto
def rsa_encrypt(public_key_pem: Union[str, bytes], plaintext: Union[str, bytes]) -> str:
    """RSA PKCS#1 v1.5 encryption, standard base64 (with padding).  PEM may be
    SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") or PKCS#1 ("BEGIN RSA PUBLIC KEY");
    parsed keys are cached."""
def sha256(data: Union[bytes, str]) -> bytes: ...
def b64url_encode(data: Union[bytes, str]) -> str:
    """base64url without padding."""
def b64url_decode(data: Union[bytes, str]) -> bytes:
    """base64url, padding optional."""
def pkce_challenge(verifier: Union[str, bytes]) -> str:
    """RFC 7636 S256: b64url(SHA-256(ASCII(verifier))) without padding."""
def random_bytes(n: int) -> bytes: ...
def random_string(length: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> str:
    """Uniformly random characters of `alphabet` from the OpenSSL CSPRNG."""
def jwt_verify(
    token: Union[str, bytes],
    key: Union[str, bytes, Mapping[str, Any]],
    algorithms: Sequence[str],
    *,
    leeway: float = 0,
    audience: Union[str, Sequence[str], None] = None,
    issuer: Optional[str] = None,
    now: Optional[float] = None,
) -> dict[str, Any]:
    """Verify a JWS compact token (RS256 with a PEM or JWK key, HS256 with a
    shared secret) and return its claims."""
