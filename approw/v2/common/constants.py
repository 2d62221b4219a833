"""Constants shared by both clients (re-exported by ``management.types`` and
``authentication.types``, where the reference SDK defines them)."""
from __future__ import annotations

from .. import __version__
from ..exceptions import from_code

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_ENCRYPT_PUBLICKEY",
    "DEFAULT_ONERROR",
    "DEFAULT_TIMEOUT_MS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "SDK_VERSION",
    "GRAPHQL_PATH",
    "REQUEST_ID_HEADER",
]

DEFAULT_HOST = "https://core.approw.com"

#: Path of the GraphQL endpoint below ``host``.
GRAPHQL_PATH = "/graphql/v2"

#: The answer header that carries the service's id of a request (kept on exceptions as
#: ``request_id`` and in the debug log; the C transport reads the same name).
REQUEST_ID_HEADER = "x-request-id"

if TYPE_CHECKING:
    #: Request timeout in milliseconds (the documented unit and default): defined in the C
    #: core, whose Session has the same default, and read from it on first use (below).
    DEFAULT_TIMEOUT_MS: int

#: How often a safe request (query, GET) is retried after a transient failure.
DEFAULT_MAX_RETRIES = 2

#: The largest answer body accepted (after decompression): 32 MiB.
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

#: Value of the ``x-approw-sdk-version`` header.
SDK_VERSION = "python:" + __version__

#: RSA-1024 public key (SubjectPublicKeyInfo PEM) of the Approw cloud, used to encrypt
#: passwords before they are sent (PKCS#1 v1.5).  A private deployment has its own key
#: (option ``enc_public_key``).
DEFAULT_ENCRYPT_PUBLICKEY = """
-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC4xKeUgQ+Aoz7TLfAfs9+paePb
5KIofVthEopwrXFkp8OCeocaTHt9ICjTT2QeJh6cZaDaArfZ873GPUn00eOIZ7Ae
+TiA2BKHbCvloW3w5Lnqm70iSsUi5Fmu9/2+68GZRH9L7Mlh8cFksCicW2Y2W2uM
GKl64GDcIq3au+aqJQIDAQAB
-----END PUBLIC KEY-----
"""


def DEFAULT_ONERROR(code: object, message: object) -> NoReturn:  # noqa: N802 (reference name)
    """The default ``on_error``: raise ``ApprowException(code=code, errmsg=message)`` (the
    subclass for the code when there is one, e.g. ``UserNotFoundError`` for 2004)."""
    raise from_code(code, message)


def __getattr__(name: str) -> int:
    # DEFAULT_TIMEOUT_MS comes from the C core, which importing a client class does not load.
    if name == "DEFAULT_TIMEOUT_MS":
        from approw import _core

        value: int = _core.DEFAULT_TIMEOUT_MS
        globals()[name] = value                  # later lookups do not come here
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
