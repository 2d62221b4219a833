"""What both options classes have in common: host, key, error handler, timeout, TLS.

``ManagementClientOptions`` (``management/types.py``) and ``AuthenticationClientOptions``
(``authentication/types.py``) keep the reference constructors (parameter names, order and
defaults); they store their own fields and call :meth:`ClientOptions._init_common` for the
shared ones, which also validates them (bad values raise ``ApprowWrongArgumentException`` here
rather than failing later inside a request).
"""
import warnings
from typing import Any, Callable, Optional, Union

from ..exceptions import ApprowWrongArgumentException
from .constants import (
    DEFAULT_ENCRYPT_PUBLICKEY,
    DEFAULT_HOST,
    DEFAULT_ONERROR,
    DEFAULT_TIMEOUT_MS,
    GRAPHQL_PATH,
)

__all__ = ["ClientOptions", "OnError"]

#: ``on_error(code, message)``: may raise (the default raises ``ApprowException``) or return.
OnError = Callable[[Any, Any], Any]


def _check_optional_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ApprowWrongArgumentException(f"{name} must be a str, not {type(value).__name__}")


class ClientOptions:
    """Base of both options classes (not used directly).

    Attributes: ``host`` (no trailing ``/``), ``graphql_endpoint`` (``{host}/graphql/v2``),
    ``enc_public_key``, ``on_error``, ``timeout`` (milliseconds), ``lang``,
    ``use_unverified_ssl``, ``ca_bundle``, ``user_pool_id``; ``app_id`` is ``None`` unless the
    subclass has one.
    """

    host: str
    graphql_endpoint: str
    enc_public_key: Union[str, bytes]
    on_error: OnError
    timeout: Union[int, float]
    lang: Optional[str]
    use_unverified_ssl: bool
    ca_bundle: Optional[str]
    user_pool_id: Optional[str]
    app_id: Optional[str] = None

    def _init_common(
        self,
        host: Optional[str],
        enc_public_key: Optional[Union[str, bytes]],
        on_error: Optional[OnError],
        timeout: Union[int, float],
        lang: Optional[str],
        use_unverified_ssl: bool,
        ca_bundle: Optional[str],
    ) -> None:
        """Store and validate the shared options.  Called from the subclass ``__init__``, so a
        warning's ``stacklevel=3`` points at the caller's line."""
        host = host or DEFAULT_HOST
        if not isinstance(host, str) or "://" not in host:
            raise ApprowWrongArgumentException(
                f"host must be an absolute URL such as {DEFAULT_HOST!r}, got {host!r}"
            )
        # The reference does not normalise a trailing "/" (it then requests "//graphql/v2").
        self.host = host.rstrip("/")
        self.graphql_endpoint = self.host + GRAPHQL_PATH

        enc_public_key = enc_public_key or DEFAULT_ENCRYPT_PUBLICKEY
        if not isinstance(enc_public_key, (str, bytes)):
            raise ApprowWrongArgumentException("enc_public_key must be a PEM string")
        self.enc_public_key = enc_public_key

        if on_error is not None and not callable(on_error):
            raise ApprowWrongArgumentException("on_error must be callable as on_error(code, message)")
        self.on_error = on_error or DEFAULT_ONERROR

        if timeout is None:
            timeout = DEFAULT_TIMEOUT_MS
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ApprowWrongArgumentException(
                f"timeout must be a positive number of milliseconds, got {timeout!r}"
            )
        if timeout < 100:
            warnings.warn(
                f"timeout={timeout!r} is in milliseconds; a value below 100 ms is probably meant "
                f"as seconds (use timeout={int(timeout * 1000)})",
                UserWarning,
                stacklevel=3,
            )
        self.timeout = timeout

        _check_optional_str("lang", lang)
        self.lang = lang
        self.use_unverified_ssl = bool(use_unverified_ssl)
        _check_optional_str("ca_bundle", ca_bundle)
        self.ca_bundle = ca_bundle

    @property
    def timeout_ms(self) -> int:
        """``timeout`` as whole milliseconds (at least 1), as the transport takes it."""
        return max(1, int(self.timeout))

    def __repr__(self) -> str:
        # Never show secrets or tokens.
        shown = ("host", "user_pool_id", "app_id", "timeout", "lang")
        fields = ", ".join(f"{k}={getattr(self, k, None)!r}" for k in shown)
        return f"{type(self).__name__}({fields})"
