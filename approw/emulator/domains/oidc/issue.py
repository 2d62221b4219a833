"""Issuing and reading the provider's tokens.

OpenID Connect (``/oidc``): access tokens are RS256 JWTs (``kid`` of the JWKS) with ``jti``,
``sub``, ``iat``, ``exp``, ``scope``, ``iss``, ``aud`` (the application id) and
``client_id``; ID tokens carry the claims the scopes ask for (``profile``, ``email``,
``phone``, ``address``), ``nonce`` when the request had one, ``at_hash`` / ``c_hash``
(OpenID Connect Core 3.3.2.11: left half of the SHA-256 of the token, base64url),
``auth_time``, ``sid`` and ``azp``; they are signed RS256, or HS256 with the application
secret of the application when it is configured so.  Refresh tokens and OAuth 2.0 (``/oauth``) access tokens
are opaque (40 hex digits).  Every access and refresh token is recorded (``state``), so it can
be introspected and revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from typing import Any, Dict, Optional, Tuple

from ...context import RequestContext
from ...jsonlimits import loads_limited
from ...tokens import TokenError, b64url, b64url_decode
from ..applications import state as applications
from ..users import state as users
from . import state
from .clients import AppSettings

OIDC = "oidc"
OAUTH = "oauth"

# scope -> (claim, user field) of the ID token and userinfo.
_SCOPE_CLAIMS = {
    "profile": (("name", "name"), ("family_name", "familyName"), ("given_name", "givenName"),
                ("middle_name", "middleName"), ("nickname", "nickname"), ("preferred_username", "preferredUsername"),
                ("profile", "profile"), ("picture", "photo"), ("website", "website"), ("gender", "gender"),
                ("birthdate", "birthdate"), ("zoneinfo", "zoneinfo"), ("locale", "locale"),
                ("updated_at", "updatedAt")),
    "email": (("email", "email"), ("email_verified", "emailVerified")),
    "phone": (("phone_number", "phone"), ("phone_number_verified", "phoneVerified")),
}
_ADDRESS = (("formatted", "formatted"), ("street_address", "streetAddress"), ("locality", "locality"),
            ("region", "region"), ("postal_code", "postalCode"), ("country", "country"))


def opaque() -> str:
    return os.urandom(20).hex()


def half_hash(value: str) -> str:
    """``at_hash`` / ``c_hash`` for RS256 and HS256: base64url of the left half of SHA-256."""
    return b64url(hashlib.sha256(value.encode("ascii")).digest()[:16])


def user_claims(user: Dict[str, Any], scopes: Tuple[str, ...]) -> Dict[str, Any]:
    """``sub`` plus the claims ``scopes`` ask for (OpenID Connect Core 5.4)."""
    claims: Dict[str, Any] = {"sub": user["id"]}
    for scope in scopes:
        for claim, name in _SCOPE_CLAIMS.get(scope, ()):
            claims[claim] = user.get(name)
    if "profile" in scopes and isinstance(claims.get("updated_at"), str):
        claims["updated_at"] = _epoch(claims["updated_at"])
    if "address" in scopes:
        claims["address"] = {claim: user.get(name) for claim, name in _ADDRESS}
    for claim in ("email_verified", "phone_number_verified"):
        if claim in claims:
            claims[claim] = bool(claims[claim])
    return claims


def _epoch(iso_text: str) -> Optional[int]:
    from datetime import datetime

    try:
        return int(datetime.fromisoformat(iso_text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


class Grant:
    """What one authorization allows: who, for which client, with which scope."""

    def __init__(self, grant_id: str, protocol: str, client_id: str, user_id: Optional[str], scope: str,
                 nonce: Optional[str] = None, sid: Optional[str] = None, auth_time: Optional[int] = None) -> None:
        self.grant_id = grant_id
        self.protocol = protocol
        self.client_id = client_id
        self.user_id = user_id
        self.scope = scope
        self.nonce = nonce
        self.sid = sid
        self.auth_time = auth_time

    @property
    def scopes(self) -> Tuple[str, ...]:
        return tuple(self.scope.split())

    @classmethod
    def from_record(cls, record: Dict[str, Any]) -> "Grant":
        return cls(record["grant_id"], record["protocol"], record["client_id"], record["user_id"], record["scope"],
                   record.get("nonce"), record.get("sid"), record.get("auth_time"))

    def _record(self, key: str, kind: str, iat: int, exp: int) -> Dict[str, Any]:
        return {"key": key, "kind": kind, "grant_id": self.grant_id, "protocol": self.protocol,
                "client_id": self.client_id, "user_id": self.user_id, "scope": self.scope, "nonce": self.nonce,
                "sid": self.sid, "auth_time": self.auth_time, "iat": iat, "exp": exp}


def access_token(ctx: RequestContext, app: AppSettings, grant: Grant, now: int,
                 audience: Optional[str] = None) -> Tuple[str, int]:
    """A recorded access token -> ``(token, expires_in)``; ``aud`` is ``audience`` (default:
    the client)."""
    exp = now + app.access_token_lifetime
    if grant.protocol == OAUTH:
        token = opaque()
        state.add_token(ctx.store, grant._record(token, "access", now, exp))
        return token, app.access_token_lifetime - 1  # as the service: 3599
    jti = b64url(os.urandom(16))
    claims = {"jti": jti, "sub": grant.user_id or grant.client_id, "iat": now, "exp": exp, "scope": grant.scope,
              "iss": ctx.pool.issuer, "aud": audience or grant.client_id, "client_id": grant.client_id}
    if grant.sid:
        claims["sid"] = grant.sid
    token = ctx.pool.signing_keys().sign(claims)
    state.add_token(ctx.store, grant._record(jti, "access", now, exp))
    return token, app.access_token_lifetime


def refresh_token(ctx: RequestContext, app: AppSettings, grant: Grant, now: int) -> str:
    token = opaque()
    state.add_token(ctx.store, grant._record(token, "refresh", now, now + app.refresh_token_lifetime))
    return token


def id_token(ctx: RequestContext, app: AppSettings, grant: Grant, user: Dict[str, Any], now: int, *,
             access: Optional[str] = None, code: Optional[str] = None, nonce: Optional[str] = None) -> str:
    claims = user_claims(user, grant.scopes)
    claims.update(iss=ctx.pool.issuer, aud=grant.client_id, azp=grant.client_id, iat=now,
                  exp=now + app.id_token_lifetime)
    if grant.auth_time is not None:
        claims["auth_time"] = grant.auth_time
    if nonce:
        claims["nonce"] = nonce
    if grant.sid:
        claims["sid"] = grant.sid
    if access:
        claims["at_hash"] = half_hash(access)
    if code:
        claims["c_hash"] = half_hash(code)
    if app.id_token_alg == "HS256":
        return ctx.pool.keys.sign_hs256(claims, app.secret)
    return ctx.pool.signing_keys().sign(claims)


def token_record(ctx: RequestContext, token: str, protocol: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """The live (recorded, unrevoked, unexpired) record of an access or refresh token, with its
    JWT claims for a JWT access token; None otherwise."""
    if not isinstance(token, str) or not token or len(token) > 16384:
        return None
    claims: Dict[str, Any] = {}
    if token.count(".") == 2:
        try:
            claims = ctx.pool.keys.verify(token)
        except TokenError:
            return None
        if claims.get("iss") != ctx.pool.issuer or not isinstance(claims.get("jti"), str):
            return None
        key = claims["jti"]
    else:
        key = token
    record = state.get_token(ctx.store, key)
    if record is None or record["revoked"] or record["exp"] <= time.time():
        return None
    if protocol is not None and record["protocol"] != protocol:
        return None
    if record["user_id"] is not None and users.get_user(ctx.store, record["user_id"]) is None:
        return None
    record["claims"] = claims
    return record


def introspection(ctx: RequestContext, record: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """RFC 7662 answer for a token's live record (``{"active": false}`` for None)."""
    if record is None:
        return {"active": False}
    answer = {"active": True, "scope": record["scope"], "client_id": record["client_id"], "iat": record["iat"],
              "exp": record["exp"], "iss": ctx.pool.issuer, "aud": record["client_id"],
              "token_type": "Bearer" if record["kind"] == "access" else "refresh_token"}
    answer["sub"] = record["user_id"] or record["client_id"]
    if record["claims"].get("jti"):
        answer["jti"] = record["claims"]["jti"]
    if record["sid"]:
        answer["sid"] = record["sid"]
    user = users.get_user(ctx.store, record["user_id"]) if record["user_id"] else None
    if user is not None and user.get("username"):
        answer["username"] = user["username"]
    return answer


