"""Options of :class:`approw.v2.authentication.AuthenticationClient`, and the shared constants."""
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
    "AuthenticationClientOptions",
    "DEFAULT_ENCRYPT_PUBLICKEY",
    "DEFAULT_ONERROR",
    "DEFAULT_HOST",
]

DEFAULT_AUTH_METHOD = "client_secret_post"


class AuthenticationClientOptions(ClientOptions):
    """Options of an :class:`AuthenticationClient` (acting as an end user).

    ``access_token`` and the last four arguments are keyword-only; the last four are new in
    this SDK.

    Args:
        app_id: application ID (``x-approw-app-id``; OIDC/OAuth ``client_id``).
        app_host: application domain, e.g. ``https://YOUR_DOMAIN.approw.com``; when given it
            is also the API base URL (it wins over ``host``).
        user_pool_id: user pool ID (``x-approw-userpool-id``).  ``app_id`` or
            ``user_pool_id`` is required.
        token, access_token: a user's id_token, to start "already logged in"
            (``access_token`` is the spelling of the Approw docs).
        host: API base URL (default ``https://core.approw.com``; when neither it nor
            ``app_host`` is given and ``APPROW_EMULATOR_HOST`` is set, that local emulator).
        enc_public_key: PEM RSA public key used to encrypt passwords (default: the cloud's,
            or the emulator's for the emulator of ``APPROW_EMULATOR_HOST``).
        on_error: ``on_error(code, message)``; the default raises ``ApprowException``.
        timeout: request timeout in **milliseconds** (default 10000).
        lang: ``zh-CN`` or ``en-US``.
        websocket_host: base URL for AD login (default derived from ``host``).
        protocol: ``oidc`` (default), ``oauth``, ``saml`` or ``cas``.
        secret: application secret (client_secret).
        token_endpoint_auth_method: how the client authenticates at the token endpoint:
            ``client_secret_post`` (default), ``client_secret_basic`` or ``none``.
        introspection_endpoint_auth_method: the same, at the introspection endpoint.
        revocation_endpoint_auth_method: the same, at the revocation endpoint.
        redirect_uri: OAuth/OIDC callback URL.
        use_unverified_ssl: do not verify the server's TLS certificate (testing only).
        ca_bundle: path of a CA certificate file (PEM) to verify the server against.
        max_retries: retries of a safe request (a query, a GET) after a transient failure,
            within ``timeout`` (default 2; see :class:`~approw.v2.common.options.ClientOptions`).
        retry_mutations: also retry mutations, when the service certainly did not apply
            them (default ``False``).
        max_response_bytes: the largest answer accepted (default 32 MiB).

    Raises:
        ApprowWrongArgumentException: neither ``app_id`` nor ``user_pool_id``; ``token`` and
            ``access_token`` differ; a ``token`` or ``secret`` with CR, LF or NUL; a host
            that is not a URL, a bad ``enc_public_key``, ``on_error``, ``timeout``,
            ``ca_bundle`` or count.
    """

    def __init__(
        self,
        app_id: Optional[str] = None,
        app_host: Optional[str] = None,
        user_pool_id: Optional[str] = None,
        token: Optional[str] = None,
        host: Optional[str] = None,
        enc_public_key: Optional[Union[str, bytes]] = None,
        on_error: Optional[Callable[[Any, Any], Any]] = None,
        timeout: Optional[Union[int, float]] = None,
        lang: Optional[str] = None,
        websocket_host: Optional[str] = None,
        protocol: Optional[str] = None,
        secret: Optional[str] = None,
        token_endpoint_auth_method: Optional[str] = None,
        introspection_endpoint_auth_method: Optional[str] = None,
        revocation_endpoint_auth_method: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        use_unverified_ssl: bool = False,
        *,
        access_token: Optional[str] = None,
        ca_bundle: Optional[str] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_mutations: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if not app_id and not user_pool_id:
            raise ApprowWrongArgumentException("Please provide app_id or user_pool_id")
        if token and access_token and token != access_token:
            raise ApprowWrongArgumentException(
                "token and access_token are the same option; pass only one"
            )
        self.app_id = app_id
        self.app_host = app_host
        self.user_pool_id = user_pool_id
        self.token = token or access_token
        self.websocket_host = websocket_host
        self.protocol = protocol or "oidc"
        self.secret = secret
        self.token_endpoint_auth_method = token_endpoint_auth_method or DEFAULT_AUTH_METHOD
        self.introspection_endpoint_auth_method = (
            introspection_endpoint_auth_method or DEFAULT_AUTH_METHOD
        )
        self.revocation_endpoint_auth_method = (
            revocation_endpoint_auth_method or DEFAULT_AUTH_METHOD
        )
        self.redirect_uri = redirect_uri
        check_header_safe("token", self.token)
        check_header_safe("secret", secret)
        self._init_common(app_host or host, enc_public_key, on_error, timeout, lang,
                          use_unverified_ssl, ca_bundle, max_retries=max_retries,
                          retry_mutations=retry_mutations, max_response_bytes=max_response_bytes)

    @property
    def access_token(self) -> Optional[str]:
        """Alias of ``token`` (the spelling of the Approw docs)."""
        return self.token
