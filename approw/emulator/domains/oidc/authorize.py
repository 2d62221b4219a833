"""The authorization endpoints (``/oidc/auth``, ``/oauth/auth``) and logout.

An authorization request is checked in the order RFC 6749 section 4.1.2.1 asks for: an
unknown ``client_id`` or a ``redirect_uri`` that is not registered is shown to the user
(never redirected); every later problem is sent to the client's ``redirect_uri`` as
``error``/``error_description``/``state``.  OpenID Connect requests need the ``openid``
scope; ``response_type`` may be ``code``, ``id_token``, ``id_token token``, ``code
id_token``, ``code token`` or ``code id_token token`` (OAuth 2.0: ``code`` or ``token``);
``response_mode`` ``query`` (codes only), ``fragment`` or ``form_post``.  PKCE: a
``code_challenge`` (method ``plain`` by default, or ``S256``) is kept with the code and
checked at the token endpoint.  A refresh token is granted to an OpenID Connect code flow
only with the ``offline_access`` scope and ``prompt=consent`` (else ``offline_access`` is
dropped from the granted scope); OAuth 2.0 code flows always get one.

Without a provider session (or with ``prompt=login``, or when ``max_age`` has passed) the
endpoint answers the login form; ``prompt=none`` then fails with ``login_required``.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Optional, Tuple
from urllib.parse import urlencode

from ...context import RequestContext
from ...domain import Raw, Request
from ...tokens import b64url
from ..applications import access
from ..users import state as users
from . import clients, issue, login, pages, state
from .clients import AppSettings

_RESPONSE_TYPES = {
    issue.OIDC: {frozenset(t.split()) for t in ("code", "id_token", "id_token token", "code id_token",
                                                  "code token", "code id_token token")},
    issue.OAUTH: {frozenset(["code"]), frozenset(["token"])},
}
_MODES = ("query", "fragment", "form_post")
_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}\Z")
_PROMPTS = frozenset(("none", "login", "consent", "select_account"))
_FORM_FIELDS = ("username", "password")


class Fatal(Exception):
    """A request that cannot be answered to the client: shown to the user."""


@dataclass
class AuthRequest:
    protocol: str
    client_id: str
    redirect_uri: str
    response_types: FrozenSet[str]
    mode: str
    state: Optional[str]
    scope: str = ""
    nonce: Optional[str] = None
    prompt: FrozenSet[str] = frozenset()
    max_age: Optional[int] = None
    challenge: Optional[str] = None
    method: Optional[str] = None


class Rejected(Exception):
    """An error to send to the client's redirect URI."""

    def __init__(self, request: AuthRequest, error: str, description: str) -> None:
        super().__init__(description)
        self.request = request
        self.error = error
        self.description = description

    def response(self) -> Raw:
        fields = {"error": self.error, "error_description": self.description}
        if self.request.state is not None:
            fields["state"] = self.request.state
        return respond(self.request, fields)


def respond(areq: AuthRequest, fields: Dict[str, str], headers: Tuple[Tuple[str, str], ...] = ()) -> Raw:
    """The authorization response, in the request's response mode."""
    if areq.mode == "form_post":
        return pages.form_post(areq.redirect_uri, fields, headers)
    encoded = urlencode(fields)
    if areq.mode == "fragment":
        return pages.redirect(areq.redirect_uri + "#" + encoded, headers)
    return pages.redirect(areq.redirect_uri + ("&" if "?" in areq.redirect_uri else "?") + encoded, headers)


def client_of(ctx: RequestContext, p: Dict[str, str]) -> AppSettings:
    """The application a request names in ``client_id``; unknown: shown to the user."""
    app = clients.client(ctx, p.get("client_id"))
    if app is None:
        raise Fatal("Unknown client_id %r: no application of this user pool has it." % (p.get("client_id", ""),))
    return app