def verify_id_token(ctx: RequestContext, token: Any, *, allow_expired: bool = False) -> Optional[Dict[str, Any]]:
    """Claims of an ID token this provider signed (RS256, or HS256 with the secret of the
    application in ``aud``) for an application of the pool and a user that exists; None
    otherwise."""
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 16384:
        return None
    head, body, signature = token.split(".")
    try:
        header = loads_limited(b64url_decode(head).decode("utf-8"))
        alg = header.get("alg") if isinstance(header, dict) else None
        if alg == "HS256":
            claims: Dict[str, Any] = loads_limited(b64url_decode(body).decode("utf-8"))
            if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
                return None
            aud = claims.get("aud")
            secret = applications.secret(ctx.store, aud) if isinstance(aud, str) else None
            if secret is None:
                return None
            mac = hmac.new(secret.encode("utf-8"), ("%s.%s" % (head, body)).encode("ascii"), hashlib.sha256).digest()
            if not hmac.compare_digest(mac, b64url_decode(signature)):
                return None
            if claims["exp"] <= time.time() and not allow_expired:
                return None
        elif alg == "RS256":
            try:
                claims = ctx.pool.keys.verify(token)
            except TokenError as exc:
                if not (allow_expired and exc.expired and exc.claims):
                    return None
                claims = dict(exc.claims)
        else:
            return None
    except (ValueError, UnicodeDecodeError):
        return None
    aud = claims.get("aud")
    if claims.get("iss") != ctx.pool.issuer or not isinstance(aud, str) or not applications.exists(ctx.store, aud):
        return None
    if users.get_user(ctx.store, claims.get("sub")) is None:
        return None
    return claims


def live_claims(ctx: RequestContext, token: Any) -> Optional[Dict[str, Any]]:
    """Claims of a live token of the OpenID Provider: a JWT access token (recorded, not
    revoked) or an unexpired ID token; None otherwise (online validation)."""
    record = token_record(ctx, token, OIDC)
    if record is not None and record["claims"]:
        return dict(record["claims"])
    if record is None and isinstance(token, str) and token.count(".") == 2:
        claims = verify_id_token(ctx, token)
        if claims is not None and "jti" not in claims:  # a revoked access token is not an ID token
            return claims
    return None
