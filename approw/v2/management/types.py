"""Options of :class:`approw.v2.management.ManagementClient`, and the shared constants."""
from typing import Optional, Union

from ..common.constants import DEFAULT_ENCRYPT_PUBLICKEY, DEFAULT_HOST, DEFAULT_ONERROR
from ..common.options import ClientOptions, OnError
from ..exceptions import ApprowWrongArgumentException

__all__ = [
    "ManagementClientOptions",
    "DEFAULT_ENCRYPT_PUBLICKEY",
    "DEFAULT_ONERROR",
    "DEFAULT_HOST",
]


class ManagementClientOptions(ClientOptions):
    """Options of a :class:`ManagementClient` (user pool administrator).

    :param user_pool_id: user pool ID (sent as ``x-approw-userpool-id``).
    :param secret: user pool secret; only used to obtain the management token.
    :param host: API base URL, default ``https://core.approw.com`` (a private deployment's URL,
        with scheme).
    :param enc_public_key: PEM RSA public key used to encrypt passwords; default
        ``DEFAULT_ENCRYPT_PUBLICKEY`` (the Approw cloud's).
    :param on_error: ``on_error(code, message)``, called for every error the server reports;
        default ``DEFAULT_ONERROR`` raises ``ApprowException``.
    :param timeout: request timeout in **milliseconds** (default 10000).  Values below 100 warn:
        they are probably seconds.
    :param lang: language of server messages, ``zh-CN`` or ``en-US`` (``x-approw-lang``).
    :param use_unverified_ssl: do not verify the server's TLS certificate (testing only).
    :param ca_bundle: path of a CA certificate file (PEM) to verify the server against instead
        of the system store (keyword only; new in this SDK).
    """

    user_pool_id: str
    secret: str

    def __init__(
        self,
        user_pool_id: str,
        secret: str,
        host: Optional[str] = None,
        enc_public_key: Optional[Union[str, bytes]] = None,
        on_error: Optional[OnError] = None,
        timeout: Union[int, float] = 10000,
        lang: Optional[str] = None,
        use_unverified_ssl: bool = False,
        *,
        ca_bundle: Optional[str] = None,
    ) -> None:
        for name, value in (("user_pool_id", user_pool_id), ("secret", secret)):
            if not isinstance(value, str) or not value:
                raise ApprowWrongArgumentException(f"{name} must be a non-empty str")
        self.user_pool_id = user_pool_id
        self.secret = secret
        self._init_common(host, enc_public_key, on_error, timeout, lang, use_unverified_ssl,
                          ca_bundle)
