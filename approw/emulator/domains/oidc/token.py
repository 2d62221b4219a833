"""The token endpoint (``POST /oidc/token``, ``/oauth/token``), introspection (RFC 7662),
revocation (RFC 7009) and userinfo.

Grants: ``authorization_code`` (the code is single use: presenting it again fails and
revokes every token issued from it; ``redirect_uri`` must equal the authorization
request's; a PKCE ``code_verifier`` is required exactly when the request had a challenge),
``refresh_token`` (new access and ID tokens; the refresh token itself is returned unchanged,
as the service does) and ``client_credentials`` (programmatic access accounts, see
:mod:`.machine`).  Applications authenticate with the method they configured for the
endpoint and may use only their grant types.
Responses are ``Cache-Control: no-store``; errors are ``{"error", "error_description"}``
with HTTP 400 (401 for ``invalid_client``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, Dict, Optional, Tuple

from ...context import RequestContext
from ...domain import Raw, Request
from ...tokens import b64url
from ..users import state as users
from . import clients, issue, machine, state
from .clients import AppSettings, OAuthError

_NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


def _form(req: Request) -> Dict[str, str]:
    form = (req.header("Content-Type") or "").lower().startswith("application/x-www-form-urlencoded")
    if req.method != "POST" or not form or not isinstance(req.body, dict):
        raise OAuthError("invalid_request", "send a POST with an application/x-www-form-urlencoded body")
    return {k: v for k, v in req.body.items() if isinstance(v, str)}


def _challenge_ok(record: Dict[str, Any], verifier: Optional[str]) -> bool:
    if record["challenge"] is None:
        return verifier is None
    if verifier is None or not (43 <= len(verifier) <= 128):
        return False
    if record["challenge_method"] == "S256":
        expected = b64url(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
    else:
        expected = verifier
    return hmac.compare_digest(expected.encode("ascii", "replace"), record["challenge"].encode("ascii"))


def _code_grant(ctx: RequestContext, app: AppSettings, form: Dict[str, str], protocol: str,
                now: int) -> Dict[str, Any]:
    client_id = app.client_id
    code = form.get("code")
    if not code:
        raise OAuthError("invalid_request", "code is required")
    record = state.take_code(ctx.store, code)
    if record is None or record["protocol"] != protocol or record["client_id"] != client_id:
        raise OAuthError("invalid_grant", "the authorization code is invalid")
    if record["used"]:
        state.revoke_grant(ctx.store, record["grant_id"])
        raise OAuthError("invalid_grant", "the authorization code has already been used")
    if record["expires"] <= now:
        raise OAuthError("invalid_grant", "the authorization code has expired")
    if record["redirect_uri"] != form.get("redirect_uri"):
        raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
    if not _challenge_ok(record, form.get("code_verifier")):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge" if record["challenge"]
                         else "code_verifier sent, but the authorization request had no code_challenge")
    user = users.get_user(ctx.store, record["user_id"])
    if user is None:
        raise OAuthError("invalid_grant", "the user no longer exists")
    grant = issue.Grant.from_record(record)
    answer = _tokens(ctx, app, grant, user, now, nonce=record["nonce"])
    if record["offline"] and app.allows("refresh_token"):
        answer["refresh_token"] = issue.refresh_token(ctx, app, grant, now)
    return answer


def _tokens(ctx: RequestContext, app: AppSettings, grant: issue.Grant, user: Optional[Dict[str, Any]], now: int,
            nonce: Optional[str] = None) -> Dict[str, Any]:
    access, expires_in = issue.access_token(ctx, app, grant, now)
    answer: Dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": expires_in,
                              "scope": grant.scope}
    if grant.protocol == issue.OIDC and user is not None and "openid" in grant.scopes:
        answer["id_token"] = issue.id_token(ctx, app, grant, user, now, access=access, nonce=nonce)
    return answer


def _refresh_grant(ctx: RequestContext, app: AppSettings, form: Dict[str, str], protocol: str,
                   now: int) -> Dict[str, Any]:
    client_id = app.client_id
    token = form.get("refresh_token")
    if not token:
        raise OAuthError("invalid_request", "refresh_token is required")
    record = issue.token_record(ctx, token, protocol)
    if record is None or record["kind"] != "refresh" or record["client_id"] != client_id:
        raise OAuthError("invalid_grant", "the refresh token is invalid, expired or revoked")
    grant = issue.Grant.from_record(record)
    if form.get("scope"):
        wanted = form["scope"].split()
        if not set(wanted) <= set(grant.scopes):
            raise OAuthError("invalid_scope", "a refresh cannot widen the scope")
        grant.scope = " ".join(wanted)
    user = users.get_user(ctx.store, record["user_id"]) if record["user_id"] else None
    answer = _tokens(ctx, app, grant, user, now)
    answer["refresh_token"] = token
    return answer


_GRANTS = {"authorization_code": _code_grant, "refresh_token": _refresh_grant}


def token(ctx: RequestContext, req: Request, protocol: str) -> Raw:
    try:
        form = _form(req)
        grant_type = form.get("grant_type")
        if grant_type == "client_credentials":
            if protocol != issue.OIDC:
                raise OAuthError("unsupported_grant_type", "client_credentials is served at /oidc/token")
            return Raw(machine.client_credentials(ctx, req, form, int(time.time())), headers=_NO_STORE)
        app = clients.authenticate_client(ctx, req, "token_endpoint_auth_method")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required")
        handler = _GRANTS.get(grant_type)
        if handler is None:
            raise OAuthError("unsupported_grant_type", "grant_type %r is not supported" % grant_type)
        if not app.allows(grant_type):
            raise OAuthError("unauthorized_client", "the application may not use the %s grant" % grant_type)
        return Raw(handler(ctx, app, form, protocol, int(time.time())), headers=_NO_STORE)
    except OAuthError as exc:
        return exc.response()


def _presented_token(ctx: RequestContext, req: Request, protocol: str, method: str) -> Tuple[str, Optional[Dict[str, Any]]]:
    """``(token, live record)`` of an introspection or revocation request, after client
    authentication by the endpoint's ``method`` setting; the record is None for tokens that are
    not live or belong to another client."""
    form = _form(req)
    app = clients.authenticate_client(ctx, req, method)
    if "token" not in form:
        raise OAuthError("invalid_request", "token is required")
    record = issue.token_record(ctx, form["token"], protocol)
    if record is not None and app.client_id not in (record["client_id"], machine.application_of(ctx, record)):
        record = None
    return form["token"], record


def introspect(ctx: RequestContext, req: Request, protocol: str) -> Raw:
    try:
        _, record = _presented_token(ctx, req, protocol, "introspection_endpoint_auth_method")
        return Raw(issue.introspection(ctx, record), headers=_NO_STORE)
    except OAuthError as exc:
        return exc.response()


def revoke(ctx: RequestContext, req: Request, protocol: str) -> Raw:
    """Revoke an access token, or a refresh token with every token of its grant; unknown
    tokens are no error (RFC 7009 section 2.2).  HTTP 200 with an empty body."""
    try:
        token, record = _presented_token(ctx, req, protocol, "revocation_endpoint_auth_method")
        if record is not None:
            if record["kind"] == "refresh":
                state.revoke_grant(ctx.store, record["grant_id"])
            else:
                state.revoke_token(ctx.store, record["claims"].get("jti") or token)
        return Raw(b"", content_type="text/plain; charset=utf-8", headers=_NO_STORE)
    except OAuthError as exc:
        return exc.response()


def userinfo(ctx: RequestContext, req: Request, protocol: str) -> Raw:
    """The claims the access token's scopes allow (``Authorization: Bearer``, or
    ``access_token`` in the query or the form)."""
    header = (req.header("Authorization") or "").strip()
    scheme, _, value = header.partition(" ")
    form = req.body if isinstance(req.body, dict) else {}
    given = value.strip() if scheme.lower() == "bearer" else req.query.get("access_token") or form.get("access_token")
    if not given:
        return OAuthError("invalid_request", "send the access token (Authorization: Bearer)", 401).response()
    record = issue.token_record(ctx, given, protocol)
    user = None
    if record is not None and record["kind"] == "access" and record["user_id"]:
        user = users.get_user(ctx.store, record["user_id"])
    if record is None or user is None:
        return OAuthError("invalid_token", "the access token is invalid, expired or revoked", 401).response()
    scopes = tuple(record["scope"].split()) if protocol == issue.OIDC else ("profile", "email", "phone", "address")
    return Raw(issue.user_claims(user, scopes), headers=_NO_STORE)
