"""Every application of the pool as an OAuth 2.0 / OpenID Connect / CAS client: its settings
(redirect URIs, grant types, per-endpoint client authentication, ID-token algorithm,
lifetimes), how a redirect URI is matched, and how a client proves who it is at the token,
introspection and revocation endpoints.

Settings start from defaults (the default application's from the emulator's options,
``EmulatorConfig``) and are changed through the management API (``oidcConfig`` of an
application) or ``Emulator.configure_app``; changes are kept in the ``op_clients`` table, so
they survive a restart with ``--db``.  Redirect URIs are the application's ``redirectUris``.

Errors of these endpoints are OAuth errors (RFC 6749 section 5.2), not Approw envelopes:
:class:`OAuthError` carries the ``error`` code, a description and the HTTP status.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import asdict, dataclass, replace
from typing import Any, Dict, Optional, Tuple
from urllib.parse import SplitResult, unquote, urlsplit

from ...config import ID_TOKEN_ALGS, TOKEN_AUTH_METHODS
from ...context import RequestContext
from ...domain import Raw, Request
from ..applications import state as applications
from . import state

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


GRANT_TYPES = ("authorization_code", "implicit", "refresh_token")
_LIFETIMES = ("code_lifetime", "access_token_lifetime", "id_token_lifetime", "refresh_token_lifetime",
              "cas_ticket_lifetime", "session_lifetime")
_ENDPOINT_METHODS = ("token_endpoint_auth_method", "introspection_endpoint_auth_method",
                     "revocation_endpoint_auth_method")
# The application's ``oidcConfig`` as the management API shows and takes it -> AppSettings field.
WIRE = {"grant_types": "grant_types", "token_endpoint_auth_method": "token_endpoint_auth_method",
        "introspection_endpoint_auth_method": "introspection_endpoint_auth_method",
        "revocation_endpoint_auth_method": "revocation_endpoint_auth_method",
        "id_token_signed_response_alg": "id_token_alg", "authorization_code_expire": "code_lifetime",
        "access_token_expire": "access_token_lifetime", "id_token_expire": "id_token_lifetime",
        "refresh_token_expire": "refresh_token_lifetime", "cas_expire": "cas_ticket_lifetime",
        "session_expire": "session_lifetime"}
_IDENTITY = ("client_id", "name", "secret")


@dataclass(frozen=True)
class AppSettings:
    """An application's settings as a client of the provider (``client_id``, ``name`` and
    ``secret`` are the application's own)."""

    client_id: str = ""
    name: str = ""
    secret: str = ""
    redirect_uris: Tuple[str, ...] = ()  # empty: any absolute http(s) URI without fragment
    grant_types: Tuple[str, ...] = GRANT_TYPES
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

    def check(self) -> None:
        for name in _ENDPOINT_METHODS:
            if getattr(self, name) not in TOKEN_AUTH_METHODS:
                raise ValueError("%s must be one of %s" % (name, ", ".join(TOKEN_AUTH_METHODS)))
        if self.id_token_alg not in ID_TOKEN_ALGS:
            raise ValueError("id_token_alg must be one of %s" % ", ".join(ID_TOKEN_ALGS))
        if not isinstance(self.grant_types, tuple) or not set(self.grant_types) <= set(GRANT_TYPES):
            raise ValueError("grant_types must be a list of %s" % ", ".join(GRANT_TYPES))
        for name in _LIFETIMES:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10 * 366 * 86400:
                raise ValueError("%s must be a positive number of seconds (at most 10 years)" % name)
        for uri in self.redirect_uris:
            if not absolute_http(uri):
                raise ValueError("redirect URI %r is not an absolute http(s) URI without fragment" % uri)

    def allows(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


_TUPLES = ("redirect_uris", "grant_types")


def client(ctx: RequestContext, client_id: Any) -> Optional[AppSettings]:
    """The settings of the application ``client_id`` (None: not an application of the pool).
    The default application starts from the emulator's options; every application from the
    defaults above, changed by :func:`configure` (kept in the store)."""
    app = applications.get(ctx.store, client_id)
    if app is None:
        return None
    base = AppSettings(client_id=app["id"], name=app["name"], secret=app["secret"],
                       redirect_uris=tuple(app["redirectUris"]))
    if app["isDefault"]:
        config = ctx.pool.config
        method = config.token_endpoint_auth_method
        base = replace(base, token_endpoint_auth_method=method, introspection_endpoint_auth_method=method,
                       revocation_endpoint_auth_method=method, id_token_alg=config.id_token_alg)
    stored = state.client_settings(ctx.store, app["id"])
    if stored:
        known: Dict[str, Any] = {k: tuple(v) if k in _TUPLES else v for k, v in stored.items()
                                 if k in AppSettings.__dataclass_fields__}
        base = replace(base, **known)
    return base


def settings(ctx: RequestContext, app_id: Optional[str] = None) -> AppSettings:
    """The settings of an application (default: the pool's default application), which must exist."""
    found = client(ctx, app_id or ctx.pool.app_id)
    if found is None:
        raise LookupError("no application %r" % (app_id,))
    return found


def configure(ctx: RequestContext, app_id: Optional[str] = None, **changes: Any) -> AppSettings:
    """Change an application's settings (any :class:`AppSettings` field but its identity);
    ``ValueError`` for a bad value, ``TypeError`` for an unknown setting.  Redirect URIs are
    the application's own ``redirectUris``."""
    unknown = sorted(set(changes) - set(AppSettings.__dataclass_fields__) | set(_IDENTITY) & set(changes))
    if unknown:
        raise TypeError("unknown application settings: %s" % ", ".join(unknown))
    for key in _TUPLES:
        if key in changes:
            if isinstance(changes[key], (str, bytes)) or not isinstance(changes[key], (list, tuple)):
                raise ValueError("%s must be a list" % key)
            changes[key] = tuple(dict.fromkeys(changes[key]))
    with ctx.store.tx():
        current = settings(ctx, app_id)
        new = replace(current, **changes)
        new.check()
        if "redirect_uris" in changes:
            applications.update(ctx.store, current.client_id, {"redirectUris": list(new.redirect_uris)})
        stored = dict(state.client_settings(ctx.store, current.client_id) or {})
        stored.update({k: list(v) if k in _TUPLES else v for k, v in changes.items() if k != "redirect_uris"})
        state.set_client_settings(ctx.store, current.client_id, stored)
    return new


def as_dict(app: AppSettings) -> Dict[str, Any]:
    """The settings (not the identity) as plain JSON values."""
    out = asdict(app)
    for key in _IDENTITY:
        out.pop(key)
    for key in _TUPLES:
        out[key] = list(out[key])
    return out


def wire_view(app: AppSettings) -> Dict[str, Any]:
    """``oidcConfig`` of the management API."""
    values = as_dict(app)
    return {wire: values[name] for wire, name in WIRE.items()}


def from_wire(body: Any) -> Dict[str, Any]:
    """:func:`configure` changes from an ``oidcConfig`` object (``ValueError`` for unknown keys)."""
    if not isinstance(body, dict):
        raise ValueError("oidcConfig must be an object")
    unknown = sorted(set(body) - set(WIRE))
    if unknown:
        raise ValueError("unknown oidcConfig settings: %s (known: %s)" % (", ".join(unknown), ", ".join(WIRE)))
    return {WIRE[k]: v for k, v in body.items() if v is not None}


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


_LOOPBACK = ("127.0.0.1", "::1")


def _loopback_match(registered: str, uri: str) -> bool:
    """RFC 8252 section 7.3: a native app's ``http`` redirect to a loopback IP literal may use
    any port; everything else must match."""
    a, b = urlsplit(registered), urlsplit(uri)
    if a.scheme != "http" or b.scheme != "http" or a.hostname not in _LOOPBACK or a.hostname != b.hostname:
        return False
    try:
        b.port  # noqa: B018 - a malformed port raises
    except ValueError:
        return False
    return (a.username, a.password, a.path, a.query) == (b.username, b.password, b.path, b.query)


def redirect_allowed(app: AppSettings, uri: Any) -> bool:
    """Whether ``uri`` is a redirect URI of the application: one registered, exactly (OpenID
    Connect Core 3.1.2.1), or one differing only in the port of a registered loopback URI
    (RFC 8252); any absolute http(s) URI while none is registered."""
    if not absolute_http(uri):
        return False
    if not app.redirect_uris:
        return True
    return uri in app.redirect_uris or any(_loopback_match(r, uri) for r in app.redirect_uris)


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


def presented(req: Request) -> Tuple[str, Optional[str], bool]:
    """``(client_id, secret or None, by Basic)`` as the request presents its client: HTTP
    Basic, or ``client_id`` / ``client_secret`` in the form (never both)."""
    form = req.body if isinstance(req.body, dict) else {}
    basic = _basic_credentials(req)
    if basic is not None and "client_secret" in form:
        raise OAuthError("invalid_request", "Use one client authentication method, not Basic and client_secret")
    if basic is not None:
        return basic[0], basic[1], True
    secret = form.get("client_secret")
    return str(form.get("client_id", "")), None if secret is None else str(secret), False


def authenticate_client(ctx: RequestContext, req: Request, setting: str) -> AppSettings:
    """The application a request authenticates as, by the method its ``setting`` (e.g.
    ``token_endpoint_auth_method``) names: its id and current secret (a refreshed secret
    replaces the old one at once), or its id alone for ``none``."""
    client_id, secret, basic = presented(req)
    app = client(ctx, client_id) if client_id else None
    if app is None:
        raise OAuthError("invalid_client", "Unknown client_id", 401, basic=basic)
    method = getattr(app, setting)
    if method == "client_secret_basic" and not basic:
        raise OAuthError("invalid_client", "This client authenticates with HTTP Basic (client_secret_basic)",
                         401, basic=True)
    if method == "client_secret_post" and (basic or secret is None):
        raise OAuthError("invalid_client", "This client authenticates with client_id and client_secret in "
                         "the body (client_secret_post)", 401, basic=basic)
    if method == "none":
        if basic or secret is not None:
            raise OAuthError("invalid_client", "This client is public (none): send client_id only", 401, basic=basic)
        return app
    if not hmac.compare_digest((secret or "").encode("utf-8"), app.secret.encode("utf-8")):
        raise OAuthError("invalid_client", "Wrong client secret", 401, basic=basic)
    return app
