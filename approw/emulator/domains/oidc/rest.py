"""Routes of the OpenID Provider: discovery, the OpenID Connect endpoints under ``/oidc``,
their OAuth 2.0 twins under ``/oauth`` and the logout URLs.  (The JWKS is served by the
userpool domain, which owns the keys.)"""

from __future__ import annotations

import functools
from typing import Callable, List

from ...context import RequestContext
from ...domain import Raw, Request, Route
from . import authorize, issue, token

_SCOPES = ["openid", "profile", "email", "phone", "address", "offline_access"]
_CLAIMS = ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash", "sid", "azp", "name",
           "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
           "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "email", "email_verified",
           "phone_number", "phone_number_verified", "address"]
_AUTH_METHODS = ["client_secret_post", "client_secret_basic", "none"]


def discovery(ctx: RequestContext, req: Request) -> Raw:
    """OpenID Connect Discovery 1.0 metadata."""
    base = ctx.pool.issuer
    return Raw({
        "issuer": base,
        "authorization_endpoint": base + "/auth",
        "token_endpoint": base + "/token",
        "userinfo_endpoint": base + "/me",
        "jwks_uri": base + "/.well-known/jwks.json",
        "introspection_endpoint": base + "/token/introspection",
        "revocation_endpoint": base + "/token/revocation",
        "end_session_endpoint": base + "/session/end",
        "scopes_supported": _SCOPES,
        "response_types_supported": ["code", "id_token", "id_token token", "code id_token", "code token",
                                     "code id_token token"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": ["authorization_code", "implicit", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "HS256"],
        "token_endpoint_auth_methods_supported": _AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": _AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": _AUTH_METHODS,
        "code_challenge_methods_supported": ["plain", "S256"],
        "claims_supported": _CLAIMS,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "claims_parameter_supported": False,
    }, headers=(("Cache-Control", "public, max-age=300"),))


Handler = Callable[[RequestContext, Request, str], Raw]


def _for(protocol: str, fn: Handler) -> Callable[[RequestContext, Request], Raw]:
    @functools.wraps(fn)
    def handler(ctx: RequestContext, req: Request) -> Raw:
        return fn(ctx, req, protocol)

    return handler


def _protocol_routes(protocol: str) -> List[Route]:
    prefix = "/" + protocol
    routes: List[Route] = []
    for path, methods, fn in (("/auth", ("GET", "POST"), authorize.authorize),
                              ("/token", ("POST",), token.token),
                              ("/token/introspection", ("POST",), token.introspect),
                              ("/token/revocation", ("POST",), token.revoke),
                              ("/me", ("GET", "POST"), token.userinfo)):
        routes.extend((method, prefix + path, _for(protocol, fn)) for method in methods)
    return routes


def _profile_logout(ctx: RequestContext, req: Request) -> Raw:
    return authorize.simple_logout(ctx, req, "redirect_uri")


ROUTES: List[Route] = [
    ("GET", "/oidc/.well-known/openid-configuration", discovery),
    ("GET", "/oidc/session/end", authorize.end_session),
    ("POST", "/oidc/session/end", authorize.end_session),
    ("GET", "/login/profile/logout", _profile_logout),
    *_protocol_routes(issue.OIDC),
    *_protocol_routes(issue.OAUTH),
]
