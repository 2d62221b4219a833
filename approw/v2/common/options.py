"""What both options classes have in common: host, key, error handler, timeout, TLS.

``ManagementClientOptions`` (``management/types.py``) and ``AuthenticationClientOptions``
(``authentication/types.py``) keep the reference constructors (parameter names, order and
defaults); they store their own fields and call :meth:`ClientOptions._init_common` for the
shared ones, which also validates them (bad values raise ``ApprowWrongArgumentException`` here
rather than failing later inside a request).
"""
from __future__ import annotations

import os
import warnings

from ..exceptions import ApprowArgumentTypeError, ApprowWrongArgumentException
from . import constants, emulator_env
from .constants import (
    DEFAULT_ENCRYPT_PUBLICKEY,
    DEFAULT_HOST,
    DEFAULT_ONERROR,
    GRAPHQL_PATH,
)

# ``typing`` is imported for type checkers only (it costs more than the SDK's own import).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Union

    #: ``on_error(code, message)``: may raise (the default raises ``ApprowException``) or return.
    OnError = Callable[[Any, Any], Any]

__all__ = ["ClientOptions", "check_header_safe", "ShowsOptions", "TakesOptions"]


def _check_optional_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ApprowWrongArgumentException(f"{name} must be a str, not {type(value).__name__}")


def check_header_safe(name: str, value: object) -> None:
    """A value sent in a header (ids, tokens, the language) must be a ``str`` without CR, LF
    or NUL: such a value could otherwise smuggle a header into the request.  The value itself
    is never put in the message (it may be a secret)."""
    _check_optional_str(name, value)
    if isinstance(value, str) and any(c in value for c in "\r\n\0"):
        raise ApprowWrongArgumentException(f"{name} must not contain CR, LF or NUL characters")


def _check_count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ApprowWrongArgumentException(f"{name} must be an int of at least {minimum}, got {value!r}")
    return value


