"""Options of :class:`approw.v2.management.ManagementClient`, and the shared constants."""
from __future__ import annotations

from ..common.constants import (
    DEFAULT_ENCRYPT_PUBLICKEY,
    DEFAULT_HOST,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_ONERROR,
)
from ..common.options import ClientOptions, check_header_safe
from ..exceptions import ApprowWrongArgumentException

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Union

__all__ = [
    "ManagementClientOptions",
    "DEFAULT_ENCRYPT_PUBLICKEY",
    "DEFAULT_ONERROR",
    "DEFAULT_HOST",
]


class ManagementClientOptions(ClientOptions):
    """Options of a :class:`ManagementClient` (user pool administrator).

    Args:
        user_pool_id: user pool ID (sent as ``x-approw-userpool-id``).
        secret: user pool secret; only used to obtain the management token (not needed with
            ``access_token``).
        host: API base URL, default ``https://core.approw.com`` (a private deployment's URL,
            with scheme, without ``/graphql/v2``); when not given and ``APPROW_EMULATOR_HOST``
            is set, that local emulator.
        enc_public_key: PEM RSA public key used to encrypt passwords; default
            ``DEFAULT_ENCRYPT_PUBLICKEY`` (the Approw cloud's), or the emulator's (fetched when
            first needed) for the emulator of ``APPROW_EMULATOR_HOST``.
        on_error: ``on_error(code, message)``, called for every error the server reports;
            default ``DEFAULT_ONERROR`` raises ``ApprowException``.
        timeout: request timeout in **milliseconds** (default 10000).  Values below 100 warn:
            they are probably seconds.
        lang: language of server messages, ``zh-CN`` or ``en-US`` (``x-approw-lang``).
        use_unverified_ssl: do not verify the server's TLS certificate (testing only).
        ca_bundle: path of a CA certificate file (PEM) to verify the server against instead of
            the system store.
        access_token: a management token obtained elsewhere, used instead of fetching one with
            ``secret`` (then ``secret`` may be omitted; the token is used until it expires).
        max_retries: retries of a safe request (a query) after a transient failure, within
            ``timeout`` (default 2; see :class:`~approw.v2.common.options.ClientOptions`).
        retry_mutations: also retry mutations, when the service certainly did not apply them
            (default ``False``).
        max_response_bytes: the largest answer accepted (default 32 MiB).

    The last five are keyword-only and new in this SDK.

    Raises:
        ApprowWrongArgumentException: an option is invalid: ``user_pool_id`` empty, neither
            ``secret`` nor ``access_token``, ``host`` not an absolute URL or ending in
            ``/graphql/v2``, a ``timeout`` that is not a positive number, an unreadable
            ``ca_bundle``, a value with CR, LF or NUL characters, ...

    Example::

        options = ManagementClientOptions(user_pool_id=POOL_ID, secret=POOL_SECRET,
                                          host="http://127.0.0.1:8080", timeout=5000)
        management_client = ManagementClient(options)
    """

    user_pool_id: str
    secret: Optional[str]
    access_token: Optional[str]

    def __init__(
        self,
        user_pool_id: str,
        secret: Optional[str] = None,
        host: Optional[str] = None,
        enc_public_key: Optional[Union[str, bytes]] = None,
        on_error: Optional[Callable[[Any, Any], Any]] = None,
        timeout: Optional[Union[int, float]] = None,
        lang: Optional[str] = None,
        use_unverified_ssl: bool = False,
        *,
        ca_bundle: Optional[str] = None,
        access_token: Optional[str] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_mutations: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if not isinstance(user_pool_id, str) or not user_pool_id:
            raise ApprowWrongArgumentException("user_pool_id must be a non-empty str")
        for name, value in (("secret", secret), ("access_token", access_token)):
            if value is not None and (not isinstance(value, str) or not value):
                raise ApprowWrongArgumentException(f"{name} must be a non-empty str")
        if secret is None and access_token is None:
            raise ApprowWrongArgumentException("secret must be a non-empty str (or give access_token)")
        check_header_safe("access_token", access_token)
        self.user_pool_id = user_pool_id
        self.secret = secret
        self.access_token = access_token
        self._init_common(host, enc_public_key, on_error, timeout, lang, use_unverified_ssl,
                          ca_bundle, max_retries=max_retries, retry_mutations=retry_mutations,
                          max_response_bytes=max_response_bytes)
