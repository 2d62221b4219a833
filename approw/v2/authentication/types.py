"""Options of :class:`approw.v2.authentication.AuthenticationClient`, and the shared constants."""
from typing import Optional, Union

from ..common.constants import (
    DEFAULT_ENCRYPT_PUBLICKEY,
    DEFAULT_HOST,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_ONERROR,
    DEFAULT_TIMEOUT_MS,
)
from ..common.options import ClientOptions, OnError, check_header_safe
from ..exceptions import ApprowWrongArgumentException

__all__ = [
    "AuthenticationClientOptions",
    "DEFAULT_ENCRYPT_PUBLICKEY",
    "DEFAULT_ONERROR",
    "DEFAULT_HOST",
]

DEFAULT_AUTH_METHOD = "client_secret_post"


class AuthenticationClientOptions(ClientOptions):
    """Options of an :class:`AuthenticationClient` (acting as an end user).

    :param app_id: application ID (``x-approw-app-id``; OIDC/OAuth ``client_id``).
    :param app_host: application domain, e.g. ``https://YOUR_DOMAIN.approw.com``; when given it
        is also the API base URL (it wins over ``host``).
    :param user_pool_id: user pool ID (``x-approw-userpool-id``).  ``app_id`` or
        ``user_pool_id`` is required.
    :param token: a user's id_token, to start "already logged in" (``access_token`` is accepted
        as an alias, as the Approw docs spell it).
    :param host: API base URL (default ``https://core.approw.com``; when neither it nor
        ``app_host`` is given and ``APPROW_EMULATOR_HOST`` is set, that local emulator).
    :param enc_public_key: PEM RSA public key used to encrypt passwords (default: the cloud's,
        or the emulator's for the emulator of ``APPROW_EMULATOR_HOST``).
    :param on_error: ``on_error(code, message)``; the default raises ``ApprowException``.
    :param timeout: request timeout in **milliseconds** (default 10000).
    :param lang: ``zh-CN`` or ``en-US``.
    :param websocket_host: base URL for AD login (default derived from ``host``).
    :param protocol: ``oidc`` (default), ``oauth``, ``saml`` or ``cas``.
    :param secret: application secret (client_secret).
    :param token_endpoint_auth_method: ``client_secret_post`` (default),
        ``client_secret_basic`` or ``none``; likewise ``introspection_endpoint_auth_method``
        and ``revocation_endpoint_auth_method``.
    :param redirect_uri: OAuth/OIDC callback URL.
    :param use_unverified_ssl: do not verify the server's TLS certificate (testing only).
    :param ca_bundle: path of a CA certificate file (PEM) to verify the server against.
    :param max_retries: retries of a safe request (a query, a GET) after a transient failure,
        within ``timeout`` (default 2; see :class:`~approw.v2.common.options.ClientOptions`).
    :param retry_mutations: also retry mutations, when the service certainly did not apply
        them (default ``False``).
    :param max_response_bytes: the largest answer accepted (default 32 MiB).

    ``access_token`` and the last four are keyword-only; the last four are new in this SDK.
    """

    def __init__(
        self,
        app_id: Optional[str] = None,
        app_host: Optional[str] = None,
        user_pool_id: Optional[str] = None,
        token: Optional[str] = None,
        host: Optional[str] = None,
        enc_public_key: Optional[Union[str, bytes]] = None,
        on_error: Optional[OnError] = None,
        timeout: Union[int, float] = DEFAULT_TIMEOUT_MS,
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