class ClientOptions:
    """Base of both options classes (not used directly).

    Attributes: ``host`` (no trailing ``/``), ``graphql_endpoint`` (``{host}/graphql/v2``),
    ``enc_public_key``, ``on_error``, ``timeout`` (milliseconds), ``lang``,
    ``use_unverified_ssl``, ``ca_bundle``, ``user_pool_id``; ``app_id`` is ``None`` unless the
    subclass has one.  Keyword-only, new in this SDK: ``max_retries`` (default 2),
    ``retry_mutations`` (default ``False``), ``max_response_bytes`` (default 32 MiB).

    ``timeout`` bounds a whole call: its retries and the waits between them included.  Safe
    requests (GraphQL queries, GET) are retried up to ``max_retries`` times when the server
    could not be reached or answered 429, 502, 503 or 504, after an exponential backoff with
    full jitter (or the server's ``Retry-After``), as long as the call stays within
    ``timeout``.  A mutation is never sent twice by the SDK: with ``retry_mutations=True`` it is
    retried only when the service certainly did not apply it (connection refused, 429, 503).
    Answers larger than ``max_response_bytes`` (after decompression) are refused.
    """

    host: str
    graphql_endpoint: str
    _enc_public_key: Optional[Union[str, bytes]] = None
    on_error: OnError
    timeout: Union[int, float]
    lang: Optional[str]
    use_unverified_ssl: bool
    ca_bundle: Optional[str]
    max_retries: int
    retry_mutations: bool
    max_response_bytes: int
    user_pool_id: Optional[str]
    app_id: Optional[str] = None

    def _init_common(
        self,
        host: Optional[str],
        enc_public_key: Optional[Union[str, bytes]],
        on_error: Optional[OnError],
        timeout: Optional[Union[int, float]],
        lang: Optional[str],
        use_unverified_ssl: bool,
        ca_bundle: Optional[str],
        *,
        max_retries: int,
        retry_mutations: bool,
        max_response_bytes: int,
    ) -> None:
        """Store and validate the shared options.  Called from the subclass ``__init__``, so a
        warning's ``stacklevel=3`` points at the caller's line."""
        emulator = None if host else emulator_env.emulator_host()
        host = host or emulator or DEFAULT_HOST
        if not isinstance(host, str) or "://" not in host or any(c in host for c in " \r\n\0"):
            raise ApprowWrongArgumentException(
                f"host must be an absolute URL such as {DEFAULT_HOST!r}, got {host!r}"
            )
        # The reference does not normalise a trailing "/" (it then requests "//graphql/v2").
        host = host.rstrip("/")
        if host.endswith(("/graphql/v2", "/graphql")):
            base = host[: host.rindex("/graphql")]
            raise ApprowWrongArgumentException(
                f"host must be the service's base URL, without the GraphQL path (the SDK adds "
                f"{GRAPHQL_PATH} itself): use host={base!r}, not {host!r}"
            )
        self.host = host
        self.graphql_endpoint = self.host + GRAPHQL_PATH

        if enc_public_key is not None and not isinstance(enc_public_key, (str, bytes)):
            raise ApprowWrongArgumentException("enc_public_key must be a PEM string")
        # with the emulator host of the environment and no key: the emulator's, on first use
        self._enc_public_key = enc_public_key or (None if emulator else DEFAULT_ENCRYPT_PUBLICKEY)

        if on_error is not None and not callable(on_error):
            raise ApprowWrongArgumentException("on_error must be callable as on_error(code, message)")
        self.on_error = on_error or DEFAULT_ONERROR

        if timeout is None:
            timeout = constants.DEFAULT_TIMEOUT_MS
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

        check_header_safe("lang", lang)
        self.lang = lang
        self.use_unverified_ssl = bool(use_unverified_ssl)
        _check_optional_str("ca_bundle", ca_bundle)
        if ca_bundle is not None and not os.access(ca_bundle, os.R_OK):
            raise ApprowWrongArgumentException(f"ca_bundle {ca_bundle!r} is not a readable file")
        self.ca_bundle = ca_bundle
        self.max_retries = _check_count("max_retries", max_retries, 0)
        self.retry_mutations = bool(retry_mutations)
        self.max_response_bytes = _check_count("max_response_bytes", max_response_bytes, 1)
        check_header_safe("user_pool_id", self.user_pool_id)
        check_header_safe("app_id", self.app_id)

    @property
    def enc_public_key(self) -> Union[str, bytes]:
        """The PEM key passwords are encrypted with."""
        if self._enc_public_key is None:
            self._enc_public_key = emulator_env.fetch_public_key(self.host, self.timeout_ms / 1000)
        return self._enc_public_key

    @enc_public_key.setter
    def enc_public_key(self, value: Union[str, bytes]) -> None:
        self._enc_public_key = value

    @property
    def timeout_ms(self) -> int:
        """``timeout`` as whole milliseconds (at least 1), as the transport takes it."""
        return max(1, int(self.timeout))

    def __repr__(self) -> str:
        # Never show secrets or tokens.
        shown = ("host", "user_pool_id", "app_id", "timeout", "lang")
        fields = ", ".join(f"{k}={getattr(self, k, None)!r}" for k in shown)
        return f"{type(self).__name__}({fields})"


class ShowsOptions:
    """``repr()`` of an object that holds client options (clients, sub-clients, token
    providers, executors): its class and its options, whose repr leaves out secrets and
    tokens -- the object's own state (a cached token, the logged-in user) is never shown."""

    __slots__ = ()

    def __repr__(self) -> str:
        # (no annotation of `options` here: each class declares its own options type)
        return f"{type(self).__name__}({getattr(self, 'options', None)!r})"


class TakesOptions:
    """Base of the clients: a client takes one options object, ``Client(options)``.  Settings
    passed to the client itself (``AuthenticationClient(app_id=...)``), which Python would
    refuse with a bare ``TypeError``, get a message that shows the right call.  (``__new__``
    only looks at the arguments; ``__init__`` keeps the typed signature.)"""

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) + len(kwargs) <= 1 and (not kwargs or "options" in kwargs):
            return object.__new__(cls)      # (no argument at all: copy and pickle do that)
        extra = [k for k in kwargs if k != "options"]
        given = len(args) + ("options" in kwargs)
        client = cls.__name__
        options = client.replace("Async", "", 1) + "Options"
        shown = ", ".join(f"{k}=..." for k in extra) or "..."
        raise ApprowArgumentTypeError(
            f"{client} takes its settings in one {options} object: "
            f"{client}(options={options}({shown}))"
            + (f", not {client}({shown})" if extra else f", not {given} arguments"))
