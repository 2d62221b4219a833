"""The settings of the web-framework integrations: :class:`ApprowSettings`, where the
service is and what to accept, from code, a mapping (Flask's ``app.config["APPROW"]``,
Django's ``settings.APPROW``) or environment variables.  Also importable from
:mod:`approw.integrations.core` and each framework's module."""
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Sequence

from approw.v2.authentication import AuthenticationClientOptions
from approw.v2.exceptions import ApprowWrongArgumentException
from approw.v2.management import ManagementClientOptions

__all__ = ["ApprowSettings"]


@dataclass(frozen=True)
class ApprowSettings:
    """Where the service is and what to accept (immutable; every field checked when built).

    Args:
        host: the service (``https://YOUR_APP.approw.com``, or an emulator's URL).
        app_id: your application (the tokens' audience).
        user_pool_id, secret: the pool's management credentials, needed for permission and
            role checks that the token's claims cannot answer (and for
            :attr:`~approw.integrations.core.Guard.management`).
        app_secret: accept HS256 ID tokens signed with it.
        enc_public_key: the service's password-encryption key (for the end-user clients'
            sign-up and sign-in).
        audience: accepted audiences (default ``[app_id]``).
        issuer: the tokens' issuer (default ``{host}/oidc``).
        check_revoked, revocation_ttl: ask the service whether a token was revoked, and
            remember the answer that many seconds (see ``TokenVerifier``).
        cache_ttl, cache_size: the permission cache (``cache_ttl=0`` asks every time).
        timeout, ca_bundle: the transport (``timeout`` in milliseconds).
        realm: named in ``WWW-Authenticate``.

    Raises:
        ApprowWrongArgumentException: a field has the wrong type or value (``host`` not a
            URL, ``app_id`` empty, a negative time, ...).
    """

    host: str
    app_id: str
    user_pool_id: Optional[str] = None
    secret: Optional[str] = field(default=None, repr=False)
    app_secret: Optional[str] = field(default=None, repr=False)
    enc_public_key: Optional[str] = field(default=None, repr=False)
    audience: Optional[Sequence[str]] = None
    issuer: Optional[str] = None
    check_revoked: bool = False
    revocation_ttl: float = 10.0
    cache_ttl: float = 30.0
    cache_size: int = 10000
    timeout: int = 10000
    ca_bundle: Optional[str] = None
    realm: str = "approw"

    def __post_init__(self) -> None:
        if not isinstance(self.host, str) or "://" not in self.host:
            raise ApprowWrongArgumentException("host must be the service's URL, e.g. https://YOUR_APP.approw.com")
        if not isinstance(self.app_id, str) or not self.app_id:
            raise ApprowWrongArgumentException("app_id must be your application's id (a non-empty str)")
        for name in ("user_pool_id", "secret", "app_secret", "enc_public_key", "issuer", "ca_bundle"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ApprowWrongArgumentException("%s must be a str or None" % name)
        if self.audience is not None and (isinstance(self.audience, str) or not all(
                isinstance(a, str) and a for a in self.audience)):
            raise ApprowWrongArgumentException("audience must be a list of application ids")
        for name in ("revocation_ttl", "cache_ttl"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ApprowWrongArgumentException("%s must be a number of seconds >= 0" % name)
        for name in ("cache_size", "timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ApprowWrongArgumentException("%s must be an int >= 1" % name)
        if not isinstance(self.realm, str) or not isinstance(self.check_revoked, bool):
            raise ApprowWrongArgumentException("realm must be a str and check_revoked a bool")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "ApprowSettings":
        """Settings from a mapping with the field names in upper case.

        Args:
            values: ``{"HOST": ..., "APP_ID": ..., ...}`` (Flask's ``app.config["APPROW"]``,
                Django's ``settings.APPROW``); text values of numeric and boolean fields are
                converted.

        Returns:
            The settings.

        Raises:
            ApprowWrongArgumentException: an unknown key, ``HOST`` or ``APP_ID`` missing, or
                a value that is invalid for its field.
        """
        known = {name.upper(): name for name in cls.__dataclass_fields__}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ApprowWrongArgumentException("unknown Approw settings: %s (known: %s)" % (
                ", ".join(unknown), ", ".join(sorted(known))))
        for required in ("HOST", "APP_ID"):
            if not values.get(required):
                raise ApprowWrongArgumentException("the Approw settings need %s" % required)
        return cls(**{known[key]: _setting(known[key], value) for key, value in values.items()})

    @classmethod
    def from_env(cls, prefix: str = "APPROW_", environ: Optional[Mapping[str, str]] = None) -> "ApprowSettings":
        """Settings from environment variables: ``APPROW_HOST``, ``APPROW_APP_ID``,
        ``APPROW_USER_POOL_ID``, ``APPROW_SECRET``, ...

        Args:
            prefix: the variables' common prefix.
            environ: the variables (default ``os.environ``); numbers and ``true``/``false``
                are converted.

        Returns:
            The settings.

        Raises:
            ApprowWrongArgumentException: as :meth:`from_mapping` (e.g. an unknown
                ``APPROW_`` variable).
        """
        import os

        source = os.environ if environ is None else environ
        return cls.from_mapping({k[len(prefix):]: v for k, v in source.items() if k.startswith(prefix)})

    def authentication_options(self, token: Optional[str] = None) -> AuthenticationClientOptions:
        """Options of an end-user client for this application.

        Args:
            token: a user's token for the client to act with.

        Returns:
            An :class:`~approw.v2.authentication.AuthenticationClientOptions`.

        Raises:
            ApprowWrongArgumentException: the options refuse a setting.
        """
        return AuthenticationClientOptions(app_id=self.app_id, host=self.host, token=token,
                                           enc_public_key=self.enc_public_key, timeout=self.timeout,
                                           ca_bundle=self.ca_bundle)

    def management_options(self) -> ManagementClientOptions:
        """Options of the management client of the settings' pool.

        Returns:
            A :class:`~approw.v2.management.ManagementClientOptions`.

        Raises:
            ApprowWrongArgumentException: ``user_pool_id`` or ``secret`` is not set.
        """
        if not self.user_pool_id or not self.secret:
            raise ApprowWrongArgumentException(
                "this needs the pool's management credentials: set user_pool_id and secret in the Approw settings")
        return ManagementClientOptions(user_pool_id=self.user_pool_id, secret=self.secret, host=self.host,
                                       enc_public_key=self.enc_public_key, timeout=self.timeout,
                                       ca_bundle=self.ca_bundle)

    def verifier_arguments(self) -> Dict[str, Any]:
        """The keyword arguments of the token verifier these settings make.

        Returns:
            ``{issuer, audience, secret, check_revoked, revocation_ttl, host, timeout,
            ca_bundle}`` for ``TokenVerifier(**...)`` or ``AsyncTokenVerifier(**...)``.

        Raises:
            ApprowException: never; the settings were checked when built.
        """
        return {"issuer": self.issuer or self.host.rstrip("/") + "/oidc",
                "audience": list(self.audience or [self.app_id]), "secret": self.app_secret,
                "check_revoked": self.check_revoked, "revocation_ttl": self.revocation_ttl,
                "host": self.host, "timeout": self.timeout, "ca_bundle": self.ca_bundle}


_NUMBERS = {"revocation_ttl": float, "cache_ttl": float, "cache_size": int, "timeout": int}


def _setting(name: str, value: Any) -> Any:
    """A setting given as text (environment variables) converted to its field's type."""
    if not isinstance(value, str):
        return value
    if name == "check_revoked":
        if value.strip().lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off", ""):
            raise ApprowWrongArgumentException("check_revoked must be true or false, not %r" % value)
        return value.strip().lower() in ("1", "true", "yes", "on")
    if name == "audience":
        return [a for a in value.replace(",", " ").split() if a]
    if name in _NUMBERS:
        try:
            return _NUMBERS[name](value)
        except ValueError:
            raise ApprowWrongArgumentException("%s must be a number, not %r" % (name, value)) from None
    return value or None if name not in ("host", "app_id", "realm") else value
