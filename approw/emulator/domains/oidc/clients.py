"""The application as an OAuth 2.0 / OpenID Connect client: its settings and how it proves
who it is at the token, introspection and revocation endpoints.

Settings start from the emulator's options (``EmulatorConfig``) and can be changed at run
time (``Emulator.configure_app``); changes are kept in the store's ``meta`` table, so they
survive a restart with ``--db``.

Errors of these endpoints are OAuth errors (RFC 6749 section 5.2), not Approw envelopes:
:class:`OAuthError` carries the ``error`` code, a description and the HTTP status.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Dict, Optional, Tuple
from urllib.parse import SplitResult, unquote, urlsplit

from ...config import ID_TOKEN_ALGS, TOKEN_AUTH_METHODS
from ...context import RequestContext
from ...domain import Raw, Request
from ..applications import state as applications

_META_KEY = "oidc_client"


class OAuthError(Exception):
    """An error answered as ``{"error", "error_description"}`` (or in a redirect)."""

    def __init__(self, error: str, description: str, status: int = 400, *, basic: bool = False) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.basic = basic  # invalid_client after Basic authentication: say so in WWW-Authenticate

    def response(self) -> Raw:
        headers: Tuple[Tuple[str, str], ...] = (("Cache-Control", "no-store"),)
        if self.status == 401:
            scheme = 'Basic realm="approw-emulator"' if self.basic else 'Bearer error="%s"' % self.error
            headers += (("WWW-Authenticate", scheme),)
        return Raw({"error": self.error, "error_description": self.description}, status=self.status,
                   headers=headers)


@dataclass(frozen=True)
class AppSettings:
    """The application's settings as a client of the provider."""

    redirect_uris: Tuple[str, ...] = ()  # empty: any absolute http(s) URI without fragment
    token_endpoint_auth_method: str = "client_secret_post"
    introspection_endpoint_auth_method: str = "client_secret_post"
    revocation_endpoint_auth_method: str = "client_secret_post"
    id_token_alg: str = "RS256"
    code_lifetime: int = 600
    access_token_lifetime: int = 3600
    id_token_lifetime: int = 3600
    refresh_token_lifetime: int = 30 * 24 * 3600
    cas_ticket_lifetime: int = 300
    session_lifetime: int = 14 * 24 * 3600
    extra: Dict[str, Any] = field(default_factory=dict, compare=False)

    def check(self) -> None:
        for name in ("token_endpoint_auth_method", "introspection_endpoint_auth_method",
                     "revocation_endpoint_auth_method"):
            if getattr(self, name) not in TOKEN_AUTH_METHODS:
                raise ValueError("%s must be one of %s" % (name, ", ".join(TOKEN_AUTH_METHODS)))
        if self.id_token_alg not in ID_TOKEN_ALGS:
            raise ValueError("id_token_alg must be one of %s" % ", ".join(ID_TOKEN_ALGS))
        for name in ("code_lifetime", "access_token_lifetime", "id_token_lifetime", "refresh_token_lifetime",
                     "cas_ticket_lifetime", "session_lifetime"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError("%s must be a positive number of seconds" % name)
        for uri in self.redirect_uris:
            if not absolute_http(uri):
                raise ValueError("redirect URI %r is not an absolute http(s) URI without fragment" % uri)


def settings(ctx: RequestContext) -> AppSettings:
    """The application's current settings."""
    config = ctx.pool.config
    method = config.token_endpoint_auth_method
    base = AppSettings(redirect_uris=tuple(config.redirect_uris), token_endpoint_auth_method=method,
                       introspection_endpoint_auth_method=method, revocation_endpoint_auth_method=method,
                       id_token_alg=config.id_token_alg)
    stored = ctx.store.get_meta(_META_KEY)
    if stored:
        changes: Dict[str, Any] = {k: tuple(v) if k == "redirect_uris" else v for k, v in stored.items()}
        base = replace(base, **changes)
    return base


def configure(ctx: RequestContext, **changes: Any) -> AppSettings:
    """Change settings (any :class:`AppSettings` field); returns the new settings."""
    unknown = sorted(set(changes) - set(AppSettings.__dataclass_fields__) | {"extra"} & set(changes))
    if unknown:
        raise TypeError("unknown application settings: %s" % ", ".join(unknown))
    if "redirect_uris" in changes:
        changes["redirect_uris"] = tuple(changes["redirect_uris"])
    new = replace(settings(ctx), **changes)
    new.check()
    stored = dict(ctx.store.get_meta(_META_KEY) or {})
    stored.update({k: list(v) if k == "redirect_uris" else v for k, v in changes.items()})
    ctx.store.set_meta(_META_KEY, stored)
    return new


def as_dict(app: AppSettings) -> Dict[str, Any]:
    out = asdict(app)
    out.pop("extra", None)
    out["redirect_uris"] = list(app.redirect_uris)
    return out


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _target(uri: Any) -> Optional[SplitResult]:
    """The parts of an absolute http(s) URI that is safe to redirect a browser to, else None:
    a host and no userinfo (``http://rp@evil.example/`` goes to evil.example), no fragment,
    no whitespace, control character or backslash (browsers read ``\\`` as ``/``), a valid port."""
    if not isinstance(uri, str) or any(c.isspace() or ord(c) < 32 or c in "\\\x7f" for c in uri):
        return None
    parts = urlsplit(uri)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc or "#" in uri:
        return None
    try:
        parts.port
    except ValueError:
        return None
    return parts


def absolute_http(uri: Any) -> bool:
    return _target(uri) is not None


def _origin(parts: SplitResult) -> Tuple[str, str, int]:
    return parts.scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS[parts.scheme]


def redirect_allowed(app: AppSettings, uri: Any) -> bool:
    """A registered redirect URI (exact match), or any when none is registered."""
    if not absolute_http(uri):
        return False
    return not app.redirect_uris or uri in app.redirect_uris


def _below(service: SplitResult, registered: SplitResult) -> bool:
    """``service`` is at or below ``registered``: same scheme, host and port, and a path that
    equals the registered one or continues it after a ``/`` (``/cas`` covers ``/cas/x``, not
    ``/cassette``); a registered query must be the start of the service's."""
    if _origin(service) != _origin(registered):
        return False
    base, path = registered.path or "/", service.path or "/"
    if path != base and not path.startswith(base if base.endswith("/") else base + "/"):
        return False
    if registered.query:
        return service.path == registered.path and (service.query == registered.query
                                                     or service.query.startswith(registered.query + "&"))
    return True


def service_allowed(app: AppSettings, service: Any) -> bool:
    """A CAS service URL: below a registered redirect URI (parsed, see :func:`_below`), or any
    when none is registered."""
    parts = _target(service)
    if parts is None:
        return False
    if not app.redirect_uris:
        return True
    return any(_below(parts, registered) for registered in map(_target, app.redirect_uris)
               if registered is not None)


# --- client authentication ---------------------------------------------------------------------


def _basic_credentials(req: Request) -> Optional[Tuple[str, str]]:
    header = req.header("Authorization") or ""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise OAuthError("invalid_client", "Malformed Basic credentials", 401, basic=True) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "Malformed Basic credentials", 401, basic=True)
    # RFC 6749 section 2.3.1: both parts are form-urlencoded before base64.
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