def parse(ctx: RequestContext, app: AppSettings, protocol: str, p: Dict[str, str]) -> AuthRequest:
    redirect_uri = p.get("redirect_uri", "")
    if not clients.redirect_allowed(app, redirect_uri):
        raise Fatal("The redirect_uri %r is not registered for the application %s." % (redirect_uri, app.name))
    types = frozenset((p.get("response_type") or "").split())
    default_mode = "query" if types <= {"code"} else "fragment"
    mode = p.get("response_mode") or default_mode
    areq = AuthRequest(protocol, p["client_id"], redirect_uri, types, mode if mode in _MODES else default_mode,
                       p.get("state"))

    def reject(error: str, description: str) -> Rejected:
        return Rejected(areq, error, description)

    if not types:
        raise reject("invalid_request", "response_type is required")
    if types not in _RESPONSE_TYPES[protocol]:
        raise reject("unsupported_response_type", "response_type %r is not supported" % p["response_type"])
    for needed, grant in (("code", "authorization_code"), ("token", "implicit"), ("id_token", "implicit")):
        if needed in types and not app.allows(grant):
            raise reject("unauthorized_client", "the application may not use the %s grant" % grant)
    if mode not in _MODES:
        raise reject("invalid_request", "response_mode must be query, fragment or form_post")
    if mode == "query" and types != {"code"}:
        raise reject("invalid_request", "tokens are never sent in the query string (response_mode=query)")
    scopes = (p.get("scope") or ("user" if protocol == issue.OAUTH else "")).split()
    if protocol == issue.OIDC and "openid" not in scopes:
        raise reject("invalid_scope", "an OpenID Connect request needs the openid scope")
    prompt = frozenset((p.get("prompt") or "").split())
    if not prompt <= _PROMPTS or ("none" in prompt and len(prompt) > 1):
        raise reject("invalid_request", "prompt must be none, or any of login, consent, select_account")
    if protocol == issue.OIDC and "code" in types and "offline_access" in scopes and "consent" not in prompt:
        scopes.remove("offline_access")
    areq.scope = " ".join(dict.fromkeys(scopes))
    areq.prompt = prompt
    areq.nonce = p.get("nonce") or None
    if protocol == issue.OIDC and "id_token" in types and not areq.nonce:
        raise reject("invalid_request", "nonce is required when the response carries an id_token")
    if p.get("max_age"):
        if not p["max_age"].isdigit():
            raise reject("invalid_request", "max_age must be a number of seconds")
        areq.max_age = int(p["max_age"])
    challenge, method = p.get("code_challenge"), p.get("code_challenge_method")
    if challenge or method:
        if not challenge or not _CHALLENGE.match(challenge):
            raise reject("invalid_request", "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
        method = method or "plain"
        if method not in ("plain", "S256"):
            raise reject("invalid_request", "code_challenge_method must be S256 or plain")
        areq.challenge, areq.method = challenge, method
    return areq


def complete(ctx: RequestContext, app: AppSettings, areq: AuthRequest, session: Dict[str, Any],
             headers: Tuple[Tuple[str, str], ...] = ()) -> Raw:
    """Issue what ``response_type`` asks for and send it to the client."""
    user = users.get_user(ctx.store, session["user_id"])
    if user is None:
        raise Rejected(areq, "login_required", "the signed-in user no longer exists")
    if not access.may_use(ctx.store, app.client_id, user["id"]):
        raise Rejected(areq, "access_denied", "the user may not use this application")
    now = int(time.time())
    grant = issue.Grant(b64url(os.urandom(12)), areq.protocol, areq.client_id, user["id"], areq.scope,
                        areq.nonce, session["sid"], session["auth_time"])
    out: Dict[str, str] = {}
    if "code" in areq.response_types:
        out["code"] = b64url(os.urandom(24))
        offline = app.allows("refresh_token") and (areq.protocol == issue.OAUTH or "offline_access" in grant.scopes)
        state.add_code(ctx.store, {
            "code": out["code"], "grant_id": grant.grant_id, "protocol": areq.protocol, "client_id": areq.client_id,
            "user_id": user["id"], "redirect_uri": areq.redirect_uri, "scope": areq.scope, "nonce": areq.nonce,
            "challenge": areq.challenge, "challenge_method": areq.method, "sid": session["sid"],
            "auth_time": session["auth_time"], "offline": int(offline), "expires": now + app.code_lifetime})
    if "token" in areq.response_types:
        token, expires_in = issue.access_token(ctx, app, grant, now)
        out.update(access_token=token, token_type="Bearer", expires_in=str(expires_in))
    if "id_token" in areq.response_types:
        out["id_token"] = issue.id_token(ctx, app, grant, user, now, access=out.get("access_token"),
                                         code=out.get("code"), nonce=areq.nonce)
    if areq.state is not None:
        out["state"] = areq.state
    return respond(areq, out, headers)


def authorize(ctx: RequestContext, req: Request, protocol: str) -> Raw:
    """GET: the request (login form, or straight back to the client with a session).
    POST: the same request, or the login form submitted."""
    sent = pages.params(req)
    fields = {k: v for k, v in sent.items() if k not in _FORM_FIELDS}
    try:
        app = client_of(ctx, fields)
        areq = parse(ctx, app, protocol, fields)
        audience = app.name
        if req.method == "POST" and "password" in sent:
            user = login.check_credentials(ctx, sent, app.client_id)
            if isinstance(user, str):
                return pages.login_form(req.path, fields, audience, user, sent.get("username", ""))
            session, cookie = login.start_session(ctx, app, user)
            return complete(ctx, app, areq, session, (cookie,))
        found = login.current_session(ctx, req)
        if found is not None and ("login" in areq.prompt or (
                areq.max_age is not None and found["auth_time"] + areq.max_age < time.time())):
            found = None
        if found is None:
            if "none" in areq.prompt:
                raise Rejected(areq, "login_required", "the user is not signed in")
            return pages.login_form(req.path, fields, audience)
        return complete(ctx, app, areq, found)
    except Fatal as exc:
        return pages.message("Cannot continue", str(exc), 400)
    except Rejected as exc:
        return exc.response()


def _hint_claims(ctx: RequestContext, token: str) -> Optional[Dict[str, Any]]:
    """Claims of an ID token this provider issued (expired ones too), else None."""
    return issue.verify_id_token(ctx, token, allow_expired=True)


def end_session(ctx: RequestContext, req: Request) -> Raw:
    """RP-initiated logout (``/oidc/session/end``): end the provider session named by the
    cookie and by ``id_token_hint``; redirect to ``post_logout_redirect_uri`` (with ``state``)
    when the request identifies the client (hint or ``client_id``) and the URI is one of its
    redirect URIs."""
    p = pages.params(req)
    hint = p.get("id_token_hint")
    claims = _hint_claims(ctx, hint) if hint else None
    if hint and claims is None:
        return pages.message("Cannot sign out", "id_token_hint is not an ID token of this provider.", 400)
    target = p.get("post_logout_redirect_uri")
    if target:
        app = clients.client(ctx, claims["aud"] if claims else p.get("client_id"))
        if app is None:
            return pages.message("Cannot sign out", "post_logout_redirect_uri needs id_token_hint or client_id.", 400)
        if not clients.redirect_allowed(app, target):
            return pages.message("Cannot sign out", "post_logout_redirect_uri is not registered.", 400)
    _end_sessions(ctx, req, claims.get("sid") if claims else None)
    if target:
        extra = {"state": p["state"]} if p.get("state") else {}
        location = target + (("&" if "?" in target else "?") + urlencode(extra) if extra else "")
        return pages.redirect(location, (pages.clear_cookie(),))
    return pages.message("Signed out", "You have been signed out.", 200, (pages.clear_cookie(),))


def _end_sessions(ctx: RequestContext, req: Request, hinted_sid: Optional[str]) -> None:
    for sid in {pages.cookie_sid(req), hinted_sid}:
        if sid:
            state.end_session(ctx.store, sid)


def simple_logout(ctx: RequestContext, req: Request, target_param: str) -> Raw:
    """``/login/profile/logout?redirect_uri=`` and ``/cas-idp/logout?url=``: end the browser's
    session, then go to the target when it is a redirect URI of the application named by
    ``client_id`` or ``app_id`` (default: the pool's default application)."""
    _end_sessions(ctx, req, None)
    p = pages.params(req)
    target = p.get(target_param)
    app = clients.client(ctx, p.get("client_id") or p.get("app_id") or ctx.pool.app_id)
    if target and app is not None and clients.redirect_allowed(app, target):
        return pages.redirect(target, (pages.clear_cookie(),))
    if target:
        return pages.message("Signed out", "You have been signed out (%s is not an allowed address)." % target_param,
                             400, (pages.clear_cookie(),))
    return pages.message("Signed out", "You have been signed out.", 200, (pages.clear_cookie(),))