def authenticate_client(ctx: RequestContext, req: Request, method: str) -> str:
    """The client id of an authenticated request, by the configured ``method``: the id of an
    application of the pool and its current secret (a refreshed secret replaces the old one
    at once)."""
    form = req.body if isinstance(req.body, dict) else {}
    basic = _basic_credentials(req)
    if basic is not None and "client_secret" in form:
        raise OAuthError("invalid_request", "Use one client authentication method, not Basic and client_secret")
    if method == "client_secret_basic":
        if basic is None:
            raise OAuthError("invalid_client", "This client authenticates with HTTP Basic (client_secret_basic)",
                             401, basic=True)
        client_id, secret = basic
    elif method == "client_secret_post":
        if basic is not None or "client_secret" not in form:
            raise OAuthError("invalid_client", "This client authenticates with client_id and client_secret in "
                             "the body (client_secret_post)", 401, basic=basic is not None)
        client_id, secret = str(form.get("client_id", "")), str(form["client_secret"])
    else:  # none: a public client names itself
        if basic is not None or "client_secret" in form:
            raise OAuthError("invalid_client", "This client is public (none): send client_id only", 401,
                             basic=basic is not None)
        client_id, secret = str(form.get("client_id", "")), ""
    expected = applications.secret(ctx.store, client_id) if client_id else None
    if expected is None:
        raise OAuthError("invalid_client", "Unknown client_id", 401, basic=basic is not None)
    if method != "none" and not hmac.compare_digest(secret.encode("utf-8"), expected.encode("utf-8")):
        raise OAuthError("invalid_client", "Wrong client secret", 401, basic=basic is not None)
    return client_id
